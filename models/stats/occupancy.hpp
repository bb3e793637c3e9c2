// Occupancy statistics of a buffer over time: peak, time-weighted mean, and a histogram of the
// cycles spent at each level. Every buffer model (stream FIFO, activation queue, SRAM) owns one.
#pragma once

#include "models/trace/trace.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace accsim {

class OccupancyStats {
public:
    // Records that the level is `level` from cycle `now` on. Calls must come in time order.
    void record(std::uint64_t now, std::uint64_t level);
    // Where the changes also go when the run is traced (--trace); nullptr: nowhere.
    TraceSignal* trace = nullptr;
    // What record() called at every change between `from` and `to` would add, at once, for a
    // buffer without a trace: cycles_at_level[l] cycles at level l for l < levels (summing to
    // to - from), `peak` the highest level among them; the level is `level` from `to` on.
    void record_span(std::uint64_t from, std::uint64_t to, const std::uint64_t* cycles_at_level,
                     std::size_t levels, std::uint64_t peak, std::uint64_t level);
    // Closes the observation at `now` (the end of the run).
    void finish(std::uint64_t now) { record(now, level_); }

    std::uint64_t level() const { return level_; }
    std::uint64_t peak() const { return peak_; }
    double mean() const; // time-weighted over [first record, last record]
    std::uint64_t observed_cycles() const { return last_ - first_; }
    // cycles_at_level()[k] = cycles spent holding exactly k entries.
    const std::vector<std::uint64_t>& cycles_at_level() const { return hist_; }
    // The histogram folded into at most `max_bins` equal-width bins of levels, as JSON
    // {"bin_width", "cycles": [...]}.
    nlohmann::ordered_json histogram_json(std::size_t max_bins = 32) const;

private:
    bool started_ = false;
    std::uint64_t first_ = 0, last_ = 0;
    std::uint64_t level_ = 0, peak_ = 0;
    // Sum of level x cycles, exact (long double is exact only below 2^64, and slow to add).
    __extension__ using Area = unsigned __int128;
    Area area_ = 0;
    std::vector<std::uint64_t> hist_;
};

} // namespace accsim
