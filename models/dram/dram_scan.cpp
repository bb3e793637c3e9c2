#include "models/dram/dram_scan.hpp"

#include <algorithm>
#include <cstring>
#include <immintrin.h>

namespace accsim {

std::uint64_t min_packed_key_plain(const BankScan& s, const std::uint64_t* floors,
                                   std::uint64_t cmd_floor, std::uint64_t first_seq) {
    std::uint64_t best = ~std::uint64_t(0);
    for (std::size_t k = 0; k < s.own.size(); ++k) {
        const std::uint64_t t = std::max(s.own[k], floors[s.floor[k]]);
        best = std::min(best, packed_key(t, cmd_floor, s.key_order[k], first_seq) | s.out[k]);
    }
    return best;
}

// GCC's vector extensions, compiled for AVX2: four banks per step, the same arithmetic on
// unsigned lanes. Every time is below 2^63, so signed compares order them (and tell a
// difference that wrapped below zero); the keys are compared unsigned by flipping their top
// bit. A bank left out may hold any `own`: its key is all ones whatever the rest.
__attribute__((target("avx2"))) std::uint64_t min_packed_key_avx2(const BankScan& s,
                                                                  const std::uint64_t* floors,
                                                                  std::uint64_t cmd_floor,
                                                                  std::uint64_t first_seq) {
    typedef unsigned long long u4 __attribute__((vector_size(32)));
    typedef long long s4 __attribute__((vector_size(32)));
    const unsigned long long top = 1ull << 63;
    const u4 floor_v = u4{} + cmd_floor, seq_v = u4{} + first_seq, max_v = u4{} + scan_slot_max,
             zero = u4{}, top_v = u4{} + top;
    u4 best = u4{} + ~top; // all ones, top bit flipped
    for (std::size_t k = 0; k < s.own.size(); k += 4) {
        u4 own, key, out;
        std::memcpy(&own, &s.own[k], sizeof own);
        std::memcpy(&key, &s.key_order[k], sizeof key);
        std::memcpy(&out, &s.out[k], sizeof out);
        const u4 fl = {floors[s.floor[k]], floors[s.floor[k + 1]], floors[s.floor[k + 2]],
                       floors[s.floor[k + 3]]};
        const u4 t = (s4)own > (s4)fl ? own : fl;
        u4 slot = t - floor_v;
        slot = (s4)slot > (s4)zero ? slot : zero;
        slot = (s4)slot < (s4)max_v ? slot : max_v;
        const u4 flipped = (((slot << 33) + key - seq_v) | out) ^ top_v;
        best = (s4)flipped < (s4)best ? flipped : best;
    }
    long long lanes[4];
    std::memcpy(lanes, &best, sizeof lanes);
    return std::uint64_t(std::min({lanes[0], lanes[1], lanes[2], lanes[3]})) ^ top;
}

// AVX-512F: eight banks per step, with unsigned 64-bit minimum and maximum (GCC's vector
// extensions); each lane is exactly the plain form's arithmetic. The floors are loaded one by
// one, not gathered: choose() has just written them, and on Zen 4 a gather of them stalled
// (perf put a third of the scan's samples just after it), where plain loads do not.
namespace {

typedef unsigned long long u64x8 __attribute__((vector_size(64)));

// Banks k to k + 7, packed (all ones for a bank left out).
__attribute__((target("avx512f"), always_inline)) inline u64x8
packed_keys_avx512(const BankScan& s, const std::uint64_t* floors, std::size_t k, u64x8 floor_v,
                   u64x8 seq_v) {
    const u64x8 max_v = u64x8{} + scan_slot_max;
    u64x8 own, key, out;
    std::memcpy(&own, &s.own[k], sizeof own);
    std::memcpy(&key, &s.key_order[k], sizeof key);
    std::memcpy(&out, &s.out[k], sizeof out);
    const u64x8 fl = {floors[s.floor[k]],     floors[s.floor[k + 1]], floors[s.floor[k + 2]],
                      floors[s.floor[k + 3]], floors[s.floor[k + 4]], floors[s.floor[k + 5]],
                      floors[s.floor[k + 6]], floors[s.floor[k + 7]]};
    // Maxima and minimum as the instructions (vpmaxuq, vpminuq): GCC makes `slot < max_v ? slot
    // : max_v` a compare with max_v - 1 and a blend, two steps on the scan's chain.
    // (The zero-masked forms with every lane kept: the plain ones leave GCC 12 warning about an
    // undefined pass-through operand.)
    const __mmask8 all = 0xff;
    const __m512i t = _mm512_maskz_max_epu64(
        all, _mm512_maskz_max_epu64(all, (__m512i)own, (__m512i)fl), (__m512i)floor_v);
    const u64x8 slot =
        (u64x8)_mm512_maskz_min_epu64(all, (__m512i)((u64x8)t - floor_v), (__m512i)max_v);
    return ((slot << 33) + key - seq_v) | out;
}

} // namespace

__attribute__((target("avx512f"))) std::uint64_t min_packed_key_avx512(const BankScan& s,
                                                                       const std::uint64_t* floors,
                                                                       std::uint64_t cmd_floor,
                                                                       std::uint64_t first_seq) {
    const u64x8 floor_v = u64x8{} + cmd_floor, seq_v = u64x8{} + first_seq;
    u64x8 best;
    if (s.own.size() == 16) {
        // 16 banks (a DDR4 rank) without a loop: the two groups' loads and arithmetic overlap
        // (on Zen 5, runs of `accsim dram` 3.5 % faster than through the loop).
        const u64x8 a = packed_keys_avx512(s, floors, 0, floor_v, seq_v),
                    b = packed_keys_avx512(s, floors, 8, floor_v, seq_v);
        best = a < b ? a : b;
    } else {
        best = u64x8{} + ~0ull;
        for (std::size_t k = 0; k < s.own.size(); k += 8) {
            const u64x8 a = packed_keys_avx512(s, floors, k, floor_v, seq_v);
            best = a < best ? a : best;
        }
    }
    // The minimum of the eight lanes, halving three times.
    u64x8 other = __builtin_shufflevector(best, best, 4, 5, 6, 7, 4, 5, 6, 7);
    best = other < best ? other : best;
    other = __builtin_shufflevector(best, best, 2, 3, 2, 3, 2, 3, 2, 3);
    best = other < best ? other : best;
    other = __builtin_shufflevector(best, best, 1, 1, 1, 1, 1, 1, 1, 1);
    best = other < best ? other : best;
    return best[0];
}

MinPackedKey min_packed_key_form() {
    if (have_avx512f()) return min_packed_key_avx512;
    return have_avx2() ? min_packed_key_avx2 : min_packed_key_plain;
}

std::uint64_t min_packed_key(const BankScan& s, const std::uint64_t* floors,
                             std::uint64_t cmd_floor, std::uint64_t first_seq) {
    return min_packed_key_form()(s, floors, cmd_floor, first_seq);
}

} // namespace accsim
