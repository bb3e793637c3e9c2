// Nearest-rank percentiles of a list of numbers, exact, in a few passes over the list instead of
// a partial sort of it: the values are counted by their top bits, and only the group holding the
// rank asked for is narrowed further (a radix selection).
#pragma once

#include <cstdint>
#include <vector>

namespace accsim {

// For each p in ps (0..1): the smallest value with at least p of the values at or below it, that
// is the value of rank ceil(p n) (1-based) in ascending order, the smallest value for p = 0; 0
// for every p when the list is empty.
std::vector<std::uint64_t> nearest_rank_percentiles(const std::vector<std::uint64_t>& values,
                                                    const std::vector<double>& ps);
std::vector<std::uint64_t> nearest_rank_percentiles(const std::vector<std::uint32_t>& values,
                                                    const std::vector<double>& ps);

} // namespace accsim
