// SCALE-Sim v2's memory in CALC mode (no Bandwidth given): its bandwidth estimator for the two
// read buffers (memory/read_buffer_estimate_bw.py), its write buffer draining `ArrayWidth` words a
// cycle, and the loop that serves one demand line per cycle (double_buffered_scratchpad_mem.py),
// with the backing bandwidths single_layer_sim.py sets in that mode. docs/pe_array.md walks through
// the semantics.
#include "arch/pe_array/scalesim_buffers.hpp"
#include "arch/pe_array/scalesim_matrices.hpp"
#include "arch/pe_array/scalesim_memory.hpp"
#include "arch/pe_array/scalesim_pyset.hpp"
#include "common/error.hpp"
#include "common/memory_budget.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <vector>

namespace accsim::pe_array {

namespace {

using namespace scalesim;

// read_buffer_estimate_bw.py with read_port.py (latency 1), active fraction 0.5. It never stalls a
// line; it only works out what its DRAM would have had to move: the distinct words demanded, in
// sets of floor(SRAM words / 100) in the order they are first seen, half of the 100 sets active.
// Each time the sets past the active ones fill, the next half is "prefetched" over the cycles since
// the previous prefetch, at the bandwidth that takes; the first at `default_bw` words a cycle,
// ending two cycles before the first demanded word. A word is a hit only in the sets completed
// since the last prefetch (the window SCALE-Sim checks), so a word seen before that is counted
// again.
class EstimateReadBuffer {
public:
    // Addresses lie in [lo, hi]. With `trace`, the DRAM trace as SCALE-Sim writes it: per row the
    // cycle, then the words of the prefetch in Python's set order (scalesim_pyset.hpp), -1 where
    // the row has room for more, and 1 beyond a row's own width up to the widest prefetch's (the
    // ones numpy.concatenate pads with).
    EstimateReadBuffer(std::int64_t size_bytes, std::int64_t default_bw, std::int64_t lo,
                       std::int64_t hi, TraceRows* trace)
        : items_(size_bytes / 100), default_bw_(default_bw), lo_(lo),
          latest_(std::size_t(hi >= lo ? hi - lo + 1 : 0), -1), trace_(trace) {}

    // service_reads for one demand line arriving at `cycle`; it is served at cycle + 1.
    void serve(const std::int64_t* row, std::int64_t cols, std::int64_t cycle) {
        if (!first_seen_ && cols > 0 && *std::max_element(row, row + cols) > -1) {
            first_cycle_ = cycle;
            first_seen_ = true;
        }
        for (std::int64_t k = 0; k < cols; ++k)
            if (row[k] != none) manage(cycle, row[k]);
    }

    // complete_all_prefetches: the words of the sets not yet prefetched, the last one perhaps
    // partial.
    void finish() {
        if (in_current_ > 0) {
            partial_ = in_current_; // the set keeps its id: sets 0 .. current_ exist
            if (trace_) close_set();
        } else {
            --current_;
        }
        if (!active_done_) {
            bw_ = default_bw_;
            last_end_ = -1 - latency;
            const std::int64_t sets = current_ + 1;
            last_start_ = last_end_ - cycles_for(sets * items_, bw_) + 1;
            prefetch(0, current_);
            active_done_ = true;
        } else {
            const std::int64_t sets = current_ - prefetch_start_ + 1;
            bw_ = cycles_for(sets * items_, last_end_ - last_start_ + 1);
            prefetch(prefetch_start_, current_);
        }
        if (trace_)
            for (auto& row : *trace_) row.resize(std::size_t(width_), 1);
    }

    std::int64_t dram_words() const { return accesses_; }
    std::int64_t first_dram_cycle() const { return first_row_; }
    std::int64_t last_dram_cycle() const { return last_row_; }

private:
    static constexpr std::int64_t latency = 1; // read_port
    static constexpr std::int64_t active_sets = 50, prefetch_sets = 50;

    // math.ceil(a / b) of Python's true division.
    static std::int64_t cycles_for(std::int64_t a, std::int64_t b) {
        if (b <= 0)
            throw InputError("SCALE-Sim's CALC-mode bandwidth estimator fills two prefetch "
                             "halves within one demand line here and would divide by zero "
                             "(read_buffer_estimate_bw.py); use larger SRAMs or give a "
                             "Bandwidth (InterfaceBandwidth: USER)");
        return std::int64_t(std::ceil(double(a) / double(b)));
    }

