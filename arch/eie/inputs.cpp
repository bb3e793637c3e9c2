#include "arch/eie/inputs.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/memory_budget.hpp"
#include "workloads/npy.hpp"
#include "workloads/sparse/random.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <limits>
#include <type_traits>

namespace accsim::eie {

namespace {

// Salts of the seed's independent random streams.
enum Stream : std::uint64_t { weights_stream = 1, input_stream = 2 };

std::string shape_text(const std::vector<std::size_t>& shape) {
    return fmt::format("({})", fmt::join(shape, ", "));
}

// The file of layer `l` in folder `dir` (workload.weights or workload.bias).
std::string layer_file(const std::string& dir, const Layer& l, const char* key) {
    const std::string path = (std::filesystem::path(dir) / (l.name + ".npy")).string();
    if (!path_exists(path))
        throw InputError(fmt::format("{}: layer {}: file not found ({} holds one LAYER.npy per "
                                     "dense layer)",
                                     path, l.name, key));
    return path;
}

// Element k of `a`, which must be finite.
double finite_value(const NpyMap& a, std::size_t k, const std::string& path, const Layer& l) {
    const double v = a.value(k);
    if (!std::isfinite(v))
        throw InputError(fmt::format("{}: layer {}: element {} is {}", path, l.name, k, v));
    return v;
}

// The bias vector of layer `l` (one value per output) from folder `dir`, as 32-bit floats.
std::vector<float> bias_values(const Layer& l, const std::string& dir) {
    const std::string path = layer_file(dir, l, "workload.bias");
    NpyMap b(path);
    if (b.elements() != std::size_t(l.out.c) || b.shape().size() > 2)
        throw InputError(fmt::format("{}: layer {}: bias has shape {}; expected ({},) = (outputs,)",
                                     path, l.name, shape_text(b.shape()), l.out.c));
    std::vector<float> v(b.elements());
    for (std::size_t i = 0; i < b.elements(); ++i) {
        const double x = finite_value(b, i, path, l);
        if (std::fabs(x) > double(std::numeric_limits<float>::max()))
            throw InputError(fmt::format("{}: layer {}: element {} is {:g}, beyond the range of "
                                         "32-bit floats",
                                         path, l.name, i, x));
        v[i] = float(x);
    }
    return v;
}

// Appends the bias vector as column `m.cols` (its zeros pruned like weights).
void append_bias_column(SparseColumns& m, const std::vector<float>& bias) {
    for (std::size_t i = 0; i < bias.size(); ++i) {
        if (bias[i] == 0) continue;
        m.row.push_back(std::uint32_t(i));
        m.value.push_back(bias[i]);
    }
    m.col_start.push_back(m.row.size());
    ++m.cols;
}

} // namespace

LayerImage layer_image(const Layer& l, int index, const Params& p) {
    const int rows = l.out.c, cols = int(l.in.elements());
    const std::vector<float> bias =
        p.bias_dir.empty() ? std::vector<float>{} : bias_values(l, p.bias_dir);
    const TileShape shape =
        tile_shape(rows, cols + (bias.empty() ? 0 : 1), p.pes, p.act_regs_per_pe);
    // Dense weights at `data`; not_finite() throws the error that names the first weight that
    // is not a finite 32-bit float, when the encoder finds one.
    auto image = [&](const unsigned char* data, DenseType type, auto not_finite) {
        // The encoder's masks of non-zeros (a bit per weight), and on each of two threads the
        // count and last row of the slices of the PE it reads (per pass and column).
        const ScopedClaim scratch(
            double(rows) * ((cols + 63) / 64) * 8 + 2.0 * shape.passes * shape.cols * 8,
            fmt::format("layer {}: encoding its {} x {} weights", l.name, rows, cols));
        DenseEncoder encoder(data, type, bias, shape);
        if (!encoder.finite()) {
            not_finite();
            throw InputError(
                fmt::format("layer {}: a weight is not a finite 32-bit float", l.name));
        }
        return build_layer_image(std::move(encoder), shape, p.weight_frac_bits, l.name, p.codebook);
    };
    if (!p.weights_dir.empty()) {
        const std::string path = layer_file(p.weights_dir, l, "workload.weights");
        NpyMap a(path);
        if (a.shape().size() != 2 || a.shape()[0] != std::size_t(rows) ||
            a.shape()[1] != std::size_t(cols))
            throw InputError(fmt::format(
                "{}: layer {}: weights have shape {}; expected ({}, {}) = (outputs, inputs)", path,
                l.name, shape_text(a.shape()), rows, cols));
        auto read = [&](DenseType type) {
            if (type == DenseType::float64) // weights are kept as 32-bit floats
                for (std::size_t k = 0; k < a.elements(); ++k) {
                    const double v = a.value(k);
                    if (std::isfinite(v) &&
                        std::fabs(v) > double(std::numeric_limits<float>::max()))
                        throw InputError(fmt::format("{}: layer {}: element {} is {:g}, beyond the "
                                                     "range of 32-bit floats",
                                                     path, l.name, k, v));
                }
            return image(a.data(), type, [&] {
                for (std::size_t k = 0; k < a.elements(); ++k) finite_value(a, k, path, l);
            });
        };
        switch (a.type()) {
        case NpyType::float32:
            return read(DenseType::float32);
        case NpyType::float64:
            return read(DenseType::float64);
        case NpyType::int16:
            return read(DenseType::int16);
        }
    }
    if (l.weight_values) {
        // The model's own weights (an ONNX initializer), outputs x inputs.
        const std::vector<float>& w = *l.weight_values;
        if (w.size() != std::size_t(rows) * std::size_t(cols))
            throw InputError(fmt::format("layer {}: the model holds {} weights; the layer needs "
                                         "{} x {}",
                                         l.name, w.size(), rows, cols));
        return image(reinterpret_cast<const unsigned char*>(w.data()), DenseType::float32, [&] {
            for (std::size_t k = 0; k < w.size(); ++k)
                if (!std::isfinite(w[k]))
                    throw InputError(
                        fmt::format("layer {}: the model's weight {} is {}", l.name, k, w[k]));
        });
    }
    if (std::uint64_t(rows) * std::uint64_t(cols) >= (std::uint64_t(1) << 32))
        throw InputError(fmt::format("layer {}: {} x {} weights are more than eie's weight "
                                     "generator takes (2^32)",
                                     l.name, rows, cols));
    // Uniform in [-limit, limit], scaled so that the kept weights keep the activations' variance
    // through a ReLU layer (He et al. 2015: n_in * E[w^2] = 2, with n_in the kept fan-in).
    const double d = l.weight_density, keep = 1.0 - d;
    const double fan_in = std::max(1.0, d * cols);
    const double limit = std::sqrt(6.0 / (fan_in * (1 + keep + keep * keep)));
    SparseColumns m = random_pruned(
        rows, cols, d, limit, stream_seed(p.seed, weights_stream * 1000003 + std::uint64_t(index)));
    if (!bias.empty()) append_bias_column(m, bias);
    return build_layer_image(m, p.pes, p.act_regs_per_pe, p.weight_frac_bits, l.name, p.codebook);
}

std::int16_t to_fixed(double v, int frac_bits) {
    const double scaled = std::ldexp(v, frac_bits);
    // Clamp before rounding: llround of a value beyond 64 bits is undefined.
    return std::int16_t(std::lround(std::clamp(scaled, -32768.0, 32767.0)));
}

std::vector<std::int16_t> graph_input(const Graph& g, const Params& p, std::uint64_t n) {
    const std::size_t len = std::size_t(g.input.elements());
    std::vector<std::int16_t> x(len);
    if (!p.input_path.empty()) {
        NpyMap a(p.input_path);
        if (a.elements() != len)
            throw InputError(fmt::format("{}: input has {} elements; workload {} takes {}",
                                         p.input_path, a.elements(), g.name, len));
        for (std::size_t i = 0; i < len; ++i) {
            const double v = a.value(i);
            if (!std::isfinite(v))
                throw InputError(fmt::format("{}: input element {} is {}", p.input_path, i, v));
            // int16 files hold the fixed-point codes themselves.
            x[i] = a.type() == NpyType::int16 ? std::int16_t(v) : to_fixed(v, p.act_frac_bits);
        }
        return x;
    }
    const double scale = std::ldexp(1.0, p.act_frac_bits);
    SplitMix64 rng(stream_seed(p.seed, input_stream * 1000003 + n));
    if (p.generated_input == "binary_lba") {
        // Each 8 elements are the binary digits (least significant first) of one LBA bucket
        // drawn uniformly; the last number is cut at the vector's end.
        for (std::size_t i = 0; i < len; i += 8) {
            const std::uint64_t lba = rng.below(256);
            for (std::size_t b = 0; b < 8 && i + b < len; ++b)
                x[i + b] = std::int16_t(((lba >> b) & 1) ? std::lround(scale) : 0);
        }
    } else {
        for (auto& v : x) v = std::int16_t(std::max<long>(1, std::lround(rng.uniform() * scale)));
    }
    return x;
}

void apply_density(std::vector<std::int16_t>& x, double density, int act_frac_bits,
                   std::uint64_t seed) {
    const std::size_t n = x.size();
    const std::size_t keep =
        std::min(n, std::max<std::size_t>(1, std::size_t(std::llround(density * double(n)))));
    std::vector<std::uint32_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = std::uint32_t(i);
    SplitMix64 rng(seed);
    for (std::size_t i = 0; i < keep; ++i) std::swap(order[i], order[i + rng.below(n - i)]);
    std::vector<std::int16_t> y(n, 0);
    const std::int16_t one = to_fixed(1.0, act_frac_bits);
    for (std::size_t i = 0; i < keep; ++i) {
        const auto k = order[i];
        y[k] = x[k] != 0 ? x[k] : one;
    }
    x.swap(y);
}

} // namespace accsim::eie
