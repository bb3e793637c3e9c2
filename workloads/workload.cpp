// Skip modes, the [workload] options, and load_workload: from run.workload and run.skip to the
// graph an architecture elaborates.
#include "workloads/workload.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/text.hpp"
#include "workloads/onnx/onnx.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <set>

namespace accsim {

SkipMode parse_skip(const std::string& word) {
    if (word == "keep") return SkipMode::keep;
    if (word == "remove") return SkipMode::remove;
    if (word == "shorten") return SkipMode::shorten;
    throw InputError(fmt::format("unknown skip mode '{}': expected keep, remove or shorten{}", word,
                                 did_you_mean(word, {"keep", "remove", "shorten"})));
}

const char* to_string(SkipMode s) {
    switch (s) {
    case SkipMode::keep:
        return "keep";
    case SkipMode::remove:
        return "remove";
    case SkipMode::shorten:
        return "shorten";
    }
    return "?";
}

void register_workload_options(OptionRegistry& reg) {
    reg.add("workload.sparsity", OptType::real, "builtin", "",
            "fraction of zero weights in every layer with weights (weight density = 1 - sparsity); "
            "builtin keeps each workload's own densities")
        .range(0, 1)
        .one_of({"builtin"});
    auto& act = reg.add("workload.act_density", OptType::real, "builtin", "",
                        "fraction of non-zero input activations of every layer with weights; "
                        "builtin keeps the workload's own, computed lets the architecture measure "
                        "it from real activations")
                    .above(0)
                    .one_of({"builtin", "computed"});
    act.max = 1.0;
    reg.add("workload.weight_bits", OptType::integer, "builtin", "bits",
            "weight width of every layer; builtin keeps the workload's own (8, or 16 for EIE "
            "and the SSD predictors)")
        .range(1, 32)
        .one_of({"builtin"});
    reg.add("workload.act_bits", OptType::integer, "builtin", "bits",
            "activation width of every layer; builtin keeps the workload's own")
        .range(1, 32)
        .one_of({"builtin"});
    reg.add("workload.weights", OptType::string, "", "",
            "folder of .npy weight files, one per layer (LAYER.npy); empty: random weights with "
            "the layer's density")
        .path();
    reg.add("workload.bias", OptType::string, "", "",
            "folder of .npy bias vectors, one per layer (LAYER.npy, one value per output); "
            "empty: no biases")
        .path();
    reg.add("workload.input", OptType::string, "", "",
            "input activation vector (.npy); empty: random activations with the layer's density")
        .path();
}

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// SCALE-Sim topologies start with the header "Layer name, IFMAP Height, ...".
bool is_scalesim_topology(const std::string& path) {
    std::ifstream in = open_input_file(path, max_trace_bytes);
    std::string line;
    while (std::getline(in, line)) {
        std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        const auto cells = split(to_lower(t), ',');
        return to_lower(t).rfind("layer name", 0) == 0 ||
               (cells.size() >= 4 && trim(cells[1]) == "m" && trim(cells[2]) == "n" &&
                trim(cells[3]) == "k");
    }
    return false;
}

bool is_ancestor(const Graph& g, int anc, int of) {
    std::vector<int> stack = {of};
    std::set<int> seen;
    while (!stack.empty()) {
        int i = stack.back();
        stack.pop_back();
        if (i == anc) return true;
        if (i < anc || !seen.insert(i).second) continue; // inputs are always earlier
        for (int in : g.layers[i].inputs) stack.push_back(in);
    }
    return false;
}

} // namespace