    void manage(std::int64_t cycle, std::int64_t addr) {
        std::int32_t& set = latest_[std::size_t(addr - lo_)];
        // check_hit: the sets [read_start, min(current, read_end + 1)); then the current set. Both
        // in one test: current_ <= read_end_ + 1 always, so that is [read_start, current].
        if (set >= read_start_ && set <= current_) return;
        set = std::int32_t(current_);
        if (trace_) current_words_.add(addr);
        if (++in_current_ != items_) return;
        in_current_ = 0;
        if (trace_) close_set();
        if (current_ == std::numeric_limits<std::int32_t>::max() - 1)
            throw InputError("SCALE-Sim CALC mode: a layer of more than 2^31 sets of distinct "
                             "words is beyond what accsim's bandwidth estimate counts");
        if (++current_ != read_end_ + 1) return;
        // The sets past the active ones are full: prefetch the next half.
        if (!active_done_) {
            bw_ = default_bw_;
            last_end_ = first_cycle_ - 1 - latency;
            last_start_ = last_end_ - cycles_for(prefetch_sets * items_, bw_) + 1;
            prefetch(0, active_sets - 1);
            prefetch_start_ = read_end_ + 1;
            active_done_ = true;
        } else {
            bw_ = cycles_for(prefetch_sets * items_, last_end_ - last_start_ + 1);
            prefetch(prefetch_start_, prefetch_start_ + prefetch_sets - 1);
            prefetch_start_ += prefetch_sets;
        }
        read_start_ += prefetch_sets;
        read_end_ += prefetch_sets;
        last_start_ = last_end_ + 1;
        last_end_ = cycle;
    }

    // prefetch(): the words of sets [first, last] over the cycles [last_start, last_end], as rows
    // of the DRAM trace served a read-port latency later (bw_ words a row; a row may be empty).
    void prefetch(std::int64_t first, std::int64_t last) {
        if (last >= first) {
            accesses_ += (last - first + 1) * items_;
            if (last == current_ && partial_ > 0) accesses_ -= items_ - partial_;
        }
        const std::int64_t rows = last_end_ - last_start_ + 1;
        if (trace_) trace_prefetch(rows);
        if (rows <= 0) return;
        if (!any_row_) first_row_ = last_start_ + latency;
        any_row_ = true;
        last_row_ = last_end_ + latency;
    }

    // The words of the current set as the next set of the trace, in Python's order. The sets
    // closed so far are exactly those the next prefetch takes: they are prefetched in the order
    // they close.
    void close_set() {
        closed_.emplace_back();
        current_words_.append_to(closed_.back());
        current_words_.clear();
    }
    // prefetch()'s trace rows: the closed sets' words, `rows` rows of bw_ from last_start_.
    void trace_prefetch(std::int64_t rows) {
        width_ = std::max(width_, 1 + bw_);
        std::vector<std::int64_t> words;
        for (const auto& set : closed_) words.insert(words.end(), set.begin(), set.end());
        closed_.clear();
        std::size_t next = 0;
        for (std::int64_t r = 0; r < rows; ++r) {
            std::vector<std::int64_t> row{last_start_ + r + latency};
            for (std::int64_t k = 0; k < bw_; ++k, ++next)
                row.push_back(next < words.size() ? words[next] : none);
            trace_->push_back(std::move(row));
        }
    }

