// How each standard ONNX op becomes part of the workload graph: a layer of its own, or folded into
// the layer before it (BatchNormalization, a bias, a constant scale). The ops that only relabel
// numbers are in views.cpp, QONNX's quantizers in qonnx.cpp; docs/workloads.md has the table.
#include "workloads/onnx/importer.hpp"
#include "workloads/onnx/onnx.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <optional>

namespace accsim::onnx_import {

std::int64_t product(const std::vector<std::int64_t>& d) {
    std::int64_t n = 1;
    for (auto x : d)
        if (__builtin_mul_overflow(n, x, &n)) return INT64_MAX;
    return n;
}

namespace {

// The share of non-zero values, or 1 for none.
double density_of(const std::vector<float>& v) {
    if (v.empty()) return 1.0;
    std::size_t nz = 0;
    for (float x : v) nz += x != 0.0f;
    // A layer pruned to nothing still has one weight for the model to run.
    return std::max<double>(1, double(nz)) / double(v.size());
}

// Spatial attributes of a conv or pool: kernel, strides (height, width), padding (with a Pad
// before it).
void window(Importer& im, Layer& l, const Value& in, std::int64_t kh, std::int64_t kw) {
    auto strides = im.attr_ints("strides");
    if (strides.empty()) strides = {1, 1};
    if (strides.size() != 2 || strides[0] < 1 || strides[0] > 1024 || strides[1] < 1 ||
        strides[1] > 1024)
        im.fail(fmt::format("strides ({}) must be two numbers from 1 to 1024",
                            fmt::join(strides, ", ")));
    for (auto d : im.attr_ints("dilations"))
        if (d != 1) im.fail("dilations other than 1 are not modelled");
    if (kh < 1 || kw < 1 || kh > 1024 || kw > 1024)
        im.fail(fmt::format("kernel {}x{} is not a size accsim takes (1 to 1024)", kh, kw));
    l.kernel_h = int(kh);
    l.kernel_w = int(kw);
    l.stride = int(strides[0]);
    if (strides[1] != strides[0]) l.stride_w = int(strides[1]);
    int pads[4] = {0, 0, 0, 0}; // top, left, bottom, right
    const std::string auto_pad = im.attr_string("auto_pad", "NOTSET");
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
        for (int axis = 0; axis < 2; ++axis) {
            const int n = axis ? l.in.w : l.in.h, k = axis ? l.kernel_w : l.kernel_h;
            const int s = axis ? l.stride_width() : l.stride;
            const int out = (n + s - 1) / s;
            const int total = std::max(0, (out - 1) * s + k - n);
            const int small = total / 2;
            pads[axis] = auto_pad == "SAME_UPPER" ? small : total - small;
            pads[axis + 2] = total - pads[axis];
        }
    } else if (auto_pad == "NOTSET") {
        auto p = im.attr_ints("pads");
        if (!p.empty()) {
            if (p.size() != 4) im.fail("pads must have 4 values for a 2D window");
            // ONNX: (top, left, bottom, right)
            for (int k = 0; k < 4; ++k) {
                if (p[std::size_t(k)] < 0 || p[std::size_t(k)] >= 1024)
                    im.fail("pads must be from 0 to 1023");
                pads[k] = int(p[std::size_t(k)]);
            }
        }
    } else if (auto_pad != "VALID") {
        im.fail(
            fmt::format("auto_pad '{}' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID", auto_pad));
    }
    if (in.padded)
        for (int k = 0; k < 4; ++k) pads[k] += in.pads[k];
    // The padding rule the graph knows by name, when the numbers are its.
    l.padding = Padding::same;
    bool same = l.pad_top() == pads[0] && l.pad_left() == pads[1] && l.pad_bottom() == pads[2] &&
                l.pad_right() == pads[3];
    if (!same) {
        l.padding = Padding::valid;
        if (std::any_of(pads, pads + 4, [](int p) { return p != 0; })) {
            l.padding = Padding::explicit_pads;
            std::copy(pads, pads + 4, l.pads);
        }
    }
    for (int p : pads)
        if (p >= std::max(l.kernel_h, l.kernel_w))
            im.fail("a pad as wide as the kernel adds outputs of zeros only; not modelled");
}

Value image_value(const Layer& l, int layer) {
    Value v;
    v.layer = layer;
    v.dims = {l.out.c, l.out.h, l.out.w};
    return v;
}

void map_conv(Importer& im) {
    const Value& x = im.value(0);
    const Constant& w = im.weights(1);
    if (w.dims.size() != 4) im.fail("only 2D convolutions (4-D weights) are modelled");
    const std::int64_t group = im.attr_int("group", 1);
    Layer l;
    l.op = Op::conv;
    l.in = im.image_shape(x, "Conv");
    if (group < 1 || l.in.c % group != 0 || w.dims[0] % group != 0)
        im.fail(fmt::format("group = {} must divide the {} input and {} output channels", group,
                            l.in.c, w.dims[0]));
    l.groups = int(group); // depthwise when group = channels
    if (w.dims[1] != l.in.c / group)
        im.fail(fmt::format("weights take {} input channels per group, the input has {} in {} "
                            "groups",
                            w.dims[1], l.in.c, group));
    if (w.dims[0] < 1 || w.dims[0] > (1 << 20)) im.fail("too many output channels");
    const auto ks = im.attr_ints("kernel_shape");
    if (!ks.empty() && (ks.size() != 2 || ks[0] != w.dims[2] || ks[1] != w.dims[3]))
        im.fail("kernel_shape does not match the weights");
    l.out.c = int(w.dims[0]);
    window(im, l, x, w.dims[2], w.dims[3]);
    l.out = infer_out(l);
    if (l.out.h < 1 || l.out.w < 1) im.fail("the output would be empty");
    l.weight_density = density_of(w.values);
    if (w.bits) l.weight_bits = w.bits;
    im.release(1);
    const int i = im.add_layer(l, x);
    im.set_output(image_value(im.g.layers[std::size_t(i)], i));
}

void map_pool(Importer& im, PoolKind kind) {
    const Value& x = im.value(0);
    if (im.attr_int("ceil_mode", 0) != 0) im.fail("ceil_mode = 1 is not modelled");
    const auto ks = im.attr_ints("kernel_shape");
    if (ks.size() != 2) im.fail("only 2D pooling (kernel_shape of 2) is modelled");
    Layer l;
    l.op = Op::pool;
    l.pool = kind;
    l.in = im.image_shape(x, "pooling");
    l.out.c = l.in.c;
    window(im, l, x, ks[0], ks[1]);
    l.out = infer_out(l);
    if (l.out.h < 1 || l.out.w < 1) im.fail("the output would be empty");
    const int i = im.add_layer(l, x);
    im.set_output(image_value(im.g.layers[std::size_t(i)], i));
}

void map_global_pool(Importer& im, PoolKind kind) {
    const Value& x = im.value(0);
    Layer l;
    l.op = Op::global_pool;
    l.pool = kind;
    l.in = im.image_shape(x, "global pooling");
    l.out = {1, 1, l.in.c};
    const int i = im.add_layer(l, x);
    im.set_output(image_value(im.g.layers[std::size_t(i)], i));
}

// A dense layer of `w` (outputs x inputs once transposed as needed).
void map_dense(Importer& im, const Constant& w, bool outputs_first) {
    const Value& x = im.value(0);
    if (w.dims.size() != 2) im.fail("the weight operand must be a 2-D constant");
    if (!(x.dims.size() == 1 || (x.dims.size() == 3 && x.dims[1] == 1 && x.dims[2] == 1)))
        im.fail("the input must be a vector (N, K); a batched matrix product is not modelled");
    if (x.padded) im.fail("a Pad must be followed by the conv or pool it pads");
    const std::int64_t outs = outputs_first ? w.dims[0] : w.dims[1];
    const std::int64_t ins = outputs_first ? w.dims[1] : w.dims[0];
    if (product(x.dims) != ins)
        im.fail(fmt::format("its input has {} values, the weights take {}", product(x.dims), ins));
    if (outs < 1 || outs > (1 << 24) || ins > (1 << 24)) im.fail("weights too large");
    Layer l;
    l.op = Op::dense;
    l.in = {1, 1, int(ins)};
    l.out = {1, 1, int(outs)};
    l.weight_density = density_of(w.values);
    if (w.bits) l.weight_bits = w.bits;
    // Row-major outputs x inputs, as EIE reads them.
    auto values = std::make_shared<std::vector<float>>(std::size_t(outs * ins));
    for (std::int64_t o = 0; o < outs; ++o)
        for (std::int64_t k = 0; k < ins; ++k)
            (*values)[std::size_t(o * ins + k)] =
                w.values[std::size_t(outputs_first ? o * ins + k : k * outs + o)];
    l.weight_values = values;
    im.release(1);
    const int i = im.add_layer(l, x);
    Value v;
    v.layer = i;
    v.dims = {outs};
    im.set_output(v);
}

void map_gemm(Importer& im) {
    if (im.attr_int("transA", 0) != 0) im.fail("transA = 1 is not modelled");
    map_dense(im, im.weights(1), im.attr_int("transB", 0) != 0);
    // alpha, beta and the bias C scale and shift the outputs: no hardware of their own here.
}

// Folds a node into the layer that makes its input (BatchNormalization, a bias, a scale).
void fold_into_producer(Importer& im, int input, const char* what) {
    const int p = im.foldable_producer(input);
    if (p < 0 || !im.g.layers[std::size_t(p)].has_weights())
        im.fail(
            fmt::format("{} folds only into a Conv, Gemm or MatMul that nothing else reads", what));
    im.set_output(im.value(input));
}

// Add and Sub of two activations are joins; with a constant operand (a bias) they fold into the
// layer before, as does Mul with a constant (a scale). `op` is empty for Mul.
void map_binary(Importer& im, std::optional<Op> op) {
    const bool c0 = im.is_constant(0), c1 = im.is_constant(1);
    if (c0 && c1) im.fail("both inputs are constant: nothing to compute at run time");
    if (c0 || c1) {
        fold_into_producer(im, c0 ? 1 : 0, op ? "a constant bias" : "a constant scale");
        return;
    }
    const Value &a = im.value(0), &b = im.value(1);
    if (a.dims != b.dims) im.fail("its inputs differ in shape (broadcasting is not modelled)");
    if (a.layer < 0 || b.layer < 0) im.fail("a join with the graph's input is not modelled");
    Layer l;
    l.op = op ? *op : Op::mul;
    l.in = a.dims.size() == 3 ? im.image_shape(a, "Add") : Shape{1, 1, int(product(a.dims))};
    l.out = l.in;
    const int i = im.add_layer(l, a);
    im.g.layers[std::size_t(i)].inputs = {a.layer, b.layer};
    Value v = a;
    v.layer = i;
    v.bits = 0;
    v.padded = false;
    im.set_output(v);
}

// A layer of one input that keeps its shape (relu, an activation), reading the node's input 0.
void elementwise_layer(Importer& im, Op op, Activation a) {
    const Value& x = im.value(0);
    if (x.padded) im.fail("a Pad must be followed by the conv or pool it pads");
    Layer l;
    l.op = op;
    l.activation = a;
    l.in = x.dims.size() == 3 ? im.image_shape(x, im.node->op_type().c_str())
                              : Shape{1, 1, int(product(x.dims))};
    l.out = l.in;
    Value v = x;
    v.layer = im.add_layer(l, x);
    v.bits = 0;
    im.set_output(v);
}

void map_relu(Importer& im) {
    const int p = im.foldable_producer(0);
    if (p >= 0) {
        im.g.layers[std::size_t(p)].activation = Activation::relu;
        Value v = im.value(0);
        im.set_output(v);
        return;
    }
    elementwise_layer(im, Op::relu, Activation::linear);
}

// Sigmoid, Tanh, LeakyRelu and Softmax (over the channels) as activation layers of their own.
void map_activation(Importer& im, Activation a) {
    const Value& x = im.value(0);
    if (a == Activation::softmax) {
        const std::int64_t axis = im.attr_int("axis", -1);
        const std::int64_t rank = std::int64_t(x.dims.size()) + 1;
        const bool channels = axis == 1 || axis == 1 - rank || (rank == 2 && axis == -1);
        if (!channels || (x.dims.size() == 3 && (x.dims[1] != 1 || x.dims[2] != 1)))
            im.fail("only a softmax over the channels of a vector is modelled");
    }
    elementwise_layer(im, Op::activation, a);
}

// Concat along the channels of images of one size, or of vectors.
void map_concat(Importer& im) {
    std::vector<const Value*> in;
    for (int k = 0; k < im.node->input_size(); ++k) in.push_back(&im.value(k));
    if (in.size() < 2) return map_alias(im, in.front()->dims);
    const std::int64_t rank = std::int64_t(in.front()->dims.size()) + 1;
    std::int64_t axis = im.attr_int("axis", 1);
    if (axis < 0) axis += rank;
    if (axis != 1) im.fail("only a concat along the channels (axis 1) is modelled");
    std::int64_t channels = 0;
    for (const Value* v : in) {
        if (v->layer < 0) im.fail("a concat with the graph's input is not modelled");
        if (v->padded) im.fail("a Pad must be followed by the conv or pool it pads");
        if (v->dims.size() != in.front()->dims.size() ||
            !std::equal(v->dims.begin() + 1, v->dims.end(), in.front()->dims.begin() + 1))
            im.fail("its inputs differ in size beyond their channels");
        channels += v->dims[0];
    }
    if (channels > (1 << 20)) im.fail("too many channels");
    Layer l;
    l.op = Op::concat;
    l.in = in.front()->dims.size() == 3 ? im.image_shape(*in.front(), "Concat")
                                        : Shape{1, 1, int(in.front()->dims[0])};
    l.out = {l.in.h, l.in.w, int(channels)};
    const int i = im.add_layer(l, *in.front());
    im.g.layers[std::size_t(i)].inputs.clear();
    for (const Value* v : in) im.g.layers[std::size_t(i)].inputs.push_back(v->layer);
    Value v;
    v.layer = i;
    v.dims = in.front()->dims;
    v.dims[0] = channels;
    im.set_output(v);
}

// Resize (and the older Upsample) by one whole factor in H and W, nearest neighbour.
void map_resize(Importer& im) {
    const Value& x = im.value(0);
    const Shape s = im.image_shape(x, "Resize");
    if (im.attr_string("mode", "nearest") != "nearest")
        im.fail("only nearest-neighbour resizing is modelled");
    const bool upsample = im.node->op_type() == "Upsample";
    std::vector<double> scales;
    for (const auto& a : im.node->attribute())
        if (a.name() == "scales")
            for (float f : a.floats()) scales.push_back(f);
    if (scales.empty())
        if (const Constant* c = im.constant(upsample ? 1 : 2))
            for (float f : c->values) scales.push_back(f);
    if (scales.empty())
        if (const Constant* c = im.constant(3); c && c->values.size() == 4)
            scales = {c->values[0], c->values[1], double(c->values[2]) / s.h,
                      double(c->values[3]) / s.w};
    if (scales.size() != 4 || scales[0] != 1 || scales[1] != 1 || scales[2] != scales[3] ||
        scales[2] != std::round(scales[2]) || scales[2] < 1 || scales[2] > 1024)
        im.fail("only an upsampling of H and W by one whole factor is modelled");
    Layer l;
    l.op = Op::upsample;
    l.in = s;
    l.stride = int(scales[2]);
    l.out = infer_out(l);
    if (l.out.elements() > (std::int64_t(1) << 40)) im.fail("the output would be too large");
    const int i = im.add_layer(l, x);
    im.set_output(image_value(im.g.layers[std::size_t(i)], i));
}

// Clip with a lower bound of 0 (ReLU6 and its kin) costs what a ReLU costs.
void map_clip(Importer& im) {
    float lo = im.attr_float("min", -INFINITY);
    if (const Constant* c = im.constant(1); c && !c->values.empty()) lo = c->values[0];
    if (!(lo >= 0)) im.fail("only a Clip with min >= 0 (a bounded ReLU) is modelled");
    map_relu(im);
}

} // namespace

