#include "arch/eie/eie.hpp"

#include "arch/eie/layer.hpp"
#include "arch/eie/pe.hpp"
#include "arch/eie/pe_cost.hpp"
#include "common/error.hpp"
#include "workloads/npy.hpp"
#include "workloads/sparse/random.hpp"
#include "workloads/sparse/sparse_matrix.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>
#include <fmt/format.h>
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
            "destination activation registers per PE: a layer with more output rows per PE "
            "runs in passes of this many rows, each re-broadcasting the input (EIE: 64)")
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
    reg.add("eie.generated_input", OptType::string, "random", "",
            "input vector when workload.input is empty: random (non-zero values in (0, 1] at "
            "the first layer's activation density) or binary_lba (the 0/1 digits of 8-bit "
            "LBA-style numbers, as the MittOS predictors see them)")
        .one_of({"random", "binary_lba"});
}

// Salts of the seed's independent random streams.
enum Stream : std::uint64_t { weights_stream = 1, input_stream = 2, density_stream = 3 };

std::string origin_of(const Config& cfg, const std::string& key) {
    const auto& v = cfg.at(key);
    return v.origin == "default" ? key : fmt::format("{}: {}", v.origin, key);
}

struct Params {
    int pes = 64;
    double clock_mhz = 800;
    int queue_depth = 8;
    int act_regs_per_pe = 64;
    int weight_frac_bits = 12, act_frac_bits = 8;
    std::uint64_t seed = 1;
    std::uint64_t batch = 1;
    bool computed_density = false;
    std::string generated_input;
};

// The weights of a dense layer: LAYER.npy from workload.weights (shape (outputs, inputs), zeros
// are pruned weights), or seeded uniform weights magnitude-pruned to the layer's density.
SparseColumns layer_weights(const Config& cfg, const Layer& l, int index, const Params& p) {
    const int rows = l.out.c, cols = int(l.in.elements());
    const std::string folder = cfg.get_path("workload.weights");
    if (!folder.empty()) {
        const std::string path = (std::filesystem::path(folder) / (l.name + ".npy")).string();
        if (!std::filesystem::exists(path))
            throw InputError(fmt::format("{}: layer {}: weight file not found (workload.weights "
                                         "holds one LAYER.npy per dense layer)",
                                         path, l.name));
        NpyArray a = read_npy(path);
        if (a.shape.size() != 2 || a.shape[0] != std::size_t(rows) ||
            a.shape[1] != std::size_t(cols)) {
            std::vector<std::string> dims;
            for (auto d : a.shape) dims.push_back(std::to_string(d));
            throw InputError(fmt::format(
                "{}: layer {}: weights have shape ({}); expected ({}, {}) = (outputs, inputs)",
                path, l.name, fmt::join(dims, ", "), rows, cols));
        }
        for (double v : a.values)
            if (!std::isfinite(v))
                throw InputError(fmt::format("{}: layer {}: weights contain {}", path, l.name, v));
        return from_dense(a.values, rows, cols);
    }
    if (std::uint64_t(rows) * std::uint64_t(cols) >= (std::uint64_t(1) << 32))
        throw InputError(fmt::format("layer {}: {} x {} weights are more than eie's weight "
                                     "generator takes (2^32)",
                                     l.name, rows, cols));
    // Uniform in [-limit, limit], scaled so that the kept weights keep the activations' variance
    // through a ReLU layer (He et al. 2015: n_in * E[w^2] = 2, with n_in the kept fan-in).
    const double d = l.weight_density, keep = 1.0 - d;
    const double fan_in = std::max(1.0, d * cols);
    const double limit = std::sqrt(6.0 / (fan_in * (1 + keep + keep * keep)));
    return random_pruned(rows, cols, d, limit,
                         stream_seed(p.seed, weights_stream * 1000003 + std::uint64_t(index)));
}

