#include "arch/eie/layer.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace accsim::eie {

std::uint64_t LayerImage::padding_entries() const {
    std::uint64_t n = 0;
    for (const auto& pass : tiles)
        for (const auto& t : pass) n += t.padding_entries();
    return n;
}

TileShape tile_shape(int rows, int cols, int pes, int act_regs_per_pe) {
    TileShape t;
    t.rows = rows;
    t.cols = cols;
    t.pes = pes;
    const int local_rows = (rows + pes - 1) / pes;
    t.rows_per_pass = std::min(local_rows, act_regs_per_pe);
    t.passes = std::max(1, (local_rows + act_regs_per_pe - 1) / act_regs_per_pe);
    // EIE section IV: the source registers hold 64 activations per PE (4K on 64 PEs); a longer
    // input runs in batches of at most that many.
    t.batch_cols = std::min(cols, pes * act_regs_per_pe);
    t.batches = std::max(1, (cols + t.batch_cols - 1) / std::max(1, t.batch_cols));
    return t;
}

namespace {

// Sets the image's codebook, exact() (the weights' own values, when at most 15) unless the mode
// is kmeans, else fit(), and its fixed-point codes.
template <class Exact, class Fit>
void choose_book(LayerImage& img, Exact exact_book, Fit fit, int weight_frac_bits,
                 const std::string& layer, CodebookMode mode) {
    const std::optional<Codebook> exact =
        mode == CodebookMode::kmeans ? std::nullopt : exact_book();
    if (mode == CodebookMode::exact && !exact)
        throw InputError(fmt::format(
            "layer {}: eie.codebook = exact needs at most 15 distinct non-zero weights (a 4-bit "
            "index with 0 for padding); this layer has more: use kmeans or automatic",
            layer));
    img.exact_book = exact.has_value();
    img.book = exact ? *exact : fit();
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
}

LayerImage empty_image(const TileShape& t) {
    LayerImage img;
    img.rows = t.rows;
    img.cols = t.cols;
    img.local_rows_per_pass = t.rows_per_pass;
    img.batch_cols = t.batch_cols;
    return img;
}

} // namespace

LayerImage build_layer_image(const SparseColumns& m, int pes, int act_regs_per_pe,
                             int weight_frac_bits, const std::string& layer, CodebookMode mode) {
    const TileShape shape = tile_shape(m.rows, m.cols, pes, act_regs_per_pe);
    LayerImage img = empty_image(shape);
    img.nonzero_weights = m.nonzeros();
    choose_book(
        img, [&] { return exact_codebook(m.value); }, [&] { return fit_codebook(m.value); },
        weight_frac_bits, layer, mode);
    const std::vector<std::uint8_t> codes = img.book.index_all(m.value);
    img.tiles.resize(std::size_t(shape.passes));
    for (int b = 0; b < shape.batches; ++b) {
        std::vector<InterleavedCsc> tiles = encode_interleaved_passes(
            m, codes, pes, act_regs_per_pe, shape.passes, b * shape.batch_cols,
            std::min(m.cols, (b + 1) * shape.batch_cols));
        for (int k = 0; k < shape.passes; ++k)
            img.tiles[std::size_t(k)].push_back(std::move(tiles[std::size_t(k)]));
    }
    return img;
}

LayerImage build_layer_image(DenseEncoder&& dense, const TileShape& shape, int weight_frac_bits,
                             const std::string& layer, CodebookMode mode) {
    LayerImage img = empty_image(shape);
    const DenseWeights& w = dense.weights();
    img.nonzero_weights = w.nonzeros;
    choose_book(
        img,
        [&] {
            return w.distinct.few ? std::optional<Codebook>(book_of_distinct(w.distinct.value))
                                  : std::nullopt;
        },
        [&] { return fit_codebook(w.histogram); }, weight_frac_bits, layer, mode);
    img.tiles = dense.encode(img.book);
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
    // Per batch, its columns whose activation is not zero (the CCU never broadcasts a zero).
    std::vector<std::vector<std::uint32_t>> nonzero(w.batches());
    for (std::size_t b = 0; b < w.batches(); ++b)
        for (int j = 0; j < w.tiles.front()[b].cols; ++j)
            if (x[b * std::size_t(w.batch_cols) + std::size_t(j)] != 0)
                nonzero[b].push_back(std::uint32_t(j));
    // A padding entry's code is weight_code[0] = 0 (the codebook's value 0), and its row lies
    // before the slice's next non-zero: it may be accumulated like any other entry.
    for (std::size_t k = 0; k < w.passes(); ++k) {
        const int pes = w.tiles[k].front().pes;
        for (int p = 0; p < pes; ++p) {
            // The accumulators of a pass live through all its batches.
            const PeSlices& first = w.tiles[k].front().pe[std::size_t(p)];
            acc.assign(std::size_t(first.local_rows), 0);
            for (std::size_t b = 0; b < w.batches(); ++b) {
                const PeSlices& s = w.tiles[k][b].pe[std::size_t(p)];
                const std::size_t col0 = b * std::size_t(w.batch_cols);
                for (const std::uint32_t j : nonzero[b]) {
                    const std::int64_t a = x[col0 + j];
                    int row = -1;
                    for (std::uint32_t e = s.ptr[j]; e < s.ptr[j + 1]; ++e) {
                        const CscEntry x_e = s.entries[e];
                        row += x_e.zeros() + 1;
                        acc[std::size_t(row)] +=
                            std::int64_t(w.weight_code[std::size_t(x_e.value_index())]) * a;
                    }
                }
            }
            const PeSlices& s = first;
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
