#include "arch/pe_array/scalesim_memory.hpp"

#include "arch/pe_array/scalesim_buffers.hpp"
#include "arch/pe_array/scalesim_matrices.hpp"
#include "common/error.hpp"
#include "common/memory_budget.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <unordered_map>
#include <vector>

namespace accsim::pe_array {

namespace {

using namespace scalesim;

// memory/read_buffer.py with read_port.py (latency 1): only what decides cycles and DRAM words.
class ReadBuffer {
public:
    ReadBuffer(std::int64_t size_bytes, std::int64_t bandwidth, const Mat& prefetch,
               TraceRows* trace)
        : bw_(bandwidth), trace_(trace) {
        total_elems_ = size_bytes;                // word size 1
        active_size_ = ceil_div(total_elems_, 2); // ceil(total * 0.5)
        prefetch_size_ = total_elems_ - active_size_;
        // set_fetch_matrix: the prefetch matrix flattened into lines of `bandwidth` words.
        const std::int64_t elems = prefetch.rows * prefetch.cols;
        fetch_rows_ = ceil_div(elems, bw_);
        if (trace_) {
            fetch_ = Mat(fetch_rows_, bw_);
            std::copy(prefetch.v.begin(), prefetch.v.end(), fetch_.v.begin());
        }
        // prepare_hashed_buffer: sets of ceil(total / 100) fetched words (empty requests are
        // not counted), in order; a word may be in several sets.
        const std::int64_t per_set = ceil_div(total_elems_, 100);
        std::int64_t line = 0, in_set = 0;
        for (std::int64_t e : prefetch.v) {
            if (e != none) {
                auto& lines = lines_of_[e];
                if (lines.empty() || lines.back() != line) lines.push_back(line);
                ++in_set;
            }
            if (in_set >= per_set) {
                ++line;
                in_set = 0;
            }
        }
        lines_ = line + 1;
        active_lines_ = std::min(lines_, ceil_div(active_size_, per_set));
        prefetch_lines_ = std::min(lines_ - active_lines_, ceil_div(prefetch_size_, per_set));
    }

    // service_reads for one demand line arriving at `cycle`: the cycle it is served.
    std::int64_t serve(const std::int64_t* row, std::int64_t cols, std::int64_t cycle) {
        if (!started_) prefetch_active(cycle);
        std::int64_t offset = 1; // hit latency
        for (std::int64_t k = 0; k < cols; ++k) {
            const std::int64_t addr = row[k];
            if (addr == none) continue;
            std::int64_t turns = 0;
            while (!hit(addr)) {
                // SCALE-Sim loops here for ever on an address it never prefetches.
                if (++turns > lines_ + 1)
                    throw InputError(fmt::format("SCALE-Sim emulation: address {} is in no "
                                                 "prefetch line",
                                                 addr));
                new_prefetch();
                const std::int64_t stall = last_prefetch_cycle_ - (cycle + offset);
                if (stall > 0) offset += stall;
            }
        }
        return cycle + offset;
    }

    std::int64_t dram_words() const { return accesses_; }
    std::int64_t first_dram_cycle() const { return first_cycle_; }
    std::int64_t last_dram_cycle() const { return last_prefetch_cycle_; }

private:
    bool hit(std::int64_t addr) const {
        auto it = lines_of_.find(addr);
        if (it == lines_of_.end()) return false;
        for (std::int64_t l : it->second) {
            const bool inside = start_ < end_ ? l >= start_ && l < end_ : l >= start_ || l < end_;
            if (inside) return true;
        }
        return false;
    }

    // prefetch_active_buffer: the active half is filled before the first demand, ending the
    // cycle before it.
    void prefetch_active(std::int64_t start_cycle) {
        const std::int64_t lines = std::min(ceil_div(active_size_, bw_), fetch_rows_);
        accesses_ += lines * bw_;
        if (trace_) {
            // The request lines are a view of the fetch matrix: the words past the active half
            // in the last line are cleared in the matrix itself.
            if (lines * bw_ > active_size_) {
                next_col_ = active_size_ % bw_;
                for (std::int64_t c = next_col_; c < bw_; ++c) fetch_.at(lines - 1, c) = none;
            }
            for (std::int64_t i = 0; i < lines; ++i) emit(start_cycle - lines + i, fetch_row(i));
            next_line_ = (lines * bw_ > active_size_ ? lines : lines + 1) % fetch_rows_;
        }
        first_cycle_ = start_cycle - lines;
        last_prefetch_cycle_ = start_cycle - 1;
        start_ = 0;
        end_ = active_lines_;
        started_ = true;
    }

