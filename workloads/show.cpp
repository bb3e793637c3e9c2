// `accsim workloads show`: a graph as JSON and as a text table.
#include "workloads/workload.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <ostream>

namespace accsim {

namespace {

nlohmann::ordered_json shape_json(const Shape& s) {
    return {s.h, s.w, s.c};
}

std::string shape_text(const Shape& s) {
    return fmt::format("{}x{}x{}", s.h, s.w, s.c);
}

// Kernel, stride and padding of the ops that have them.
bool has_window(Op op) {
    return op == Op::conv || op == Op::pool;
}

std::uint64_t nonzero_weights(const Graph& g) {
    std::uint64_t n = 0;
    for (const auto& l : g.layers) n += l.nonzero_weights();
    return n;
}

// Bytes of all weights at their bit widths, before pruning.
std::uint64_t weight_bytes(const Graph& g) {
    std::uint64_t bits = 0;
    for (const auto& l : g.layers) bits += l.weights() * std::uint64_t(l.weight_bits);
    return (bits + 7) / 8;
}

} // namespace

nlohmann::ordered_json graph_to_json(const Graph& g) {
    nlohmann::ordered_json j;
    j["name"] = g.name;
    j["input"] = {{"h", g.input.h}, {"w", g.input.w}, {"c", g.input.c}};
    j["layer_count"] = g.layers.size();
    j["macs"] = g.macs();
    j["weights"] = g.weights();
    j["nonzero_weights"] = nonzero_weights(g);
    j["weight_bytes"] = weight_bytes(g);
    j["adds"] = g.count(Op::add);
    int skip_layers = 0;
    for (const auto& l : g.layers) skip_layers += l.skip_path;
    j["skip_path_layers"] = skip_layers;
    auto layers = nlohmann::ordered_json::array();
    for (const auto& l : g.layers) {
        nlohmann::ordered_json e;
        e["name"] = l.name;
        e["op"] = to_string(l.op);
        auto inputs = nlohmann::ordered_json::array();
        for (int i : l.inputs) inputs.push_back(g.layers[i].name);
        e["inputs"] = inputs;
        e["in"] = shape_json(l.in);
        e["out"] = shape_json(l.out);
        e["kernel"] = {l.kernel_h, l.kernel_w};
        e["stride"] = l.stride;
        if (l.stride_width() != l.stride) e["stride_w"] = l.stride_width();
        if (l.op == Op::conv) e["groups"] = l.groups;
        e["padding"] = to_string(l.padding);
        if (l.padding == Padding::explicit_pads)
            e["pads"] = {l.pads[0], l.pads[1], l.pads[2], l.pads[3]}; // top, left, bottom, right
        if (l.op == Op::pool || l.op == Op::global_pool) e["pool"] = to_string(l.pool);
        e["activation"] = to_string(l.activation);
        e["weight_bits"] = l.weight_bits;
        e["act_bits"] = l.act_bits;
        e["weight_density"] = l.weight_density;
        e["act_density"] = l.act_density;
        e["weights"] = l.weights();
        e["nonzero_weights"] = l.nonzero_weights();
        e["macs"] = l.macs();
        e["skip_path"] = l.skip_path;
        layers.push_back(std::move(e));
    }
    j["layers"] = std::move(layers);
    return j;
}

void print_graph_table(const Graph& g, std::ostream& out) {
    out << fmt::format("workload {}: input {}, {} layers\n\n", g.name, shape_text(g.input),
                       g.layers.size());
    std::size_t name_w = 5, in_w = 6;
    for (const auto& l : g.layers) {
        name_w = std::max(name_w, l.name.size());
        std::string inputs;
        for (int i : l.inputs) inputs += (inputs.empty() ? "" : ",") + g.layers[i].name;
        in_w = std::max(in_w, inputs.size());
    }
    out << fmt::format("{:>3}  {:<{}}  {:<15}  {:<{}}  {:>14}  {:>14}  {:<11}  {:<6}  {:>5}  "
                       "{:>7}  {:>7}  {:>11}  {:>14}\n",
                       "#", "layer", name_w, "op", "inputs", in_w, "in", "out", "kernel/s", "act",
                       "bits", "w dens", "a dens", "weights", "MACs");
    for (std::size_t i = 0; i < g.layers.size(); ++i) {
        const Layer& l = g.layers[i];
        std::string inputs;
        for (int k : l.inputs) inputs += (inputs.empty() ? "" : ",") + g.layers[k].name;
        if (inputs.empty()) inputs = "(input)";
        // A window: kernel / stride (height x width where they differ), padding.
        const std::string stride = l.stride_width() == l.stride
                                       ? std::to_string(l.stride)
                                       : fmt::format("{}x{}", l.stride, l.stride_width());
        const char* pad = l.padding == Padding::same    ? "s"
                          : l.padding == Padding::valid ? "v"
                                                        : "p";
        std::string window = has_window(l.op)
                                 ? fmt::format("{}x{}/{} {}", l.kernel_h, l.kernel_w, stride, pad)
                             : l.op == Op::downsample ? fmt::format("/{}", l.stride)
                                                      : std::string("-");
        std::string op = to_string(l.op);
        if (l.op == Op::pool || l.op == Op::global_pool)
            op += l.pool == PoolKind::max ? " max" : " avg";
        if (l.depthwise())
            op += " dw";
        else if (l.op == Op::conv && l.groups > 1)
            op += fmt::format(" g{}", l.groups);
        if (l.skip_path) op += "*";
        out << fmt::format("{:>3}  {:<{}}  {:<15}  {:<{}}  {:>14}  {:>14}  {:<11}  {:<6}  {:>5}  "
                           "{:>7.3f}  {:>7.3f}  {:>11}  {:>14}\n",
                           i, l.name, name_w, op, inputs, in_w, shape_text(l.in), shape_text(l.out),
                           window, to_string(l.activation),
                           fmt::format("{}/{}", l.weight_bits, l.act_bits), l.weight_density,
                           l.act_density, l.weights(), l.macs());
    }
    out << fmt::format("\ntotal: {} weights ({} non-zero, {} bytes), {} MACs, {} adds\n",
                       g.weights(), nonzero_weights(g), weight_bytes(g), g.macs(),
                       g.count(Op::add));
    int skip_layers = 0;
    for (const auto& l : g.layers) skip_layers += l.skip_path;
    if (skip_layers) out << fmt::format("* on a skip path ({} layers)\n", skip_layers);
}

} // namespace accsim
