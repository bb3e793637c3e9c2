#include "arch/eie/pe.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <limits>

namespace accsim::eie {

namespace {

constexpr std::uint32_t entries_per_spmat_read = 8; // 64-bit sparse-matrix SRAM, 8-bit entries

} // namespace

std::uint64_t run_broadcast(const InterleavedCsc& w, const std::vector<std::uint32_t>& nonzero_cols,
                            int queue_depth, std::uint64_t start_cycle, PeArrayStats& stats) {
    const std::size_t pes = std::size_t(w.pes);
    const std::size_t total = nonzero_cols.size();
    const std::size_t depth = std::size_t(queue_depth);
    // Every queue receives the same activations, so a queue is [head, tail) of nonzero_cols with a
    // common tail.
    std::size_t tail = 0;
    std::vector<std::size_t> head(pes, 0);
    std::vector<std::uint64_t> remaining(pes, 0);     // cycles left on the current column
    std::vector<std::uint64_t> last_word(pes, ~0ULL); // the spmat word in the read buffer
    std::vector<std::uint64_t> recorded(pes, ~0ULL);  // queue level last given to the stats
    std::uint64_t now = 0;

    for (;;) {
        // A PE that has finished its column pops the next activation and reads the pointers.
        for (std::size_t p = 0; p < pes; ++p) {
            if (remaining[p] != 0 || head[p] == tail) continue;
            const std::uint32_t col = nonzero_cols[head[p]++];
            const PeSlices& s = w.pe[p];
            const std::uint32_t begin = s.ptr[col], n = s.ptr[std::size_t(col) + 1] - begin;
            PeCounters& c = stats.pe[p];
            ++c.pointer_reads;
            ++c.act_reads;
            if (n == 0) {
                ++c.empty_slices;
                remaining[p] = 1;
                continue;
            }
            remaining[p] = n;
            c.entries += n;
            for (std::uint32_t e = begin; e < begin + n; ++e)
                c.padding_entries += s.entries[e].padding();
            const std::uint64_t first = begin / entries_per_spmat_read,
                                last = (begin + n - 1) / entries_per_spmat_read;
            c.spmat_reads += last - first + 1 - (first == last_word[p] ? 1 : 0);
            last_word[p] = last;
        }
        // The CCU broadcasts when every queue has room (a pop this cycle frees a slot).
        bool full = false;
        for (std::size_t p = 0; p < pes && !full; ++p) full = tail - head[p] == depth;
        const bool push = tail < total && !full;
        for (std::size_t p = 0; p < pes; ++p) {
            const std::uint64_t level = tail + (push ? 1 : 0) - head[p];
            if (level == recorded[p]) continue;
            stats.queue[p].record(start_cycle + now, level);
            recorded[p] = level;
        }
        std::uint64_t step = 1;
        if (push) {
            ++tail;
            ++stats.broadcasts;
        } else {
            // Nothing changes until the first busy PE finishes its column.
            step = std::numeric_limits<std::uint64_t>::max();
            for (auto r : remaining)
                if (r) step = std::min(step, r);
            if (step == std::numeric_limits<std::uint64_t>::max()) {
                bool drained = tail == total;
                for (std::size_t p = 0; p < pes && drained; ++p) drained = head[p] == tail;
                if (drained) break;
                // Unreachable with queue_depth >= 1: a full queue belongs to a busy PE.
                throw DesignFailure(fmt::format(
                    "eie: the broadcast stopped at cycle {} with {} of {} activations sent and "
                    "no PE busy",
                    start_cycle + now, tail, total));
            }
            if (tail < total) {
                stats.broadcast_stall_cycles += step;
                for (std::size_t p = 0; p < pes; ++p)
                    if (tail - head[p] == depth) stats.pe[p].stalled_cycles += step;
            }
        }
        if (!stats.pe_trace.empty())
            for (std::size_t p = 0; p < pes; ++p)
                stats.pe_trace[p]->change(
                    start_cycle + now, remaining[p] ? TraceState::busy : TraceState::input_stall);
        for (std::size_t p = 0; p < pes; ++p) {
            if (remaining[p]) {
                remaining[p] -= step;
                stats.pe[p].busy_cycles += step;
            } else {
                stats.pe[p].starved_cycles += step;
            }
        }
        now += step;
    }
    // The last entry leaves the pipeline stages - 1 cycles after it issued.
    const std::uint64_t cycles = total == 0 ? 0 : now + (pipeline_stages - 1);
    for (std::size_t p = 0; p < pes; ++p) stats.queue[p].record(start_cycle + cycles, 0);
    if (!stats.pe_trace.empty())
        for (std::size_t p = 0; p < pes; ++p)
            stats.pe_trace[p]->change(start_cycle + now, TraceState::idle);
    return cycles;
}

} // namespace accsim::eie
