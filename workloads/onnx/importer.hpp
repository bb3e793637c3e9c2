// The state of one ONNX import, shared by the reader (model, graph walk) and the op mappers.
// Internal to workloads/onnx/.
#pragma once

#include "workloads/graph.hpp"
#include "workloads/onnx/tensors.hpp"

#include <map>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <optional>
#include <string>
#include <vector>

namespace accsim::onnx_import {

// A tensor that flows between nodes: which layer makes it (-1: the graph's input), its dims in
// ONNX order without the batch (C, H, W for an image), and what the nodes folded so far left on
// it.
struct Value {
    int layer = -1;
    std::vector<std::int64_t> dims;
    int bits = 0;               // activation width a QONNX quantizer gave it (0: none)
    int pads[4] = {0, 0, 0, 0}; // a Pad node's zeros (top, left, bottom, right) for the next conv
    bool padded = false;
};

class Importer {
public:
    Importer(const std::string& path, const onnx::ModelProto& model);
    Graph run();

    // --- used by the op mappers (ops.cpp) ---
    const onnx::NodeProto* node = nullptr; // the node being mapped
    int node_index = -1;                   // its place in the graph's list of nodes
    Graph g;
    std::map<std::string, Value> values;
    // Constants decoded so far (and the outputs of quantizers on constants); initializers are
    // decoded when a node first needs them and released after, so that a large model is not held
    // twice in memory.
    std::map<std::string, Constant> constants;
    std::map<std::string, const onnx::TensorProto*> initializers;
    std::map<std::string, const onnx::TensorProto*> constant_tensors; // Constant nodes' values
    std::map<std::string, int> readers; // how many nodes read each tensor
    // The dims (no batch) the model's value_info declares for its tensors.
    std::map<std::string, std::vector<std::int64_t>> declared;
    std::map<std::string, int> opsets; // the version of each operator domain ("": ONNX's)
    // The schema of n's operator in the model's opset (null for QONNX's and unknown ops).
    const onnx::OpSchema* schema_of(const onnx::NodeProto& n) const;

    [[noreturn]] void fail(const std::string& what) const;
    const Value& value(int input) const; // a non-constant input of the node
    bool is_constant(int input) const;
    const Constant* constant(int input); // nullptr when the input is not constant
    const Constant& weights(int input);  // a constant input, or fail
    void release(int input);             // drops a decoded initializer again
    bool has_input(int input) const;
    std::int64_t attr_int(const std::string& name, std::int64_t fallback) const;
    float attr_float(const std::string& name, float fallback) const;
    std::string attr_string(const std::string& name, const std::string& fallback) const;
    std::vector<std::int64_t> attr_ints(const std::string& name) const;
    bool has_attr(const std::string& name) const;
    // A new layer reading the node's input `from`, named after the node; returns its index.
    int add_layer(Layer l, const Value& from);
    // Gives the node's output `index` this value.
    void set_output(Value v, int index = 0);
    // The layer that makes `v` when it alone reads it and it has no fused activation yet, for
    // folding (BatchNormalization, bias, scale, ReLU); -1 otherwise.
    int foldable_producer(int input) const;
    // The H x W x C of an image value (dims C, H, W); fails for other ranks.
    Shape image_shape(const Value& v, const char* what) const;
    // The dims (no batch) of the node's output `index` by ONNX's own shape rule for the node's
    // operator, given the inputs accsim's rules shaped; none where ONNX's rule gives none
    // (infer.cpp).
    std::optional<std::vector<std::int64_t>> onnx_inferred(int index) const;
    // A whole number from a constant's float value within [lo, hi], or fail naming `what`.
    std::int64_t whole(float value, std::int64_t lo, std::int64_t hi, const char* what) const;

private:
    std::string path_;
    const onnx::ModelProto& model_;
    void map_node();
    void mark_skip_paths();
};

// Maps one node (Importer::node) onto the graph: standard ops (ops.cpp), QONNX's (qonnx.cpp).
void map_standard_op(Importer& im);
void map_qonnx_op(Importer& im);
bool is_qonnx_domain(const std::string& domain);

// The number of values of `dims`; INT64_MAX when it overflows.
std::int64_t product(const std::vector<std::int64_t>& dims);
// The dims (no batch) of the tensor a value is in the model: a padded value's with its zeros.
std::vector<std::int64_t> tensor_dims(const Value& v);

// The ops without hardware (views.cpp).
void map_alias(Importer& im, std::vector<std::int64_t> dims); // the input, with other dims
void map_flatten(Importer& im);
void map_reshape(Importer& im);
void map_transpose(Importer& im);
void map_squeeze(Importer& im, bool squeeze); // Squeeze, or Unsqueeze when false
void map_pad(Importer& im);
void map_constant(Importer& im);

} // namespace accsim::onnx_import
