#include "arch/pe_array/pe_array.hpp"

#include "arch/pe_array/mapping.hpp"
#include "arch/pe_array/pe_array_cost.hpp"
#include "common/error.hpp"
#include "models/cost/cost_table.hpp"
#include "models/dram/dram_controller.hpp"
#include "models/dram/dram_port.hpp"
#include "models/kernel/simulate.hpp"
#include "models/kernel/time.hpp"
#include "models/stats/occupancy.hpp"
#include "models/trace/trace.hpp"

#include <cmath>
#include <deque>
#include <fmt/format.h>
#include <systemc>

namespace accsim::pe_array {

namespace {

void register_options(OptionRegistry& reg) {
    reg.add("pe_array.rows", OptType::integer, "32", "PEs", "PE rows of the array").range(1, 4096);
    reg.add("pe_array.cols", OptType::integer, "32", "PEs", "PE columns of the array")
        .range(1, 4096);
    reg.add("pe_array.clock_mhz", OptType::real, "200", "MHz", "array clock").above(0);
    reg.add("pe_array.dataflow", OptType::string, "os", "",
            "os, ws, is: SCALE-Sim v2's output / weight / input stationary; rda: the Tailor / "
            "cgra4ml array's analytic model")
        .one_of({"os", "ws", "is", "rda"});
    reg.add("pe_array.ifmap_sram_kib", OptType::real, "64", "KiB",
            "ifmap SRAM, double-buffered (half holds the tile in use, half the next)")
        .above(0);
    reg.add("pe_array.filter_sram_kib", OptType::real, "64", "KiB", "filter SRAM, double-buffered")
        .above(0);
    reg.add("pe_array.ofmap_sram_kib", OptType::real, "64", "KiB",
            "ofmap SRAM, double-buffered: two tiles' outputs may wait for DRAM")
        .above(0);
    reg.add("pe_array.skip_buffer_kib", OptType::real, "0", "KiB",
            "on-chip buffer for skip tensors: a skip tensor that fits is not read back from DRAM "
            "at its add")
        .at_least(0);
    reg.add("pe_array.add_unit", OptType::string, "output_path", "",
            "where element-wise layers (add, pool, ...) run: output_path (the array waits "
            "elements / vector_elements_per_cycle cycles) or vector_unit (a separate unit; only "
            "their DRAM traffic takes time)")
        .one_of({"output_path", "vector_unit"});
    reg.add("pe_array.vector_elements_per_cycle", OptType::integer, "cols", "elements/cycle",
            "element-wise throughput of the output path (cols: one per PE column)")
        .one_of({"cols"})
        .range(1, 1 << 20);
    reg.add("pe_array.ofmap_size", OptType::string, "graph", "",
            "graph: output sizes of the workload graph; scalesim: 'valid' convs produce "
            "ceil((H - R + S) / S) rows and columns as SCALE-Sim v2 computes them (set by accsim "
            "scalesim)")
        .one_of({"graph", "scalesim"});
    reg.add("pe_array.rda_input_bytes", OptType::integer, "1", "bytes",
            "rda: bytes per input element (XB)")
        .range(1, 8);
    reg.add("pe_array.rda_weight_bytes", OptType::integer, "1", "bytes",
            "rda: bytes per weight (KB)")
        .range(1, 8);
    reg.add("pe_array.rda_output_bytes", OptType::integer, "3", "bytes",
            "rda: bytes per output element written by the array (YB)")
        .range(1, 8);
    reg.add("pe_array.rda_kh_max", OptType::integer, "7", "",
            "rda: tallest kernel the input rows are fetched for (KHmax)")
        .range(1, 64);
    reg.add("pe_array.elementwise_input_bytes", OptType::integer, "act", "bytes",
            "bytes per element that element-wise layers (add, pool) read from DRAM; act: the "
            "layer's activation width; 3: the rda array's raw outputs (YB), unrequantised")
        .range(1, 8)
        .one_of({"act"});
}

ArrayParams params_from(const Config& cfg) {
    ArrayParams p;
    p.rows = int(cfg.get_int("pe_array.rows"));
    p.cols = int(cfg.get_int("pe_array.cols"));
    p.dataflow = parse_dataflow(cfg.get_string("pe_array.dataflow"));
    p.ifmap_sram_bytes = std::int64_t(cfg.get_real("pe_array.ifmap_sram_kib") * 1024);
    p.filter_sram_bytes = std::int64_t(cfg.get_real("pe_array.filter_sram_kib") * 1024);
    p.ofmap_sram_bytes = std::int64_t(cfg.get_real("pe_array.ofmap_sram_kib") * 1024);
    p.skip_buffer_bytes = std::int64_t(cfg.get_real("pe_array.skip_buffer_kib") * 1024);
    p.vector_unit = cfg.get_string("pe_array.add_unit") == "vector_unit";
    p.scalesim_ofmap_size = cfg.get_string("pe_array.ofmap_size") == "scalesim";
    p.vector_elements_per_cycle = cfg.is_word("pe_array.vector_elements_per_cycle", "cols")
                                      ? p.cols
                                      : int(cfg.get_int("pe_array.vector_elements_per_cycle"));
    p.rda_input_bytes = int(cfg.get_int("pe_array.rda_input_bytes"));
    p.rda_weight_bytes = int(cfg.get_int("pe_array.rda_weight_bytes"));
    p.rda_output_bytes = int(cfg.get_int("pe_array.rda_output_bytes"));
    p.rda_kh_max = int(cfg.get_int("pe_array.rda_kh_max"));
    p.elementwise_input_bytes = cfg.is_word("pe_array.elementwise_input_bytes", "act")
                                    ? 0
                                    : int(cfg.get_int("pe_array.elementwise_input_bytes"));
    return p;
}

// DRAM address ranges of one layer: where it reads its input, its weights, and writes its output.
struct LayerRegions {
    std::uint64_t input_base = 0, input_bytes = 1;
    std::uint64_t weight_base = 0, weight_bytes = 1;
    std::uint64_t output_base = 0, output_bytes = 1;
};

struct LayerTiming {
    std::uint64_t start_cycle = 0, end_cycle = 0, stall_cycles = 0;
};

// The array's control: walks the tiles of every layer, prefetching tile k+1 while tile k computes
// (double-buffered SRAM), stalling when DRAM has not delivered, and writing each tile's outputs
// back while later tiles compute (at most two tiles' outputs in the ofmap SRAM). One wait per
// tile's compute, one per DRAM transaction it must wait for.
SC_MODULE(ArrayController) {
    DramPort port;

    SC_HAS_PROCESS(ArrayController);
    ArrayController(sc_core::sc_module_name n, const std::vector<LayerPlan>& plans,
                    const std::vector<LayerRegions>& regions, const Clock& clock)
        : sc_module(n), port("port"), timing(plans.size()), plans_(plans), regions_(regions),
          clock_(clock) {
        SC_THREAD(run);
    }

    std::vector<LayerTiming> timing;
    std::uint64_t total_cycles = 0;
    OccupancyStats ifmap_occupancy, filter_occupancy, ofmap_occupancy;
    TraceSignal* state_trace = nullptr; // the array: busy computing, or stalled on DRAM

private:
    const std::vector<LayerPlan>& plans_;
    const std::vector<LayerRegions>& regions_;
    Clock clock_;
    std::uint64_t input_offset_ = 0, weight_offset_ = 0, output_offset_ = 0;

    // The current cycle, after moving to the next clock edge if DRAM answered between edges.
    std::uint64_t align() {
        const auto now = sc_core::sc_time_stamp().value(), p = clock_.period().value();
        const std::uint64_t c = (now + p - 1) / p;
        if (c * p > now) sc_core::wait(sc_core::sc_time::from_value(c * p - now));
        return c;
    }

    std::uint64_t next_address(std::uint64_t base, std::uint64_t size, std::uint64_t & offset,
                               std::uint64_t bytes) {
        std::uint64_t a = base + offset % size;
        offset += bytes;
        return a;
    }

    // One operand transfer as burst transactions of at most 1 MiB each.
    void transfer(std::uint64_t address, std::uint64_t bytes, bool write,
                  std::vector<DramPort::Ticket>& tickets) {
        constexpr std::uint64_t max_bytes = 1u << 20;
        for (std::uint64_t done = 0; done < bytes; done += max_bytes)
            tickets.push_back(port.issue(address + done, std::min(max_bytes, bytes - done), write));
    }

    std::vector<DramPort::Ticket> load(std::size_t layer, const Tile& t) {
        std::vector<DramPort::Ticket> tickets;
        const LayerRegions& r = regions_[layer];
        if (t.ifmap_bytes > 0)
            transfer(next_address(r.input_base, r.input_bytes, input_offset_, t.ifmap_bytes),
                     t.ifmap_bytes, false, tickets);
        if (t.filter_bytes > 0)
            transfer(next_address(r.weight_base, r.weight_bytes, weight_offset_, t.filter_bytes),
                     t.filter_bytes, false, tickets);
        return tickets;
    }

    void run() {
        std::deque<std::vector<DramPort::Ticket>> stores; // outputs waiting for DRAM
        for (std::size_t i = 0; i < plans_.size(); ++i) {
            const auto& tiles = plans_[i].tiles;
            LayerTiming& lt = timing[i];
            lt.start_cycle = align();
            input_offset_ = weight_offset_ = output_offset_ = 0;
            if (tiles.empty()) {
                lt.end_cycle = lt.start_cycle;
                continue;
            }
            auto loads = load(i, tiles[0]);
            for (std::size_t k = 0; k < tiles.size(); ++k) {
                const Tile& t = tiles[k];
                const std::uint64_t ready = align();
                for (auto x : loads) port.wait_for(x);
                while (stores.size() >= 2) { // both ofmap halves still draining
                    for (auto x : stores.front()) port.wait_for(x);
                    stores.pop_front();
                }
                const std::uint64_t start = align();
                lt.stall_cycles += start - ready;
                if (state_trace) {
                    if (start > ready) state_trace->change(ready, TraceState::input_stall);
                    state_trace->change(start,
                                        t.compute_cycles > 0 ? TraceState::busy : TraceState::idle);
                }
                std::uint64_t next_bytes_in = 0, next_bytes_w = 0;
                if (k + 1 < tiles.size()) {
                    loads = load(i, tiles[k + 1]);
                    next_bytes_in = tiles[k + 1].ifmap_bytes;
                    next_bytes_w = tiles[k + 1].filter_bytes;
                } else {
                    loads.clear();
                }
                ifmap_occupancy.record(start, t.ifmap_bytes + next_bytes_in);
                filter_occupancy.record(start, t.filter_bytes + next_bytes_w);
                ofmap_occupancy.record(start, t.ofmap_bytes * (stores.size() + 1));
                if (t.compute_cycles > 0) sc_core::wait(clock_.cycles(double(t.compute_cycles)));
                if (state_trace) state_trace->change(start + t.compute_cycles, TraceState::idle);
                std::vector<DramPort::Ticket> out;
                const LayerRegions& r = regions_[i];
                if (t.ofmap_bytes > 0)
                    transfer(
                        next_address(r.output_base, r.output_bytes, output_offset_, t.ofmap_bytes),
                        t.ofmap_bytes, true, out);
                stores.push_back(std::move(out));
            }
            lt.end_cycle = align();
        }
        for (auto& s : stores)
            for (auto x : s) port.wait_for(x);
        total_cycles = align();
        ifmap_occupancy.finish(total_cycles);
        filter_occupancy.finish(total_cycles);
        ofmap_occupancy.finish(total_cycles);
    }
};

std::uint64_t bytes_of(std::int64_t elements, int bits) {
    return std::uint64_t((elements * bits + 7) / 8);
}

class PeArray : public Architecture {
public:
    void run(const Config& cfg, const Graph& g, Report& report) override {
        const ArrayParams p = params_from(cfg);
        const double clock_mhz = cfg.get_real("pe_array.clock_mhz");
        const int batch = int(cfg.get_int("run.batch"));
        const DramConfig dram_cfg = dram_config_from(cfg);
        const CostTable table = load_cost_table(cfg);

        std::vector<LayerPlan> plans;
        for (int i = 0; i < int(g.layers.size()); ++i) plans.push_back(plan_layer(g, i, p, batch));

        // DRAM layout: the graph input, then per layer its weights and its output, each on a
        // 4 KiB boundary.
        std::uint64_t next = 0;
        auto alloc = [&](std::uint64_t bytes) {
            std::uint64_t base = next;
            next += (std::max<std::uint64_t>(bytes, 1) + 4095) / 4096 * 4096;
            return base;
        };
        const std::uint64_t input_bytes =
            bytes_of(g.input.elements() * batch, g.layers.empty() ? 8 : g.layers[0].act_bits);
        const std::uint64_t input_base = alloc(input_bytes);
        std::vector<LayerRegions> regions(g.layers.size());
        for (std::size_t i = 0; i < g.layers.size(); ++i) {
            const Layer& l = g.layers[i];
            LayerRegions& r = regions[i];
            r.weight_bytes =
                std::max<std::uint64_t>(bytes_of(std::int64_t(l.weights()), l.weight_bits), 1);
            r.weight_base = alloc(r.weight_bytes);
            r.output_bytes =
                std::max<std::uint64_t>(bytes_of(l.out.elements() * batch, l.act_bits), 1);
            r.output_base = alloc(r.output_bytes);
            if (l.inputs.empty()) {
                r.input_base = input_base;
                r.input_bytes = std::max<std::uint64_t>(input_bytes, 1);
            } else {
                const auto& src = regions[std::size_t(l.inputs[0])];
                r.input_base = src.output_base;
                r.input_bytes = src.output_bytes;
            }
        }

        const Clock clock(clock_mhz, "pe_array.clock_mhz");
        DramController dram("dram", dram_cfg);
        ArrayController array("array", plans, regions, clock);
        array.port.iSocket.bind(dram.tSocket);
        if (Trace* t = active_trace()) {
            t->set_clock_mhz(clock_mhz);
            array.ifmap_occupancy.trace = t->counter("ifmap_sram", "occupancy", "bytes");
            array.filter_occupancy.trace = t->counter("filter_sram", "occupancy", "bytes");
            array.ofmap_occupancy.trace = t->counter("ofmap_sram", "occupancy", "bytes");
            array.state_trace = t->state("array", "state");
        }
        simulate();
        const DramStats& ds =
            dram.finish(clock.after(sc_core::SC_ZERO_TIME, double(array.total_cycles)));
        fill_report(cfg, g, p, clock_mhz, batch, dram_cfg, table, plans, array, ds, report);
    }

private:
    static void fill_report(const Config& cfg, const Graph& g, const ArrayParams& p,
                            double clock_mhz, int batch, const DramConfig& dram_cfg,
                            const CostTable& table, const std::vector<LayerPlan>& plans,
                            const ArrayController& array, const DramStats& ds, Report& report) {
        const double pes = double(p.rows) * p.cols;
        ActionCounts counts;
        std::vector<ActionCounts> layer_counts;
        std::vector<double> layer_seconds;
        std::vector<std::uint64_t> layer_dram_bytes;
        std::uint64_t read_total = 0, write_total = 0, skip_total = 0, stall_total = 0,
                      compute_total = 0;
        for (std::size_t i = 0; i < g.layers.size(); ++i) {
            const Layer& l = g.layers[i];
            const LayerPlan& pl = plans[i];
            const LayerTiming& lt = array.timing[i];
            std::uint64_t rd = 0, wr = 0, skip_rd = 0, ifmap_rd = 0, filter_rd = 0;
            for (const auto& t : pl.tiles) {
                ifmap_rd += t.ifmap_bytes;
                filter_rd += t.filter_bytes;
                rd += t.ifmap_bytes + t.filter_bytes;
                wr += t.ofmap_bytes;
                skip_rd += t.skip_read_bytes;
            }
            const std::uint64_t skip_bytes = pl.skip_layer ? rd + wr : skip_rd;
            const std::uint64_t cycles = lt.end_cycle - lt.start_cycle;
            const double seconds = double(cycles) / (clock_mhz * 1e6);
            ojson j;
            j["name"] = l.name;
            j["op"] = to_string(l.op);
            j["start_cycle"] = lt.start_cycle;
            j["end_cycle"] = lt.end_cycle;
            j["cycles"] = cycles;
            j["compute_cycles"] = pl.compute_cycles;
            j["stall_cycles"] = lt.stall_cycles;
            j["macs"] = l.macs(); // per inference
            // What the array computes for the whole batch, by its own shape rule (SCALE-Sim's
            // ofmap size for 'valid' convs): Overall Util in accsim scalesim divides this.
            if (pl.on_array) j["array_macs"] = pl.macs;
            if (pl.on_array) {
                j["folds"] = pl.folds;
                j["utilization"] = cycles > 0 ? double(pl.macs) / (double(cycles) * pes) : 0.0;
                j["mapping_efficiency"] = pl.mapping_efficiency;
                if (p.dataflow != Dataflow::rda) j["compute_utilization"] = pl.compute_utilization;
            }
            j["ifmap_sram_reads"] = pl.ifmap_sram_reads;
            j["filter_sram_reads"] = pl.filter_sram_reads;
            j["ofmap_sram_writes"] = pl.ofmap_sram_writes;
            j["dram_read_bytes"] = rd;
            j["dram_ifmap_read_bytes"] = ifmap_rd;
            j["dram_filter_read_bytes"] = filter_rd;
            j["dram_write_bytes"] = wr;
            j["dram_skip_bytes"] = skip_bytes;
            j["dram_bandwidth_gb_per_s"] = seconds > 0 ? double(rd + wr) / seconds / 1e9 : 0.0;

            ActionCounts lc;
            lc.macs = pl.macs;
            if (!pl.on_array) lc.elementwise_ops = pl.ifmap_sram_reads;
            const std::uint64_t eb = std::uint64_t((l.act_bits + 7) / 8);
            const std::uint64_t wb = std::uint64_t((l.weight_bits + 7) / 8);
            lc.ifmap_read = pl.ifmap_sram_reads * eb;
            lc.filter_read = pl.filter_sram_reads * wb;
            lc.ofmap_write = pl.ofmap_sram_writes * eb; // results
            lc.ofmap_read = wr;                         // drained to DRAM
            lc.ifmap_write = ifmap_rd;                  // filled from DRAM
            lc.filter_write = filter_rd;
            counts += lc;
            layer_counts.push_back(lc);
            layer_seconds.push_back(seconds);
            layer_dram_bytes.push_back(rd + wr);
            report.add_layer(std::move(j));

            read_total += rd;
            write_total += wr;
            skip_total += skip_bytes;
            stall_total += lt.stall_cycles;
            compute_total += pl.compute_cycles;
        }
        const std::uint64_t total = array.total_cycles;
        const double seconds = double(total) / (clock_mhz * 1e6);
        const int weight_bits = g.layers.empty() ? 8 : g.layers[0].weight_bits;
        const ArrayCost cost = array_cost(table, p, weight_bits, counts, seconds);
        const double energy_pj = cost.on_chip_energy_pj() + ds.energy_pj;
        // Each layer's energy and its parts, for the whole batch: its own actions, leakage over
        // its own cycles, and the run's DRAM energy in proportion to the layer's DRAM bytes.
        // Leakage between layers (none when the layers follow back to back) goes to no layer.
        {
            std::uint64_t dram_bytes = 0;
            for (auto b : layer_dram_bytes) dram_bytes += b;
            auto& layers = report.doc()["layers"];
            for (std::size_t i = 0; i < layer_counts.size() && i < layers.size(); ++i) {
                const ArrayCost c =
                    array_cost(table, p, weight_bits, layer_counts[i], layer_seconds[i]);
                const double dram =
                    dram_bytes > 0 ? ds.energy_pj * double(layer_dram_bytes[i]) / double(dram_bytes)
                                   : 0.0;
                ojson& j = layers[i];
                j["energy_uj"] = (c.on_chip_energy_pj() + dram) * 1e-6;
                j["mac_energy_uj"] = c.mac_energy_pj * 1e-6;
                j["elementwise_energy_uj"] = c.elementwise_energy_pj * 1e-6;
                j["sram_energy_uj"] = c.sram_energy_pj * 1e-6;
                j["dram_energy_uj"] = dram * 1e-6;
                j["leakage_energy_uj"] = c.leakage_energy_pj * 1e-6;
            }
        }

        auto& s = report.summary();
        s["cycles"] = total;
        s["clock_mhz"] = clock_mhz;
        // The batch goes through each layer together (SCALE-Sim and the rda array fold it into
        // the rows of every layer): each inference's result is ready when the batch's is.
        s["latency_us"] = seconds * 1e6;
        s["batch_latency_us"] = seconds * 1e6;
        s["throughput_per_s"] = seconds > 0 ? double(batch) / seconds : 0.0;
        s["compute_cycles"] = compute_total;
        s["stall_cycles"] = stall_total;
        s["utilization"] = total > 0 ? double(counts.macs) / (double(total) * pes) : 0.0;
        s["dram_read_bytes"] = read_total;
        s["dram_write_bytes"] = write_total;
        s["dram_skip_bytes"] = skip_total;
        s["dram_skip_share"] = read_total + write_total > 0
                                   ? double(skip_total) / double(read_total + write_total)
                                   : 0.0;
        s["dram_mb_per_inference"] = double(read_total + write_total) / 1e6 / batch;
        s["dram_bandwidth_gb_per_s"] =
            seconds > 0 ? double(read_total + write_total) / seconds / 1e9 : 0.0;
        s["area_mm2"] = cost.area_mm2();
        s["power_w"] = seconds > 0 ? energy_pj * 1e-12 / seconds : 0.0;
        s["energy_per_inference_uj"] = energy_pj * 1e-6 / batch;

        ojson& a = report.doc()["pe_array"];
        a["dataflow"] = to_string(p.dataflow);
        a["rows"] = p.rows;
        a["cols"] = p.cols;
        a["pe_area_mm2"] = cost.pe_area_um2 / 1e6;
        a["sram_area_mm2"] = cost.sram_area_um2 / 1e6;
        a["mac_energy_uj"] = cost.mac_energy_pj * 1e-6;
        a["sram_energy_uj"] = cost.sram_energy_pj * 1e-6;
        a["elementwise_energy_uj"] = cost.elementwise_energy_pj * 1e-6;
        a["leakage_energy_uj"] = cost.leakage_energy_pj * 1e-6;
        a["dram_energy_uj"] = ds.energy_pj * 1e-6;
        a["cost_table"] = table.path();

        ojson& d = report.doc()["dram"];
        d["preset"] = cfg.get_string("dram.preset");
        d["model"] = dram_cfg.model == DramModel::ideal ? "ideal" : "timing";
        if (dram_cfg.model == DramModel::timing)
            d["peak_bandwidth_gb_per_s"] = dram_cfg.peak_gb_per_s();
        d["read_bytes"] = ds.read_bytes;
        d["write_bytes"] = ds.write_bytes;
        d["transactions"] = ds.transactions;
        if (dram_cfg.model == DramModel::timing) {
            const auto& b = ds.bursts;
            d["bursts"] = b.read_bursts + b.write_bursts;
            d["row_hits"] = b.row_hits;
            d["row_misses"] = b.row_misses;
            d["row_conflicts"] = b.row_conflicts;
            d["activates"] = b.activates;
            d["refreshes"] = b.refreshes;
            const auto bursts = b.read_bursts + b.write_bursts;
            d["row_hit_rate"] = bursts > 0 ? double(b.row_hits) / double(bursts) : 0.0;
            d["energy_pj_per_burst"] = bursts > 0 ? ds.energy_pj / double(bursts) : 0.0;
        }
        d["achieved_bandwidth_gb_per_s"] =
            seconds > 0 ? double(ds.read_bytes + ds.write_bytes) / seconds / 1e9 : 0.0;
        d["energy_uj"] = ds.energy_pj * 1e-6;

        auto occ = [&](const char* name, const OccupancyStats& o, std::int64_t capacity) {
            ojson& b =
                report.add_buffer(name, double(capacity), double(o.peak()), o.mean(), "bytes");
            b["histogram"] = o.histogram_json();
        };
        occ("ifmap_sram", array.ifmap_occupancy, p.ifmap_sram_bytes);
        occ("filter_sram", array.filter_occupancy, p.filter_sram_bytes);
        occ("ofmap_sram", array.ofmap_occupancy, p.ofmap_sram_bytes);
    }
};

} // namespace

ArchInfo info() {
    return {"pe_array",
            "2D PE array (SCALE-Sim os/ws/is, Tailor rda) with double-buffered SRAM and DRAM over "
            "TLM-2.0",
            &register_options, [] { return std::unique_ptr<Architecture>(new PeArray()); },
            graph_keys({"dram.*", "tech.*"})};
}

} // namespace accsim::pe_array
