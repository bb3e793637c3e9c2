#include "arch/dataflow/finn_folding.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace accsim::dataflow {

namespace {

struct FamilyInfo {
    Family family;
    const char* what; // the workload layers of this family, for messages
    std::vector<const char*> op_types;
    std::vector<const char*> attributes;
};

const std::vector<FamilyInfo>& families() {
    static const std::vector<FamilyInfo> all{
        {Family::mvau,
         "conv (not depthwise) and dense layers",
         {"MatrixVectorActivation", "StreamingFCLayer_Batch", "MVAU_hls", "MVAU_rtl", "MVAU"},
         {"PE", "SIMD", "ram_style"}},
        {Family::vvau,
         "depthwise conv layers",
         {"VectorVectorActivation", "Vector_Vector_Activation_Batch", "VVAU_hls", "VVAU_rtl",
          "VVAU"},
         {"PE", "SIMD", "ram_style"}},
        {Family::window,
         "conv layers with a kernel larger than 1x1",
         {"ConvolutionInputGenerator", "ConvolutionInputGenerator1D",
          "ConvolutionInputGenerator_hls", "ConvolutionInputGenerator_rtl"},
         {"SIMD", "ram_style"}},
        {Family::threshold,
         "stand-alone relu layers (FINN's multi-threshold units)",
         {"Thresholding_Batch", "Thresholding", "Thresholding_hls", "Thresholding_rtl"},
         {"PE", "ram_style"}},
        {Family::label_select,
         "graph outputs",
         {"LabelSelect_Batch", "LabelSelect", "LabelSelect_hls"},
         {"PE"}},
    };
    return all;
}

const FamilyInfo* family_of(const std::string& op_type) {
    for (const auto& f : families())
        for (const char* t : f.op_types)
            if (op_type == t) return &f;
    return nullptr;
}

std::vector<std::string> known_op_types() {
    std::vector<std::string> v;
    for (const auto& f : families())
        for (const char* t : f.op_types) v.emplace_back(t);
    return v;
}

// The workload's layers of each family in graph order; a label select is the graph output (-1).
std::vector<int> members(const Graph& g, Family f) {
    std::vector<int> out;
    for (std::size_t i = 0; i < g.layers.size(); ++i) {
        const Layer& l = g.layers[i];
        bool in = false;
        switch (f) {
        case Family::mvau:
            in = l.has_weights() && !l.depthwise();
            break;
        case Family::vvau:
            in = l.depthwise();
            break;
        case Family::window:
            in = l.op == Op::conv && l.kernel_h * l.kernel_w > 1;
            break;
        case Family::threshold:
            in = l.op == Op::relu;
            break;
        case Family::label_select:
            break;
        }
        if (in) out.push_back(int(i));
    }
    if (f == Family::label_select && g.outputs().size() == 1) out.push_back(-1);
    return out;
}

// The line of `text` where the key "name" first appears.
int line_of_key(const std::string& text, const std::string& name) {
    const std::string quoted = nlohmann::json(name).dump();
    std::size_t at = 0;
    while ((at = text.find(quoted, at)) != std::string::npos) {
        std::size_t k = at + quoted.size();
        while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
        if (k < text.size() && text[k] == ':')
            return int(std::count(text.begin(), text.begin() + long(at), '\n')) + 1;
        at += quoted.size();
    }
    return 0;
}

std::string at_line(const std::string& path, int line) {
    return line > 0 ? fmt::format("{}:{}", path, line) : path;
}

// Checks one attribute value of a node (or of Defaults) and returns it as stored.
ojson check_attribute(const std::string& here, const std::string& node, const FamilyInfo& f,
                      const std::string& attr, const nlohmann::json& v) {
    if (std::find(f.attributes.begin(), f.attributes.end(), attr) == f.attributes.end()) {
        std::vector<std::string> modelled(f.attributes.begin(), f.attributes.end());
        throw InputError(fmt::format("{}: {}: attribute \"{}\" is not modelled by accsim for "
                                     "{} nodes (it models {}){}; remove it",
                                     here, node, printable(attr), f.op_types.front(),
                                     fmt::join(modelled, ", "), did_you_mean(attr, modelled)));
    }
    if (attr == "ram_style") {
        static const std::vector<std::string> styles{"auto", "block", "distributed", "ultra"};
        if (!v.is_string() ||
            std::find(styles.begin(), styles.end(), v.get<std::string>()) == styles.end())
            throw InputError(fmt::format("{}: {}: ram_style must be one of \"auto\", \"block\", "
                                         "\"distributed\", \"ultra\"; it is {}",
                                         here, node, printable(v.dump())));
        return ojson(v.get<std::string>());
    }
    const bool integral = v.is_number_integer() ||
                          (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
    if (!integral || v.get<double>() < 1 || v.get<double>() > double(1 << 30))
        throw InputError(fmt::format("{}: {}: {} must be a whole number from 1 to 2^30; it is {}",
                                     here, node, attr, printable(v.dump())));
    return ojson(std::uint64_t(v.get<double>()));
}

} // namespace

FoldingFile read_folding_file(const std::string& path, const std::string& origin, const Graph& g) {
    std::string text;
    {
        std::ifstream in = open_input_file(path, max_config_bytes);
        std::ostringstream s;
        s << in.rdbuf();
        text = s.str();
    }
    // Parsed with a check for repeated keys, which JSON readers otherwise resolve silently.
    std::vector<std::set<std::string>> open;
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text, [&](int, nlohmann::json::parse_event_t e,
                                              nlohmann::json& v) {
            using E = nlohmann::json::parse_event_t;
            if (e == E::object_start) open.emplace_back();
            if (e == E::object_end && !open.empty()) open.pop_back();
            if (e == E::key && !open.empty() && !open.back().insert(v.get<std::string>()).second)
                throw InputError(fmt::format("{}: key \"{}\" appears twice in one object",
                                             at_line(path, line_of_key(text, v.get<std::string>())),
                                             printable(v.get<std::string>())));
            return true;
        });
    } catch (const nlohmann::json::exception& e) {
        throw InputError(
            fmt::format("{} ({}): not valid JSON: {}", path, origin, printable(e.what())));
    }
    if (!doc.is_object())
        throw InputError(fmt::format("{} ({}): a FINN folding file is a JSON object of node names",
                                     path, origin));
    FoldingFile out;
    std::map<std::pair<Family, int>, std::string> named; // who set a layer, against repeats
    for (const auto& [name, attrs] : doc.items()) {
        const std::string here = at_line(path, line_of_key(text, name));
        if (name == "Defaults") continue;
        const std::size_t us = name.rfind('_');
        const std::string op_type = us == std::string::npos ? name : name.substr(0, us);
        const std::string digits = us == std::string::npos ? "" : name.substr(us + 1);
        const FamilyInfo* f = family_of(op_type);
        if (!f || digits.empty() || digits.size() > 9 ||
            !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
            throw InputError(fmt::format(
                "{}: node \"{}\": accsim maps FINN nodes named <op type>_<index> of the op types "
                "{}{}",
                here, printable(name), fmt::join(known_op_types(), ", "),
                did_you_mean(op_type, known_op_types())));
        const int k = std::stoi(digits);
        const std::vector<int> layers = members(g, f->family);
        if (k >= int(layers.size()))
            throw InputError(fmt::format(
                "{}: node \"{}\": workload {} has {} {}, so {} nodes are numbered 0 to {}", here,
                name, g.name, layers.size(), f->what, op_type, int(layers.size()) - 1));
        if (!attrs.is_object())
            throw InputError(
                fmt::format("{}: node \"{}\": its attributes must be a JSON object", here, name));
        const auto key = std::make_pair(f->family, layers[std::size_t(k)]);
        if (named.count(key))
            throw InputError(fmt::format("{}: node \"{}\" sets the same layer as \"{}\"", here,
                                         name, named[key]));
        named[key] = name;
        FileFolding& ff = out.set[key];
        for (const auto& [attr, v] : attrs.items()) {
            ff.attrs[attr] = check_attribute(here, name, *f, attr, v);
            ff.origin[attr] = fmt::format("{}: node \"{}\"", here, name);
        }
    }
    // "Defaults": {"ATTR": [value, ["OpType", ...]] or [value, "all"], pairs repeated}: the value
    // for every node of those op types that its own entry leaves unset.
    if (doc.contains("Defaults")) {
        const auto& d = doc["Defaults"];
        const std::string here = at_line(path, line_of_key(text, "Defaults"));
        if (!d.is_object())
            throw InputError(fmt::format("{}: \"Defaults\" must be a JSON object", here));
        for (const auto& [attr, spec] : d.items()) {
            if (!spec.is_array() || spec.empty() || spec.size() % 2 != 0)
                throw InputError(fmt::format("{}: Defaults \"{}\": expected [value, [op types]] "
                                             "or [value, \"all\"] (pairs may repeat)",
                                             here, printable(attr)));
            for (std::size_t p = 0; p < spec.size(); p += 2) {
                const auto& ops = spec[p + 1];
                std::vector<const FamilyInfo*> targets;
                if (ops.is_string() && ops.get<std::string>() == "all") {
                    for (const auto& f : families())
                        if (std::find(f.attributes.begin(), f.attributes.end(), attr) !=
                            f.attributes.end())
                            targets.push_back(&f);
                } else if (ops.is_array()) {
                    for (const auto& o : ops) {
                        const FamilyInfo* f =
                            o.is_string() ? family_of(o.get<std::string>()) : nullptr;
                        if (!f)
                            throw InputError(
                                fmt::format("{}: Defaults \"{}\": op type {} is none of {}", here,
                                            printable(attr), printable(o.dump()),
                                            fmt::join(known_op_types(), ", ")));
                        targets.push_back(f);
                    }
                } else {
                    throw InputError(fmt::format("{}: Defaults \"{}\": op types must be a list "
                                                 "of op type names or \"all\"",
                                                 here, printable(attr)));
                }
                bool used = false;
                for (const FamilyInfo* f : targets) {
                    const ojson v = check_attribute(here, "Defaults", *f, attr, spec[p]);
                    for (int layer : members(g, f->family)) {
                        FileFolding& ff = out.set[{f->family, layer}];
                        if (ff.attrs.count(attr)) continue; // the node's own entry wins
                        ff.attrs[attr] = v;
                        ff.origin[attr] = fmt::format("{}: Defaults \"{}\"", here, attr);
                        used = true;
                    }
                }
                if (!used)
                    throw InputError(fmt::format(
                        "{}: Defaults \"{}\" sets no node: workload {} has no layer of those op "
                        "types without its own \"{}\"",
                        here, printable(attr), g.name, printable(attr)));
            }
        }
    }
    return out;
}

const ojson* file_value(const FoldingFile* file, Family f, int layer, const std::string& attr,
                        std::string* origin) {
    if (!file) return nullptr;
    auto it = file->set.find({f, layer});
    if (it == file->set.end()) return nullptr;
    auto a = it->second.attrs.find(attr);
    if (a == it->second.attrs.end()) return nullptr;
    if (origin) *origin = it->second.origin.at(attr);
    return &a->second;
}

} // namespace accsim::dataflow
