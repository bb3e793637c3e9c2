// The order in which CPython iterates a set of integers. SCALE-Sim's CALC-mode bandwidth estimator
// (memory/read_buffer_estimate_bw.py) collects the distinct words of each set in a Python set and
// writes its DRAM trace from list(set): the words of a prefetch appear in the set's table order,
// not in the order they were seen. This follows CPython's Objects/setobject.c (the same order in
// CPython 3.7 to 3.13: checked against 3.11 on sets of up to 120,000 integers, the others on sets
// of up to 60,000): an open-addressing table of 8 slots at first, probed at the hash and the 9
// slots after it, then at (i * 5 + 1 + perturb), perturb shifted right 5 bits a round; grown to
// the smallest power of two above 4 x used (2 x above 50,000) once 5 x fill reaches 3 x mask, the
// old slots re-inserted in table order. A non-negative integer below 2^61 - 1 is its own hash.
// Internal to the CALC-mode memory.
#pragma once

#include <cstdint>
#include <vector>

namespace accsim::pe_array::scalesim {

class PySetOrder {
public:
    // Adds `key` (>= 0, below 2^61 - 1), which must not be in the set yet.
    void add(std::int64_t key) {
        place(table_, mask_, key);
        ++used_;
        if (used_ * 5 < mask_ * 3) return; // fill == used: nothing is ever removed
        std::size_t size = 8;
        const std::size_t min_used = used_ > 50000 ? used_ * 2 : used_ * 4;
        while (size <= min_used) size <<= 1;
        std::vector<std::int64_t> bigger(size, empty);
        for (std::int64_t k : table_)
            if (k != empty) place(bigger, size - 1, k);
        table_.swap(bigger);
        mask_ = size - 1;
    }
    std::size_t size() const { return used_; }
    // Appends the keys in iteration order.
    void append_to(std::vector<std::int64_t>& out) const {
        for (std::int64_t k : table_)
            if (k != empty) out.push_back(k);
    }
    void clear() {
        table_.assign(8, empty);
        mask_ = 7;
        used_ = 0;
    }

private:
    static constexpr std::int64_t empty = -1;
    static constexpr std::size_t linear_probes = 9, perturb_shift = 5;

    // set_add_entry and set_insert_clean probe the same slots for a key that is absent: the
    // hash's slot and, while inside the table, the 9 after it, then the next round's.
    static void place(std::vector<std::int64_t>& table, std::size_t mask, std::int64_t key) {
        std::size_t perturb = std::size_t(key), i = std::size_t(key) & mask;
        for (;;) {
            if (table[i] == empty) {
                table[i] = key;
                return;
            }
            if (i + linear_probes <= mask)
                for (std::size_t j = 1; j <= linear_probes; ++j)
                    if (table[i + j] == empty) {
                        table[i + j] = key;
                        return;
                    }
            perturb >>= perturb_shift;
            i = (i * 5 + 1 + perturb) & mask;
        }
    }

    std::vector<std::int64_t> table_ = std::vector<std::int64_t>(8, empty);
    std::size_t mask_ = 7, used_ = 0;
};

} // namespace accsim::pe_array::scalesim