    std::int64_t items_, default_bw_, lo_;
    std::vector<std::int32_t> latest_; // per address: the last set it joined (-1: none)
    TraceRows* trace_;
    PySetOrder current_words_;                      // trace only
    std::vector<std::vector<std::int64_t>> closed_; // trace only
    std::int64_t width_ = 0;                        // trace only: the widest row
    std::int64_t current_ = 0, in_current_ = 0, partial_ = 0;
    std::int64_t read_start_ = 0, read_end_ = active_sets - 1, prefetch_start_ = -1;
    std::int64_t last_start_ = -2, last_end_ = -1, bw_ = 1;
    std::int64_t first_cycle_ = 0;
    bool first_seen_ = false, active_done_ = false, any_row_ = false;
    std::int64_t accesses_ = 0, first_row_ = 0, last_row_ = 0;
};

} // namespace

ScaleSimMemoryResult scalesim_calc_memory(const ScaleSimLayer& layer,
                                          const ScaleSimMemoryConfig& config,
                                          ScaleSimTraces* traces) {
    // Neither the operand nor the demand matrices are built: the demand lines come one at a time,
    // each address from operand_matrices' formula. Each read buffer keeps 4 bytes per address of
    // its operand (the ifmap's and the filters' words), the stream 24 bytes per output pixel and
    // per window position.
    const std::int64_t pixels =
        ceil_div(layer.ifmap_h - layer.filter_h + layer.stride_h, layer.stride_h) *
        ceil_div(layer.ifmap_w - layer.filter_w + layer.stride_w, layer.stride_w);
    const std::int64_t window = layer.filter_h * layer.filter_w * layer.channels;
    const std::int64_t ifmap_words = layer.ifmap_h * layer.ifmap_w * layer.channels;
    const std::int64_t filter_words = window * layer.filters;
    const double bytes =
        4 * (double(ifmap_words) + double(filter_words)) + 24 * (double(pixels) + double(window));
    ScopedClaim claim(bytes, fmt::format("SCALE-Sim CALC-mode estimate of a layer of {} ifmap "
                                         "and {} filter words",
                                         ifmap_words, filter_words));
    DemandStream demand(layer, config);
    // With traces, every line's three SRAM trace rows are held until the layer's files are
    // written, and about as many rows of DRAM trace (a prefetch's rows span the cycles since the
    // previous one, the write buffer drains a row a cycle): 8 bytes a value, about 56 a row.
    if (traces) {
        const double lines = double(demand.lines());
        const double values =
            double(demand.ifmap_cols() + demand.filter_cols() + demand.ofmap_cols()) + 3 +
            2 * (1 + double(std::max<std::int64_t>(10, config.rows))) + 1 + double(config.cols);
        const double trace_bytes = lines * (8 * values + 6 * 56);
        claim.take(trace_bytes, fmt::format("SCALE-Sim CALC-mode traces of {:.3g} lines", lines));
    }
    // single_layer_sim.py in CALC mode: 10 words a cycle for the estimators' first prefetch, the
    // array's width for the write buffer.
    EstimateReadBuffer ifmap(config.ifmap_sram_kb * 1024, 10, config.ifmap_offset,
                             config.ifmap_offset + ifmap_words - 1,
                             traces ? &traces->ifmap_dram : nullptr);
    EstimateReadBuffer filter(config.filter_sram_kb * 1024, 10, config.filter_offset,
                              config.filter_offset + filter_words - 1,
                              traces ? &traces->filter_dram : nullptr);
    WriteBuffer ofmap(config.ofmap_sram_kb * 1024, config.cols,
                      traces ? &traces->ofmap_dram : nullptr);
    std::vector<std::int64_t> irow(std::size_t(demand.ifmap_cols())),
        frow(std::size_t(demand.filter_cols())), orow(std::size_t(demand.ofmap_cols()));
    // An SRAM trace row: the cycle the line was served, then its demand.
    auto sram_row = [](const std::vector<std::int64_t>& line, std::int64_t served, TraceRows& to) {
        push_trace_row(to, served, line.data(), std::int64_t(line.size()));
    };
    ScaleSimMemoryResult r;
    SramSpan spans[3];
    std::int64_t last_ofmap = 0;
    std::int64_t words[3];
    // Without traces the ofmap lines are not built: the write buffer only counts their words.
    for (std::int64_t i = 0;
         demand.next(irow.data(), frow.data(), traces ? orow.data() : nullptr, words); ++i) {
        const std::int64_t cycle = i + r.stall_cycles;
        if (words[0]) ifmap.serve(irow.data(), demand.ifmap_cols(), cycle);
        if (words[1]) filter.serve(frow.data(), demand.filter_cols(), cycle);
        last_ofmap = traces ? ofmap.serve(orow.data(), demand.ofmap_cols(), cycle)
                            : ofmap.serve_count(words[2], cycle);
        if (traces) { // the read buffers serve every line a cycle later in this mode
            sram_row(irow, cycle + 1, traces->ifmap_sram);
            sram_row(frow, cycle + 1, traces->filter_sram);
            sram_row(orow, last_ofmap, traces->ofmap_sram);
        }
        if (words[0]) spans[0].note(cycle + 1);
        if (words[1]) spans[1].note(cycle + 1);
        if (words[2]) spans[2].note(last_ofmap);
        r.stall_cycles += last_ofmap - cycle; // the read buffers never stall in this mode
    }
    ifmap.finish();
    filter.finish();
    ofmap.finish(last_ofmap);
    fill_result(r, last_ofmap, ifmap, filter, ofmap, spans);
    return r;
}

} // namespace accsim::pe_array
