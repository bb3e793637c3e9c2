// When things happen in EIE's PE array (Han et al., ISCA 2016, section IV): the CCU broadcasts one
// non-zero activation per cycle to every PE's activation queue and stalls while any queue is full;
// each PE pops an activation, reads the column's pointers (even/odd banks: one cycle), and works
// through its slice one entry per cycle through a 4-stage pipeline; an empty slice still costs the
// cycle of its pointer read. This is plain C++: the cycles follow from two recurrences (pe.cpp),
// computed once per broadcast activation and PE rather than cycle by cycle.
#pragma once

#include "models/stats/occupancy.hpp"
#include "models/trace/trace.hpp"
#include "workloads/sparse/csc.hpp"

#include <cstdint>
#include <vector>

namespace accsim::eie {

constexpr int pipeline_stages = 4; // EIE section IV: four stages, critical path 1.15 ns

// Cycle counts and accesses of one PE, summed over everything it ran.
struct PeCounters {
    std::uint64_t busy_cycles = 0;     // working on a column slice (entries or a pointer read)
    std::uint64_t starved_cycles = 0;  // idle with an empty queue while the layer runs (bubbles)
    std::uint64_t stalled_cycles = 0;  // its queue was full, holding the broadcast
    std::uint64_t entries = 0;         // sparse-matrix entries processed (non-zero + padding)
    std::uint64_t padding_entries = 0; // of which padding
    std::uint64_t empty_slices = 0;    // columns whose slice was empty: a cycle each
    std::uint64_t pointer_reads = 0;   // one per column (both banks at once)
    std::uint64_t spmat_reads = 0;     // 64-bit words read from the sparse-matrix SRAM
    std::uint64_t act_reads = 0;       // source activation register reads (one per column)
};

struct PeArrayStats {
    std::vector<PeCounters> pe;
    std::vector<OccupancyStats> queue; // per PE activation queue, in entries
    std::uint64_t broadcasts = 0;
    std::uint64_t broadcast_stall_cycles = 0; // cycles the CCU held a ready activation
    // Per PE, when the run is traced (--trace): busy, input stall (starved) or idle.
    std::vector<TraceSignal*> pe_trace;
    explicit PeArrayStats(int pes) : pe(std::size_t(pes)), queue(std::size_t(pes)) {}
};

// Runs the broadcast of `nonzero_cols` (the input positions of the non-zero activations, in order)
// over the matrix `w` from cycle `start_cycle`; returns the cycles until the last result is in its
// accumulator (pipeline drained). `queue_depth` >= 1.
std::uint64_t run_broadcast(const InterleavedCsc& w, const std::vector<std::uint32_t>& nonzero_cols,
                            int queue_depth, std::uint64_t start_cycle, PeArrayStats& stats);

} // namespace accsim::eie
