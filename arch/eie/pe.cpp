#include "arch/eie/pe.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace accsim::eie {

namespace {

constexpr std::uint32_t entries_per_spmat_read = 8; // 64-bit sparse-matrix SRAM, 8-bit entries

} // namespace

// Every queue receives the same activations, so the run is two recurrences (in cycles from 0;
// activation k = 0 .. K-1, PE p):
//  - the CCU broadcasts activation k in cycle t[k] = max(t[k-1] + 1, max_p s_p[k - depth]): one
//    per cycle, once every queue has room (t[0] = 0; no bound from the queues while k < depth).
//    A pop frees its slot for a broadcast in the same cycle.
//  - PE p pops activation k in cycle s_p[k] = max(f_p[k-1], t[k] + 1), the cycle after its
//    broadcast at the earliest, and works on it until f_p[k] = s_p[k] + max(1, entries of its
//    slice): one cycle per entry, or one for the pointer read of an empty slice.
// The first pass finds t over all PEs; the second replays each PE against t for its counters,
// queue levels and trace. O(K x PEs), whatever the cycles.
std::uint64_t run_broadcast(const InterleavedCsc& w, const std::vector<std::uint32_t>& nonzero_cols,
                            int queue_depth, std::uint64_t start_cycle, PeArrayStats& stats) {
    if (queue_depth < 1)
        throw DesignFailure(
            fmt::format("eie: activation queue depth {} (at least 1)", queue_depth));
    const std::size_t pes = std::size_t(w.pes);
    const std::size_t total = nonzero_cols.size();
    const std::size_t depth = std::size_t(queue_depth);

    // First pass: the broadcast cycles t, over all PEs. pop holds s_p of the last `depth`
    // activations (activation k in row k % depth; fewer rows when fewer activations, as then
    // k >= depth never comes), free_at each PE's f_p of the last one.
    std::vector<std::uint64_t> t(total);
    {
        const std::size_t rows = std::min(depth, std::max<std::size_t>(total, 1));
        std::vector<std::uint64_t> pop(rows * pes, 0), free_at(pes, 0);
        std::vector<const std::uint32_t*> ptr(pes);
        for (std::size_t p = 0; p < pes; ++p) ptr[p] = w.pe[p].ptr.data();
        for (std::size_t k = 0; k < total; ++k) {
            std::uint64_t* row = pop.data() + (k % rows) * pes;
            std::uint64_t tk = k == 0 ? 0 : t[k - 1] + 1;
            if (k >= depth)
                for (std::size_t p = 0; p < pes; ++p) tk = std::max(tk, row[p]);
            t[k] = tk;
            const std::uint32_t col = nonzero_cols[k];
            for (std::size_t p = 0; p < pes; ++p) {
                row[p] = std::max(free_at[p], tk + 1);
                free_at[p] = row[p] + std::max<std::uint32_t>(1, ptr[p][col + 1] - ptr[p][col]);
            }
        }
    }
    if (total > 0) {
        stats.broadcasts += total;
        stats.broadcast_stall_cycles += t[total - 1] - (total - 1);
    }

    // Second pass: each PE replayed against t for its counters, queue levels and trace. A queue
    // holds at most `depth` activations: t[k] comes no earlier than the pop of k - depth.
    const bool traced = !stats.pe_trace.empty();
    const std::size_t levels = std::min(total, depth) + 1;
    std::vector<std::uint64_t> s(total), done(pes, 0), busy(pes, 0), cycles_at(levels, 0);
    t.push_back(~std::uint64_t(0)); // no broadcast after the last
    for (std::size_t p = 0; p < pes; ++p) {
        const PeSlices& slices = w.pe[p];
        PeCounters& c = stats.pe[p];
        TraceSignal* state = traced ? stats.pe_trace[p] : nullptr;
        if (state && total > 0) state->change(start_cycle, TraceState::input_stall);
        // Padding entries are counted slice by slice only when the PE has any: a scan of the
        // entries' bytes (value index 0: padding) that vectorises.
        static_assert(sizeof(CscEntry) == 1);
        const auto* bytes = reinterpret_cast<const unsigned char*>(slices.entries.data());
        unsigned char padded = 0;
        for (std::size_t e = 0; e < slices.entries.size(); ++e) padded |= (bytes[e] & 15) == 0;
        std::uint64_t free_at = 0, last_word = ~0ULL;
        for (std::size_t k = 0; k < total; ++k) {
            s[k] = std::max(free_at, t[k] + 1);
            // The cycles between broadcasts k-1 and k in which this PE's queue was full.
            if (k >= depth) {
                const std::uint64_t held = s[k - depth], sent = t[k - 1] + 1;
                c.stalled_cycles += held > sent ? held - sent : 0;
            }
            if (state) {
                if (k > 0 && s[k] > free_at)
                    state->change(start_cycle + free_at, TraceState::input_stall);
                state->change(start_cycle + s[k], TraceState::busy);
            }
            const std::uint32_t col = nonzero_cols[k];
            const std::uint32_t begin = slices.ptr[col], n = slices.ptr[col + 1] - begin;
            if (n == 0) {
                ++c.empty_slices;
            } else {
                c.entries += n;
                if (padded)
                    for (std::uint32_t e = begin; e < begin + n; ++e)
                        c.padding_entries += slices.entries[e].padding();
                const std::uint64_t first = begin / entries_per_spmat_read,
                                    last = (begin + n - 1) / entries_per_spmat_read;
                c.spmat_reads += last - first + 1 - (first == last_word ? 1 : 0);
                last_word = last;
            }
            busy[p] += std::max<std::uint32_t>(1, n);
            free_at = s[k] + std::max<std::uint32_t>(1, n);
        }
        c.pointer_reads += total;
        c.act_reads += total;
        done[p] = free_at;
        c.busy_cycles += busy[p];
        // The queue's level after each cycle's pops and broadcast (pushes - pops up to that
        // cycle): at most one push and one pop per cycle, t and s both rising. Traced, each
        // change is recorded; else the cycles at each level are summed, then recorded at once.
        OccupancyStats& q = stats.queue[p];
        std::size_t pushed = 0, popped = 0;
        if (q.trace) {
            std::uint64_t level = total > 0 ? 1 : 0;
            pushed = level;
            q.record(start_cycle, level);
            while (popped < total) {
                const std::uint64_t now = std::min(t[pushed], s[popped]);
                pushed += t[pushed] == now;
                popped += s[popped] == now;
                if (pushed - popped != level) {
                    level = pushed - popped;
                    q.record(start_cycle + now, level);
                }
            }
        } else {
            std::uint64_t before = 0, top = 0;
            while (popped < total) {
                const std::uint64_t now = std::min(t[pushed], s[popped]);
                cycles_at[pushed - popped] += now - before;
                before = now;
                pushed += t[pushed] == now;
                popped += s[popped] == now;
                top = std::max<std::uint64_t>(top, pushed - popped);
            }
            // Empty from the last pop on (recorded with the drain below).
            q.record_span(start_cycle, start_cycle + before, cycles_at.data(), top + 1, top, 0);
            std::fill_n(cycles_at.begin(), top + 1, 0);
        }
    }
    // The broadcast is over when the last PE is done (cycle 0 with nothing to send); the last
    // entry leaves the pipeline stages - 1 cycles after it issued.
    const std::uint64_t end = pes == 0 ? 0 : *std::max_element(done.begin(), done.end());
    const std::uint64_t cycles = total == 0 ? 0 : end + (pipeline_stages - 1);
    for (std::size_t p = 0; p < pes; ++p) {
        stats.pe[p].starved_cycles += end - busy[p];
        stats.queue[p].record(start_cycle + cycles, 0);
        if (traced) {
            if (done[p] < end)
                stats.pe_trace[p]->change(start_cycle + done[p], TraceState::input_stall);
            stats.pe_trace[p]->change(start_cycle + end, TraceState::idle);
        }
    }
    return cycles;
}

} // namespace accsim::eie
