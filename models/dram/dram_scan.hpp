// The inner loop of the DRAM channel's scheduler (dram_channel.hpp): among the banks, the one
// whose next command comes first, by a single minimum over packed keys. Kept apart so that the
// vector form and the plain form can be checked against each other (tests/dram).
#pragma once

#include "common/cpu.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace accsim {

// Per bank, in arrays padded to a multiple of 8 (the padding is `out`):
//   own[k]        the earliest slot the bank and its request allow its next command (below 2^63);
//   floor[k]      the index in `floors` of what the rank and the channel add to it;
//   key_order[k]  (FR-FCFS bit) << 32 + the request's sequence number;
//   out[k]        all ones for a bank the scan leaves out, else 0.
struct BankScan {
    std::vector<std::uint64_t> own, key_order, out;
    std::vector<std::int32_t> floor;
    void resize(std::size_t banks) {
        const std::size_t n = (banks + 7) / 8 * 8;
        own.assign(n, 0);
        key_order.assign(n, 0);
        out.assign(n, ~std::uint64_t(0));
        floor.assign(n, 0);
    }
};

// A key keeps 31 bits of slot and 33 of order.
constexpr std::uint64_t scan_slot_max = (std::uint64_t(1) << 31) - 1;

// One bank's key: its slot t, less cmd_floor (0 below it) and at most scan_slot_max, above its
// key_order less first_seq.
inline std::uint64_t packed_key(std::uint64_t t, std::uint64_t cmd_floor, std::uint64_t key_order,
                                std::uint64_t first_seq) {
    const std::uint64_t slot = t > cmd_floor ? t - cmd_floor : 0;
    return ((slot < scan_slot_max ? slot : scan_slot_max) << 33) + key_order - first_seq;
}

// min over k of ((min(max(own, floors[floor], cmd_floor) - cmd_floor, scan_slot_max) << 33) +
// key_order - first_seq) | out, as an unsigned 64-bit number (all ones when every bank is out).
std::uint64_t min_packed_key(const BankScan& s, const std::uint64_t* floors,
                             std::uint64_t cmd_floor, std::uint64_t first_seq);
// The form min_packed_key() takes on this processor, chosen once (a scheduler keeps it rather
// than asking at every scan).
using MinPackedKey = std::uint64_t (*)(const BankScan&, const std::uint64_t*, std::uint64_t,
                                       std::uint64_t);
MinPackedKey min_packed_key_form();
// The same, one bank at a time, four at a time with AVX2 and eight at a time with AVX-512F (on a
// processor that has them).
std::uint64_t min_packed_key_plain(const BankScan& s, const std::uint64_t* floors,
                                   std::uint64_t cmd_floor, std::uint64_t first_seq);
std::uint64_t min_packed_key_avx2(const BankScan& s, const std::uint64_t* floors,
                                  std::uint64_t cmd_floor, std::uint64_t first_seq);
std::uint64_t min_packed_key_avx512(const BankScan& s, const std::uint64_t* floors,
                                    std::uint64_t cmd_floor, std::uint64_t first_seq);

} // namespace accsim
