// EIE's interleaved compressed sparse column storage (Han et al., ISCA 2016, section III-B):
// row i of W belongs to PE i mod N, as local row i / N. Each PE keeps, per column j, the non-zeros
// of its slice of that column as 8-bit entries (4-bit codebook index v, 4-bit count z of zeros
// before it in the slice) and a pointer per column: column j's entries are ptr[j] .. ptr[j+1]-1.
// A run of more than 15 zeros gets a padding entry (v = 0, z = 15) for every 16 positions.
#pragma once

#include "workloads/sparse/sparse_matrix.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace accsim {

struct CscEntry {
    std::uint8_t bits = 0; // value index in the low nibble, zero count in the high nibble
    static CscEntry make(int value_index, int zeros) {
        return {std::uint8_t((zeros & 15) << 4 | (value_index & 15))};
    }
    int value_index() const { return bits & 15; }
    int zeros() const { return bits >> 4; }
    bool padding() const { return value_index() == 0; }
};

// One PE's share of one matrix.
struct PeSlices {
    int local_rows = 0;
    std::vector<CscEntry> entries;
    std::vector<std::uint32_t> ptr; // cols + 1
    std::uint32_t slice_entries(int col) const {
        return ptr[std::size_t(col) + 1] - ptr[std::size_t(col)];
    }
};

struct InterleavedCsc {
    int pes = 0, cols = 0;
    std::vector<PeSlices> pe;
    std::uint64_t entries() const;
    std::uint64_t padding_entries() const;
};

// How many of PE p's local rows (rows p, p + pes, ... of `rows`) fall in [first, first + count).
inline int pass_rows(int rows, int pes, int p, long first, long count) {
    const long rows_of_pe = rows > p ? (rows - p + pes - 1) / pes : 0;
    return int(std::max(0L, std::min(first + count, rows_of_pe) - first));
}

// Encodes the rows of `m` whose local row (i / pes) lies in [local_begin, local_end), and the
// columns in [col_begin, col_end) (col_end < 0: to the last); local rows and columns are
// renumbered from 0, so the pointers are the tile's own. `codes[k]` is the codebook index (1..15)
// of m's k-th non-zero.
InterleavedCsc encode_interleaved(const SparseColumns& m, const std::vector<std::uint8_t>& codes,
                                  int pes, int local_begin, int local_end, int col_begin = 0,
                                  int col_end = -1);

// The same for every pass of a layer at once: pass k encodes local rows [k * rows_per_pass,
// (k + 1) * rows_per_pass), renumbered from 0, and the result holds `passes` tiles in pass order.
// One walk over the non-zeros serves all passes (encode_interleaved per pass walks them all once
// per pass), on two halves of the columns at once when there are many.
std::vector<InterleavedCsc> encode_interleaved_passes(const SparseColumns& m,
                                                      const std::vector<std::uint8_t>& codes,
                                                      int pes, int rows_per_pass, int passes,
                                                      int col_begin = 0, int col_end = -1);

// Walks one PE's slice of column `col`: calls f(local_row, value_index) for every entry that is
// not padding.
template <typename F>
void for_each_in_slice(const PeSlices& s, int col, F f) {
    int row = -1;
    for (std::uint32_t e = s.ptr[std::size_t(col)]; e < s.ptr[std::size_t(col) + 1]; ++e) {
        const CscEntry x = s.entries[e];
        row += x.zeros() + 1;
        if (!x.padding()) f(row, x.value_index());
    }
}

} // namespace accsim
