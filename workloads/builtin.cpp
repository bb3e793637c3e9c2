// Built-in workload generators: the networks of docs/workloads.md (each with its source), with
// Tailor's skip variants (keep / remove / shorten) as graph rewrites.
#include "common/error.hpp"
#include "common/text.hpp"
#include "workloads/workload.hpp"

#include <fmt/format.h>
#include <functional>
#include <map>

namespace accsim {

namespace {

// Index of the graph input when used as a producer.
constexpr int graph_input = -1;

// Appends layers with their output shapes inferred, so a generator only states what the paper
// states (kernel, stride, channels).
class Builder {
public:
    Builder(std::string name, Shape input, int weight_bits, int act_bits)
        : weight_bits_(weight_bits), act_bits_(act_bits) {
        g_.name = std::move(name);
        g_.input = input;
    }

    Shape shape(int from) const { return from == graph_input ? g_.input : g_.layers[from].out; }

    int conv(const std::string& name, int from, int kernel, int stride, int out_c, Activation act,
             bool skip_path = false, Padding padding = Padding::same) {
        Layer l = base(name, Op::conv, from);
        l.kernel_h = l.kernel_w = kernel;
        l.stride = stride;
        l.padding = padding;
        l.out.c = out_c;
        l.activation = act;
        l.skip_path = skip_path;
        return push(l);
    }
    int dense(const std::string& name, int from, int out, Activation act) {
        Layer l = base(name, Op::dense, from);
        l.out.c = out;
        l.activation = act;
        return push(l);
    }
    int pool(const std::string& name, int from, int kernel, int stride, PoolKind kind) {
        Layer l = base(name, Op::pool, from);
        l.kernel_h = l.kernel_w = kernel;
        l.stride = stride;
        l.pool = kind;
        return push(l);
    }
    int global_pool(const std::string& name, int from) {
        Layer l = base(name, Op::global_pool, from);
        l.pool = PoolKind::avg;
        return push(l);
    }
    int downsample(const std::string& name, int from, int stride, int out_c) {
        Layer l = base(name, Op::downsample, from);
        l.stride = stride;
        l.out.c = out_c;
        l.skip_path = true;
        return push(l);
    }
    int relu(const std::string& name, int from) { return push(base(name, Op::relu, from)); }
    // Element-wise op: inputs[0] is the main branch, inputs[1] the skip (or the subtrahend).
    int binary(const std::string& name, Op op, int a, int b, Activation act) {
        Layer l = base(name, op, a);
        l.inputs = {a, b};
        l.activation = act;
        return push(l);
    }
    Layer& layer(int i) { return g_.layers[i]; }
    // Layers added from now on read activations of `bits` (the first layer reads the input's).
    void set_act_bits(int bits) { act_bits_ = bits; }
    int flatten(const std::string& name, int from) {
        Layer l = base(name, Op::flatten, from);
        l.out = {1, 1, int(l.in.elements())};
        g_.layers.push_back(std::move(l));
        return int(g_.layers.size()) - 1;
    }

    Graph finish() {
        g_.validate("builtin workload '" + g_.name + "'");
        return std::move(g_);
    }

private:
    Layer base(const std::string& name, Op op, int from) const {
        Layer l;
        l.name = name;
        l.op = op;
        if (from != graph_input) l.inputs = {from};
        l.in = shape(from);
        l.out = l.in;
        l.weight_bits = weight_bits_;
        l.act_bits = act_bits_;
        return l;
    }
    int push(Layer l) {
        l.out = infer_out(l);
        g_.layers.push_back(std::move(l));
        return int(g_.layers.size()) - 1;
    }