namespace {

// `remove` on a graph without block structure (a trace file): an add or sub is a skip join when
// one input comes from a skip_path layer or is an ancestor of the other input (an identity
// shortcut). The join and the skip_path layers feeding only it are deleted; readers of the join
// read its main input instead, and a fused ReLU on the join moves onto that input (or becomes a
// relu layer of the join's name when that input has other readers).
Graph remove_skips(const Graph& g) {
    // New graph built layer by layer; map[i] = index in the new graph (or -1 = graph input).
    Graph out;
    out.name = g.name;
    out.input = g.input;
    std::vector<int> map(g.layers.size(), -2);
    std::vector<bool> dropped(g.layers.size(), false);

    // Find joins first so that skip-path layers can be dropped before they are copied.
    std::vector<int> main_of(g.layers.size(), -2); // for a removed join: its main input (old index)
    for (std::size_t i = 0; i < g.layers.size(); ++i) {
        const Layer& l = g.layers[i];
        if ((l.op != Op::add && l.op != Op::sub) || l.inputs.size() != 2) continue;
        int a = l.inputs[0], b = l.inputs[1];
        int skip = -1;
        if (g.layers[b].skip_path && !g.layers[a].skip_path)
            skip = 1;
        else if (g.layers[a].skip_path && !g.layers[b].skip_path)
            skip = 0;
        else if (is_ancestor(g, b, a))
            skip = 1;
        else if (is_ancestor(g, a, b))
            skip = 0;
        if (skip < 0) continue;
        main_of[i] = l.inputs[1 - skip];
        dropped[i] = true;
        // Walk back along the skip path while its layers feed nothing else.
        int s = l.inputs[skip];
        while (s >= 0 && g.layers[s].skip_path && g.consumers(s).size() == 1) {
            dropped[s] = true;
            s = g.layers[s].inputs.empty() ? -1 : g.layers[s].inputs[0];
        }
    }
    if (std::none_of(dropped.begin(), dropped.end(), [](bool d) { return d; })) return g;

    // Resolves an old producer index to the new one, following removed joins to their main input.
    std::function<int(int)> resolve = [&](int old) -> int {
        if (dropped[old] && main_of[old] != -2) return resolve(main_of[old]);
        return map[old];
    };
    for (std::size_t i = 0; i < g.layers.size(); ++i) {
        const Layer& l = g.layers[i];
        if (dropped[i]) {
            if (main_of[i] == -2 || l.activation == Activation::linear) continue;
            int m = resolve(main_of[i]);
            // The ReLU the join applied must survive: fuse it into the main input's producer
            // when the join was its only reader, else keep it as a layer of its own.
            if (g.consumers(main_of[i]).size() == 1 && m >= 0 && !dropped[main_of[i]]) {
                out.layers[m].activation = l.activation;
            } else {
                Layer r;
                r.name = l.name;
                r.op = Op::relu;
                if (m >= 0) r.inputs = {m};
                r.in = r.out = m >= 0 ? out.layers[m].out : out.input;
                r.weight_bits = l.weight_bits;
                r.act_bits = l.act_bits;
                r.act_density = l.act_density;
                out.layers.push_back(r);
                map[i] = int(out.layers.size()) - 1;
                main_of[i] = -2; // readers of the join now read this relu
                dropped[i] = false;
            }
            continue;
        }
        Layer n = l;
        n.inputs.clear();
        for (int in : l.inputs) n.inputs.push_back(resolve(in));
        map[i] = int(out.layers.size());
        out.layers.push_back(std::move(n));
    }
    out.name = g.name + "-remove";
    return out;
}

std::string origin_of(const Config& cfg, const std::string& key) {
    const auto& v = cfg.at(key);
    return v.origin == "default" ? key : fmt::format("{}: {}", v.origin, key);
}

void apply_overrides(Graph& g, const Config& cfg) {
    auto is_builtin = [&](const std::string& key) { return cfg.is_word(key, "builtin"); };
    if (!is_builtin("workload.sparsity")) {
        double s = cfg.get_real("workload.sparsity");
        if (s >= 1)
            throw InputError(fmt::format("{}: sparsity {} would prune every weight; it must be "
                                         "below 1",
                                         origin_of(cfg, "workload.sparsity"), s));
        for (auto& l : g.layers)
            if (l.has_weights()) l.weight_density = 1.0 - s;
    }
    // "computed": the architecture measures densities from real activations; the graph keeps
    // the built-in figure as its estimate.
    if (!is_builtin("workload.act_density") && !cfg.is_word("workload.act_density", "computed")) {
        double d = cfg.get_real("workload.act_density");
        for (auto& l : g.layers)
            if (l.has_weights()) l.act_density = d;
    }
    if (!is_builtin("workload.weight_bits")) {
        int b = int(cfg.get_int("workload.weight_bits"));
        for (auto& l : g.layers) l.weight_bits = b;
    }
    if (!is_builtin("workload.act_bits")) {
        int b = int(cfg.get_int("workload.act_bits"));
        for (auto& l : g.layers) l.act_bits = b;
    }
}

} // namespace

bool is_workload_file(const std::string& word) {
    const std::string w = to_lower(word);
    return ends_with(w, ".csv") || ends_with(w, ".onnx");
}

Graph read_workload_file(const std::string& path) {
    if (ends_with(to_lower(path), ".onnx")) return read_onnx(path);
    return is_scalesim_topology(path) ? read_scalesim_topology(path) : read_trace_csv(path);
}

Graph workload_graph(const std::string& name_or_path, SkipMode skip, const std::string& where,
                     const std::string& skip_where) {
    if (!is_workload_file(name_or_path)) {
        try {
            return make_builtin(name_or_path, skip);
        } catch (const InputError& e) {
            throw InputError(fmt::format("{}: {}", where, e.what()));
        }
    }
    Graph g = read_workload_file(name_or_path);
    if (skip == SkipMode::shorten)
        throw InputError(fmt::format(
            "{}: shorten needs the block structure of a built-in network, which a workload file "
            "does not carry; use a built-in workload, or export its shortened variant (accsim "
            "workloads export NAME --skip shorten) and run that with skip = keep",
            skip_where));
    return skip == SkipMode::remove ? remove_skips(g) : g;
}

Graph load_workload(const Config& cfg) {
    const std::string& word = cfg.get_string("run.workload");
    SkipMode skip;
    try {
        skip = parse_skip(cfg.get_string("run.skip"));
    } catch (const InputError& e) {
        throw InputError(fmt::format("{}: {}", origin_of(cfg, "run.skip"), e.what()));
    }
    Graph g = workload_graph(is_workload_file(word) ? cfg.get_path("run.workload") : word, skip,
                             origin_of(cfg, "run.workload"), origin_of(cfg, "run.skip"));
    apply_overrides(g, cfg);
    g.validate(word);
    return g;
}

} // namespace accsim
