#include "arch/eie/eie.hpp"

#include "arch/eie/model.hpp"
#include "arch/eie/pe_cost.hpp"
#include "common/error.hpp"
#include "models/kernel/simulate.hpp"
#include "models/kernel/time.hpp"
#include "workloads/npy.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <systemc>

namespace accsim::eie {

namespace {

void register_options(OptionRegistry& reg) {
    reg.add("eie.pes", OptType::integer, "64", "PEs", "processing elements (EIE: 64)")
        .range(1, 256);
    reg.add("eie.clock_mhz", OptType::real, "800", "MHz", "clock (EIE: 800 MHz at 45 nm)").above(0);
    reg.add("eie.queue_depth", OptType::integer, "8", "entries",
            "activation queue depth per PE; the broadcast stalls while any queue is full (EIE: 8)")
        .range(1, 4096);
    reg.add("eie.act_regs_per_pe", OptType::integer, "64", "activations",
            "source and destination activation registers per PE: a layer with more output rows "
            "per PE runs in passes of this many rows, each re-broadcasting the input, and an "
            "input longer than pes x this in batches of that many (EIE: 64)")
        .range(1, 65536);
    reg.add("eie.spmat_sram_kib", OptType::real, "128", "KiB",
            "sparse-matrix SRAM per PE (8-bit entries); fit: the smallest power of two that "
            "holds the workload. Weights that do not fit are a design failure (EIE: 128)")
        .above(0)
        .one_of({"fit"});
    reg.add("eie.pointer_sram_kib", OptType::real, "32", "KiB",
            "pointer SRAM per PE (16-bit pointers, one per column and pass); fit as for "
            "spmat_sram_kib (EIE: 32)")
        .above(0)
        .one_of({"fit"});
    reg.add("eie.tech_nm", OptType::real, "45", "nm",
            "process node for area and power: area scales with (tech_nm/45)^2, power with "
            "tech_nm/45 (EIE: TSMC 45 nm)")
        .range(5, 250);
    reg.add("eie.weight_frac_bits", OptType::integer, "12", "bits",
            "fraction bits of the 16-bit fixed-point shared weights")
        .range(0, 15);
    reg.add("eie.act_frac_bits", OptType::integer, "8", "bits",
            "fraction bits of the 16-bit fixed-point activations")
        .range(0, 15);
    reg.add("eie.codebook", OptType::string, "auto", "",
            "shared weights of each layer: exact keeps the values of weights that are already "
            "shared (at most 15 distinct non-zero values, as a pre-quantized model has); kmeans "
            "refits 15 centroids (Deep Compression's linear-initialised k-means); auto is exact "
            "when the layer's weights fit it, else kmeans")
        .one_of({"auto", "kmeans", "exact"});
    reg.add("eie.output_npy", OptType::string, "", "",
            "write the last layer's whole output (decoded from 16-bit fixed point) to this .npy "
            "file as float64: shape (outputs,), or (run.batch, outputs)")
        .path();
    reg.add("eie.generated_input", OptType::string, "random", "",
            "input vector when workload.input is empty: random (non-zero values in (0, 1] at "
            "the first layer's activation density) or binary_lba (the 0/1 digits of 8-bit "
            "LBA-style numbers, as the MittOS predictors see them)")
        .one_of({"random", "binary_lba"});
}

std::string origin_of(const Config& cfg, const std::string& key) {
    const auto& v = cfg.at(key);
    return v.origin == "default" ? key : fmt::format("{}: {}", v.origin, key);
}

// SystemC carries time: one process runs each layer's cycle model and waits once for its cycles.
SC_MODULE(EieEngine) {
    EieModel& model;
    Clock clock;
    std::uint64_t total_cycles = 0;

    SC_HAS_PROCESS(EieEngine);
    EieEngine(sc_core::sc_module_name name, EieModel & m, const Clock& c)
        : sc_module(name), model(m), clock(c) {
        SC_THREAD(process);
    }

    void process() {
        try {
            for (std::uint64_t n = 0; n < model.params().batch; ++n)
                for (std::size_t i = 0; i < model.graph().layers.size(); ++i) {
                    const std::uint64_t c = model.run_layer(i, n, total_cycles);
                    total_cycles += c;
                    if (c) wait(clock.cycles(double(c)));
                }
        } catch (const sc_core::sc_unwind_exception&) {
            throw; // killed: the run is ending (SystemC requires the rethrow)
        } catch (...) {
            // Thrown by simulate(), so that it reaches the CLI as itself (exit 2 or 3), not as
            // a SystemC report.
            fail_simulation(std::current_exception());
        }
    }
};

// SRAM sizes per PE: the configured ones, or (fit) the smallest power of two KiB that holds the
// busiest PE's entries and pointers. Weights that do not fit are a design failure.
std::pair<double, double> sram_kib(const Config& cfg, const Graph& g, const EieModel& m) {
    const std::size_t pes = std::size_t(m.params().pes);
    std::vector<std::uint64_t> entry_bytes(pes, 0), pointer_bytes(pes, 0);
    for (const auto& img : m.images())
        for (const auto& pass : img.tiles)
            for (const auto& tile : pass)
                for (std::size_t p = 0; p < pes; ++p) {
                    entry_bytes[p] += tile.pe[p].entries.size(); // 8-bit entries
                    // The pointer SRAM holds the 16-bit pointers of the batch in flight.
                    pointer_bytes[p] =
                        std::max(pointer_bytes[p], 2 * (std::uint64_t(tile.cols) + 1));
                }
    auto size = [&](const std::string& key, const std::vector<std::uint64_t>& need,
                    const char* what) {
        const auto worst = std::max_element(need.begin(), need.end());
        const double need_kib = double(*worst) / 1024.0;
        if (cfg.is_word(key, "fit")) {
            double kib = 1;
            while (kib < need_kib) kib *= 2;
            return kib;
        }
        const double kib = cfg.get_real(key);
        if (need_kib > kib)
            throw DesignFailure(fmt::format(
                "{}: PE {} needs {:.1f} KiB of {} for workload {} on {} PEs, more than its {:g} "
                "KiB; use more PEs, a larger SRAM, or {} = fit",
                origin_of(cfg, key), worst - need.begin(), need_kib, what, g.name, pes, kib, key));
        return kib;
    };
    return {size("eie.spmat_sram_kib", entry_bytes, "sparse-matrix SRAM"),
            size("eie.pointer_sram_kib", pointer_bytes, "pointer SRAM")};
}

class Eie : public Architecture {
public:
    void run(const Config& cfg, const Graph& g, Report& report) override {
        Params p;
        p.pes = int(cfg.get_int("eie.pes"));
        p.clock_mhz = cfg.get_real("eie.clock_mhz");
        p.queue_depth = int(cfg.get_int("eie.queue_depth"));
        p.act_regs_per_pe = int(cfg.get_int("eie.act_regs_per_pe"));
        p.weight_frac_bits = int(cfg.get_int("eie.weight_frac_bits"));
        p.act_frac_bits = int(cfg.get_int("eie.act_frac_bits"));
        p.seed = std::uint64_t(cfg.get_int("run.seed"));
        p.batch = std::uint64_t(cfg.get_int("run.batch"));
        p.generated_input = cfg.get_string("eie.generated_input");
        p.input_path = cfg.get_path("workload.input");
        p.weights_dir = cfg.get_path("workload.weights");
        p.bias_dir = cfg.get_path("workload.bias");
        const std::string& book = cfg.get_string("eie.codebook");
        p.codebook = book == "exact"    ? CodebookMode::exact
                     : book == "kmeans" ? CodebookMode::kmeans
                                        : CodebookMode::automatic;
        const std::string output_npy = cfg.get_path("eie.output_npy");
        p.keep_outputs = !output_npy.empty();
        // A file that cannot be written fails before the simulation, not after it.
        if (!output_npy.empty() && !std::ofstream(output_npy, std::ios::binary | std::ios::trunc))
            throw InputError(fmt::format("{}: eie.output_npy: {}: cannot write file",
                                         cfg.at("eie.output_npy").origin, output_npy));
        // A real input defines the activations: a density or a generator beside it would
        // silently replace them.
        p.computed_density = cfg.is_word("workload.act_density", "computed");
        // Real weights define their own density.
        const bool real_weights = !p.weights_dir.empty() ||
                                  std::any_of(g.layers.begin(), g.layers.end(), [](const Layer& l) {
                                      return l.weight_values != nullptr;
                                  });
        if (real_weights && cfg.at("workload.sparsity").user_set())
            throw InputError(fmt::format(
                "{}: workload.sparsity = {} cannot be used with real weights ({}): their zeros "
                "define the sparsity; remove it",
                cfg.at("workload.sparsity").origin, cfg.get_string("workload.sparsity"),
                p.weights_dir.empty() ? "the model's initializers" : "workload.weights"));
        if (!p.input_path.empty()) {
            for (const char* key : {"workload.act_density", "eie.generated_input"})
                if (cfg.at(key).user_set())
                    throw InputError(fmt::format(
                        "{}: {} = {} cannot be used with workload.input ({}): a real input "
                        "defines the activations of every layer; remove it",
                        cfg.at(key).origin, key, cfg.get_string(key),
                        cfg.at("workload.input").origin));
            p.computed_density = true;
        }
        for (const auto& l : g.layers)
            if (l.has_weights() && (l.weight_bits != 16 || l.act_bits != 16))
                throw InputError(fmt::format(
                    "layer {}: eie computes in 16-bit fixed point; the workload asks for {}-bit "
                    "weights and {}-bit activations (workload.weight_bits, workload.act_bits)",
                    l.name, l.weight_bits, l.act_bits));

        EieModel model(g, p);
        const auto [spmat_kib, pointer_kib] = sram_kib(cfg, g, model);
        const Clock clock(p.clock_mhz, "eie.clock_mhz");
        EieEngine engine("eie", model, clock);
        simulate();
        fill_report(cfg, model, engine.total_cycles, spmat_kib, pointer_kib, report);
        if (!output_npy.empty()) {
            write_output(output_npy, cfg.at("eie.output_npy").origin, model);
            report.doc()["eie"]["output"]["npy"] = output_npy;
        }
    }

private:
    // The outputs as float64: one vector, or one row per inference.
    static void write_output(const std::string& path, const std::string& origin,
                             const EieModel& m) {
        const auto& outs = m.outputs();
        std::vector<double> values;
        for (const auto& y : outs)
            for (auto v : y) values.push_back(std::ldexp(double(v), -m.params().act_frac_bits));
        std::vector<std::size_t> shape{outs.back().size()};
        if (outs.size() > 1) shape.insert(shape.begin(), outs.size());
        try {
            write_npy(path, shape, values);
        } catch (const InputError& e) {
            throw InputError(fmt::format("{}: eie.output_npy: {}", origin, e.what()));
        }
    }

