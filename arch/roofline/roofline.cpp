#include "arch/roofline/roofline.hpp"

#include "common/error.hpp"
#include "models/kernel/simulate.hpp"
#include "models/kernel/time.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <systemc>

namespace accsim::roofline {

namespace {

void register_options(OptionRegistry& reg) {
    reg.add("roofline.macs_per_cycle", OptType::real, "64", "MACs/cycle",
            "peak multiply-accumulates per cycle")
        .above(0);
    reg.add("roofline.bandwidth_gb_per_s", OptType::real, "19.2", "GB/s",
            "off-chip bandwidth (default: one DDR4-2400 x64 channel)")
        .above(0);
    reg.add("roofline.clock_mhz", OptType::real, "200", "MHz", "clock").above(0);
}

std::uint64_t bytes_of(std::int64_t elements, int bits) {
    return static_cast<std::uint64_t>((elements * bits + 7) / 8);
}

// One SystemC process walks the layers and waits once per layer for its bound.
SC_MODULE(RooflineEngine) {
    std::vector<std::uint64_t> layer_cycles;
    std::vector<std::uint64_t> start_cycle;
    Clock clock;

    SC_HAS_PROCESS(RooflineEngine);
    RooflineEngine(sc_core::sc_module_name name, std::vector<std::uint64_t> cycles, const Clock& c)
        : sc_module(name), layer_cycles(std::move(cycles)), clock(c) {
        SC_THREAD(process);
    }

    void process() {
        std::uint64_t now = 0;
        for (auto c : layer_cycles) {
            start_cycle.push_back(now);
            wait(clock.cycles(static_cast<double>(c)));
            now += c;
        }
    }
};

class Roofline : public Architecture {
public:
    void run(const Config& cfg, const Graph& g, Report& report) override {
        const double macs_per_cycle = cfg.get_real("roofline.macs_per_cycle");
        const double clock_mhz = cfg.get_real("roofline.clock_mhz");
        const double bytes_per_cycle =
            cfg.get_real("roofline.bandwidth_gb_per_s") * 1e3 / clock_mhz;
        const auto batch = static_cast<std::uint64_t>(cfg.get_int("run.batch"));

        // The bound in cycles must fit the 64-bit cycle count (2^62 leaves room for the sums).
        double whole = 0;
        for (const auto& l : g.layers)
            whole +=
                std::max(double(l.macs()) / macs_per_cycle,
                         (double(l.weights()) + double(l.out.elements()) * 2) / bytes_per_cycle) *
                double(batch);
        if (!(whole < std::ldexp(1.0, 62)))
            throw InputError(fmt::format(
                "the roofline bound of {} would be about {:.3g} cycles, beyond 2^62: raise "
                "roofline.macs_per_cycle ({}) or roofline.bandwidth_gb_per_s ({})",
                g.name, whole, cfg.at("roofline.macs_per_cycle").value,
                cfg.at("roofline.bandwidth_gb_per_s").value));
        std::vector<LayerBound> bounds;
        std::vector<std::uint64_t> cycles;
        for (const auto& l : g.layers) {
            bounds.push_back(layer_bound(g, l, macs_per_cycle, bytes_per_cycle));
            cycles.push_back(bounds.back().cycles() * batch);
        }
        const Clock clock(clock_mhz, "roofline.clock_mhz");
        RooflineEngine engine("roofline", cycles, clock);
        simulate();

        std::uint64_t total = 0, bytes = 0, one_inference = 0;
        for (std::size_t i = 0; i < g.layers.size(); ++i) {
            const auto& l = g.layers[i];
            const auto& b = bounds[i];
            ojson j;
            j["name"] = l.name;
            j["start_cycle"] = engine.start_cycle[i];
            j["end_cycle"] = engine.start_cycle[i] + cycles[i];
            j["cycles"] = cycles[i];
            j["macs"] = l.macs(); // per inference
            j["dram_read_bytes"] = (b.bytes - bytes_of(l.out.elements(), l.act_bits)) * batch;
            j["dram_write_bytes"] = bytes_of(l.out.elements(), l.act_bits) * batch;
            j["bound"] = b.compute_cycles >= b.memory_cycles ? "compute" : "memory";
            report.add_layer(std::move(j));
            total += cycles[i];
            one_inference += b.cycles();
            bytes += b.bytes * batch;
        }
        std::uint64_t write_bytes = 0;
        for (const auto& l : report.doc()["layers"])
            write_bytes += l["dram_write_bytes"].get<std::uint64_t>();
        const double seconds = double(total) / (clock_mhz * 1e6);
        auto& s = report.summary();
        s["cycles"] = total;
        s["clock_mhz"] = clock_mhz;
        // The bound on one inference alone; the batch goes through each layer together.
        s["latency_us"] = double(one_inference) / clock_mhz;
        s["batch_latency_us"] = seconds * 1e6;
        s["throughput_per_s"] = seconds > 0 ? double(batch) / seconds : 0.0;
        s["dram_read_bytes"] = bytes - write_bytes;
        s["dram_write_bytes"] = write_bytes;
        s["dram_bandwidth_gb_per_s"] = seconds > 0 ? double(bytes) / seconds / 1e9 : 0.0;
    }
};

} // namespace

LayerBound layer_bound(const Graph& g, const Layer& l, double macs_per_cycle,
                       double bytes_per_cycle) {
    LayerBound b;
    b.bytes =
        bytes_of(std::int64_t(l.weights()), l.weight_bits) + bytes_of(l.out.elements(), l.act_bits);
    if (l.inputs.empty()) b.bytes += bytes_of(l.in.elements(), l.act_bits);
    for (int in : l.inputs) b.bytes += bytes_of(g.layers[in].out.elements(), l.act_bits);
    b.compute_cycles = static_cast<std::uint64_t>(std::ceil(double(l.macs()) / macs_per_cycle));
    b.memory_cycles = static_cast<std::uint64_t>(std::ceil(double(b.bytes) / bytes_per_cycle));
    return b;
}

ArchInfo info() {
    return {"roofline", "analytic bound: max(compute, memory) cycles per layer", &register_options,
            [] { return std::unique_ptr<Architecture>(new Roofline()); }, graph_keys()};
}

} // namespace accsim::roofline
