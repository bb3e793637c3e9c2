#include "common/percentile.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <doctest/doctest.h>
#include <random>
#include <vector>

using namespace accsim;

namespace {

// The definition, by a full sort: the value of rank ceil(p n), 1-based (the first for p = 0).
template <class V>
std::uint64_t by_sort(std::vector<V> v, double p) {
    std::sort(v.begin(), v.end());
    const std::size_t rank = std::size_t(std::ceil(p * double(v.size())));
    return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

template <class V>
void check_against_sort(std::uint64_t lo, std::uint64_t hi, std::uint64_t step) {
    const std::vector<double> ps = {0, 0.001, 0.1, 0.25, 0.5, 0.9, 0.99, 0.999, 1};
    std::mt19937_64 rng(11);
    // Sizes on both sides of where the search stops narrowing (4096) and far above it; values
    // spread over the whole range, in one narrow band (as latencies near one figure are), and
    // few distinct values (many ties).
    for (std::size_t n :
         {std::size_t(1), std::size_t(2), std::size_t(7), std::size_t(4097), std::size_t(200000)})
        for (int kind = 0; kind < 3; ++kind) {
            CAPTURE(n);
            CAPTURE(kind);
            std::vector<V> v(n);
            std::uniform_int_distribution<std::uint64_t> wide(lo, hi), band(125000, 125500),
                few(0, 9);
            for (V& x : v) x = V(kind == 0 ? wide(rng) : kind == 1 ? band(rng) : step * few(rng));
            const std::vector<std::uint64_t> got = nearest_rank_percentiles(v, ps);
            REQUIRE(got.size() == ps.size());
            for (std::size_t i = 0; i < ps.size(); ++i) {
                CAPTURE(ps[i]);
                CHECK(got[i] == by_sort(v, ps[i]));
            }
        }
}

} // namespace

TEST_CASE("nearest-rank percentiles equal the sorted list's value at rank ceil(p n)") {
    SUBCASE("64-bit values, up to the top bit") {
        check_against_sort<std::uint64_t>(0, ~std::uint64_t(0), 833);
    }
    SUBCASE("32-bit values") {
        check_against_sort<std::uint32_t>(0, 0xffffffffu, 833);
    }
    SUBCASE("values of a few bits (no narrowing below the first count)") {
        check_against_sort<std::uint32_t>(0, 1000, 1);
    }
}

TEST_CASE("nearest-rank percentiles by hand, and of an empty list") {
    // Ten values 1..10 in some order: p50 is rank 5 (5), p99 rank ceil(9.9) = 10 (10), p10 rank 1.
    const std::vector<std::uint32_t> v = {7, 3, 10, 1, 9, 2, 8, 4, 6, 5};
    const std::vector<std::uint64_t> got = nearest_rank_percentiles(v, {0.5, 0.99, 0.1, 0.11});
    CHECK(got == std::vector<std::uint64_t>{5, 10, 1, 2});
    CHECK(nearest_rank_percentiles(std::vector<std::uint64_t>{}, {0.5, 0.99}) ==
          std::vector<std::uint64_t>{0, 0});
    // Zero and the largest value keep their order.
    const std::uint64_t top = ~std::uint64_t(0);
    CHECK(nearest_rank_percentiles(std::vector<std::uint64_t>{top, 0, 1, top - 1},
                                   {0.25, 0.5, 0.75, 1}) ==
          std::vector<std::uint64_t>{0, 1, top - 1, top});
}