    static void fill_report(const Config& cfg, const EieModel& m, std::uint64_t total_cycles,
                            double spmat_kib, double pointer_kib, Report& report) {
        const Params& p = m.params();
        const Graph& g = m.graph();
        CostParams cp;
        cp.pes = p.pes;
        cp.spmat_sram_kib = spmat_kib;
        cp.pointer_sram_kib = pointer_kib;
        cp.tech_nm = cfg.get_real("eie.tech_nm");
        const ArrayCost cost = array_cost(cp);
        // The array's power by kind of unit (EIE Table II's modules, which include their
        // leakage: the paper does not split it out): MACs in the arithmetic unit; SRAM in the
        // pointer, sparse-matrix and activation reads and writes; the rest (activation queues,
        // LNZD nodes) as queue. EIE keeps its model on chip: no DRAM energy.
        double mac_w = 0, sram_w = 0, queue_w = 0;
        for (const auto& u : cost.units) {
            const double w = u.power_mw * u.count * 1e-3;
            if (u.name == "arithm_unit")
                mac_w += w;
            else if (u.name == "ptr_read" || u.name == "spmat_read" || u.name == "act_rw")
                sram_w += w;
            else
                queue_w += w;
        }
        std::uint64_t ideal = 0, busy = 0, starved = 0, macs = 0;
        for (std::size_t i = 0; i < g.layers.size(); ++i) {
            const Layer& l = g.layers[i];
            const LayerResult& r = m.results()[i];
            ojson j;
            j["name"] = l.name;
            j["op"] = to_string(l.op);
            j["start_cycle"] = r.start_cycle;
            j["end_cycle"] = r.start_cycle + r.cycles / p.batch;
            j["cycles"] = r.cycles;
            j["macs"] = l.macs(); // per inference
            if (l.op == Op::dense) {
                const LayerImage& img = m.images()[i];
                j["nonzero_macs"] = r.nonzero_macs;
                j["ideal_cycles"] = r.ideal_cycles;
                j["weight_density"] = double(img.nonzero_weights) / double(l.weights());
                j["act_density"] = double(r.input_nonzeros) / double(r.input_elements);
                j["passes"] = img.passes();
                j["input_batches"] = img.batches();
                j["codebook"] = img.exact_book ? "exact" : "kmeans";
                j["act_sram_reads"] = r.act_sram_reads;
                j["act_sram_writes"] = r.act_sram_writes;
                j["broadcast_stall_cycles"] = r.broadcast_stall_cycles;
                j["load_balance_efficiency"] =
                    r.busy_cycles ? 1.0 - double(r.starved_cycles) / double(r.busy_cycles) : 1.0;
                ideal += r.ideal_cycles;
                busy += r.busy_cycles;
                starved += r.starved_cycles;
                macs += r.nonzero_macs;
            }
            // The layer's energy for the whole batch: the array's power over its cycles.
            const double layer_s = double(r.cycles) / (p.clock_mhz * 1e6);
            j["energy_uj"] = cost.power_w * layer_s * 1e6;
            j["mac_energy_uj"] = mac_w * layer_s * 1e6;
            j["sram_energy_uj"] = sram_w * layer_s * 1e6;
            j["queue_energy_uj"] = queue_w * layer_s * 1e6;
            j["dram_energy_uj"] = 0.0;
            report.add_layer(std::move(j));
        }

        const double seconds = double(total_cycles) / (p.clock_mhz * 1e6);
        auto& s = report.summary();
        s["cycles"] = total_cycles;
        s["ideal_cycles"] = ideal;
        s["clock_mhz"] = p.clock_mhz;
        // Inferences run one after another: the mean time of one from its input to its output.
        s["latency_us"] = seconds * 1e6 / double(p.batch);
        s["batch_latency_us"] = seconds * 1e6;
        s["throughput_per_s"] = seconds > 0 ? double(p.batch) / seconds : 0.0;
        s["nonzero_macs"] = macs;
        s["load_balance_efficiency"] = busy ? 1.0 - double(starved) / double(busy) : 1.0;
        s["area_mm2"] = cost.area_mm2;
        s["power_w"] = cost.power_w;
        s["energy_per_inference_uj"] = cost.power_w * seconds * 1e6 / double(p.batch);

        const PeArrayStats& st = m.stats();
        // All queues side by side: levels summed over PEs, peak over PEs.
        std::uint64_t peak = 0;
        double mean = 0;
        std::vector<std::uint64_t> hist;
        for (const auto& q : st.queue) {
            peak = std::max(peak, q.peak());
            mean += q.mean() / double(st.queue.size());
            const auto& h = q.cycles_at_level();
            if (hist.size() < h.size()) hist.resize(h.size(), 0);
            for (std::size_t k = 0; k < h.size(); ++k) hist[k] += h[k];
        }
        auto& b =
            report.add_buffer("act_queue (each PE)", p.queue_depth, double(peak), mean, "entries");
        b["histogram"] = {{"bin_width", 1}, {"pe_cycles_at_level", hist}};

        ojson pes = ojson::array();
        std::uint64_t spmat_reads = 0, pointer_reads = 0, act_reads = 0, entries = 0;
        for (const auto& c : st.pe) {
            pes.push_back({{"busy_cycles", c.busy_cycles},
                           {"starved_cycles", c.starved_cycles},
                           {"stalled_cycles", c.stalled_cycles},
                           {"entries", c.entries},
                           {"padding_entries", c.padding_entries},
                           {"empty_slices", c.empty_slices}});
            spmat_reads += c.spmat_reads;
            pointer_reads += c.pointer_reads;
            act_reads += c.act_reads;
            entries += c.entries;
        }
        report.doc()["pes"] = pes;
        ojson e;
        e["broadcasts"] = st.broadcasts;
        e["broadcast_stall_cycles"] = st.broadcast_stall_cycles;
        e["sram"] = {{"spmat_kib_per_pe", spmat_kib},    {"pointer_kib_per_pe", pointer_kib},
                     {"spmat_reads_64bit", spmat_reads}, {"pointer_reads", pointer_reads},
                     {"act_reads", act_reads},           {"entries_processed", entries}};
        ojson units = ojson::array();
        for (const auto& u : cost.units)
            units.push_back({{"unit", u.name},
                             {"count", u.count},
                             {"area_um2_each", u.area_um2},
                             {"power_mw_each", u.power_mw}});
        e["cost"] = units;
        const auto& y = m.outputs().back();
        ojson out;
        out["layer"] = g.layers.back().name;
        out["elements"] = y.size();
        out["act_frac_bits"] = p.act_frac_bits;
        ojson values = ojson::array();
        for (std::size_t k = 0; k < std::min<std::size_t>(y.size(), 64); ++k)
            values.push_back(std::ldexp(double(y[k]), -p.act_frac_bits));
        out["values"] = values;
        e["output"] = out;
        report.doc()["eie"] = e;
    }
};

} // namespace

ArchInfo info() {
    return {"eie",
            "EIE sparse ASIC (ISCA 2016): interleaved CSC, CCU broadcast, per-PE activation "
            "queues; real fixed-point outputs, area and power",
            &register_options, [] { return std::unique_ptr<Architecture>(new Eie()); },
            graph_keys({"run.seed", "workload.sparsity", "workload.act_density", "workload.weights",
                        "workload.bias", "workload.input"})};
}

} // namespace accsim::eie