    // new_prefetch: the window moves by the prefetch half's lines, whose words arrive one line
    // of `bandwidth` a cycle after the previous prefetch.
    void new_prefetch() {
        start_ = (start_ + prefetch_lines_) % lines_;
        end_ = (start_ + active_lines_) % lines_;
        const std::int64_t lines = ceil_div(prefetch_size_, bw_);
        accesses_ += lines * bw_;
        if (trace_) trace_prefetch(lines);
        last_prefetch_cycle_ += lines + 1;
    }

    // The lines new_prefetch requests, as SCALE-Sim writes them to its DRAM trace: from the line
    // after the active fill (the same line every time), a view of the fetch matrix unless they
    // wrap round its end (then a copy), the words before the active fill's end cleared in the
    // first line and those past the active half's size in the last.
    void trace_prefetch(std::int64_t lines) {
        const std::int64_t start = next_line_, end = start + lines;
        std::vector<std::vector<std::int64_t>> copy;
        std::vector<std::int64_t*> rows; // into fetch_ (a view) or into `copy`
        if (end > fetch_rows_) {
            for (std::int64_t r = start; r < fetch_rows_; ++r) copy.push_back(fetch_row(r));
            for (std::int64_t r = 0; r < std::min(end - fetch_rows_, start); ++r)
                copy.push_back(fetch_row(r));
            for (auto& r : copy) rows.push_back(r.data());
        } else {
            for (std::int64_t r = start; r < end; ++r) rows.push_back(&fetch_.at(r, 0));
        }
        if (!rows.empty()) {
            for (std::int64_t c = 0; c < next_col_; ++c) rows.front()[c] = none;
            if (lines * bw_ > active_size_)
                for (std::int64_t c = active_size_ % bw_; c < bw_; ++c) rows.back()[c] = none;
        }
        for (std::size_t i = 0; i < rows.size(); ++i)
            emit(last_prefetch_cycle_ + std::int64_t(i) + 2,
                 std::vector<std::int64_t>(rows[i], rows[i] + bw_));
        next_line_ = (lines * bw_ > active_size_ ? lines : lines + 1) % fetch_rows_;
    }

    std::vector<std::int64_t> fetch_row(std::int64_t r) const {
        return {fetch_.v.begin() + r * bw_, fetch_.v.begin() + (r + 1) * bw_};
    }
    void emit(std::int64_t cycle, const std::vector<std::int64_t>& words) {
        std::vector<std::int64_t> row{cycle};
        row.insert(row.end(), words.begin(), words.end());
        trace_->push_back(std::move(row));
    }

