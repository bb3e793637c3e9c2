// The workload graph shared by every architecture: a DAG of layers in topological order, with
// shapes, strides, padding, bit widths, weight density and activation density.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace accsim {

enum class Op {
    conv,        // kernel_h x kernel_w convolution, stride, padding, `groups` (in.c = out.c =
                 // groups: depthwise); weights kh*kw*(in.c/groups)*out.c
    dense,       // fully connected: in.elements() -> out.c (h = w = 1)
    pool,        // kernel x kernel window, stride, max or average
    global_pool, // average over h x w -> 1 x 1 x c
    add,         // element-wise sum of two inputs of equal shape
    sub,         // element-wise difference inputs[0] - inputs[1]
    relu,        // stand-alone ReLU (most ReLUs are fused: Layer::activation)
    flatten,     // h x w x c -> 1 x 1 x (h*w*c)
    downsample,  // identity shortcut of ResNet-20 (option A): take every stride-th pixel and
                 // zero-pad channels to out.c; no weights, no MACs
    mul,         // element-wise product of two inputs of equal shape
    concat,      // the channels of two or more inputs of equal h x w, in input order
    activation,  // stand-alone element-wise activation: Layer::activation (sigmoid, tanh, ...)
    upsample,    // nearest-neighbour upsampling by `stride` in h and w
};
// same: TensorFlow's rule (output ceil(in / stride), the smaller half of the padding first);
// valid: none; explicit: Layer::pads as given (an ONNX model's pads).
enum class Padding { same, valid, explicit_pads };
enum class PoolKind { max, avg };
// linear and relu fuse into a layer's output; the others run as Op::activation layers.
enum class Activation { linear, relu, sigmoid, tanh, leaky_relu, softmax };

const char* to_string(Op op);
const char* to_string(Padding p);
const char* to_string(PoolKind p);
const char* to_string(Activation a);

struct Shape {
    int h = 1, w = 1, c = 1;
    std::int64_t elements() const { return std::int64_t(h) * w * c; }
    std::int64_t pixels() const { return std::int64_t(h) * w; }
    bool operator==(const Shape& o) const { return h == o.h && w == o.w && c == o.c; }
    bool operator!=(const Shape& o) const { return !(*this == o); }
};

// Output size along one axis: "same" -> ceil(in / stride); "valid" -> floor((in - k) / stride) + 1
// (SCALE-Sim's ceil((H - R + S) / S) is the same number).
int out_size(int in, int kernel, int stride, Padding padding);
// Padding added before the first row/column for "same" (TensorFlow's rule: the smaller half first).
int pad_before(int in, int kernel, int stride, Padding padding);

struct Layer {
    std::string name;
    Op op = Op::conv;
    std::vector<int> inputs; // indices of earlier layers; empty: reads the graph's input
    Shape in;                // shape of the (first) input
    Shape out;
    int kernel_h = 1, kernel_w = 1;
    int stride = 1;   // along the height, and along the width unless stride_w is set
    int stride_w = 0; // a conv's or pool's stride along the width where it differs; 0: `stride`
    int groups = 1;   // conv: in.c and out.c split in this many independent groups
    Padding padding = Padding::same;
    int pads[4] = {0, 0, 0, 0}; // top, left, bottom, right when padding == explicit_pads
    PoolKind pool = PoolKind::max;
    Activation activation = Activation::linear; // applied to the output (fused)
    int weight_bits = 8, act_bits = 8;
    double weight_density = 1.0; // fraction of weights that are non-zero
    double act_density = 1.0;    // fraction of input activations that are non-zero
    bool skip_path = false;      // lies on a skip branch (e.g. a 1x1 projection)
    // The real weights of a dense layer read from a model (outputs x inputs, row-major), or null.
    std::shared_ptr<const std::vector<float>> weight_values;

    bool has_weights() const { return op == Op::conv || op == Op::dense; }
    int stride_width() const { return stride_w > 0 ? stride_w : stride; }
    bool depthwise() const { return op == Op::conv && groups > 1 && groups == in.c; }
    // An element-wise layer of two inputs read in lockstep (add, sub, mul).
    bool is_join() const { return op == Op::add || op == Op::sub || op == Op::mul; }
    // Zero rows and columns around the input of a conv or pool, whatever the padding rule.
    int pad_top() const;
    int pad_left() const;
    int pad_bottom() const;
    int pad_right() const;
    // Dense counts (before pruning): weights kh*kw*Cin*Cout, MACs per output element times outputs.
    std::uint64_t weights() const;
    std::uint64_t macs() const;
    // Non-zero weights, rounded to the nearest whole weight.
    std::uint64_t nonzero_weights() const;
};

struct Graph {
    std::string name;
    Shape input;
    std::vector<Layer> layers; // topological order: inputs always refer to earlier layers

    std::uint64_t weights() const;
    std::uint64_t macs() const;
    int find(const std::string& layer_name) const; // -1 when absent
    std::vector<int> consumers(int layer) const;
    // Layers that no other layer reads: the graph's outputs.
    std::vector<int> outputs() const;
    int count(Op op) const;
    // Throws InputError (prefixed by `where`) if names repeat, an input index is not earlier, or
    // shapes do not agree with the op's rule.
    void validate(const std::string& where) const;
};

// Recomputes `out` from `in` and the layer's parameters (for conv, pool, global_pool, flatten,
// dense the rule of each op; add/sub/relu keep the shape; downsample keeps out.c).
Shape infer_out(const Layer& l);

} // namespace accsim
