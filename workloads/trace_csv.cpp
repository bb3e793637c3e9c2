// Readers and writer of workload files: accsim's native CSV trace (docs/workloads.md) and
// SCALE-Sim's topology CSV.
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/text.hpp"
#include "workloads/workload.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <ostream>
#include <set>

namespace accsim {

namespace {

// Column order of the native format; a reader accepts them in any order, by header name.
const std::vector<std::string> columns = {
    "name",       "op",          "inputs",   "in_h",           "in_w",        "in_c",     "out_h",
    "out_w",      "out_c",       "kernel_h", "kernel_w",       "stride",      "padding",  "pool",
    "activation", "weight_bits", "act_bits", "weight_density", "act_density", "skip_path"};

// Columns a header may add; a file without them reads as before.
const std::vector<std::string> optional_columns = {"groups", "stride_w"};

// Columns a row must fill; the others fall back to Layer's defaults when empty.
const std::vector<std::string> required = {"name", "op",    "in_h",  "in_w",
                                           "in_c", "out_h", "out_w", "out_c"};

std::string file_stem(const std::string& path) {
    return std::filesystem::path(path).stem().string();
}

std::ifstream open_or_throw(const std::string& path) {
    return open_input_file(path, max_trace_bytes);
}

// Parses an enum column against its words.
template <typename E>
E parse_word(const std::string& text, const std::vector<std::pair<std::string, E>>& words,
             const std::string& where) {
    std::vector<std::string> names;
    for (const auto& [w, e] : words) {
        if (text == w) return e;
        names.push_back(w);
    }
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw InputError(
        fmt::format("{}: '{}' is not one of {}{}", where, text, list, did_you_mean(text, names)));
}

const std::vector<std::pair<std::string, Op>> op_words = {{"conv", Op::conv},
                                                          {"dense", Op::dense},
                                                          {"pool", Op::pool},
                                                          {"global_pool", Op::global_pool},
                                                          {"add", Op::add},
                                                          {"sub", Op::sub},
                                                          {"relu", Op::relu},
                                                          {"flatten", Op::flatten},
                                                          {"downsample", Op::downsample},
                                                          {"mul", Op::mul},
                                                          {"concat", Op::concat},
                                                          {"activation", Op::activation},
                                                          {"upsample", Op::upsample},
                                                          // a conv with one group per channel
                                                          {"depthwise_conv", Op::conv}};

const std::vector<std::pair<std::string, Activation>> activation_words = {
    {"linear", Activation::linear},         {"relu", Activation::relu},
    {"sigmoid", Activation::sigmoid},       {"tanh", Activation::tanh},
    {"leaky_relu", Activation::leaky_relu}, {"softmax", Activation::softmax}};

} // namespace

Graph read_trace_csv(const std::string& path) {
    std::ifstream in = open_or_throw(path);
    Graph g;
    g.name = file_stem(path);
    std::map<std::string, std::size_t> col; // column name -> position
    bool first_comment = true, have_input = false;
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::string t = trim(line);
        if (t.empty()) continue;
        if (t[0] == '#') {
            std::string c = trim(t.substr(1));
            if (first_comment && c.rfind("name:", 0) == 0) g.name = trim(c.substr(5));
            first_comment = false;
            continue;
        }
        first_comment = false;
        auto cells = split(line, ',');
        if (col.empty()) { // the header row
            std::vector<std::string> known = columns;
            known.insert(known.end(), optional_columns.begin(), optional_columns.end());
            for (std::size_t i = 0; i < cells.size(); ++i) {
                if (std::find(known.begin(), known.end(), cells[i]) == known.end())
                    throw InputError(fmt::format("{}:{}: column '{}': unknown column{}", path, n,
                                                 cells[i], did_you_mean(cells[i], known)));
                if (!col.emplace(cells[i], i).second)
                    throw InputError(
                        fmt::format("{}:{}: column '{}': given twice", path, n, cells[i]));
            }
            for (const auto& c : columns)
                if (!col.count(c))
                    throw InputError(
                        fmt::format("{}:{}: column '{}': missing from the header", path, n, c));
            continue;
        }
        if (cells.size() != col.size())
            throw InputError(fmt::format("{}:{}: expected {} columns, found {}", path, n,
                                         col.size(), cells.size()));
        auto cell = [&](const std::string& c) -> const std::string& { return cells[col.at(c)]; };
        auto where = [&](const std::string& c) {
            return fmt::format("{}:{}: column '{}'", path, n, c);
        };
        for (const auto& c : required)
            if (cell(c).empty()) throw InputError(where(c) + ": missing value");
        auto integer = [&](const std::string& c, int fallback) {
            if (cell(c).empty()) return fallback;
            auto v = parse_int(cell(c));
            if (!v) throw InputError(fmt::format("{}: '{}' is not an integer", where(c), cell(c)));
            if (*v <= 0 || *v > (1 << 30))
                throw InputError(fmt::format("{}: {} must be a positive integer", where(c), *v));
            return int(*v);
        };
        auto density = [&](const std::string& c) {
            if (cell(c).empty()) return 1.0;
            auto v = parse_real(cell(c));
            if (!v) throw InputError(fmt::format("{}: '{}' is not a number", where(c), cell(c)));
            if (!(*v > 0 && *v <= 1))
                throw InputError(fmt::format("{}: {} is not in (0, 1]", where(c), cell(c)));
            return *v;
        };

        Layer l;
        l.name = cell("name");
        if (l.name.find('|') != std::string::npos)
            throw InputError(where("name") + ": a layer name cannot contain '|'");
        l.op = parse_word(cell("op"), op_words, where("op"));
        const bool depthwise = cell("op") == "depthwise_conv";
        if (!cell("inputs").empty())
            for (const auto& src : split(cell("inputs"), '|')) {
                int i = g.find(src);
                if (i < 0) {
                    std::vector<std::string> names;
                    for (const auto& e : g.layers) names.push_back(e.name);
                    throw InputError(fmt::format(
                        "{}: unknown layer '{}' (inputs must be defined on earlier lines){}",
                        where("inputs"), src, did_you_mean(src, names)));
                }
                l.inputs.push_back(i);
            }
        l.in = {integer("in_h", 0), integer("in_w", 0), integer("in_c", 0)};
        l.out = {integer("out_h", 0), integer("out_w", 0), integer("out_c", 0)};
        l.kernel_h = integer("kernel_h", 1);
        l.kernel_w = integer("kernel_w", 1);
        l.stride = integer("stride", 1);
        if (col.count("stride_w")) l.stride_w = integer("stride_w", 0);
        if (cell("padding").find(':') != std::string::npos) {
            // Explicit pads "TOP:LEFT:BOTTOM:RIGHT" (an imported ONNX model's).
            const auto parts = split(cell("padding"), ':');
            bool ok = parts.size() == 4;
            for (std::size_t k = 0; ok && k < 4; ++k) {
                const auto v = parse_int(parts[k]);
                ok = v && *v >= 0 && *v < 1024;
                if (ok) l.pads[k] = int(*v);
            }
            if (!ok)
                throw InputError(fmt::format("{}: padding '{}' is not TOP:LEFT:BOTTOM:RIGHT (four "
                                             "whole numbers of 0 or more)",
                                             where("padding"), cell("padding")));
            l.padding = Padding::explicit_pads;
        } else if (!cell("padding").empty()) {
            l.padding = parse_word<Padding>(cell("padding"),
                                            {{"same", Padding::same}, {"valid", Padding::valid}},
                                            where("padding"));
        }
        if (!cell("pool").empty())
            l.pool = parse_word<PoolKind>(
                cell("pool"), {{"max", PoolKind::max}, {"avg", PoolKind::avg}}, where("pool"));
        if (!cell("activation").empty())
            l.activation =
                parse_word<Activation>(cell("activation"), activation_words, where("activation"));
        if (col.count("groups")) l.groups = integer("groups", 1);
        if (depthwise) {
            if (col.count("groups") && !cell("groups").empty() && l.groups != l.in.c)
                throw InputError(fmt::format("{}: a depthwise_conv has one group per input "
                                             "channel ({}), not {}",
                                             where("groups"), l.in.c, l.groups));
            l.groups = l.in.c;
        }
        l.weight_bits = integer("weight_bits", 8);
        l.act_bits = integer("act_bits", 8);
        l.weight_density = density("weight_density");
        l.act_density = density("act_density");
        if (!cell("skip_path").empty()) {
            auto b = parse_bool(cell("skip_path"));
            if (!b)
                throw InputError(fmt::format("{}: '{}' is not 0/1 or true/false",
                                             where("skip_path"), cell("skip_path")));
            l.skip_path = *b;
        }
        // The graph input is the input shape of the first layer that reads it.
        if (l.inputs.empty() && !have_input) {
            g.input = l.in;
            have_input = true;
        }
        g.layers.push_back(std::move(l));
        // Checking as rows arrive names the line of the first inconsistent layer; the layers
        // before it have passed already, so only the new one can fail.
        g.validate(fmt::format("{}:{}", path, n));
    }
    if (col.empty()) throw InputError(fmt::format("{}: no header row", path));
    if (g.layers.empty()) throw InputError(fmt::format("{}: the trace has no layers", path));
    return g;
}

