#include "arch/dataflow/folding.hpp"

#include "arch/dataflow/finn_folding.hpp"
#include "arch/dataflow/set_folding.hpp"

#include "common/error.hpp"
#include "common/report.hpp"
#include "common/text.hpp"
#include "workloads/workload.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <set>

namespace accsim::dataflow {

namespace {

std::string layer_key_name(const std::string& layer, const std::string& what) {
    return fmt::format("dataflow.layer.{}.{}", layer, what);
}

// A layer's folding value: its dataflow.layer key, else the folding file, else the global key. A
// layer key and a file entry for the same value conflict.
struct Source {
    std::uint64_t value;
    std::string origin; // for messages
};

// `plan`: FINN's SetFolding's values (dataflow.target_fps), which a key or the file overrides, as
// FINN applies its folding file after SetFolding.
Source folding_value(const Config& cfg, const FoldingFile* file, Family f, int layer,
                     const std::string& name, const std::string& what, const std::string& attr,
                     const std::string& global,
                     const std::map<int, std::uint64_t>* plan = nullptr) {
    const std::string key = layer_key_name(name, what);
    std::string origin;
    const ojson* v = file_value(file, f, layer, attr, &origin);
    if (cfg.has(key)) {
        if (v)
            throw InputError(fmt::format("{}: layer '{}': its {} is also set by {}; set it in one "
                                         "place",
                                         where(cfg, key), name, attr, origin));
        return {std::uint64_t(cfg.get_int(key)), where(cfg, key)};
    }
    if (v) return {v->get<std::uint64_t>(), origin};
    if (plan && plan->count(layer))
        return {plan->at(layer), where(cfg, "dataflow.target_fps") + " (FINN's SetFolding)"};
    if (global.empty()) return {1, ""};
    return {std::uint64_t(cfg.get_int(global)), where(cfg, global)};
}

} // namespace

std::string where(const Config& cfg, const std::string& key) {
    const auto& v = cfg.at(key);
    return v.origin == "default" || v.origin.empty() ? key : fmt::format("{}: {}", v.origin, key);
}

void check_layer_names(const Config& cfg, const Graph& g) {
    std::set<std::string> names;
    for (const auto& l : g.layers) names.insert(l.name);
    const std::string& workload = cfg.get_string("run.workload");
    for (auto mode : {SkipMode::keep, SkipMode::remove, SkipMode::shorten}) {
        try {
            for (const auto& l : make_builtin(workload, mode).layers) names.insert(l.name);
        } catch (const InputError&) {
            break; // not a built-in workload: only its own layers count
        }
    }
    for (const auto& n : cfg.instances("dataflow.layer")) {
        if (names.count(n)) continue;
        std::string key;
        for (const auto& [k, v] : cfg.values())
            if (k.rfind("dataflow.layer." + n + ".", 0) == 0) key = k;
        throw InputError(fmt::format("{}: the workload has no layer '{}'{}", where(cfg, key), n,
                                     did_you_mean(n, {names.begin(), names.end()})));
    }
}

bool valid_reuse_factor(std::uint64_t n_in, std::uint64_t n_out, std::uint64_t rf) {
    if (rf == 0 || n_in == 0 || n_out == 0) return false;
    const std::uint64_t total = n_in * n_out;
    const std::uint64_t mult_factor = std::min(n_in, rf);
    const std::uint64_t multiplier_limit = ceil_div(total, mult_factor);
    bool ok = multiplier_limit % n_out == 0 || rf >= n_in;
    ok = ok && (rf % n_in == 0 || rf < n_in);
    return ok && total % rf == 0;
}

std::uint64_t closest_valid_reuse_factor(std::uint64_t n_in, std::uint64_t n_out,
                                         std::uint64_t rf) {
    // Every valid RF divides n_in*n_out: walk its divisors (in pairs up to the square root).
    const std::uint64_t total = n_in * n_out;
    std::vector<std::uint64_t> valid;
    for (std::uint64_t d = 1; d <= total / d; ++d) {
        if (total % d != 0) continue;
        for (std::uint64_t c : {d, total / d})
            if (valid_reuse_factor(n_in, n_out, c)) valid.push_back(c);
    }
    std::sort(valid.begin(), valid.end());
    valid.erase(std::unique(valid.begin(), valid.end()), valid.end());
    // n_in*n_out itself is always valid, so the list is never empty.
    const auto pos = std::lower_bound(valid.begin(), valid.end(), rf);
    if (pos == valid.begin()) return valid.front();
    if (pos == valid.end()) return valid.back();
    const std::uint64_t after = *pos, before = *(pos - 1);
    return after - rf < rf - before ? after : before;
}

Design fold_layers(const Config& cfg, const Graph& g) {
    const bool finn = cfg.get_string("dataflow.style") == "finn";
    const bool resource = cfg.get_string("dataflow.strategy") == "resource";
    Design d;
    std::optional<FoldingFile> file;
    if (!cfg.get_string("dataflow.folding").empty()) {
        if (!finn)
            throw InputError(fmt::format("{}: a FINN folding file needs dataflow.style = finn "
                                         "(hls4ml designs are folded by reuse_factor)",
                                         where(cfg, "dataflow.folding")));
        d.folding_file = cfg.get_string("dataflow.folding");
        file =
            read_folding_file(cfg.get_path("dataflow.folding"), where(cfg, "dataflow.folding"), g);
    }
    const FoldingFile* ff = file ? &*file : nullptr;
    // FINN's SetFolding for a target rate (FINN's builder: target_cycles_per_frame =
    // int(clock_hz / target_fps)).
    std::optional<SetFoldingResult> plan;
    if (cfg.is_word("dataflow.target_fps", "none")) {
        for (const char* key : {"dataflow.mvau_wwidth_max", "dataflow.folding_two_pass_relaxation"})
            if (cfg.at(key).user_set())
                throw InputError(fmt::format("{}: tunes FINN's SetFolding, which runs only with "
                                             "dataflow.target_fps",
                                             where(cfg, key)));
    } else {
        if (!finn)
            throw InputError(fmt::format("{}: FINN's SetFolding needs dataflow.style = finn "
                                         "(hls4ml designs are folded by reuse_factor)",
                                         where(cfg, "dataflow.target_fps")));
        for (const char* key : {"dataflow.pe", "dataflow.simd"})
            if (cfg.at(key).user_set())
                throw InputError(fmt::format("{}: every layer's folding comes from "
                                             "dataflow.target_fps (FINN's SetFolding) or its own "
                                             "entry; remove it",
                                             where(cfg, key)));
        const double cycles = std::floor(cfg.get_real("dataflow.clock_mhz") * 1e6 /
                                         cfg.get_real("dataflow.target_fps"));
        if (cycles < 1)
            throw InputError(fmt::format("{}: {} frames/s is more than one frame per cycle at "
                                         "{} MHz",
                                         where(cfg, "dataflow.target_fps"),
                                         cfg.get_real("dataflow.target_fps"),
                                         cfg.get_real("dataflow.clock_mhz")));
        plan = finn_set_folding(g, std::uint64_t(std::min(cycles, 9e18)),
                                std::uint64_t(cfg.get_int("dataflow.mvau_wwidth_max")),
                                cfg.get_bool("dataflow.folding_two_pass_relaxation"));
        d.set_folding = plan;
    }
    const SetFoldingResult* sf = plan ? &*plan : nullptr;
    // The width a layer's quantized output is read at: its readers' act_bits (0: no reader).
    std::vector<int> reader_bits(g.layers.size(), 0);
    for (const Layer& l : g.layers)
        for (int k : l.inputs)
            reader_bits[std::size_t(k)] = std::max(reader_bits[std::size_t(k)], l.act_bits);
    for (std::size_t i = 0; i < g.layers.size(); ++i) {
        const Layer& l = g.layers[i];
        const int li = int(i);
        Folding f;
        StageTiming t{1, 1};
        if (l.has_weights()) {
            // A grouped conv's output channel sees in.c / groups inputs: for a depthwise conv
            // (FINN's VVAU) MW = kh*kw and MH = channels, and (MH/PE)*(MW/SIMD) below is the
            // VVAU's (C/PE)*(K*K/SIMD) cycles per output pixel.
            f.mw = mvau_mw(l);
            f.mh = std::uint64_t(l.out.c);
            if (finn) {
                const Family fam = l.depthwise() ? Family::vvau : Family::mvau;
                const Source pe = folding_value(cfg, ff, fam, li, l.name, "pe", "PE", "dataflow.pe",
                                                sf ? &sf->pe : nullptr);
                const Source simd = folding_value(cfg, ff, fam, li, l.name, "simd", "SIMD",
                                                  "dataflow.simd", sf ? &sf->simd : nullptr);
                f.pe = pe.value;
                f.simd = simd.value;
                if (f.mh % f.pe != 0)
                    throw InputError(fmt::format(
                        "{}: layer '{}': PE {} must divide its {} output channels (FINN)",
                        pe.origin, l.name, f.pe, f.mh));
                if (f.mw % f.simd != 0)
                    throw InputError(fmt::format(
                        "{}: layer '{}': SIMD {} must divide its {} inputs per output (FINN)",
                        simd.origin, l.name, f.simd, f.mw));
                if (const ojson* rs = file_value(ff, fam, li, "ram_style"))
                    f.weight_ram = ram_style_from(rs->get<std::string>());
                f.multipliers = f.pe * f.simd;
                // FINN MVAU: (MH/PE)*(MW/SIMD) cycles per output pixel. The sliding window
                // generator moves one input pixel per cycle, or with a SIMD of its own C/SIMD
                // cycles per pixel (and never writes a window faster than it reads one).
                std::uint64_t read = 1;
                if (l.op == Op::conv && l.kernel_h * l.kernel_w > 1) {
                    std::string origin = where(cfg, "dataflow.target_fps") + " (FINN's SetFolding)";
                    const ojson* ws = file_value(ff, Family::window, li, "SIMD", &origin);
                    if (ws || (sf && sf->window_simd.count(li))) {
                        f.window_simd = ws ? ws->get<std::uint64_t>() : sf->window_simd.at(li);
                        if (std::uint64_t(l.in.c) % f.window_simd != 0)
                            throw InputError(fmt::format(
                                "{}: layer '{}': the sliding window generator's SIMD {} must "
                                "divide its {} input channels (FINN)",
                                origin, l.name, f.window_simd, l.in.c));
                        read = std::uint64_t(l.in.c) / f.window_simd;
                    }
                    if (const ojson* rs = file_value(ff, Family::window, li, "ram_style"))
                        f.window_ram = ram_style_from(rs->get<std::string>());
                }
                t = {read, std::max(read, (f.mh / f.pe) * (f.mw / f.simd))};
            } else {
                const Source rf = folding_value(cfg, nullptr, Family::mvau, li, l.name,
                                                "reuse_factor", "", "dataflow.reuse_factor");
                f.reuse_factor = rf.value;
                if (resource) {
                    // hls4ml's resource strategy replaces an invalid reuse factor by the closest
                    // valid one, with n_in = kh*kw*Cin (conv) or inputs (dense), n_out = outputs.
                    const std::uint64_t n_in = l.op == Op::conv
                                                   ? std::uint64_t(l.kernel_h) * l.kernel_w * l.in.c
                                                   : std::uint64_t(l.in.elements());
                    const std::uint64_t chosen = closest_valid_reuse_factor(n_in, f.mh, rf.value);
                    if (chosen != rf.value) {
                        f.requested_reuse_factor = rf.value;
                        f.reuse_factor = chosen;
                        d.notes.push_back(fmt::format(
                            "layer {}: reuse factor {} ({}) is not valid for its {} x {} "
                            "multiplications; as hls4ml does, the closest valid one, {}, is used",
                            l.name, rf.value, rf.origin, n_in, f.mh, chosen));
                    }
                }
                if (f.reuse_factor > l.weights())
                    throw InputError(fmt::format("{}: layer '{}': reuse factor {} exceeds its {} "
                                                 "weights",
                                                 rf.origin, l.name, f.reuse_factor, l.weights()));
                f.multipliers = ceil_div(l.weights(), f.reuse_factor);
                f.simd = std::min(f.multipliers, f.mw);
                f.pe = ceil_div(f.multipliers, f.simd);
                // hls4ml io_stream: with the latency strategy the conv loop over input positions
                // is pipelined at II = RF; with the resource strategy only the output's
                // multiplications take RF cycles. Dense reads its input pixels one per cycle
                // and computes in RF cycles.
                const bool every_position = l.op == Op::conv && !resource;
                t = {every_position ? f.reuse_factor : 1, f.reuse_factor};
            }
        } else if (l.op == Op::pool) {
            f.reuse_factor =
                folding_value(cfg, nullptr, Family::mvau, li, l.name, "reuse_factor", "", "").value;
            t = {f.reuse_factor, f.reuse_factor};
        } else if (l.op == Op::relu && finn) {
            // FINN's Thresholding: C/PE cycles per pixel (Thresholding_Batch.get_exp_cycles);
            // without a folding entry, a whole pixel per cycle.
            std::string origin = where(cfg, "dataflow.target_fps") + " (FINN's SetFolding)";
            const ojson* pe = file_value(ff, Family::threshold, li, "PE", &origin);
            if (pe || (sf && sf->pe.count(li))) {
                f.pe = pe ? pe->get<std::uint64_t>() : sf->pe.at(li);
                if (std::uint64_t(l.out.c) % f.pe != 0)
                    throw InputError(fmt::format("{}: layer '{}': PE {} must divide its {} "
                                                 "channels (FINN)",
                                                 origin, l.name, f.pe, l.out.c));
                t = {std::uint64_t(l.out.c) / f.pe, std::uint64_t(l.out.c) / f.pe};
            } else {
                f.pe = std::uint64_t(l.out.c);
            }
            if (const ojson* rs = file_value(ff, Family::threshold, li, "ram_style"))
                f.weight_ram = ram_style_from(rs->get<std::string>());
        }
        // A quantized output has the width its readers read (a layer's act_bits is the width
        // of its input), the last layer's its own. FINN: a layer without activation emits its
        // accumulators (W + A + ceil(log2 MW) bits) or, for an add, the (A+1)-bit sum;
        // thresholds requantize only where there is an activation. hls4ml quantizes every output.
        int bits = reader_bits[i] ? reader_bits[i] : l.act_bits;
        if (finn && l.activation == Activation::linear) {
            const int in = d.in_bits(l);
            if (l.has_weights())
                bits = l.weight_bits + in +
                       int(std::ceil(std::log2(double(std::max<std::uint64_t>(2, f.mw)))));
            else if (l.op == Op::add || l.op == Op::sub)
                bits =
                    std::max(in, l.inputs.size() > 1 ? d.out_bits[std::size_t(l.inputs[1])] : in) +
                    1;
            else if (l.op == Op::mul)
                bits = in + (l.inputs.size() > 1 ? d.out_bits[std::size_t(l.inputs[1])] : in);
            else if (l.op == Op::concat)
                for (int k : l.inputs) bits = std::max(bits, d.out_bits[std::size_t(k)]);
            else
                bits = in;
        }
        d.out_bits.push_back(bits);
        d.folding.push_back(f);
        d.timing.push_back(t);
    }
    // FINN's LabelSelect on the output: C/PE cycles per pixel it reads.
    std::string origin;
    if (const ojson* pe = file_value(ff, Family::label_select, -1, "PE", &origin)) {
        const Layer& out = g.layers[std::size_t(g.outputs().front())];
        const std::uint64_t p = pe->get<std::uint64_t>();
        if (std::uint64_t(out.out.c) % p != 0)
            throw InputError(fmt::format("{}: PE {} must divide the {} channels of the output "
                                         "(layer '{}')",
                                         origin, p, out.out.c, out.name));
        d.sink_timing = {std::uint64_t(out.out.c) / p, std::uint64_t(out.out.c) / p};
    }
    return d;
}

} // namespace accsim::dataflow