    Graph g_;
    int weight_bits_, act_bits_;
};

std::string variant_name(const std::string& name, SkipMode skip) {
    return skip == SkipMode::keep ? name : name + "-" + to_string(skip);
}

// One residual block: a chain of convs, and how its shortcut is built when the shape changes.
struct ConvSpec {
    std::string name;
    int kernel, stride, out_c;
};
enum class Shortcut {
    projection, // 1x1 conv with the block's stride (ResNet-8, ResNet-50; Tailor)
    downsample  // parameter-free: subsample and zero-pad channels (ResNet-20, He et al. option A)
};
struct BlockNames {
    std::string prefix; // "s2", "conv3_block1"
    std::string proj;   // name of the shortcut layer in `keep` ("s2_proj", "conv3_block1_0_conv")
    std::string add;    // name of the add in `keep`
};

// Adds one block after `from` and returns the block's output.
//  keep:    conv -> relu -> ... -> conv, add(main, shortcut) with ReLU fused.
//  remove:  the convs alone, ReLU after every one (the add's ReLU moves onto the last conv).
//  shorten: every conv becomes its own block: conv (linear) -> add(conv, short skip) -> ReLU,
//           the short skip being identity, or a projection / downsample where the conv changes
//           the shape (Tailor, models.py).
int residual_block(Builder& b, int from, const std::vector<ConvSpec>& convs, const BlockNames& n,
                   Shortcut shortcut, SkipMode skip) {
    auto make_shortcut = [&](const std::string& name, int src, int stride, int out_c) {
        Shape s = b.shape(src);
        Shape want = {(s.h + stride - 1) / stride, (s.w + stride - 1) / stride, out_c};
        if (want == s) return src;
        if (shortcut == Shortcut::downsample) return b.downsample(name, src, stride, out_c);
        return b.conv(name, src, 1, stride, out_c, Activation::linear, /*skip_path=*/true);
    };
    if (skip == SkipMode::shorten) {
        int x = from;
        for (std::size_t i = 0; i < convs.size(); ++i) {
            const auto& c = convs[i];
            std::string k = std::to_string(i + 1);
            int main = b.conv(c.name, x, c.kernel, c.stride, c.out_c, Activation::linear);
            std::string sc_name =
                n.prefix + (shortcut == Shortcut::downsample ? "_down" : "_proj") + k;
            int sc = make_shortcut(sc_name, x, c.stride, c.out_c);
            x = b.binary(n.prefix + "_add" + k, Op::add, main, sc, Activation::relu);
        }
        return x;
    }
    int x = from, stride = 1;
    for (std::size_t i = 0; i < convs.size(); ++i) {
        const auto& c = convs[i];
        bool last = i + 1 == convs.size();
        Activation act =
            (!last || skip == SkipMode::remove) ? Activation::relu : Activation::linear;
        x = b.conv(c.name, x, c.kernel, c.stride, c.out_c, act);
        stride *= c.stride;
    }
    if (skip == SkipMode::remove) return x;
    int sc = make_shortcut(n.proj, from, stride, convs.back().out_c);
    return b.binary(n.add, Op::add, x, sc, Activation::relu);
}

// MLPerf Tiny ResNet-8 (mlcommons/tiny, benchmark/training/image_classification): BN folded,
// 'same' padding.
Graph resnet8(SkipMode skip) {
    Builder b(variant_name("resnet8", skip), {32, 32, 3}, 8, 8);
    int x = b.conv("conv1", graph_input, 3, 1, 16, Activation::relu);
    const int widths[] = {16, 32, 64};
    for (int s = 0; s < 3; ++s) {
        std::string p = fmt::format("s{}", s + 1);
        int stride = s == 0 ? 1 : 2;
        x = residual_block(b, x,
                           {{p + "_conv1", 3, stride, widths[s]}, {p + "_conv2", 3, 1, widths[s]}},
                           {p, p + "_proj", p + "_add"}, Shortcut::projection, skip);
    }
    x = b.global_pool("pool", x); // AveragePooling2D(8) over the 8x8 map
    b.dense("fc", x, 10, Activation::linear);
    return b.finish();
}

// ResNet-20 for CIFAR-10 (He et al. 2016, section 4.2): identity shortcuts, zero-padded where the
// channels grow (option A), so shortcuts carry no weights.
Graph resnet20(SkipMode skip) {
    Builder b(variant_name("resnet20", skip), {32, 32, 3}, 8, 8);
    int x = b.conv("conv1", graph_input, 3, 1, 16, Activation::relu);
    const int widths[] = {16, 32, 64};
    for (int s = 0; s < 3; ++s)
        for (int k = 0; k < 3; ++k) {
            std::string p = fmt::format("s{}_b{}", s + 1, k + 1);
            int stride = (s > 0 && k == 0) ? 2 : 1;
            x = residual_block(
                b, x, {{p + "_conv1", 3, stride, widths[s]}, {p + "_conv2", 3, 1, widths[s]}},
                {p, p + "_down", p + "_add"}, Shortcut::downsample, skip);
        }
    x = b.global_pool("pool", x);
    b.dense("fc", x, 10, Activation::linear);
    return b.finish();
}

// One ResNet-20 residual block of stage 1 (32x32x16), the unit NonResNet (Weng et al. 2021)
// builds with and without its skip. The block's input is the previous block's ReLU output, kept as
// a relu layer so that the identity shortcut has a layer to read.
Graph resnet20_block(SkipMode skip) {
    Builder b(variant_name("resnet20_block", skip), {32, 32, 16}, 8, 8);
    int x = b.relu("block_in", graph_input);
    residual_block(b, x, {{"conv1", 3, 1, 16}, {"conv2", 3, 1, 16}}, {"block", "down", "add"},
                   Shortcut::downsample, skip);
    return b.finish();
}

// Keras ResNet50 (tf.keras.applications, v1): stride on the first 1x1 conv of a downsampling block;
// layer names follow Keras. Keras pads 3 (conv1) and 1 (pool1) explicitly and uses 'valid'; 'same'
// gives the same output sizes (112, 56).
Graph resnet50(SkipMode skip) {
    Builder b(variant_name("resnet50", skip), {224, 224, 3}, 8, 8);
    int x = b.conv("conv1_conv", graph_input, 7, 2, 64, Activation::relu);
    x = b.pool("pool1_pool", x, 3, 2, PoolKind::max);
    const int blocks[] = {3, 4, 6, 3}, widths[] = {64, 128, 256, 512};
    for (int s = 0; s < 4; ++s)
        for (int k = 0; k < blocks[s]; ++k) {
            std::string p = fmt::format("conv{}_block{}", s + 2, k + 1);
            int stride = (s > 0 && k == 0) ? 2 : 1;
            int w = widths[s];
            x = residual_block(b, x,
                               {{p + "_1_conv", 1, stride, w},
                                {p + "_2_conv", 3, 1, w},
                                {p + "_3_conv", 1, 1, 4 * w}},
                               {p, p + "_0_conv", p + "_add"}, Shortcut::projection, skip);
        }
    x = b.global_pool("avg_pool", x);
    b.dense("predictions", x, 1000, Activation::linear);
    return b.finish();
}

// MittOS precise linear predictor (Weng & Chien, AccML 2020, Table 1). 16-bit as EIE runs it.
Graph mittos_precise_linear() {
    Builder b("mittos_precise_linear", {1, 1, 110}, 16, 16);
    const int sizes[] = {352, 352, 352, 352, 352, 128, 32, 1};
    int x = graph_input;
    for (int i = 0; i < 8; ++i)
        x = b.dense(fmt::format("fc{}", i + 1), x, sizes[i],
                    i < 7 ? Activation::relu : Activation::linear);
    return b.finish();
}

// MittOS good custom predictor (Table 1): the paper only draws the wiring, so this is our choice
// (docs/workloads.md): x = in_dense(input); two branches of four 128x128 layers on x; their
// difference, plus x, then ReLU; then 128 -> 32 -> 16 -> 1. Dense layers are linear.
Graph mittos_good_custom(SkipMode skip) {
    std::string name = skip == SkipMode::remove ? variant_name("mittos_good_custom", skip)
                                                : std::string("mittos_good_custom");
    Builder b(name, {1, 1, 110}, 16, 16);
    int x = b.dense("in_dense", graph_input, 128, Activation::linear);
    int a = x, c = x;
    for (int i = 1; i <= 4; ++i) a = b.dense(fmt::format("a{}", i), a, 128, Activation::linear);
    for (int i = 1; i <= 4; ++i) c = b.dense(fmt::format("b{}", i), c, 128, Activation::linear);
    int y = b.binary("sub", Op::sub, a, c, Activation::linear);
    // The add with x is the network's only skip; `shorten` has no two-conv block to split.
    if (skip != SkipMode::remove) y = b.binary("add", Op::add, y, x, Activation::linear);
    y = b.relu("relu", y);
    y = b.dense("fc1", y, 32, Activation::linear);
    y = b.dense("fc2", y, 16, Activation::linear);
    b.dense("fc3", y, 1, Activation::linear);
    return b.finish();
}

// LinnOS (Hao et al., OSDI 2020): 31 -> 256 (ReLU) -> 2.
Graph linnos() {
    Builder b("linnos", {1, 1, 31}, 16, 16);
    int x = b.dense("fc1", graph_input, 256, Activation::relu);
    b.dense("fc2", x, 2, Activation::linear);
    return b.finish();
}

// The MLPerf Tiny v0.7 hls4ml / FINN submissions (Borras et al., "Open-source FPGA-ML codesign
// for the MLPerf Tiny Benchmark", 2022; mlcommons/tiny_results_v0.7, open/hls4ml-finn). A layer's
// act_bits is the width of the activations it reads.

// RN07 (hls4ml, 8/8): convs without skips or pooling, "same" padding, ReLU; 6,410,240 MACs.
Graph mlperf_rn07() {
    Builder b("mlperf_rn07", {32, 32, 3}, 8, 8);
    int x = b.conv("conv0", graph_input, 1, 1, 32, Activation::relu);
    x = b.conv("conv1", x, 4, 1, 4, Activation::relu);
    x = b.conv("conv2", x, 4, 1, 32, Activation::relu);
    x = b.conv("conv3", x, 4, 4, 32, Activation::relu); // 32x32 -> 8x8
    x = b.conv("conv4", x, 4, 1, 32, Activation::relu);
    x = b.flatten("flatten", x);
    b.dense("dense", x, 10, Activation::linear);
    return b.finish();
}

// AD08 (hls4ml, 12-bit weights, 6-bit activations): the dense autoencoder 64-72-72-8-72-72-64,
// ReLU except the last layer; 20,736 MACs.
Graph mlperf_ad08() {
    Builder b("mlperf_ad08", {1, 1, 64}, 12, 6);
    int x = graph_input;
    const int widths[] = {72, 72, 8, 72, 72};
    for (int k = 0; k < 5; ++k)
        x = b.dense(fmt::format("dense{}", k), x, widths[k], Activation::relu);
    b.dense("dense5", x, 64, Activation::linear);
    return b.finish();
}

// KWS-W3A3 (FINN): the MLP 490-256-256-256-12, 3-bit weights and ReLU activations, 8-bit input;
// 259,584 MACs.
Graph mlperf_kws_w3a3() {
    Builder b("mlperf_kws_w3a3", {1, 1, 490}, 3, 8);
    int x = b.dense("fc0", graph_input, 256, Activation::relu);
    b.set_act_bits(3);
    x = b.dense("fc1", x, 256, Activation::relu);
    x = b.dense("fc2", x, 256, Activation::relu);
    b.dense("fc3", x, 12, Activation::linear);
    return b.finish();
}

// CNV-W1A1 (FINN): 3x3 convs without padding 64, 64, pool, 128, 128, pool, 256, 256, then dense
// 512, 512, 10; 1-bit weights and activations, 8-bit input; 59,461,376 MACs. The image first
// passes the network's 8-bit input quantizer (Brevitas QuantIdentity in BNN-PYNQ's CNV), which
// FINN builds as a multi-threshold unit (Thresholding_Batch_0 of the published folding): here the
// stand-alone relu `input_quant`, which accsim's FINN style models as that unit.
Graph mlperf_cnv_w1a1() {
    Builder b("mlperf_cnv_w1a1", {32, 32, 3}, 1, 8);
    auto conv = [&](const char* name, int from, int out_c) {
        return b.conv(name, from, 3, 1, out_c, Activation::relu, false, Padding::valid);
    };
    int x = b.relu("input_quant", graph_input);
    x = conv("conv0", x, 64); // 30x30
    b.set_act_bits(1);
    x = conv("conv1", x, 64);                    // 28x28
    x = b.pool("pool0", x, 2, 2, PoolKind::max); // 14x14
    x = conv("conv2", x, 128);                   // 12x12
    x = conv("conv3", x, 128);                   // 10x10
    x = b.pool("pool1", x, 2, 2, PoolKind::max); // 5x5
    x = conv("conv4", x, 256);                   // 3x3
    x = conv("conv5", x, 256);                   // 1x1
    x = b.dense("fc0", x, 512, Activation::relu);
    x = b.dense("fc1", x, 512, Activation::relu);
    b.dense("fc2", x, 10, Activation::linear);
    return b.finish();
}

// EIE benchmark layers (Han et al., ISCA 2016, Table III): 16-bit weights and activations.
struct EieLayer {
    const char* name;
    const char* layer;
    int in, out;
    double weight_density, act_density;
};
const EieLayer eie_layers[] = {
    {"eie_alex6", "alex6", 9216, 4096, 0.09, 0.351},
    {"eie_alex7", "alex7", 4096, 4096, 0.09, 0.353},
    {"eie_alex8", "alex8", 4096, 1000, 0.25, 0.375},
    {"eie_vgg6", "vgg6", 25088, 4096, 0.04, 0.183},
    {"eie_vgg7", "vgg7", 4096, 4096, 0.04, 0.375},
    {"eie_vgg8", "vgg8", 4096, 1000, 0.23, 0.411},
    {"eie_nt_we", "nt_we", 4096, 600, 0.10, 1.0},
    {"eie_nt_wd", "nt_wd", 600, 8791, 0.11, 1.0},
    {"eie_nt_lstm", "nt_lstm", 1201, 2400, 0.10, 1.0},
};

Graph eie_layer(const EieLayer& e) {
    Builder b(e.name, {1, 1, e.in}, 16, 16);
    int x = b.dense(e.layer, graph_input, e.out, Activation::linear);
    b.layer(x).weight_density = e.weight_density;
    b.layer(x).act_density = e.act_density;
    return b.finish();
}

struct Generator {
    BuiltinInfo info;
    std::function<Graph(SkipMode)> make;
};

const std::vector<Generator>& generators() {
    static const std::vector<Generator> all = [] {
        std::vector<Generator> g = {
            {{"resnet8", "ResNet-8, CIFAR-10 32x32x3 (MLPerf Tiny image classification)"}, resnet8},
            {{"resnet20", "ResNet-20, CIFAR-10 32x32x3, identity shortcuts (He et al. 2016)"},
             resnet20},
            {{"resnet20_block",
              "one ResNet-20 residual block, 32x32x16, identity shortcut (NonResNet, 2021)"},
             resnet20_block},
            {{"resnet50", "ResNet-50, ImageNet 224x224x3, Keras layer shapes (as used by Tailor)"},
             resnet50},
            {{"mittos_precise_linear",
              "MittOS precise linear SSD latency predictor, 8 dense layers (AccML 2020)"},
             [](SkipMode) { return mittos_precise_linear(); }},
            {{"mittos_good_custom",
              "MittOS good custom SSD latency predictor, 12 dense layers (AccML 2020)"},
             mittos_good_custom},
            {{"linnos", "LinnOS SSD latency predictor, dense 31-256-2 (OSDI 2020)"},
             [](SkipMode) { return linnos(); }},
            {{"mlperf_rn07", "MLPerf Tiny RN07 (hls4ml): 5 convs and a dense, no skips, 8-bit"},
             [](SkipMode) { return mlperf_rn07(); }},
            {{"mlperf_ad08", "MLPerf Tiny AD08 (hls4ml): dense autoencoder 64-72-72-8-72-72-64, "
                             "12-bit weights, 6-bit activations"},
             [](SkipMode) { return mlperf_ad08(); }},
            {{"mlperf_kws_w3a3", "MLPerf Tiny KWS (FINN): MLP 490-256-256-256-12, 3-bit"},
             [](SkipMode) { return mlperf_kws_w3a3(); }},
            {{"mlperf_cnv_w1a1",
              "MLPerf Tiny CNV (FINN): input quantizer, 6 convs, 2 pools, 3 dense, 1-bit"},
             [](SkipMode) { return mlperf_cnv_w1a1(); }},
        };
        for (const auto& e : eie_layers)
            g.push_back(
                {{e.name, fmt::format("EIE benchmark layer {}x{}, {:g}% weights, "
                                      "{:g}% activations non-zero (ISCA 2016, Table III)",
                                      e.in, e.out, e.weight_density * 100, e.act_density * 100)},
                 [&e](SkipMode) { return eie_layer(e); }});
        return g;
    }();
    return all;
}

} // namespace

const std::vector<BuiltinInfo>& builtin_workloads() {
    static const std::vector<BuiltinInfo> list = [] {
        std::vector<BuiltinInfo> out;
        for (const auto& g : generators()) out.push_back(g.info);
        return out;
    }();
    return list;
}

Graph make_builtin(const std::string& name, SkipMode skip) {
    std::vector<std::string> names;
    for (const auto& g : generators()) {
        if (g.info.name == name) return g.make(skip);
        names.push_back(g.info.name);
    }
    throw InputError(fmt::format("unknown workload '{}'{}", name, did_you_mean(name, names)));
}

} // namespace accsim
