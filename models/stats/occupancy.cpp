#include "models/stats/occupancy.hpp"

#include <algorithm>
#include <stdexcept>

namespace accsim {

void OccupancyStats::record(std::uint64_t now, std::uint64_t level) {
    if (!started_) {
        started_ = true;
        first_ = last_ = now;
    }
    if (now > last_) {
        std::uint64_t dt = now - last_;
        area_ += static_cast<Area>(level_) * dt;
        if (hist_.size() <= level_) hist_.resize(level_ + 1, 0);
        hist_[level_] += dt;
        last_ = now;
    }
    level_ = level;
    peak_ = std::max(peak_, level);
    if (trace) trace->change(now, std::int64_t(level));
}

void OccupancyStats::record_span(std::uint64_t from, std::uint64_t to,
                                 const std::uint64_t* cycles_at_level, std::size_t levels,
                                 std::uint64_t peak, std::uint64_t level) {
    if (trace) throw std::logic_error("record_span on a traced buffer");
    record(from, level_);
    if (to > from) {
        // The histogram grows to the highest level held for a cycle, as record() grows it.
        std::size_t used = levels;
        while (used > 0 && cycles_at_level[used - 1] == 0) --used;
        if (hist_.size() < used) hist_.resize(used, 0);
        for (std::size_t l = 0; l < used; ++l) {
            area_ += static_cast<Area>(l) * cycles_at_level[l];
            hist_[l] += cycles_at_level[l];
        }
        last_ = to;
    }
    level_ = level;
    peak_ = std::max({peak_, peak, level});
}

double OccupancyStats::mean() const {
    return last_ > first_ ? static_cast<double>(static_cast<long double>(area_) / (last_ - first_))
                          : static_cast<double>(level_);
}

nlohmann::ordered_json OccupancyStats::histogram_json(std::size_t max_bins) const {
    std::size_t levels = std::max<std::size_t>(hist_.size(), 1);
    std::size_t width = (levels + max_bins - 1) / max_bins;
    std::vector<std::uint64_t> bins((levels + width - 1) / width, 0);
    for (std::size_t k = 0; k < hist_.size(); ++k) bins[k / width] += hist_[k];
    nlohmann::ordered_json j;
    j["bin_width"] = width;
    j["cycles"] = bins;
    return j;
}

} // namespace accsim
