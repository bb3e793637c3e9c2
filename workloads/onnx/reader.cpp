// read_onnx_model: load and check the model, walk its nodes in order (ops.cpp maps each, and
// ONNX's own shape rule checks each output, infer.cpp), then mark the skip branches.
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/text.hpp"
#include "workloads/onnx/importer.hpp"
#include "workloads/onnx/onnx.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>
#include <functional>
#include <map>
#include <onnx/checker.h>
#include <set>

namespace accsim {

const std::vector<std::string>& onnx_supported_ops() {
    static const std::vector<std::string> ops{"Conv",
                                              "Gemm",
                                              "MatMul",
                                              "MaxPool",
                                              "AveragePool",
                                              "GlobalAveragePool",
                                              "GlobalMaxPool",
                                              "Add",
                                              "Sub",
                                              "Mul",
                                              "Concat",
                                              "Relu",
                                              "Clip",
                                              "LeakyRelu",
                                              "Sigmoid",
                                              "Tanh",
                                              "Softmax",
                                              "BatchNormalization",
                                              "Pad",
                                              "Resize",
                                              "Upsample",
                                              "Flatten",
                                              "Reshape",
                                              "Transpose",
                                              "Squeeze",
                                              "Unsqueeze",
                                              "Identity",
                                              "Dropout",
                                              "Constant",
                                              "Quant (QONNX)",
                                              "BipolarQuant (QONNX)",
                                              "Trunc (QONNX)",
                                              "MultiThreshold (QONNX)"};
    return ops;
}

namespace onnx_import {

namespace {

std::vector<std::int64_t> dims_of(const onnx::TypeProto& t, bool* known) {
    std::vector<std::int64_t> d;
    *known = t.has_tensor_type() && t.tensor_type().has_shape();
    if (!*known) return d;
    for (const auto& dim : t.tensor_type().shape().dim()) {
        if (!dim.has_dim_value()) {
            d.push_back(-1); // symbolic
            continue;
        }
        d.push_back(dim.dim_value());
    }
    return d;
}

} // namespace

Importer::Importer(const std::string& path, const onnx::ModelProto& model)
    : path_(path), model_(model) {
    for (const auto& o : model.opset_import())
        opsets[o.domain() == "ai.onnx" ? "" : o.domain()] = int(o.version());
}

const onnx::OpSchema* Importer::schema_of(const onnx::NodeProto& n) const {
    const std::string domain = n.domain() == "ai.onnx" ? "" : n.domain();
    const auto v = opsets.find(domain);
    return v == opsets.end() ? nullptr
                             : onnx::OpSchemaRegistry::Schema(n.op_type(), v->second, domain);
}

namespace {

// How a refusal names node n, the index-th of its graph: by its name, else its first output, else
// its place in the graph ('#0' for the first).
std::string node_label(const onnx::NodeProto& n, int index) {
    std::string label = n.name();
    if (label.empty() && n.output_size() > 0) label = n.output(0);
    if (label.empty()) label = fmt::format("#{}", index);
    return printable(label);
}

} // namespace

void Importer::fail(const std::string& what) const {
    if (!node) throw InputError(fmt::format("{}: {}", path_, what));
    // Every refusal of a node lists what accsim reads, so the user sees what to export instead.
    const bool listed = what.find("accsim reads:") != std::string::npos;
    throw InputError(fmt::format(
        "{}: node '{}' ({}): {}{}", path_, node_label(*node, node_index),
        printable(node->op_type()), what,
        listed ? "" : fmt::format(" (accsim reads: {})", fmt::join(onnx_supported_ops(), ", "))));
}

bool Importer::has_input(int input) const {
    return input < node->input_size() && !node->input(input).empty();
}

const Value& Importer::value(int input) const {
    if (!has_input(input)) fail(fmt::format("input {} is missing", input));
    const auto it = values.find(node->input(input));
    if (it == values.end()) {
        if (is_constant(input))
            fail(fmt::format("input '{}' is a constant where accsim needs an activation",
                             node->input(input)));
        fail(fmt::format("input '{}' is made by no node before it", node->input(input)));
    }
    return it->second;
}

bool Importer::is_constant(int input) const {
    return has_input(input) &&
           (constants.count(node->input(input)) || initializers.count(node->input(input)));
}

const Constant* Importer::constant(int input) {
    if (!has_input(input)) return nullptr;
    const std::string& name = node->input(input);
    if (const auto it = constants.find(name); it != constants.end()) return &it->second;
    const auto t = initializers.find(name);
    if (t == initializers.end()) return nullptr;
    try {
        return &(constants[name] = constant_of(*t->second));
    } catch (const std::runtime_error& e) {
        fail(e.what());
    }
}

void Importer::release(int input) {
    if (has_input(input) && initializers.count(node->input(input)))
        constants.erase(node->input(input));
}

const Constant& Importer::weights(int input) {
    const Constant* c = constant(input);
    if (!c)
        fail(fmt::format("input {} ('{}') is computed at run time; accsim needs constant "
                         "weights (an initializer)",
                         input, has_input(input) ? node->input(input) : std::string()));
    return *c;
}

bool Importer::has_attr(const std::string& name) const {
    for (const auto& a : node->attribute())
        if (a.name() == name) return true;
    return false;
}

std::int64_t Importer::attr_int(const std::string& name, std::int64_t fallback) const {
    for (const auto& a : node->attribute())
        if (a.name() == name) return a.i();
    return fallback;
}

float Importer::attr_float(const std::string& name, float fallback) const {
    for (const auto& a : node->attribute())
        if (a.name() == name) return a.f();
    return fallback;
}

std::string Importer::attr_string(const std::string& name, const std::string& fallback) const {
    for (const auto& a : node->attribute())
        if (a.name() == name) return a.s();
    return fallback;
}

std::vector<std::int64_t> Importer::attr_ints(const std::string& name) const {
    for (const auto& a : node->attribute())
        if (a.name() == name) return {a.ints().begin(), a.ints().end()};
    return {};
}

Shape Importer::image_shape(const Value& v, const char* what) const {
    if (v.dims.size() != 3)
        fail(fmt::format("{} must be an image (N, C, H, W); its input has {} dimensions", what,
                         v.dims.size() + 1));
    for (auto d : v.dims)
        if (d <= 0 || d > (1 << 20))
            fail(fmt::format("{} input dimension {} is not a size accsim takes (1 to 2^20)", what,
                             d));
    return {int(v.dims[1]), int(v.dims[2]), int(v.dims[0])};
}

int Importer::add_layer(Layer l, const Value& from) {
    std::string base = node->name().empty() ? node->output(0) : node->name();
    if (base.empty()) base = node->op_type();
    std::string name = base;
    for (int k = 2; g.find(name) >= 0; ++k) name = fmt::format("{}_{}", base, k);
    l.name = name;
    if (from.layer >= 0) l.inputs = {from.layer};
    if (from.bits) l.act_bits = from.bits;
    g.layers.push_back(std::move(l));
    return int(g.layers.size()) - 1;
}

void Importer::set_output(Value v, int index) {
    if (index >= node->output_size()) return;
    const std::string& name = node->output(index);
    // The shape the model declares and ONNX's own rule for the op, where they give one, must
    // agree with accsim's rules.
    const std::vector<std::int64_t> dims = tensor_dims(v);
    auto agree = [&](const std::vector<std::int64_t>& other, const char* who, const char* why) {
        if (other.size() != dims.size()) return;
        for (std::size_t k = 0; k < dims.size(); ++k)
            if (other[k] >= 0 && other[k] != dims[k])
                fail(fmt::format("{} its output ({}) where accsim's rules give ({}){}", who,
                                 fmt::join(other, ", "), fmt::join(dims, ", "), why));
    };
    if (const auto it = declared.find(name); it != declared.end())
        agree(it->second, "the model declares", "");
    if (const auto inferred = onnx_inferred(index))
        agree(*inferred, "ONNX shape inference gives", ": an attribute accsim does not model");
    values[name] = std::move(v);
}

std::int64_t Importer::whole(float value, std::int64_t lo, std::int64_t hi,
                             const char* what) const {
    if (!(value >= float(lo) && value <= float(hi)) || value != std::round(value))
        fail(fmt::format("{} {:g} is not a whole number from {} to {}", what, value, lo, hi));
    return std::int64_t(value);
}

int Importer::foldable_producer(int input) const {
    const Value& v = value(input);
    if (v.layer < 0 || readers.at(node->input(input)) != 1) return -1;
    const Layer& l = g.layers[std::size_t(v.layer)];
    if (l.activation != Activation::linear) return -1;
    // No other reader of the layer's output, through any alias (Identity, Reshape, Quant).
    for (const auto& [name, other] : values)
        if (other.layer == v.layer && readers.count(name) && readers.at(name) > 1) return -1;
    return v.layer;
}

void Importer::map_node() {
    // Every op accsim reads has an output (the mappers name layers and values after the first).
    if (node->output_size() == 0) fail("has no output");
    const std::string& domain = node->domain();
    if (domain.empty() || domain == "ai.onnx")
        map_standard_op(*this);
    else if (is_qonnx_domain(domain))
        map_qonnx_op(*this);
    else
        fail(fmt::format("domain '{}' is not ONNX's or QONNX's; accsim reads: {}", domain,
                         fmt::join(onnx_supported_ops(), ", ")));
}

// A join whose two inputs come from different branches: the branch with fewer layers between
// the fork and the join is the skip path (a projection), as the built-in networks mark it.
void Importer::mark_skip_paths() {
    auto ancestor = [&](int a, int of) {
        std::vector<int> stack{of};
        std::set<int> seen;
        while (!stack.empty()) {
            const int i = stack.back();
            stack.pop_back();
            if (i == a) return true;
            if (i < a || !seen.insert(i).second) continue;
            for (int in : g.layers[std::size_t(i)].inputs) stack.push_back(in);
        }
        return false;
    };
    for (auto& join : g.layers) {
        if ((join.op != Op::add && join.op != Op::sub) || join.inputs.size() != 2) continue;
        std::vector<int> branch[2];
        for (int s = 0; s < 2; ++s) {
            int x = join.inputs[std::size_t(s)];
            const int other = join.inputs[std::size_t(1 - s)];
            while (x >= 0 && !ancestor(x, other) && g.layers[std::size_t(x)].inputs.size() == 1) {
                branch[s].push_back(x);
                x = g.layers[std::size_t(x)].inputs[0];
            }
        }
        const int skip = branch[0].size() < branch[1].size()   ? 0
                         : branch[1].size() < branch[0].size() ? 1
                                                               : -1;
        if (skip >= 0)
            for (int i : branch[skip]) g.layers[std::size_t(i)].skip_path = true;
    }
}

Graph Importer::run() {
    const auto& graph = model_.graph();
    g.name = std::filesystem::path(path_).stem().string();
    for (const auto& t : graph.initializer()) initializers[t.name()] = &t;
    // The shapes the model declares: of its inner tensors (value_info) and of its outputs.
    auto declare = [&](const onnx::ValueInfoProto& vi) {
        bool known = false;
        auto d = dims_of(vi.type(), &known);
        if (known && !d.empty()) declared[vi.name()] = {d.begin() + 1, d.end()};
    };
    for (const auto& vi : graph.value_info()) declare(vi);
    for (const auto& vi : graph.output()) declare(vi);
    int inputs = 0;
    for (const auto& in : graph.input()) {
        if (initializers.count(in.name())) continue; // older models list initializers as inputs
        if (++inputs > 1)
            fail(fmt::format("the model has more than one input ('{}'); accsim takes one",
                             in.name()));
        bool known = false;
        auto d = dims_of(in.type(), &known);
        if (!known || d.size() < 2)
            fail(fmt::format("input '{}' has no shape (N, ...) accsim can read", in.name()));
        if (d[0] > 1)
            fail(fmt::format("input '{}' has a batch of {}: accsim simulates one inference at a "
                             "time and takes the batch from run.batch; export with batch 1 or a "
                             "symbolic batch",
                             in.name(), d[0]));
        Value v;
        v.dims.assign(d.begin() + 1, d.end());
        for (auto x : v.dims)
            if (x <= 0)
                fail(fmt::format("input '{}' has a dimension accsim cannot size ({})", in.name(),
                                 x));
        values[in.name()] = v;
    }
    if (inputs == 0) fail("the model has no input");
    for (const auto& n : graph.node())
        for (const auto& i : n.input()) ++readers[i];
    for (const auto& o : graph.output()) ++readers[o.name()];
    for (int i = 0; i < graph.node_size(); ++i) {
        node = &graph.node(i);
        node_index = i;
        map_node();
    }
    node = nullptr;
    if (g.layers.empty())
        fail("the model has no layer accsim can simulate (conv, dense, pool, ...)");
    // The graph's input: what the first layers read.
    for (const auto& l : g.layers)
        if (l.inputs.empty()) {
            g.input = l.in;
            break;
        }
    mark_skip_paths();
    return g;
}

} // namespace onnx_import

namespace {

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

} // namespace

Graph read_onnx_model(const std::string& path) {
    onnx::ModelProto model;
    {
        std::ifstream in = open_input_file(path, max_model_bytes, std::ios::binary);
        if (!model.ParseFromIstream(&in))
            throw InputError(
                fmt::format("{}: not an ONNX model (the protobuf does not parse)", path));
    }
    try {
        onnx::checker::check_model(model);
    } catch (const std::exception& e) {
        throw InputError(
            fmt::format("{}: the ONNX checker refuses the model: {}", path, first_line(e.what())));
    }
    onnx_import::Importer im(path, model);
    // ONNX's shape rule for a node (infer.cpp) trusts the node to match its operator's schema
    // (a Conv without its weight input makes it read a null type), and the checker returns
    // early on a model with an experimental op: every node with a known schema is verified.
    std::function<void(const onnx::GraphProto&)> verify = [&](const onnx::GraphProto& g) {
        for (int i = 0; i < g.node_size(); ++i) {
            const onnx::NodeProto& node = g.node(i);
            if (const auto* schema = im.schema_of(node)) {
                try {
                    schema->Verify(node);
                } catch (const std::exception& e) {
                    throw InputError(fmt::format("{}: node '{}' ({}): {}", path,
                                                 onnx_import::node_label(node, i),
                                                 printable(node.op_type()), first_line(e.what())));
                }
            }
            for (const auto& a : node.attribute()) {
                if (a.has_g()) verify(a.g());
                for (const auto& sub : a.graphs()) verify(sub);
            }
        }
    };
    verify(model.graph());
    return im.run();
}

} // namespace accsim