    std::int64_t bw_, total_elems_, active_size_, prefetch_size_, fetch_rows_ = 0;
    std::unordered_map<std::int64_t, std::vector<std::int64_t>> lines_of_;
    std::int64_t lines_ = 1, active_lines_ = 1, prefetch_lines_ = 0;
    std::int64_t start_ = 0, end_ = 0, last_prefetch_cycle_ = -1, accesses_ = 0, first_cycle_ = 0;
    bool started_ = false;
    TraceRows* trace_;
    Mat fetch_; // the fetch matrix, kept only for the trace
    std::int64_t next_line_ = 0, next_col_ = 0;
};

} // namespace

ScaleSimMemoryResult scalesim_user_memory(const ScaleSimLayer& layer,
                                          const ScaleSimMemoryConfig& config,
                                          ScaleSimTraces* traces) {
    if (config.bandwidth < 1)
        throw InputError("SCALE-Sim USER mode: Bandwidth must be at least 1 word per cycle");
    // Built whole, as SCALE-Sim builds them: operands, prefetch and demand matrices.
    const double pixels =
        double(ceil_div(layer.ifmap_h - layer.filter_h + layer.stride_h, layer.stride_h)) *
        double(ceil_div(layer.ifmap_w - layer.filter_w + layer.stride_w, layer.stride_w));
    const double window = double(layer.filter_h * layer.filter_w * layer.channels);
    const double filters = double(layer.filters), R = config.rows, C = config.cols;
    const double words = pixels * window + window * filters + pixels * filters;
    // Each dataflow folds two of pixels, window and filters over the array (Sr over its rows, Sc
    // over its columns) and runs the third in time (T), as compute_matrices does: per fold at most
    // T + 2R + C demand lines of R + 2C words; the prefetch matrices hold the row folds' R x T
    // words and the column folds' C x T (os) or C x Sr words, each also in the hash of prefetch
    // lines (about 56 bytes).
    double Sr = pixels, Sc = filters, T = window; // os
    if (config.dataflow == Dataflow::ws) Sr = window, Sc = filters, T = pixels;
    if (config.dataflow == Dataflow::is) Sr = window, Sc = pixels, T = filters;
    const double row_folds = std::ceil(Sr / R), col_folds = std::ceil(Sc / C);
    const double lines = row_folds * col_folds * (T + 2 * R + C);
    const double prefetch =
        row_folds * R * T + col_folds * C * (config.dataflow == Dataflow::os ? T : Sr);
    const double bytes = 8 * (lines * (R + 2 * C) + 2 * words) + 64 * prefetch;
    // The matrices live only while this layer runs.
    const ScopedClaim claim(
        bytes,
        fmt::format("SCALE-Sim USER-mode matrices of a layer of {:.3g} demand lines", lines));
    const Operands o = operand_matrices(layer, config);
    const Matrices m = compute_matrices(o, config);

    ReadBuffer ifmap(config.ifmap_sram_kb * 1024, config.bandwidth, m.ifmap_prefetch,
                     traces ? &traces->ifmap_dram : nullptr);
    ReadBuffer filter(config.filter_sram_kb * 1024, config.bandwidth, m.filter_prefetch,
                      traces ? &traces->filter_dram : nullptr);
    WriteBuffer ofmap(config.ofmap_sram_kb * 1024, config.bandwidth,
                      traces ? &traces->ofmap_dram : nullptr);
    // An SRAM trace row: the cycle the line was served, then its demand.
    auto sram_row = [](const Mat& demand, std::int64_t i, std::int64_t served, TraceRows& to) {
        push_trace_row(to, served, &demand.v[std::size_t(i * demand.cols)], demand.cols);
    };
    ScaleSimMemoryResult r;
    std::int64_t last_ofmap = 0;
    SramSpan spans[3];
    for (std::int64_t i = 0; i < m.ofmap_demand.rows; ++i) {
        const std::int64_t cycle = i + r.stall_cycles;
        const std::int64_t ifmap_served = ifmap.serve(
            &m.ifmap_demand.v[std::size_t(i * m.ifmap_demand.cols)], m.ifmap_demand.cols, cycle);
        const std::int64_t filter_served = filter.serve(
            &m.filter_demand.v[std::size_t(i * m.filter_demand.cols)], m.filter_demand.cols, cycle);
        last_ofmap = ofmap.serve(&m.ofmap_demand.v[std::size_t(i * m.ofmap_demand.cols)],
                                 m.ofmap_demand.cols, cycle);
        spans[0].note(&m.ifmap_demand.v[std::size_t(i * m.ifmap_demand.cols)], m.ifmap_demand.cols,
                      ifmap_served);
        spans[1].note(&m.filter_demand.v[std::size_t(i * m.filter_demand.cols)],
                      m.filter_demand.cols, filter_served);
        spans[2].note(&m.ofmap_demand.v[std::size_t(i * m.ofmap_demand.cols)], m.ofmap_demand.cols,
                      last_ofmap);
        if (traces) {
            sram_row(m.ifmap_demand, i, ifmap_served, traces->ifmap_sram);
            sram_row(m.filter_demand, i, filter_served, traces->filter_sram);
            sram_row(m.ofmap_demand, i, last_ofmap, traces->ofmap_sram);
        }
        r.stall_cycles +=
            std::max({ifmap_served - cycle - 1, filter_served - cycle - 1, last_ofmap - cycle});
    }
    ofmap.finish(last_ofmap);
    fill_result(r, last_ofmap, ifmap, filter, ofmap, spans);
    return r;
}

} // namespace accsim::pe_array