void map_standard_op(Importer& im) {
    const std::string& op = im.node->op_type();
    if (op == "Conv") return map_conv(im);
    if (op == "Gemm") return map_gemm(im);
    if (op == "MatMul") return map_dense(im, im.weights(1), false);
    if (op == "MaxPool") return map_pool(im, PoolKind::max);
    if (op == "AveragePool") return map_pool(im, PoolKind::avg);
    if (op == "GlobalAveragePool") return map_global_pool(im, PoolKind::avg);
    if (op == "GlobalMaxPool") return map_global_pool(im, PoolKind::max);
    if (op == "Add") return map_binary(im, Op::add);
    if (op == "Sub") return map_binary(im, Op::sub);
    if (op == "Mul") return map_binary(im, std::nullopt);
    if (op == "Relu") return map_relu(im);
    if (op == "Clip") return map_clip(im);
    if (op == "BatchNormalization") return fold_into_producer(im, 0, "BatchNormalization");
    if (op == "Pad") return map_pad(im);
    if (op == "Flatten") return map_flatten(im);
    if (op == "Reshape") return map_reshape(im);
    if (op == "Transpose") return map_transpose(im);
    if (op == "Squeeze") return map_squeeze(im, true);
    if (op == "Unsqueeze") return map_squeeze(im, false);
    if (op == "Identity" || op == "Dropout") return map_alias(im, im.value(0).dims);
    if (op == "Constant") return map_constant(im);
    if (op == "Sigmoid") return map_activation(im, Activation::sigmoid);
    if (op == "Tanh") return map_activation(im, Activation::tanh);
    if (op == "LeakyRelu") return map_activation(im, Activation::leaky_relu);
    if (op == "Softmax") return map_activation(im, Activation::softmax);
    if (op == "Concat") return map_concat(im);
    if (op == "Resize" || op == "Upsample") return map_resize(im);
    im.fail(fmt::format("op {} is not modelled; accsim reads: {}", op,
                        fmt::join(onnx_supported_ops(), ", ")));
}

} // namespace accsim::onnx_import
