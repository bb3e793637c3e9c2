#include "arch/eie/layer.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace accsim::eie {

LayerImage build_layer_image(const SparseColumns& m, int pes, int act_regs_per_pe,
                             int weight_frac_bits, const std::string& layer) {
    LayerImage img;
    img.rows = m.rows;
    img.cols = m.cols;
    img.nonzero_weights = m.nonzeros();
    img.book = fit_codebook(m.value);
    const double scale = std::ldexp(1.0, weight_frac_bits);
    for (int c = 0; c < Codebook::entries; ++c) {
        const double q = std::round(img.book.value[std::size_t(c)] * scale);
        if (q > 32767 || q < -32768)
            throw InputError(fmt::format(
                "layer {}: shared weight {:g} does not fit 16-bit fixed point with {} fraction "
                "bits (range +-{:g}); lower eie.weight_frac_bits",
                layer, img.book.value[std::size_t(c)], weight_frac_bits, 32768 / scale));
        img.weight_code[std::size_t(c)] = std::int16_t(q);
    }
    const std::vector<std::uint8_t> codes = img.book.index_all(m.value);

    const int local_rows = (m.rows + pes - 1) / pes;
    img.local_rows_per_pass = std::min(local_rows, act_regs_per_pe);
    const int passes = std::max(1, (local_rows + act_regs_per_pe - 1) / act_regs_per_pe);
    for (int k = 0; k < passes; ++k)
        img.passes.push_back(
            encode_interleaved(m, codes, pes, k * act_regs_per_pe, (k + 1) * act_regs_per_pe));
    return img;
}

std::int16_t saturate16(std::int64_t v) {
    return std::int16_t(std::clamp<std::int64_t>(v, -32768, 32767));
}

std::int16_t to_activation(std::int64_t accumulator, int weight_frac_bits, bool relu) {
    std::int64_t v = accumulator;
    if (weight_frac_bits > 0) {
        // Arithmetic shift with rounding half up (floor division by a power of two).
        const std::int64_t half = std::int64_t(1) << (weight_frac_bits - 1);
        v = (v + half) >> weight_frac_bits;
    }
    if (relu && v < 0) v = 0;
    return saturate16(v);
}

std::vector<std::int16_t> compute_layer(const LayerImage& w, const std::vector<std::int16_t>& x,
                                        int weight_frac_bits, bool relu) {
    std::vector<std::int16_t> y(std::size_t(w.rows), 0);
    std::vector<std::int64_t> acc;
    for (std::size_t k = 0; k < w.passes.size(); ++k) {
        const InterleavedCsc& pass = w.passes[k];
        const int pes = pass.pes;
        for (int p = 0; p < pes; ++p) {
            const PeSlices& s = pass.pe[std::size_t(p)];
            acc.assign(std::size_t(s.local_rows), 0);
            for (int j = 0; j < w.cols; ++j) {
                const std::int64_t a = x[std::size_t(j)];
                if (a == 0) continue; // the CCU never broadcasts a zero
                for_each_in_slice(s, j, [&](int row, int v) {
                    acc[std::size_t(row)] += std::int64_t(w.weight_code[std::size_t(v)]) * a;
                });
            }
            for (int r = 0; r < s.local_rows; ++r) {
                const std::size_t global =
                    (std::size_t(k) * std::size_t(w.local_rows_per_pass) + std::size_t(r)) *
                        std::size_t(pes) +
                    std::size_t(p);
                y[global] = to_activation(acc[std::size_t(r)], weight_frac_bits, relu);
            }
        }
    }
    return y;
}

} // namespace accsim::eie