// The graph's input for inference `n`: workload.input, or generated.
std::vector<std::int16_t> graph_input(const Config& cfg, const Graph& g, const Params& p,
                                      std::uint64_t n) {
    const std::size_t len = std::size_t(g.input.elements());
    std::vector<std::int16_t> x(len);
    const double scale = std::ldexp(1.0, p.act_frac_bits);
    const std::string path = cfg.get_path("workload.input");
    if (!path.empty()) {
        NpyArray a = read_npy(path);
        if (a.elements() != len)
            throw InputError(fmt::format("{}: input has {} elements; workload {} takes {}", path,
                                         a.elements(), g.name, len));
        for (std::size_t i = 0; i < len; ++i) {
            const double v = a.values[i];
            if (!std::isfinite(v))
                throw InputError(fmt::format("{}: input element {} is {}", path, i, v));
            // int16 files hold the fixed-point codes themselves.
            x[i] = a.type == NpyType::int16 ? std::int16_t(v) : saturate16(std::llround(v * scale));
        }
        return x;
    }
    SplitMix64 rng(stream_seed(p.seed, input_stream * 1000003 + n));
    if (p.generated_input == "binary_lba") {
        // Each 8 elements are the binary digits (least significant first) of one LBA bucket
        // drawn uniformly; the last number is cut at the vector's end.
        for (std::size_t i = 0; i < len; i += 8) {
            const std::uint64_t lba = rng.below(256);
            for (std::size_t b = 0; b < 8 && i + b < len; ++b)
                x[i + b] = std::int16_t(((lba >> b) & 1) ? std::lround(scale) : 0);
        }
    } else {
        for (auto& v : x) v = std::int16_t(std::max<long>(1, std::lround(rng.uniform() * scale)));
    }
    return x;
}

// Keeps exactly round(density * n) (at least one) non-zero elements at seeded positions; a chosen
// element that is zero becomes 1.0, so the broadcast sees exactly that many non-zeros.
void apply_density(std::vector<std::int16_t>& x, double density, int act_frac_bits,
                   std::uint64_t seed) {
    const std::size_t n = x.size();
    const std::size_t keep =
        std::min(n, std::max<std::size_t>(1, std::size_t(std::llround(density * double(n)))));
    std::vector<std::uint32_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = std::uint32_t(i);
    SplitMix64 rng(seed);
    for (std::size_t i = 0; i < keep; ++i) std::swap(order[i], order[i + rng.below(n - i)]);
    std::vector<std::int16_t> y(n, 0);
    const auto one = std::int16_t(std::min(32767L, std::lround(std::ldexp(1.0, act_frac_bits))));
    for (std::size_t i = 0; i < keep; ++i) {
        const auto k = order[i];
        y[k] = x[k] != 0 ? x[k] : one;
    }
    x.swap(y);
}

struct LayerResult {
    std::uint64_t start_cycle = 0, cycles = 0, ideal_cycles = 0;
    std::uint64_t nonzero_macs = 0, input_nonzeros = 0, input_elements = 0;
    std::uint64_t broadcast_stall_cycles = 0, busy_cycles = 0, starved_cycles = 0;
};

class EieModel {
public:
    EieModel(const Config& cfg, const Graph& g, Params p) : cfg_(cfg), g_(g), p_(std::move(p)) {
        images_.resize(g.layers.size());
        for (std::size_t i = 0; i < g.layers.size(); ++i) {
            const Layer& l = g.layers[i];
            switch (l.op) {
            case Op::dense:
                images_[i] = build_layer_image(layer_weights(cfg, l, int(i), p_), p_.pes,
                                               p_.act_regs_per_pe, p_.weight_frac_bits, l.name);
                break;
            case Op::add:
            case Op::sub:
            case Op::relu:
            case Op::flatten:
                break;
            default:
                throw InputError(fmt::format(
                    "layer {}: eie runs dense layers and element-wise add, sub and relu; a {} "
                    "layer has no mapping onto its PEs",
                    l.name, to_string(l.op)));
            }
        }
        if (!cfg.get_path("workload.input").empty()) file_input_ = graph_input(cfg, g, p_, 0);
        stats_ = std::make_unique<PeArrayStats>(p_.pes);
        results_.resize(g.layers.size());
    }

    const Graph& graph() const { return g_; }
    const Params& params() const { return p_; }
    const std::vector<LayerImage>& images() const { return images_; }
    const PeArrayStats& stats() const { return *stats_; }
    const std::vector<LayerResult>& results() const { return results_; }
    const std::vector<std::int16_t>& last_output() const { return acts_.back(); }

