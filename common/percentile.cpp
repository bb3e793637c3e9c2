#include "common/percentile.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace accsim {

namespace {

// 2^11 counts, 16 kB: a wider digit saves little (a group is narrowed in one more pass over a
// small part of the list) and its count array, fresh memory at each use, costs a page fault per
// 4 kB.
constexpr int digit_bits = 11;

// Given how many keys have each digit, the digit of the key of rank `at` (0-based), with `at`
// made its rank among the keys with that digit.
std::size_t digit_of_rank(const std::vector<std::size_t>& count, std::size_t& at) {
    std::size_t digit = 0;
    while (count[digit] <= at) at -= count[digit++];
    return digit;
}
constexpr std::size_t small_group = 4096; // partially sorted from this size down

// The key of rank `at` (0-based) among `keys` (reordered and shortened to find it), which agree
// above bit shift + digit_bits.
std::uint64_t key_of_rank(std::vector<std::uint64_t>& keys, std::size_t at, int shift) {
    // Narrow down a digit at a time, from the top, while the group is large: count the keys by
    // their digit, find the digit holding the rank, keep the keys with it.
    std::vector<std::size_t> count(std::size_t(1) << digit_bits);
    for (; shift >= 0 && keys.size() > small_group; shift -= digit_bits) {
        std::fill(count.begin(), count.end(), 0);
        const std::uint64_t mask = (std::uint64_t(1) << digit_bits) - 1;
        for (std::uint64_t k : keys) ++count[(k >> shift) & mask];
        const std::size_t digit = digit_of_rank(count, at);
        keys.erase(std::remove_if(keys.begin(), keys.end(),
                                  [&](std::uint64_t k) { return ((k >> shift) & mask) != digit; }),
                   keys.end());
    }
    std::nth_element(keys.begin(), keys.begin() + long(at), keys.end());
    return keys[at];
}

// The values' common part: the top digit of every value, counted once for all the ranks asked
// for, from the highest bit any value has (latencies in picoseconds use 20 bits or so of 32).
template <class V>
std::vector<std::uint64_t> percentiles_of(const std::vector<V>& values,
                                          const std::vector<double>& ps) {
    std::vector<std::uint64_t> out(ps.size(), 0);
    if (values.empty()) return out;
    const std::size_t n = values.size();
    std::uint64_t any = 0;
    for (V x : values) any |= x;
    const int bits = 64 - __builtin_clzll(any | 1);
    const int shift = std::max(0, bits - digit_bits);
    std::vector<std::size_t> count(std::size_t(1) << digit_bits, 0);
    for (V x : values) ++count[std::uint64_t(x) >> shift];
    std::vector<std::uint64_t> group;
    for (std::size_t i = 0; i < ps.size(); ++i) {
        const std::size_t rank = std::size_t(std::ceil(ps[i] * double(n)));
        std::size_t at = std::min(n - 1, rank == 0 ? 0 : rank - 1);
        const std::size_t digit = digit_of_rank(count, at);
        group.clear();
        group.reserve(count[digit]); // at once: a large vector grown step by step is copied
        for (V x : values)
            if (std::uint64_t(x) >> shift == digit) group.push_back(x);
        out[i] = key_of_rank(group, at, shift - digit_bits);
    }
    return out;
}

} // namespace

std::vector<std::uint64_t> nearest_rank_percentiles(const std::vector<std::uint64_t>& values,
                                                    const std::vector<double>& ps) {
    return percentiles_of(values, ps);
}

std::vector<std::uint64_t> nearest_rank_percentiles(const std::vector<std::uint32_t>& values,
                                                    const std::vector<double>& ps) {
    return percentiles_of(values, ps);
}

} // namespace accsim
