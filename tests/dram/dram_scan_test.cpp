// The bank scan of the DRAM scheduler (models/dram/dram_scan.hpp): the AVX-512, AVX2 and plain
// forms against the definition, written out as the (slot, FR-FCFS bit, place) triple it packs.
#include "models/dram/dram_scan.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <random>
#include <tuple>

using namespace accsim;

namespace {

// The definition, with no packing: the smallest (slot, bit, place) over the banks not left out,
// slot = max(own, floor, cmd_floor) - cmd_floor capped at 2^31 - 1; all ones when none is in.
std::uint64_t reference(const BankScan& s, const std::vector<std::uint64_t>& floors,
                        std::uint64_t cmd_floor, std::uint64_t first_seq) {
    bool any = false;
    std::uint64_t best_slot = 0, best_bit = 0, best_place = 0;
    for (std::size_t k = 0; k < s.own.size(); ++k) {
        if (s.out[k] != 0) continue;
        const std::uint64_t t =
            std::max({s.own[k], floors[std::size_t(s.floor[k])], cmd_floor}) - cmd_floor;
        const std::uint64_t slot = std::min<std::uint64_t>(t, (std::uint64_t(1) << 31) - 1);
        const std::uint64_t bit = s.key_order[k] >= first_seq + (std::uint64_t(1) << 32);
        const std::uint64_t place = s.key_order[k] - (bit << 32) - first_seq;
        const auto key = std::make_tuple(slot, bit, place);
        if (!any || key < std::make_tuple(best_slot, best_bit, best_place)) {
            any = true;
            std::tie(best_slot, best_bit, best_place) = key;
        }
    }
    return any ? best_slot << 33 | best_bit << 32 | best_place : ~std::uint64_t(0);
}

} // namespace

TEST_CASE("the plain, AVX2 and AVX-512 bank scans give the key the definition gives") {
    std::mt19937_64 rng(7);
    for (int trial = 0; trial < 2000; ++trial) {
        // Not only multiples of 4; 9 to 16 banks take the AVX-512 form's path for 16.
        const std::size_t banks = 1 + rng() % 40;
        BankScan s;
        s.resize(banks);
        std::vector<std::uint64_t> floors(13);
        const std::uint64_t cmd_floor = rng() % 100000, first_seq = rng() % 1000000;
        // Times near the command floor (ties, slots below it) and beyond the 31 bits a slot
        // keeps: now and then, or (every fourth trial) every time, so that the winner's slot is
        // capped.
        const bool all_far = trial % 4 == 0;
        auto time = [&] {
            if (all_far || rng() % 10 == 0)
                return cmd_floor + (std::uint64_t(1) << 31) - 2 + rng() % 1000;
            return cmd_floor + rng() % 64 - std::min<std::uint64_t>(cmd_floor, 32);
        };
        for (auto& f : floors) f = time();
        for (std::size_t k = 0; k < banks; ++k) {
            s.own[k] = time();
            s.floor[k] = std::int32_t(rng() % floors.size());
            const std::uint64_t bit = rng() % 2, place = rng() % 64;
            s.key_order[k] = (bit << 32) + first_seq + place;
            s.out[k] = 0; // resize() leaves every bank out
            if (rng() % 5 == 0) {
                s.out[k] = ~std::uint64_t(0);
                s.own[k] = ~std::uint64_t(0); // a bank with no request
            }
        }
        const std::uint64_t want = reference(s, floors, cmd_floor, first_seq);
        CAPTURE(trial);
        CHECK(min_packed_key_plain(s, floors.data(), cmd_floor, first_seq) == want);
        if (have_avx2()) CHECK(min_packed_key_avx2(s, floors.data(), cmd_floor, first_seq) == want);
        if (have_avx512f())
            CHECK(min_packed_key_avx512(s, floors.data(), cmd_floor, first_seq) == want);
        CHECK(min_packed_key(s, floors.data(), cmd_floor, first_seq) == want);
    }
}
