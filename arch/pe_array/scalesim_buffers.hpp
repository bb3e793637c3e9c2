// SCALE-Sim v2's write buffer (memory/write_buffer.py), shared by its USER and CALC memories
// (scalesim_memory.cpp, scalesim_calc.cpp). Internal to those files.
#pragma once

#include "arch/pe_array/scalesim_matrices.hpp"
#include "arch/pe_array/scalesim_memory.hpp"

#include <cstdint>
#include <vector>

namespace accsim::pe_array::scalesim {

// A trace row: the cycle, then the `cols` values of a line.
inline void push_trace_row(TraceRows& to, std::int64_t cycle, const std::int64_t* line,
                           std::int64_t cols) {
    std::vector<std::int64_t> row{cycle};
    row.insert(row.end(), line, line + cols);
    to.push_back(std::move(row));
}

// memory/write_buffer.py with write_port.py (latency 0): the words written land in lines of
// `bandwidth`; once more than the drain half is held and no drain is running, the held lines
// drain one a cycle; a write that finds the buffer full waits for the drain to end.
class WriteBuffer {
public:
    WriteBuffer(std::int64_t size_bytes, std::int64_t bandwidth, TraceRows* trace)
        : bw_(bandwidth), trace_(trace) {
        total_elems_ = size_bytes;
        active_size_ = ceil_div(total_elems_, 2);
        drain_size_ = total_elems_ - active_size_;
        free_ = total_elems_;
    }

    std::int64_t serve(const std::int64_t* row, std::int64_t cols, std::int64_t cycle) {
        std::int64_t current = cycle;
        for (std::int64_t k = 0; k < cols; ++k)
            if (row[k] != none) write(row[k], current);
        return current;
    }
    // The same for `words` writes whose addresses are not traced.
    std::int64_t serve_count(std::int64_t words, std::int64_t cycle) {
        std::int64_t current = cycle;
        for (std::int64_t k = 0; k < words; ++k) write(none, current);
        return current;
    }

    // empty_all_buffers: what is left drains after the last demand.
    void finish(std::int64_t cycle) {
        flush_line();
        while (drained_ < std::int64_t(lines_.size())) {
            drain_end_ = drain(cycle);
            cycle = drain_end_ + 1;
        }
    }

    std::int64_t dram_words() const { return accesses_; }
    std::int64_t first_dram_cycle() const { return first_cycle_; }
    std::int64_t last_dram_cycle() const { return last_cycle_; }

private:
    void write(std::int64_t address, std::int64_t& current) {
        store(address);
        if (current < drain_end_) {
            if (free_ <= 0) current = drain_end_;
        } else if (free_ < active_size_) {
            flush_line();
            drain_end_ = drain(current);
        }
    }
    void store(std::int64_t address) {
        ++in_line_;
        --free_;
        if (trace_) words_.push_back(address);
        if (in_line_ == bw_) flush_line();
    }
    void flush_line() {
        if (in_line_ > 0) {
            lines_.push_back(in_line_);
            if (trace_) {
                words_.resize(std::size_t(bw_), none);
                line_words_.push_back(std::move(words_));
                words_.clear();
            }
        }
        in_line_ = 0;
    }
    // empty_drain_buf: up to ceil(drain / bandwidth) held lines, one a cycle from `start`; the
    // words counted are whole lines except the empty requests of the last one.
    std::int64_t drain(std::int64_t start) {
        const std::int64_t want = ceil_div(drain_size_, bw_);
        const std::int64_t end = std::min(drained_ + want, std::int64_t(lines_.size()));
        const std::int64_t n = end - drained_;
        if (n <= 0) return start - 1; // nothing held (SCALE-Sim would index an empty array)
        const std::int64_t words = (n - 1) * bw_ + lines_[std::size_t(end - 1)];
        accesses_ += words;
        free_ += words;
        if (!drained_any_) first_cycle_ = start;
        drained_any_ = true;
        last_cycle_ = start + n - 1;
        if (trace_)
            for (std::int64_t k = drained_; k < end; ++k) {
                const auto& w = line_words_[std::size_t(k)];
                push_trace_row(*trace_, start + k - drained_, w.data(), std::int64_t(w.size()));
            }
        drained_ = end;
        return last_cycle_;
    }

    std::int64_t bw_, total_elems_, active_size_, drain_size_, free_;
    std::vector<std::int64_t> lines_; // words in each line of the trace
    std::int64_t in_line_ = 0, drained_ = 0, drain_end_ = 0, accesses_ = 0;
    std::int64_t first_cycle_ = 0, last_cycle_ = 0;
    bool drained_any_ = false;
    TraceRows* trace_;
    std::vector<std::int64_t> words_;                   // the line being filled (trace only)
    std::vector<std::vector<std::int64_t>> line_words_; // every line's words (trace only)
};

// The first and last cycle at which a demand line that accesses a memory was served
// (DETAILED_ACCESS_REPORT's SRAM start and stop cycles).
struct SramSpan {
    bool seen = false;
    std::int64_t start = 0, stop = 0;
    void note(const std::int64_t* row, std::int64_t cols, std::int64_t served) {
        bool any = false;
        for (std::int64_t k = 0; k < cols && !any; ++k) any = row[k] != none;
        if (any) note(served);
    }
    // A line known to access the memory.
    void note(std::int64_t served) {
        if (!seen) start = served;
        seen = true;
        stop = served;
    }
};

// A layer's result once its last demand line was served at `last_ofmap`: the cycles, each
// buffer's DRAM words and span, and each SRAM's span (either kind of read buffer: USER's or
// CALC's estimator).
template <class Reads>
void fill_result(ScaleSimMemoryResult& r, std::int64_t last_ofmap, const Reads& ifmap,
                 const Reads& filter, const WriteBuffer& ofmap, const SramSpan (&spans)[3]) {
    r.total_cycles = last_ofmap;
    r.ifmap_dram_reads = ifmap.dram_words();
    r.filter_dram_reads = filter.dram_words();
    r.ofmap_dram_writes = ofmap.dram_words();
    r.ifmap_dram_start = ifmap.first_dram_cycle();
    r.ifmap_dram_stop = ifmap.last_dram_cycle();
    r.filter_dram_start = filter.first_dram_cycle();
    r.filter_dram_stop = filter.last_dram_cycle();
    r.ofmap_dram_start = ofmap.first_dram_cycle();
    r.ofmap_dram_stop = ofmap.last_dram_cycle();
    r.ifmap_sram_start = spans[0].start, r.ifmap_sram_stop = spans[0].stop;
    r.filter_sram_start = spans[1].start, r.filter_sram_stop = spans[1].stop;
    r.ofmap_sram_start = spans[2].start, r.ofmap_sram_stop = spans[2].stop;
}

} // namespace accsim::pe_array::scalesim