    // Runs layer i of inference n from `start_cycle` (values and timing); returns its cycles.
    std::uint64_t run_layer(std::size_t i, std::uint64_t n, std::uint64_t start_cycle) {
        if (i == 0) {
            acts_.assign(g_.layers.size(), {});
            input_ = file_input_.empty() ? graph_input(cfg_, g_, p_, n) : file_input_;
        }
        const Layer& l = g_.layers[i];
        auto input_of = [&](std::size_t k) -> std::vector<std::int16_t> {
            if (l.inputs.size() <= k) return input_;
            return acts_[std::size_t(l.inputs[k])];
        };
        const bool relu = l.activation == Activation::relu;
        LayerResult& r = results_[i];
        if (n == 0) r.start_cycle = start_cycle;
        std::uint64_t cycles = 0;
        const std::uint64_t elementwise = (std::uint64_t(l.out.elements()) + p_.pes - 1) / p_.pes;
        switch (l.op) {
        case Op::dense: {
            std::vector<std::int16_t> x = input_of(0);
            const std::uint64_t salt = density_stream * 1000003 + i * 1009 + n;
            // The measured density decides in computed mode, except for a generated random input
            // (all non-zero), which takes the first layer's own figure.
            const bool generated_random = l.inputs.empty() &&
                                          cfg_.get_path("workload.input").empty() &&
                                          p_.generated_input == "random";
            if (!p_.computed_density || generated_random)
                apply_density(x, l.act_density, p_.act_frac_bits, stream_seed(p_.seed, salt));
            std::vector<std::uint32_t> nonzero_cols;
            for (std::size_t j = 0; j < x.size(); ++j)
                if (x[j] != 0) nonzero_cols.push_back(std::uint32_t(j));
            const LayerImage& img = images_[i];
            std::vector<std::uint64_t> busy_before, starved_before;
            for (const auto& c : stats_->pe) {
                busy_before.push_back(c.busy_cycles);
                starved_before.push_back(c.starved_cycles);
            }
            const std::uint64_t stall_before = stats_->broadcast_stall_cycles;
            std::uint64_t entries_before = 0, padding_before = 0;
            for (const auto& c : stats_->pe) {
                entries_before += c.entries;
                padding_before += c.padding_entries;
            }
            for (const auto& pass : img.passes)
                cycles += run_broadcast(pass, nonzero_cols, p_.queue_depth, start_cycle + cycles,
                                        *stats_);
            std::uint64_t entries = 0, padding = 0;
            for (std::size_t p = 0; p < stats_->pe.size(); ++p) {
                const auto& c = stats_->pe[p];
                entries += c.entries;
                padding += c.padding_entries;
                r.busy_cycles += c.busy_cycles - busy_before[p];
                r.starved_cycles += c.starved_cycles - starved_before[p];
            }
            const std::uint64_t macs = (entries - entries_before) - (padding - padding_before);
            r.nonzero_macs += macs;
            r.ideal_cycles += (macs + std::uint64_t(p_.pes) - 1) / std::uint64_t(p_.pes);
            r.broadcast_stall_cycles += stats_->broadcast_stall_cycles - stall_before;
            r.input_nonzeros += nonzero_cols.size();
            r.input_elements += x.size();
            acts_[i] = compute_layer(img, x, p_.weight_frac_bits, relu);
            break;
        }
        case Op::add:
        case Op::sub: {
            // Element-wise in the PEs' arithmetic units: each PE handles its own rows, one per
            // cycle.
            const auto a = input_of(0), b = input_of(1);
            std::vector<std::int16_t> y(a.size());
            for (std::size_t k = 0; k < a.size(); ++k) {
                std::int64_t v =
                    l.op == Op::add ? std::int64_t(a[k]) + b[k] : std::int64_t(a[k]) - b[k];
                if (relu && v < 0) v = 0;
                y[k] = saturate16(v);
            }
            acts_[i] = std::move(y);
            cycles = elementwise;
            break;
        }
        case Op::relu: {
            auto y = input_of(0);
            for (auto& v : y) v = std::max<std::int16_t>(v, 0);
            acts_[i] = std::move(y);
            cycles = elementwise;
            break;
        }
        default: // flatten: the same vector
            acts_[i] = input_of(0);
            break;
        }
        r.cycles += cycles;
        return cycles;
    }

private:
    const Config& cfg_;
    const Graph& g_;
    Params p_;
    std::vector<LayerImage> images_;
    std::unique_ptr<PeArrayStats> stats_;
    std::vector<LayerResult> results_;
    std::vector<std::int16_t> input_, file_input_;
    std::vector<std::vector<std::int16_t>> acts_;
};

