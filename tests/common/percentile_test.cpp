#include "common/percentile.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>
#include <random>
#include <vector>

using namespace accsim;

namespace {

// The definition, by a full sort: the value of rank ceil(p n), 1-based (the first for p = 0).
double by_sort(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const std::size_t rank = std::size_t(std::ceil(p * double(v.size())));
    return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

} // namespace

TEST_CASE("nearest-rank percentiles equal the sorted list's value at rank ceil(p n)") {
    const std::vector<double> ps = {0, 0.001, 0.1, 0.25, 0.5, 0.9, 0.99, 0.999, 1};
    std::mt19937_64 rng(11);
    // Sizes on both sides of where the search stops narrowing (4096) and far above it; values
    // spread over many octaves and signs, values in one narrow band (the top 16 bits of their
    // keys all alike, as latencies near one figure are), and few distinct values (many ties).
    for (std::size_t n :
         {std::size_t(1), std::size_t(2), std::size_t(7), std::size_t(4097), std::size_t(200000)})
        for (int kind = 0; kind < 3; ++kind) {
            CAPTURE(n);
            CAPTURE(kind);
            std::vector<double> v(n);
            std::uniform_real_distribution<double> wide(-1e6, 1e6), band(125.0, 125.5);
            std::uniform_int_distribution<int> few(0, 9);
            for (double& x : v)
                x = kind == 0 ? wide(rng) : kind == 1 ? band(rng) : 0.833 * few(rng);
            const std::vector<double> got = nearest_rank_percentiles(v, ps);
            REQUIRE(got.size() == ps.size());
            for (std::size_t i = 0; i < ps.size(); ++i) {
                CAPTURE(ps[i]);
                CHECK(got[i] == by_sort(v, ps[i]));
            }
        }
}

TEST_CASE("nearest-rank percentiles by hand, and of an empty list") {
    // Ten values 1..10 in some order: p50 is rank 5 (5), p99 rank ceil(9.9) = 10 (10), p10 rank 1.
    const std::vector<double> v = {7, 3, 10, 1, 9, 2, 8, 4, 6, 5};
    const std::vector<double> got = nearest_rank_percentiles(v, {0.5, 0.99, 0.1, 0.11});
    CHECK(got == std::vector<double>{5, 10, 1, 2});
    CHECK(nearest_rank_percentiles({}, {0.5, 0.99}) == std::vector<double>{0, 0});
    // Negative values and zero keep their order.
    CHECK(nearest_rank_percentiles({-2.5, 0.0, -1e-300, 3}, {0.25, 0.5, 0.75}) ==
          std::vector<double>{-2.5, -1e-300, 0.0});
}