void write_trace_csv(const Graph& g, std::ostream& out) {
    for (const auto& l : g.layers)
        if (l.name.find_first_of(",|\n#") != std::string::npos || trim(l.name) != l.name)
            throw InputError(
                fmt::format("layer name '{}' cannot be written to a CSV trace", l.name));
    out << "# name: " << g.name << "\n";
    out << "# accsim workload trace: one row per layer in topological order (docs/workloads.md)\n";
    // The optional columns only when a layer needs them: groups for a grouped conv, stride_w
    // for a stride along the width that differs (empty where it does not).
    const bool groups =
        std::any_of(g.layers.begin(), g.layers.end(), [](const Layer& l) { return l.groups != 1; });
    const bool stride_w = std::any_of(g.layers.begin(), g.layers.end(),
                                      [](const Layer& l) { return l.stride_width() != l.stride; });
    for (std::size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << columns[i];
    out << (groups ? ",groups" : "") << (stride_w ? ",stride_w\n" : "\n");
    for (const auto& l : g.layers) {
        std::string inputs;
        for (int i : l.inputs) inputs += (inputs.empty() ? "" : "|") + g.layers[i].name;
        // {} prints the shortest text that reads back to the same double.
        out << fmt::format(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", l.name, to_string(l.op),
            inputs, l.in.h, l.in.w, l.in.c, l.out.h, l.out.w, l.out.c, l.kernel_h, l.kernel_w,
            l.stride,
            l.padding == Padding::explicit_pads
                ? fmt::format("{}:{}:{}:{}", l.pads[0], l.pads[1], l.pads[2], l.pads[3])
                : std::string(to_string(l.padding)),
            to_string(l.pool), to_string(l.activation), l.weight_bits, l.act_bits, l.weight_density,
            l.act_density, l.skip_path ? 1 : 0);
        if (groups) out << ',' << l.groups;
        if (stride_w)
            out << ',' << (l.stride_width() != l.stride ? std::to_string(l.stride_w) : "");
        out << '\n';
    }
}

namespace {

// The first non-comment line's cells, or empty.
std::vector<std::string> first_row(const std::string& path) {
    std::ifstream in = open_input_file(path, max_trace_bytes);
    std::string line;
    while (std::getline(in, line)) {
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        auto cells = split(t, ',');
        for (auto& c : cells) c = to_lower(trim(c));
        return cells;
    }
    return {};
}

// SCALE-Sim's GEMM mode (scalesim/topology_utils.py, load_arrays_gemm) turns a row M, N, K into
// the conv with an M x K ifmap of one channel, a 1 x K filter and N filters, stride 1: an ofmap of
// M x 1 pixels with a window of K.
Layer gemm_layer(const std::string& name, std::int64_t m, std::int64_t n, std::int64_t k) {
    Layer l;
    l.name = name;
    l.op = Op::conv;
    l.in = {int(m), int(k), 1};
    l.kernel_h = 1;
    l.kernel_w = int(k);
    l.padding = Padding::valid;
    l.out.c = int(n);
    l.out = infer_out(l);
    return l;
}

} // namespace

bool is_scalesim_gemm_topology(const std::string& path) {
    const auto cells = first_row(path);
    return cells.size() >= 4 && cells[0].rfind("layer", 0) == 0 && cells[1] == "m" &&
           cells[2] == "n" && cells[3] == "k";
}

// SCALE-Sim topology: `Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width,
// Channels, Num Filter, Strides,` (SCALE-Sim v2's topologies/ files), with an optional ninth
// column, the stride along the width (topology_utils.py takes [7] for both axes without it), or
// in GEMM mode `Layer, M, N, K,`. No padding: out = (H - R) / S + 1 along each axis. A layer whose
// name contains "DP" is depthwise: SCALE-Sim (load_arrays_conv) runs it as one layer of one channel
// per channel, named NAME + "Channel_" + index, and so does accsim.
Graph read_scalesim_topology(const std::string& path) {
    std::ifstream in = open_or_throw(path);
    Graph g;
    g.name = file_stem(path);
    std::string line;
    int n = 0;
    bool header = false, gemm = false;
    // Column i's name in SCALE-Sim's header (0: the layer's).
    auto column = [&](std::size_t i) -> std::string {
        static const char* conv[] = {"Layer name",    "IFMAP Height", "IFMAP Width",
                                     "Filter Height", "Filter Width", "Channels",
                                     "Num Filter",    "Strides",      "Stride Width"};
        static const char* mnk[] = {"Layer", "M", "N", "K"};
        return gemm ? mnk[std::min<std::size_t>(i, 3)] : conv[std::min<std::size_t>(i, 8)];
    };
    std::set<std::string> layer_names;
    while (std::getline(in, line)) {
        ++n;
        std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        auto cells = split(t, ',');
        if (!header) {
            while (!cells.empty() && cells.back().empty()) cells.pop_back(); // trailing commas
            const std::string first = cells.empty() ? "" : to_lower(cells[0]);
            gemm = cells.size() >= 4 && first.rfind("layer", 0) == 0 && to_lower(cells[1]) == "m" &&
                   to_lower(cells[2]) == "n" && to_lower(cells[3]) == "k";
            if (!gemm && first != "layer name")
                throw InputError(fmt::format(
                    "{}:{}: expected the SCALE-Sim header 'Layer name, IFMAP Height, ...' (or "
                    "'Layer, M, N, K' for GEMM mode); SCALE-Sim skips its first line whatever it "
                    "holds, so a topology without one would lose its first layer",
                    path, n));
            if (!gemm && cells.size() < 8)
                throw InputError(fmt::format("{}:{}: the header has {} columns, SCALE-Sim needs 8",
                                             path, n, cells.size()));
            header = true;
            continue;
        }
        // SCALE-Sim splits a row at its commas and drops the last piece (topology_utils.py,
        // `row.split(',')[:-1]`), which a row's closing comma leaves empty. Without that comma
        // it drops the row's last value: refused when that is one SCALE-Sim reads (the K of a
        // GEMM, the stride of a conv, or its stride width, which it would take as the height's).
        const std::size_t used = gemm ? 4 : 9;
        if (!cells.back().empty() && cells.size() <= used)
            throw InputError(fmt::format(
                "{}:{}: the row does not end with a comma: SCALE-Sim drops a row's last piece "
                "(topology_utils.py splits at commas and drops the last), so it would lose "
                "'{}' ({}); end the row with a comma",
                path, n, column(cells.size() - 1), cells.back()));
        cells.pop_back(); // the piece SCALE-Sim drops
        const std::size_t want = gemm ? 4 : 8;
        if (cells.size() < want)
            throw InputError(
                fmt::format("{}:{}: expected {} columns, found {}", path, n, want, cells.size()));
        if (gemm) {
            std::int64_t v[3];
            for (int i = 0; i < 3; ++i) {
                auto x = parse_int(cells[std::size_t(i) + 1]);
                if (!x || *x <= 0 || *x > (1 << 24))
                    throw InputError(fmt::format("{}:{}: column '{}': '{}' is not a positive "
                                                 "integer up to 2^24",
                                                 path, n, column(std::size_t(i) + 1),
                                                 cells[std::size_t(i) + 1]));
                v[i] = *x;
            }
            Layer l = gemm_layer(trim(cells[0]), v[0], v[1], v[2]);
            Graph row;
            row.input = l.in;
            row.layers = {l};
            row.validate(fmt::format("{}:{}", path, n));
            if (!layer_names.insert(l.name).second)
                throw InputError(
                    fmt::format("{}:{}: layer '{}': name used twice", path, n, l.name));
            if (g.layers.empty()) g.input = l.in;
            g.layers.push_back(std::move(l));
            continue;
        }
        int v[8];
        const std::size_t columns = std::min<std::size_t>(cells.size(), 9); // a stride-width column
        for (std::size_t i = 1; i < columns; ++i) {
            auto x = parse_int(cells[i]);
            if (!x || *x <= 0 || *x > (1 << 30))
                throw InputError(fmt::format("{}:{}: column '{}': '{}' is not a positive integer",
                                             path, n, column(i), cells[i]));
            v[i - 1] = int(*x);
        }
        Layer l;
        l.name = cells[0];
        l.op = Op::conv;
        l.in = {v[0], v[1], v[4]};
        l.kernel_h = v[2];
        l.kernel_w = v[3];
        l.stride = v[6];
        if (columns == 9 && v[7] != v[6]) l.stride_w = v[7]; // topology_utils.py: [7], [8]
        l.padding = Padding::valid;
        if (l.kernel_h > l.in.h || l.kernel_w > l.in.w)
            throw InputError(fmt::format("{}:{}: filter {}x{} is larger than the ifmap {}x{}", path,
                                         n, l.kernel_h, l.kernel_w, l.in.h, l.in.w));
        l.out.c = v[5];
        const bool depthwise = l.name.find("DP") != std::string::npos;
        const int copies = depthwise ? l.in.c : 1;
        if (depthwise && copies > 65536)
            throw InputError(fmt::format("{}:{}: a DP layer of {} channels is split into as many "
                                         "layers; at most 65,536",
                                         path, n, copies));
        if (depthwise) l.in.c = 1;
        l.out = infer_out(l);
        const std::string base = l.name;
        // The row's layer is checked on its own (its copies differ only in name), so that a
        // file of many rows or a DP layer of many channels is read in linear time.
        {
            Graph row;
            row.input = l.in;
            row.layers = {l};
            if (depthwise) row.layers[0].name = base + "Channel_0";
            row.validate(fmt::format("{}:{}", path, n));
        }
        for (int c = 0; c < copies; ++c) {
            if (depthwise) l.name = base + "Channel_" + std::to_string(c);
            if (!layer_names.insert(l.name).second)
                throw InputError(
                    fmt::format("{}:{}: layer '{}': name used twice", path, n, l.name));
            if (g.layers.empty()) g.input = l.in;
            g.layers.push_back(l);
        }
    }
    if (!header) throw InputError(fmt::format("{}: empty topology file", path));
    if (g.layers.empty()) throw InputError(fmt::format("{}: the topology has no layers", path));
    return g;
}

} // namespace accsim