// SystemC carries time: one process runs each layer's cycle model and waits once for its cycles.
SC_MODULE(EieEngine) {
    EieModel& model;
    sc_core::sc_time period;
    std::uint64_t total_cycles = 0;

    SC_HAS_PROCESS(EieEngine);
    EieEngine(sc_core::sc_module_name name, EieModel & m)
        : sc_module(name), model(m), period(1e3 / m.params().clock_mhz, sc_core::SC_NS) {
        SC_THREAD(process);
    }

    // An error inside the process is kept and rethrown by the run after sc_start, so that it
    // reaches the CLI as itself (exit 2 or 3), not as a SystemC report.
    std::exception_ptr failure;

    void process() {
        try {
            for (std::uint64_t n = 0; n < model.params().batch; ++n)
                for (std::size_t i = 0; i < model.graph().layers.size(); ++i) {
                    const std::uint64_t c = model.run_layer(i, n, total_cycles);
                    total_cycles += c;
                    if (c) wait(period * double(c));
                }
        } catch (...) {
            failure = std::current_exception();
            sc_core::sc_stop();
        }
    }
};

// SRAM sizes per PE: the configured ones, or (fit) the smallest power of two KiB that holds the
// busiest PE's entries and pointers. Weights that do not fit are a design failure.
std::pair<double, double> sram_kib(const Config& cfg, const Graph& g, const EieModel& m) {
    const std::size_t pes = std::size_t(m.params().pes);
    std::vector<std::uint64_t> entry_bytes(pes, 0), pointer_bytes(pes, 0);
    for (const auto& img : m.images())
        for (const auto& pass : img.passes)
            for (std::size_t p = 0; p < pes; ++p) {
                entry_bytes[p] += pass.pe[p].entries.size(); // 8-bit entries
                pointer_bytes[p] += 2 * (std::uint64_t(pass.cols) + 1);
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
        p.computed_density = cfg.is_word("workload.act_density", "computed");
        p.generated_input = cfg.get_string("eie.generated_input");
        for (const auto& l : g.layers)
            if (l.has_weights() && (l.weight_bits != 16 || l.act_bits != 16))
                throw InputError(fmt::format(
                    "layer {}: eie computes in 16-bit fixed point; the workload asks for {}-bit "
                    "weights and {}-bit activations (workload.weight_bits, workload.act_bits)",
                    l.name, l.weight_bits, l.act_bits));

        EieModel model(cfg, g, p);
        const auto [spmat_kib, pointer_kib] = sram_kib(cfg, g, model);
        EieEngine engine("eie", model);
        sc_core::sc_start();
        if (engine.failure) std::rethrow_exception(engine.failure);
        fill_report(cfg, model, engine.total_cycles, spmat_kib, pointer_kib, report);
    }

private:
    static void fill_report(const Config& cfg, const EieModel& m, std::uint64_t total_cycles,
                            double spmat_kib, double pointer_kib, Report& report) {
        const Params& p = m.params();
        const Graph& g = m.graph();
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
            j["macs"] = l.macs() * p.batch;
            if (l.op == Op::dense) {
                const LayerImage& img = m.images()[i];
                j["nonzero_macs"] = r.nonzero_macs;
                j["ideal_cycles"] = r.ideal_cycles;
                j["weight_density"] = double(img.nonzero_weights) / double(l.weights());
                j["act_density"] = double(r.input_nonzeros) / double(r.input_elements);
                j["passes"] = img.passes.size();
                j["broadcast_stall_cycles"] = r.broadcast_stall_cycles;
                j["load_balance_efficiency"] =
                    r.busy_cycles ? 1.0 - double(r.starved_cycles) / double(r.busy_cycles) : 1.0;
                ideal += r.ideal_cycles;
                busy += r.busy_cycles;
                starved += r.starved_cycles;
                macs += r.nonzero_macs;
            }
            report.add_layer(std::move(j));
        }

        CostParams cp;
        cp.pes = p.pes;
        cp.spmat_sram_kib = spmat_kib;
        cp.pointer_sram_kib = pointer_kib;
        cp.tech_nm = cfg.get_real("eie.tech_nm");
        const ArrayCost cost = array_cost(cp);
        const double seconds = double(total_cycles) / (p.clock_mhz * 1e6);
        auto& s = report.summary();
        s["cycles"] = total_cycles;
        s["ideal_cycles"] = ideal;
        s["clock_mhz"] = p.clock_mhz;
        s["latency_us"] = seconds * 1e6 / double(p.batch);
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
        const auto& y = m.last_output();
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
            graph_keys({"run.seed", "workload.sparsity", "workload.act_density", "workload.weights", "workload.input"})};
}

} // namespace accsim::eie
