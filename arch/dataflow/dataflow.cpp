#include "arch/dataflow/dataflow.hpp"

#include "arch/dataflow/board.hpp"
#include "arch/dataflow/folding.hpp"
#include "arch/dataflow/fpga_cost.hpp"
#include "arch/dataflow/pipeline.hpp"
#include "common/error.hpp"
#include "common/text.hpp"
#include "models/trace/trace.hpp"
#include "workloads/workload.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <set>

namespace accsim::dataflow {

namespace {

void register_options(OptionRegistry& reg) {
    reg.add("dataflow.style", OptType::string, "hls4ml", "",
            "how a layer is folded: hls4ml (reuse factor: an output pixel every RF cycles) or "
            "finn (PE/SIMD folding: (MH/PE)*(MW/SIMD) cycles per output pixel)")
        .one_of({"hls4ml", "finn"});
    reg.add("dataflow.clock_mhz", OptType::real, "100", "MHz", "clock of the pipeline").above(0);
    std::vector<std::string> parts;
    for (const auto& p : fpga_parts()) parts.push_back(p.name);
    reg.add("dataflow.part", OptType::string, "xc7z020", "",
            "FPGA part whose resources the design is compared with")
        .one_of(parts);
    reg.add("dataflow.strategy", OptType::string, "latency", "",
            "hls4ml conv strategy: latency (the loop over input positions is pipelined at II = "
            "RF, every position costs RF cycles) or resource (a position costs 1 cycle, an "
            "output pixel RF)")
        .one_of({"latency", "resource"});
    reg.add("dataflow.reuse_factor", OptType::integer, "1", "",
            "hls4ml reuse factor of every conv and dense layer: multiplications per multiplier "
            "and cycles per loop iteration")
        .at_least(1);
    reg.add("dataflow.pe", OptType::integer, "1", "",
            "FINN processing elements (output channels in parallel) of every conv and dense layer")
        .at_least(1);
    reg.add("dataflow.simd", OptType::integer, "1", "",
            "FINN SIMD lanes (inputs in parallel per PE) of every conv and dense layer")
        .at_least(1);
    reg.add("dataflow.folding", OptType::string, "", "",
            "FINN folding file (FINN's JSON: node names such as MatrixVectorActivation_0 with "
            "PE, SIMD, ram_style, and Defaults by op type); style finn only")
        .path();
    reg.add("dataflow.target_fps", OptType::real, "none", "frames/s",
            "FINN's SetFolding: per layer the smallest PE/SIMD (and sliding-window SIMD, threshold "
            "PE) whose expected cycles per frame come under clock / target_fps; style finn only; "
            "dataflow.layer keys and dataflow.folding override it")
        .above(0)
        .one_of({"none"});
    reg.add("dataflow.mvau_wwidth_max", OptType::integer, "36", "bits",
            "FINN's SetFolding: SIMD grows while an MVAU's weight stream per PE (SIMD x weight "
            "bits) "
            "stays within this width (FINN's default 36)")
        .at_least(1);
    reg.add("dataflow.folding_two_pass_relaxation", OptType::boolean, "true", "",
            "FINN's SetFolding: when the target cannot be met, fold again for the rate the "
            "slowest layer reaches, balancing the pipeline around it (FINN's default)");
    reg.add("dataflow.layer.*.reuse_factor", OptType::integer, "", "",
            "reuse factor of one layer (hls4ml style; also the cycles per pixel of a pool)")
        .at_least(1);
    reg.add("dataflow.layer.*.pe", OptType::integer, "", "", "PE of one layer (FINN style)")
        .at_least(1);
    reg.add("dataflow.layer.*.simd", OptType::integer, "", "", "SIMD of one layer (FINN style)")
        .at_least(1);
    reg.add("dataflow.fifo_depth", OptType::integer, "tensor", "pixels",
            "depth of every stream: tensor (hls4ml's default, H*W pixels of the tensor), "
            "optimized (run with unbounded FIFOs, then depth = peak + 1 and run again), minimal "
            "(smallest depth per FIFO that keeps the initiation interval), or a number")
        .range(1, 1 << 30)
        .one_of({"tensor", "optimized", "minimal"});
    reg.add("dataflow.skip_fifo_depth", OptType::integer, "fifo_depth", "pixels",
            "depth of every skip FIFO (a stream from a clone straight into an add or sub): "
            "fifo_depth (as every other stream) or a number, kept by every sizing policy")
        .range(1, 1 << 30)
        .one_of({"fifo_depth"});
    reg.add("dataflow.fifo_rounding", OptType::string, "hls4ml", "",
            "depth rule of optimized: hls4ml (peak + 1) or finn (peak + 1, then at least 2, and "
            "32 when at most 32)")
        .one_of({"hls4ml", "finn"});
    reg.add("dataflow.sizing_images", OptType::integer, "3", "images",
            "images streamed in each FIFO sizing run (optimized, minimal) after the images that "
            "fill the pipeline; the inputs arrive at the busiest stage's interval")
        .range(2, 1000);
    reg.add(
           "dataflow.lutram_max_depth", OptType::integer, "256", "words",
           "memories (FIFOs, line buffers, weights) up to this depth go to LUTRAM/SRL, deeper ones "
           "to BRAM (FINN: FIFOs deeper than 256 become BRAM IP)")
        .at_least(0);
    reg.add("dataflow.weight_ram_style", OptType::string, "auto", "",
            "where weight memories go: auto (LUTRAM up to lutram_max_depth, else BRAM) or ultra "
            "(UltraRAM, URAM288 = 4K x 72 bits; only on parts that have it, e.g. xcu250)")
        .one_of({"auto", "ultra"});
    reg.add("dataflow.dsp_min_weight_bits", OptType::integer, "9", "bits",
            "multipliers of weights at least this wide use DSP slices, narrower ones LUTs "
            "(hls4ml heuristic: weights of 9 bits or more)")
        .range(1, 64);
    register_board_options(reg);
}

// FPGA resources of one stage (docs/dataflow.md, "FPGA resources").
FpgaResources stage_cost(const Config& cfg, const Graph& g, const Design& d,
                         const Pipeline::StageInfo& s, std::uint64_t lutram_max_depth) {
    FpgaResources r;
    if (s.kind == Pipeline::StageInfo::source || s.kind == Pipeline::StageInfo::sink) return r;
    if (s.kind == Pipeline::StageInfo::clone) {
        r.ff = double(s.stage->outputs.front()->width_bits()); // the pixel being copied
        return r;
    }
    const Layer& l = g.layers[s.layer];
    const Folding& f = d.folding[s.layer];
    const int in_bits = d.in_bits(l);
    const double c = l.out.c, a = l.act_bits;
    const bool finn = cfg.get_string("dataflow.style") == "finn";
    if (l.op == Op::conv || l.op == Op::pool) {
        if (l.kernel_h > 1 || l.kernel_w > 1) {
            // Line buffer: kh-1 rows of the padded input plus kw pixels.
            const std::uint64_t cols = std::uint64_t(l.pad_left() + l.in.w + l.pad_right());
            r += memory_cost(std::uint64_t(l.kernel_h - 1) * cols + l.kernel_w,
                             std::uint64_t(l.in.c) * in_bits, lutram_max_depth, true, f.window_ram);
        }
    }
    if (l.has_weights()) {
        // For hls4ml, PE x SIMD lanes hold its n_weights/RF multipliers (fold_layers).
        MvauShape m{f.mw,
                    f.mh,
                    f.pe,
                    f.simd,
                    l.weight_bits,
                    in_bits,
                    d.out_bits[std::size_t(s.layer)],
                    finn && l.activation == Activation::relu,
                    l.weight_bits >= cfg.get_int("dataflow.dsp_min_weight_bits")};
        FpgaResources mv = mvau_cost(m);
        // hls4ml: one DSP per multiplier; PE x SIMD may round the multiplier count up.
        if (!finn && m.dsp)
            mv.dsp = double(f.multipliers) * std::ceil(double(l.weight_bits + in_bits) / 48);
        r += mv;
        // Weight memory (FINN's table): depth MW*MH/(PE*SIMD), width PE*SIMD*W; for hls4ml the
        // RF-deep, (weights/RF)*W wide array of its resource strategy.
        const std::uint64_t depth = finn ? f.mw * f.mh / (f.pe * f.simd) : f.reuse_factor;
        const std::uint64_t width = (finn ? f.pe * f.simd : f.multipliers) * l.weight_bits;
        // A FINN folding file's ram_style for the layer, else dataflow.weight_ram_style.
        const RamStyle style = f.weight_ram != RamStyle::automatic ? f.weight_ram
                               : cfg.get_string("dataflow.weight_ram_style") == "ultra"
                                   ? RamStyle::ultra
                                   : RamStyle::automatic;
        r += memory_cost(depth, width, lutram_max_depth, false, style);
        return r;
    }
    // accsim's own estimates for the layers without weights (docs/dataflow.md).
    switch (l.op) {
    case Op::add:
    case Op::sub: {
        const double sum_bits =
            std::max(in_bits, d.out_bits[l.inputs.size() > 1 ? l.inputs[1] : l.inputs[0]]) + 1;
        r.lut += c * sum_bits;
        // FINN requantizes a non-linear sum with a threshold unit: 2^B - 1 comparators of the
        // sum per channel.
        if (finn && l.activation == Activation::relu)
            r.lut += c * (std::pow(2.0, d.out_bits[std::size_t(s.layer)]) - 1) * sum_bits;
        r.ff += c * d.out_bits[s.layer];
        break;
    }
    case Op::pool:
        r.lut += c * (a + 1);
        r.ff += c * a;
        break;
    case Op::global_pool: {
        const double acc =
            a + std::ceil(std::log2(double(std::max<std::int64_t>(2, l.in.pixels()))));
        r.lut += c * acc;
        r.ff += c * acc;
        break;
    }
    case Op::relu:
        if (finn) {
            // FINN's Thresholding: 2^B - 1 thresholds of the input's width per channel, held in
            // a memory of C/PE words of PE channels' thresholds, and PE lanes of as many
            // comparators (accsim's reading of the unit; FINN publishes no LUT estimate for it).
            const double levels = std::pow(2.0, d.out_bits[std::size_t(s.layer)]) - 1;
            r += memory_cost(ceil_div(std::uint64_t(c), f.pe),
                             f.pe * std::uint64_t(levels) * std::uint64_t(in_bits),
                             lutram_max_depth, false, f.weight_ram);
            r.lut += double(f.pe) * levels * in_bits;
            r.ff += c * d.out_bits[std::size_t(s.layer)];
        } else {
            r.lut += c;
            r.ff += c * a;
        }
        break;
    case Op::downsample:
        r.ff += c * a;
        break;
    case Op::mul: {
        // One product per channel in LUTs, FINN's LUT-multiplier size for W x A bits.
        const double wa = in_bits + d.out_bits[l.inputs.size() > 1 ? l.inputs[1] : l.inputs[0]];
        r.lut += c * (2 * std::ceil(wa / 6) - 1) * wa;
        r.ff += c * d.out_bits[s.layer];
        break;
    }
    case Op::concat:
        r.ff += c * d.out_bits[s.layer]; // the joined pixel's register
        break;
    case Op::activation:
        if (l.activation == Activation::leaky_relu) {
            r.lut += c * a; // a sign test and a constant multiply (a shift) per channel
        } else {
            // hls4ml's lookup tables (table_size 1024 by default) of the activation's width,
            // one per channel lane; softmax has an exp and an inverse table.
            const int tables = l.activation == Activation::softmax ? 2 : 1;
            r += memory_cost(1024, std::uint64_t(c) * std::uint64_t(a) * tables, lutram_max_depth,
                             false);
        }
        r.ff += c * a;
        break;
    case Op::upsample:
        // One input row is kept for the block's other output rows.
        r += memory_cost(std::uint64_t(l.in.w), std::uint64_t(l.in.c) * in_bits, lutram_max_depth,
                         true);
        r.ff += c * a;
        break;
    default:
        break;
    }
    return r;
}

std::vector<std::uint64_t> tensor_depths(const Pipeline& p) {
    std::vector<std::uint64_t> d;
    for (const auto& s : p.streams)
        d.push_back(std::uint64_t(std::max<std::int64_t>(1, s.tensor_pixels)));
    return d;
}

std::uint64_t round_depth(std::uint64_t depth, bool finn_rounding) {
    if (!finn_rounding) return depth;
    if (depth <= 2) return 2;
    if (depth <= 32) return 32;
    return depth;
}

ojson pass_json(const std::string& name, const PassResult& r, const Pipeline& p,
                const std::vector<std::uint64_t>& depths, bool peaks) {
    ojson j;
    j["pass"] = name;
    j["images"] = r.images;
    j["initiation_interval_cycles"] = r.ii_cycles;
    j["latency_cycles"] = r.latency_cycles;
    ojson d = ojson::object();
    for (std::size_t i = 0; i < p.streams.size(); ++i)
        d[p.streams[i].fifo->name()] = peaks ? p.streams[i].fifo->occupancy().peak() : depths[i];
    j[peaks ? "peak_pixels" : "depth_pixels"] = d;
    return j;
}

class Dataflow : public Architecture {
public:
    void run(const Config& cfg, const Graph& g, Report& report) override {
        check_layer_names(cfg, g);
        const Design design = fold_layers(cfg, g);
        const double clock_mhz = cfg.get_real("dataflow.clock_mhz");
        const auto batch = std::uint64_t(cfg.get_int("run.batch"));
        const auto sizing_images = std::uint64_t(cfg.get_int("dataflow.sizing_images"));
        const auto lutram_max_depth = std::uint64_t(cfg.get_int("dataflow.lutram_max_depth"));
        const FpgaPart& part = find_part(cfg.get_string("dataflow.part"));
        if (cfg.get_string("dataflow.weight_ram_style") == "ultra" && part.uram == 0)
            throw InputError(fmt::format("{}: ultra needs a part with UltraRAM; {} has none",
                                         where(cfg, "dataflow.weight_ram_style"), part.name));

        if (part.uram == 0)
            for (std::size_t i = 0; i < design.folding.size(); ++i)
                if (design.folding[i].weight_ram == RamStyle::ultra ||
                    design.folding[i].window_ram == RamStyle::ultra)
                    throw InputError(fmt::format("{}: layer '{}': ram_style ultra needs a part "
                                                 "with UltraRAM; {} has none",
                                                 where(cfg, "dataflow.folding"), g.layers[i].name,
                                                 part.name));

        Pipeline pipe(g, design.timing, design.out_bits, clock_mhz, design.sink_timing);
        // A skip FIFO of a given depth keeps it whatever the policy sizes the others to.
        std::vector<bool> fixed_skip(pipe.streams.size(), false);
        std::uint64_t skip_depth = 0;
        if (!cfg.is_word("dataflow.skip_fifo_depth", "fifo_depth")) {
            skip_depth = std::uint64_t(cfg.get_int("dataflow.skip_fifo_depth"));
            for (std::size_t i = 0; i < pipe.streams.size(); ++i) {
                const auto& st = pipe.streams[i];
                fixed_skip[i] = st.into_join && pipe.stages[std::size_t(st.producer)].kind ==
                                                    Pipeline::StageInfo::clone;
            }
            if (std::find(fixed_skip.begin(), fixed_skip.end(), true) == fixed_skip.end())
                throw InputError(fmt::format("{}: workload {} (run.skip = {}) has no skip FIFO "
                                             "(a stream from a clone straight into an add or "
                                             "sub) for it to size",
                                             where(cfg, "dataflow.skip_fifo_depth"), g.name,
                                             cfg.get_string("run.skip")));
        }
        auto keep_skip = [&](std::vector<std::uint64_t>& d) {
            for (std::size_t i = 0; i < d.size(); ++i)
                if (fixed_skip[i]) d[i] = skip_depth;
        };
        std::vector<std::uint64_t> depths;
        ojson sizing;
        std::string policy;
        if (cfg.is_word("dataflow.fifo_depth", "tensor")) {
            policy = "tensor";
            depths = tensor_depths(pipe);
        } else if (cfg.is_word("dataflow.fifo_depth", "optimized") ||
                   cfg.is_word("dataflow.fifo_depth", "minimal")) {
            policy = cfg.is_word("dataflow.fifo_depth", "optimized") ? "optimized" : "minimal";
            const bool finn_round = cfg.get_string("dataflow.fifo_rounding") == "finn";
            // The ports keep their tensor depth: the host feeds the input as fast as it may.
            std::vector<std::uint64_t> unbounded = tensor_depths(pipe);
            for (std::size_t i = 0; i < pipe.streams.size(); ++i)
                if (!pipe.streams[i].port) unbounded[i] = 0;
            keep_skip(unbounded);
            // Inputs arrive at the rate the design sustains, the busiest stage's cycles per image:
            // without back-pressure a faster source would fill the FIFO before a slower stage
            // by a share of every image it runs ahead, so the depths would grow with the number
            // of images. Paced, every image meets the pipeline as the one before it did.
            std::uint64_t interval = 0;
            for (const auto& s : pipe.stages)
                interval = std::max(interval, s.stage->busy_cycles_per_image());
            // The first images meet an emptier pipeline than later ones: stream the images that
            // are in flight at once (one image's latency over the interval) before the
            // sizing_images, so that every FIFO reaches its steady-state peak whatever
            // sizing_images is.
            const PassResult one = pipe.run_pass(unbounded, 1, interval);
            const std::uint64_t fill = interval ? ceil_div(one.latency_cycles, interval) : 0;
            const std::uint64_t run_images = fill + sizing_images;
            PassResult free_run = pipe.run_pass(unbounded, run_images, interval);
            sizing["source_interval_cycles"] = interval;
            sizing["fill_images"] = fill;
            sizing["passes"].push_back(pass_json("unbounded", free_run, pipe, unbounded, true));
            for (std::size_t i = 0; i < pipe.streams.size(); ++i)
                depths.push_back(
                    pipe.streams[i].port
                        ? unbounded[i]
                        : round_depth(pipe.streams[i].fifo->occupancy().peak() + 1, finn_round));
            keep_skip(depths);
            if (policy == "minimal") {
                // Greedy, one FIFO at a time in pipeline order: binary search for the smallest
                // depth with which the run neither deadlocks nor loses initiation interval,
                // the others at their current depths (docs/dataflow.md).
                std::uint64_t probes = 0;
                for (std::size_t i = 0; i < depths.size(); ++i) {
                    if (pipe.streams[i].port || fixed_skip[i]) continue;
                    std::uint64_t lo = 1, hi = depths[i];
                    while (lo < hi) {
                        const std::uint64_t mid = lo + (hi - lo) / 2;
                        std::vector<std::uint64_t> trial = depths;
                        trial[i] = mid;
                        PassResult r = pipe.run_pass(trial, run_images);
                        ++probes;
                        if (!r.deadlocked && r.ii_cycles <= free_run.ii_cycles)
                            hi = mid;
                        else
                            lo = mid + 1;
                    }
                    depths[i] = hi;
                }
                sizing["probe_runs"] = probes;
            }
            PassResult confirm = pipe.run_pass(depths, run_images);
            if (confirm.deadlocked)
                throw DesignFailure(fmt::format("{} FIFO depths: {}", policy, confirm.diagnosis));
            sizing["passes"].push_back(pass_json("sized", confirm, pipe, depths, false));
            sizing["same_initiation_interval"] = confirm.ii_cycles == free_run.ii_cycles;
        } else {
            policy = "fixed";
            depths.assign(pipe.streams.size(), std::uint64_t(cfg.get_int("dataflow.fifo_depth")));
        }
        if (policy == "tensor" || policy == "fixed") keep_skip(depths);

        // The run the report describes is the one a trace shows (not the sizing runs).
        if (Trace* t = active_trace()) {
            t->set_clock_mhz(clock_mhz);
            for (auto& st : pipe.stages)
                if (st.kind == Pipeline::StageInfo::layer_stage ||
                    st.kind == Pipeline::StageInfo::clone)
                    st.stage->trace = t->state(st.stage->name(), "state");
            for (auto& sm : pipe.streams)
                sm.fifo->trace_to(t->counter(sm.fifo->name(), "occupancy", "pixels"));
        }
        PassResult r = pipe.run_pass(depths, batch);
        if (r.deadlocked)
            throw DesignFailure(fmt::format("{} (dataflow.fifo_depth = {})", r.diagnosis,
                                            cfg.at("dataflow.fifo_depth").value));
        fill_report(cfg, g, design, pipe, depths, r, part, lutram_max_depth, report);
        auto& df = report.doc()["dataflow"];
        df["style"] = cfg.get_string("dataflow.style");
        if (df["style"] == "hls4ml") df["strategy"] = cfg.get_string("dataflow.strategy");
        if (!design.folding_file.empty()) df["folding"] = design.folding_file;
        if (design.set_folding) {
            ojson& sfj = df["set_folding"];
            sfj["target_cycles_per_frame"] = design.set_folding->target_cycles;
            sfj["max_cycles_per_frame"] = design.set_folding->max_cycles;
            sfj["relaxed"] = design.set_folding->relaxed;
        }
        df["fifo_depth_policy"] = policy;
        df["images"] = batch;
        df["initiation_interval_measured"] = r.measured_ii;
        if (!sizing.is_null()) df["fifo_sizing"] = sizing;
        // Last: a new top-level field moves the others (`df` is not used after this).
        for (const auto& n : design.notes) report.add_note(n);
        if (!r.measured_ii)
            report.add_note("initiation_interval_cycles and throughput_per_s are a bound, not a "
                            "measurement: one image cannot show the interval between images, so "
                            "they come from the busiest stage's cycles per image; set run.batch "
                            ">= 2 to measure them");
    }

private:
    void fill_report(const Config& cfg, const Graph& g, const Design& design, const Pipeline& pipe,
                     const std::vector<std::uint64_t>& depths, const PassResult& r,
                     const FpgaPart& part, std::uint64_t lutram_max_depth, Report& report) {
        const double clock_mhz = cfg.get_real("dataflow.clock_mhz");
        FpgaResources total;
        for (const auto& s : pipe.stages) {
            if (s.kind == Pipeline::StageInfo::source || s.kind == Pipeline::StageInfo::sink)
                continue;
            const PixelStage& st = *s.stage;
            const Folding f = s.layer >= 0 ? design.folding[s.layer] : Folding{};
            FpgaResources c = stage_cost(cfg, g, design, s, lutram_max_depth);
            total += c;
            ojson j;
            j["name"] = st.name();
            j["op"] = s.layer >= 0 ? to_string(g.layers[s.layer].op) : "clone";
            j["start_cycle"] = st.first_start_cycle;
            j["end_cycle"] = st.last_end_cycle;
            j["cycles"] = st.last_end_cycle - st.first_start_cycle;
            j["macs"] = s.layer >= 0 ? g.layers[s.layer].macs() : 0; // per inference
            j["busy_cycles"] = st.busy_cycles;
            j["input_stall_cycles"] = st.input_stall_cycles;
            j["output_stall_cycles"] = st.output_stall_cycles;
            j["busy_cycles_per_image"] = st.busy_cycles_per_image();
            if (s.layer >= 0 && g.layers[s.layer].has_weights()) {
                if (cfg.get_string("dataflow.style") == "finn") {
                    j["pe"] = f.pe;
                    j["simd"] = f.simd;
                    if (f.window_simd) j["window_simd"] = f.window_simd;
                } else {
                    j["reuse_factor"] = f.reuse_factor;
                    if (f.requested_reuse_factor)
                        j["reuse_factor_requested"] = f.requested_reuse_factor;
                }
                j["multipliers"] = f.multipliers;
            } else if (s.layer >= 0 && g.layers[s.layer].op == Op::relu &&
                       cfg.get_string("dataflow.style") == "finn") {
                j["pe"] = f.pe; // FINN's threshold unit
            }
            j["bram18"] = std::llround(c.bram18);
            j["lut"] = std::llround(c.lut);
            j["ff"] = std::llround(c.ff);
            j["dsp"] = std::llround(c.dsp);
            if (part.uram > 0) j["uram"] = std::llround(c.uram);
            report.add_layer(std::move(j));
        }
        std::uint64_t fifo_bits = 0;
        BoardTraffic traffic;
        for (std::size_t i = 0; i < pipe.streams.size(); ++i) {
            const auto& s = pipe.streams[i];
            const StreamFifo& f = *s.fifo;
            const FpgaResources c = memory_cost(depths[i], f.width_bits(), lutram_max_depth, true);
            if (!s.port) {
                total += c;
                fifo_bits += depths[i] * f.width_bits();
            } else {
                // The design's ports: what the board moves in and out per inference.
                const std::uint64_t bytes =
                    std::uint64_t(s.tensor_pixels) * ((f.width_bits() + 7) / 8);
                (pipe.stages[std::size_t(s.producer)].kind == Pipeline::StageInfo::source
                     ? traffic.input_bytes
                     : traffic.output_bytes) += bytes;
            }
            ojson& b = report.add_buffer(f.name(), double(depths[i]), double(f.occupancy().peak()),
                                         f.occupancy().mean(), "pixels");
            b["bits_per_pixel"] = f.width_bits();
            b["bits"] = depths[i] * f.width_bits();
            b["memory"] = depths[i] > lutram_max_depth ? "bram" : "lutram";
            b["bram18"] = std::llround(c.bram18);
            b["lut"] = std::llround(c.lut);
            b["ff"] = std::llround(c.ff);
            if (s.into_join) b["into_join"] = true;
            if (s.port) b["port"] = true;
            b["histogram"] = f.occupancy().histogram_json();
        }

        // Counts are reported as whole numbers; beyond 2^53 a double no longer holds them.
        for (const auto& [what, v] : {std::pair<const char*, double>{"LUTs", total.lut},
                                      {"FFs", total.ff},
                                      {"BRAM18s", total.bram18},
                                      {"DSPs", total.dsp},
                                      {"URAMs", total.uram}})
            if (!(v < std::ldexp(1.0, 53)))
                throw InputError(fmt::format("workload {}: the design would need about {:.3g} "
                                             "{}, beyond what accsim's cost model counts "
                                             "exactly (2^53) and any FPGA's size",
                                             g.name, v, what));
        const double seconds_per_cycle = 1e-6 / clock_mhz;
        auto& sm = report.summary();
        sm["cycles"] = r.makespan_cycles;
        sm["clock_mhz"] = clock_mhz;
        sm["latency_us"] = double(r.latency_cycles) * seconds_per_cycle * 1e6;
        sm["batch_latency_us"] = double(r.makespan_cycles) * seconds_per_cycle * 1e6;
        sm["initiation_interval_cycles"] = r.ii_cycles;
        sm["throughput_per_s"] =
            r.ii_cycles ? 1.0 / (double(r.ii_cycles) * seconds_per_cycle) : 0.0;
        add_board(cfg, double(r.latency_cycles) * seconds_per_cycle * 1e6, clock_mhz, traffic,
                  report);
        auto& fp = sm["fpga"];
        fp["part"] = part.name;
        fp["bram18"] = std::llround(total.bram18);
        fp["lut"] = std::llround(total.lut);
        fp["ff"] = std::llround(total.ff);
        fp["dsp"] = std::llround(total.dsp);
        if (part.uram > 0) fp["uram"] = std::llround(total.uram);
        fp["fifo_bits"] = fifo_bits;
        ojson util;
        util["bram18"] = 100.0 * total.bram18 / part.bram18;
        util["lut"] = 100.0 * total.lut / part.lut;
        util["ff"] = 100.0 * total.ff / part.ff;
        util["dsp"] = 100.0 * total.dsp / part.dsp;
        if (part.uram > 0) util["uram"] = 100.0 * total.uram / part.uram;
        fp["utilisation_percent"] = util;
        std::vector<std::string> over;
        if (total.bram18 > part.bram18) over.push_back("BRAM18");
        if (total.lut > part.lut) over.push_back("LUT");
        if (total.ff > part.ff) over.push_back("FF");
        if (total.dsp > part.dsp) over.push_back("DSP");
        fp["fits"] = over.empty();
        if (!over.empty())
            fp["does_not_fit"] = fmt::format("the design needs more {} than the {} has",
                                             fmt::join(over, ", "), part.name);
    }
};

} // namespace

ArchInfo info() {
    return {"dataflow",
            "FPGA dataflow pipeline (hls4ml io_stream / FINN): one process per layer, bounded "
            "pixel streams, FIFO sizing, deadlock diagnosis, FPGA resources",
            &register_options, [] { return std::unique_ptr<Architecture>(new Dataflow()); },
            graph_keys()};
}

} // namespace accsim::dataflow
