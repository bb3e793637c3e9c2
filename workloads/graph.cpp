#include "workloads/graph.hpp"

#include "common/error.hpp"
#include "common/text.hpp"

#include <cmath>
#include <fmt/format.h>
#include <set>

namespace accsim {

const char* to_string(Op op) {
    switch (op) {
    case Op::conv:
        return "conv";
    case Op::dense:
        return "dense";
    case Op::pool:
        return "pool";
    case Op::global_pool:
        return "global_pool";
    case Op::add:
        return "add";
    case Op::sub:
        return "sub";
    case Op::relu:
        return "relu";
    case Op::flatten:
        return "flatten";
    case Op::downsample:
        return "downsample";
    case Op::mul:
        return "mul";
    case Op::concat:
        return "concat";
    case Op::activation:
        return "activation";
    case Op::upsample:
        return "upsample";
    }
    return "?";
}
const char* to_string(Padding p) {
    switch (p) {
    case Padding::same:
        return "same";
    case Padding::valid:
        return "valid";
    case Padding::explicit_pads:
        return "explicit";
    }
    return "?";
}
const char* to_string(PoolKind p) {
    return p == PoolKind::max ? "max" : "avg";
}
const char* to_string(Activation a) {
    switch (a) {
    case Activation::linear:
        return "linear";
    case Activation::relu:
        return "relu";
    case Activation::sigmoid:
        return "sigmoid";
    case Activation::tanh:
        return "tanh";
    case Activation::leaky_relu:
        return "leaky_relu";
    case Activation::softmax:
        return "softmax";
    }
    return "?";
}

int out_size(int in, int kernel, int stride, Padding padding) {
    if (padding == Padding::same) return (in + stride - 1) / stride;
    return in < kernel ? 0 : (in - kernel) / stride + 1;
}

int pad_before(int in, int kernel, int stride, Padding padding) {
    if (padding != Padding::same) return 0;
    int out = out_size(in, kernel, stride, padding);
    int total = std::max(0, (out - 1) * stride + kernel - in);
    return total / 2;
}

namespace {

// Total padding along one axis under same / valid.
int pad_total(int in, int kernel, int stride, Padding padding) {
    if (padding != Padding::same) return 0;
    return std::max(0, (out_size(in, kernel, stride, padding) - 1) * stride + kernel - in);
}

} // namespace

int Layer::pad_top() const {
    return padding == Padding::explicit_pads ? pads[0]
                                             : pad_before(in.h, kernel_h, stride, padding);
}
int Layer::pad_left() const {
    return padding == Padding::explicit_pads ? pads[1]
                                             : pad_before(in.w, kernel_w, stride_width(), padding);
}
int Layer::pad_bottom() const {
    return padding == Padding::explicit_pads
               ? pads[2]
               : pad_total(in.h, kernel_h, stride, padding) - pad_top();
}
int Layer::pad_right() const {
    return padding == Padding::explicit_pads
               ? pads[3]
               : pad_total(in.w, kernel_w, stride_width(), padding) - pad_left();
}

std::uint64_t Layer::weights() const {
    switch (op) {
    case Op::conv:
        return std::uint64_t(kernel_h) * kernel_w * (in.c / groups) * out.c;
    case Op::dense:
        return std::uint64_t(in.elements()) * out.c;
    default:
        return 0;
    }
}

std::uint64_t Layer::macs() const {
    switch (op) {
    case Op::conv:
        return std::uint64_t(out.elements()) * kernel_h * kernel_w * (in.c / groups);
    case Op::dense:
        return std::uint64_t(in.elements()) * out.c;
    default:
        return 0;
    }
}

std::uint64_t Layer::nonzero_weights() const {
    return static_cast<std::uint64_t>(std::llround(double(weights()) * weight_density));
}

std::uint64_t Graph::weights() const {
    std::uint64_t n = 0;
    for (const auto& l : layers) n += l.weights();
    return n;
}

std::uint64_t Graph::macs() const {
    std::uint64_t n = 0;
    for (const auto& l : layers) n += l.macs();
    return n;
}

int Graph::find(const std::string& layer_name) const {
    for (std::size_t i = 0; i < layers.size(); ++i)
        if (layers[i].name == layer_name) return int(i);
    return -1;
}

std::vector<int> Graph::consumers(int layer) const {
    std::vector<int> out;
    for (std::size_t i = 0; i < layers.size(); ++i)
        for (int in : layers[i].inputs)
            if (in == layer) out.push_back(int(i));
    return out;
}

std::vector<int> Graph::outputs() const {
    std::vector<int> out;
    for (std::size_t i = 0; i < layers.size(); ++i)
        if (consumers(int(i)).empty()) out.push_back(int(i));
    return out;
}

int Graph::count(Op op) const {
    int n = 0;
    for (const auto& l : layers) n += l.op == op;
    return n;
}

Shape infer_out(const Layer& l) {
    auto size = [&](int in, int kernel, int stride, int before, int after) {
        if (l.padding != Padding::explicit_pads) return out_size(in, kernel, stride, l.padding);
        const int padded = in + before + after;
        return padded < kernel ? 0 : (padded - kernel) / stride + 1;
    };
    const int h = size(l.in.h, l.kernel_h, l.stride, l.pads[0], l.pads[2]);
    const int w = size(l.in.w, l.kernel_w, l.stride_width(), l.pads[1], l.pads[3]);
    switch (l.op) {
    case Op::conv:
        return {h, w, l.out.c};
    case Op::pool:
        return {h, w, l.in.c};
    case Op::global_pool:
        return {1, 1, l.in.c};
    case Op::flatten:
        return {1, 1, int(l.in.elements())};
    case Op::dense:
        return {1, 1, l.out.c};
    case Op::downsample:
        return {(l.in.h + l.stride - 1) / l.stride, (l.in.w + l.stride - 1) / l.stride, l.out.c};
    case Op::add:
    case Op::sub:
    case Op::mul:
    case Op::relu:
    case Op::activation:
        return l.in;
    case Op::concat:
        return {l.in.h, l.in.w, l.out.c}; // the sum of the inputs' channels (validate checks)
    case Op::upsample:
        return {l.in.h * l.stride, l.in.w * l.stride, l.in.c};
    }
    return l.out;
}

void Graph::validate(const std::string& where) const {
    std::set<std::string> names;
    auto fail = [&](const Layer& l, const std::string& msg) {
        throw InputError(fmt::format("{}: layer '{}': {}", where, l.name, msg));
    };
    if (layers.empty()) throw InputError(fmt::format("{}: the workload has no layers", where));
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const Layer& l = layers[i];
        if (l.name.empty()) throw InputError(fmt::format("{}: layer {} has no name", where, i));
        if (!valid_utf8(l.name))
            throw InputError(fmt::format("{}: layer {}: its name is not valid UTF-8", where, i));
        if (!names.insert(l.name).second) fail(l, "name used twice");
        for (int in : l.inputs)
            if (in < 0 || in >= int(i)) fail(l, "reads a layer that is not defined before it");
        std::size_t want = l.is_join() ? 2 : 1;
        if (l.op == Op::concat) {
            if (l.inputs.size() < 2) fail(l, "concat takes two or more inputs");
        } else {
            if (!l.inputs.empty() && l.inputs.size() != want)
                fail(l, fmt::format("{} takes {} input(s), has {}", to_string(l.op), want,
                                    l.inputs.size()));
            if (l.inputs.empty() && want == 2) fail(l, "add/sub/mul needs two inputs");
        }
        if (l.op == Op::conv && (l.groups < 1 || l.in.c % l.groups != 0 || l.out.c % l.groups != 0))
            fail(l, fmt::format("groups {} must divide its {} input and {} output channels",
                                l.groups, l.in.c, l.out.c));
        if (l.op != Op::conv && l.groups != 1) fail(l, "only a conv has groups");
        if (l.op == Op::activation &&
            (l.activation == Activation::linear || l.activation == Activation::relu))
            fail(l, "an activation layer needs sigmoid, tanh, leaky_relu or softmax (relu is "
                    "the relu op)");
        if (l.op != Op::activation && l.activation != Activation::linear &&
            l.activation != Activation::relu)
            fail(l, fmt::format("{} runs as an activation layer of its own, not fused into a {}",
                                to_string(l.activation), to_string(l.op)));
        if (l.in.h <= 0 || l.in.w <= 0 || l.in.c <= 0 || l.out.h <= 0 || l.out.w <= 0 ||
            l.out.c <= 0)
            fail(l, "shapes must be positive");
        if (l.kernel_h <= 0 || l.kernel_w <= 0 || l.stride <= 0 || l.stride_w < 0)
            fail(l, "kernel and stride must be positive");
        if (l.stride_w > 0 && l.op != Op::conv && l.op != Op::pool)
            fail(l, "only a conv or a pool has a stride along the width of its own");
        if (l.padding == Padding::explicit_pads)
            for (int p : l.pads)
                if (p < 0 || p >= std::max(l.kernel_h, l.kernel_w))
                    fail(l, "explicit pads must be at least 0 and smaller than the kernel");
        if (l.weight_bits <= 0 || l.weight_bits > 32)
            fail(l, fmt::format("weight_bits {}: bit widths must be from 1 to 32", l.weight_bits));
        if (l.act_bits <= 0 || l.act_bits > 32)
            fail(l, fmt::format("act_bits {}: bit widths must be from 1 to 32", l.act_bits));
        // Every count the models take from a layer must fit 64 bits with room for sums over
        // layers and batches (2^62): elements, weights, MACs, checked before they are used.
        {
            const std::uint64_t limit = std::uint64_t(1) << 62;
            auto product = [&](std::initializer_list<std::uint64_t> f) {
                std::uint64_t p = 1;
                for (auto x : f)
                    if (__builtin_mul_overflow(p, x, &p) || p > limit) return false;
                return true;
            };
            const auto u = [](int v) { return std::uint64_t(std::max(v, 0)); };
            if (!product({u(l.in.h), u(l.in.w), u(l.in.c)}) ||
                !product({u(l.out.h), u(l.out.w), u(l.out.c)}) ||
                !product({u(l.kernel_h), u(l.kernel_w), u(l.in.c), u(l.out.c)}) ||
                !product({u(l.out.h), u(l.out.w), u(l.out.c), u(l.kernel_h), u(l.kernel_w),
                          u(l.in.c)}) ||
                !product({u(l.in.h), u(l.in.w), u(l.in.c), u(l.out.c)}))
                fail(l, "its sizes multiply to more than 2^62 (elements, weights or MACs)");
        }
        if (!(l.weight_density > 0 && l.weight_density <= 1) ||
            !(l.act_density > 0 && l.act_density <= 1))
            fail(l, "densities must be in (0, 1]");
        if (l.op == Op::concat) {
            int channels = 0;
            for (int in : l.inputs) {
                channels += layers[in].out.c;
                if (layers[in].out.h != l.in.h || layers[in].out.w != l.in.w)
                    fail(l, fmt::format("input '{}' is {}x{}, the first is {}x{}", layers[in].name,
                                        layers[in].out.h, layers[in].out.w, l.in.h, l.in.w));
            }
            if (channels != l.out.c)
                fail(l, fmt::format("its inputs have {} channels in all, its output {}", channels,
                                    l.out.c));
        }
        for (int in : l.inputs)
            if (layers[in].out != l.in && l.op != Op::dense && l.op != Op::flatten &&
                l.op != Op::concat)
                fail(l, fmt::format("input '{}' is {}x{}x{}, layer expects {}x{}x{}",
                                    layers[in].name, layers[in].out.h, layers[in].out.w,
                                    layers[in].out.c, l.in.h, l.in.w, l.in.c));
        if (l.op == Op::dense && !l.inputs.empty() &&
            layers[l.inputs[0]].out.elements() != l.in.elements())
            fail(l, "input size does not match");
        if (l.is_join() && layers[l.inputs[1]].out != l.in)
            fail(l, "its two inputs differ in shape");
        if (infer_out(l) != l.out)
            fail(l, fmt::format("output {}x{}x{} does not follow from its input and parameters",
                                l.out.h, l.out.w, l.out.c));
    }
}

} // namespace accsim
