// A bounded stream FIFO whose pushes and pops carry cycle numbers, for pipelines whose stages run
// ahead of SystemC time (temporal decoupling): a producer may write entry k at the cycle the slot
// of entry k - depth was freed, a consumer may read entry k the cycle after it was written. A
// stage that needs a cycle number not yet known (an entry not yet written, a slot not yet freed)
// registers its wake-up event and sleeps; the other side notifies it when it moves.
//
// Semantics (one cycle of FIFO latency, as an SRL/BRAM FIFO with registered flags):
//   entry k is readable from push_cycle(k) + 1;
//   the slot for entry k is free from pop_cycle(k - depth) + 1 (depth 0 = unbounded).
// Occupancy statistics count a push before a pop of the same cycle, so `peak` is the depth that
// lets every push happen at the same cycle as without a bound.
#pragma once

#include "models/stats/occupancy.hpp"

#include <cstdint>
#include <deque>
#include <string>
#include <systemc>
#include <vector>

namespace accsim {

class StreamFifo {
public:
    StreamFifo(std::string name, std::uint64_t width_bits)
        : name_(std::move(name)), width_bits_(width_bits) {}

    const std::string& name() const { return name_; }
    std::uint64_t width_bits() const { return width_bits_; }
    std::uint64_t depth() const { return depth_; } // 0: unbounded
    // Empties the FIFO and its statistics and sets its depth (0: unbounded).
    void reset(std::uint64_t depth);

    // Producer side. `pushed()` entries were written so far; the next one is entry pushed().
    std::uint64_t pushed() const { return pushed_; }
    // True when the cycle the next entry's slot frees is known (its predecessor depth entries
    // back has been read, or the FIFO is not yet full that far).
    bool space_known() const { return depth_ == 0 || pushed_ < popped_ + depth_; }
    // The first cycle the next entry may be written; requires space_known().
    std::uint64_t free_cycle() const;
    void push(std::uint64_t cycle);

    // Consumer side. The next entry to read is entry popped().
    std::uint64_t popped() const { return popped_; }
    bool data_known() const { return popped_ < pushed_; }
    // The first cycle the next entry may be read; requires data_known().
    std::uint64_t ready_cycle() const { return in_fifo_.front() + 1; }
    void pop(std::uint64_t cycle);

    // A stage that cannot continue registers the event that wakes it; the next push (for a
    // reader) or pop (for a writer) notifies it once.
    void wait_for_data(sc_core::sc_event* wake) { reader_wake_ = wake; }
    void wait_for_space(sc_core::sc_event* wake) { writer_wake_ = wake; }

    // Entries held now as seen by the two sides (for a deadlock diagnosis).
    std::uint64_t held() const { return pushed_ - popped_; }
    bool full() const { return depth_ != 0 && held() >= depth_; }

    // Closes the statistics at `cycle` (the end of the run).
    void finish(std::uint64_t cycle);
    const OccupancyStats& occupancy() const { return stats_; }
    // Sends the occupancy's changes to `s` from now on (through every reset); nullptr: nowhere.
    void trace_to(TraceSignal* s) {
        trace_ = s;
        stats_.trace = s;
    }

private:
    void settle(bool drain);

    std::string name_;
    std::uint64_t width_bits_;
    std::uint64_t depth_ = 0;
    std::uint64_t pushed_ = 0, popped_ = 0;
    std::deque<std::uint64_t> in_fifo_;     // push cycles of entries not yet read
    std::vector<std::uint64_t> pop_cycles_; // pop cycle of entry e at e % depth
    std::uint64_t last_pop_cycle_ = 0;
    sc_core::sc_event* reader_wake_ = nullptr;
    sc_core::sc_event* writer_wake_ = nullptr;
    // Pushes and pops not yet folded into the statistics; folded in time order once no earlier
    // event can still arrive.
    std::deque<std::uint64_t> stat_pushes_, stat_pops_;
    std::uint64_t stat_level_ = 0;
    OccupancyStats stats_;
    TraceSignal* trace_ = nullptr;
};

} // namespace accsim
