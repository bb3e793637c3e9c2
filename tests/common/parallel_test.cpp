#include "common/error.hpp"
#include "common/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <doctest/doctest.h>
#include <thread>
#include <vector>

using namespace accsim;

TEST_CASE("a loop in two parts covers every item once, the first part on a thread of its own") {
    for (std::size_t n : {std::size_t(10), parallel_min_items + 3}) {
        CAPTURE(n);
        std::vector<int> seen(n, 0);
        std::thread::id first_part, second_part;
        run_in_two(0, n / 2, n, [&](int part, std::size_t first, std::size_t last) {
            (part == 0 ? first_part : second_part) = std::this_thread::get_id();
            for (std::size_t k = first; k < last; ++k) ++seen[k];
        });
        CHECK(std::count(seen.begin(), seen.end(), 1) == long(n));
        const bool second_in_caller = second_part == std::this_thread::get_id(),
                   first_in_caller = first_part == std::this_thread::get_id();
        CHECK(second_in_caller);
        // Small loops stay in the caller; large ones give the first half a thread.
        CHECK(first_in_caller == (n < parallel_min_items));
    }
}

TEST_CASE("an error in either part of a loop reaches the caller once both are done") {
    std::atomic<int> finished{0};
    auto fail_in = [&](int failing) {
        run_both(
            true,
            [&] {
                if (failing == 0) throw InputError("first part");
                ++finished;
            },
            [&] {
                if (failing == 1) throw InputError("second part");
                ++finished;
            });
    };
    CHECK_THROWS_WITH_AS(fail_in(0), "first part", InputError);
    CHECK_THROWS_WITH_AS(fail_in(1), "second part", InputError);
    CHECK(finished == 2); // the other part ran to its end each time
}
