#include "workloads/sparse/csc.hpp"

#include "common/parallel.hpp"

#include <algorithm>
#include <array>

namespace accsim {

std::uint64_t InterleavedCsc::entries() const {
    std::uint64_t n = 0;
    for (const auto& p : pe) n += p.entries.size();
    return n;
}

std::uint64_t InterleavedCsc::padding_entries() const {
    std::uint64_t n = 0;
    for (const auto& p : pe)
        for (auto e : p.entries) n += e.padding();
    return n;
}

namespace {

// Columns [col_begin, col_end) for `passes` passes of `rows_per_pass` local rows each, the first
// starting at local row `local_begin`: one InterleavedCsc per pass, from one walk over the
// non-zeros.
std::vector<InterleavedCsc> encode_columns(const SparseColumns& m,
                                           const std::vector<std::uint8_t>& codes, int pes,
                                           int local_begin, int rows_per_pass, int passes,
                                           int col_begin, int col_end) {
    std::vector<InterleavedCsc> out(static_cast<std::size_t>(passes));
    const auto tile_nonzeros =
        double(m.col_start[std::size_t(col_end)] - m.col_start[std::size_t(col_begin)]);
    for (int q = 0; q < passes; ++q) {
        InterleavedCsc& c = out[std::size_t(q)];
        c.pes = pes;
        c.cols = col_end - col_begin;
        c.pe.resize(std::size_t(pes));
        const long first = long(local_begin) + long(q) * rows_per_pass;
        for (int p = 0; p < pes; ++p) {
            auto& s = c.pe[std::size_t(p)];
            // Rows p, p + N, ... up to m.rows, clipped to the pass.
            const int rows_of_pe = pass_rows(m.rows, pes, p, 0, m.rows);
            s.local_rows = pass_rows(m.rows, pes, p, first, rows_per_pass);
            s.ptr.assign(std::size_t(c.cols) + 1, 0);
            // About this PE's share of the tile's non-zeros, plus some padding.
            const double share = rows_of_pe > 0 ? double(s.local_rows) / rows_of_pe : 0;
            s.entries.resize(std::size_t(tile_nonzeros / pes * share * 1.05) + 16);
        }
    }
    // Each slice is written through its own count of entries (the vector's size is its room): a
    // padding entry is written every time and kept only when due, so that the run of zeros
    // before a non-zero costs no branch (runs of more than 15 zeros are common in a sparse matrix
    // and fall at random).
    std::vector<std::size_t> used(std::size_t(passes) * std::size_t(pes), 0);
    // Row -> (PE, pass, row within the pass) without a division per non-zero; pass -1: outside.
    std::vector<int> pe_of(std::size_t(m.rows)), pass_of(std::size_t(m.rows)),
        row_of(std::size_t(m.rows));
    for (int i = 0; i < m.rows; ++i) {
        const long local = i / pes - long(local_begin);
        const long q = local < 0 ? -1 : local / rows_per_pass;
        pe_of[std::size_t(i)] = i % pes;
        pass_of[std::size_t(i)] = q < passes ? int(q) : -1;
        row_of[std::size_t(i)] = q >= 0 ? int(local - q * rows_per_pass) : 0;
    }
    std::vector<int> last_row(std::size_t(passes) * std::size_t(pes), -1); // per pass and PE
    for (int j = col_begin; j < col_end; ++j) {
        std::fill(last_row.begin(), last_row.end(), -1);
        for (std::uint64_t k = m.col_start[std::size_t(j)]; k < m.col_start[std::size_t(j) + 1];
             ++k) {
            const std::size_t i = m.row[k];
            const int q = pass_of[i];
            if (q < 0) continue;
            const int p = pe_of[i], row = row_of[i];
            const std::size_t slot = std::size_t(q) * std::size_t(pes) + std::size_t(p);
            std::vector<CscEntry>& e = out[std::size_t(q)].pe[std::size_t(p)].entries;
            int& last = last_row[slot];
            std::size_t n = used[slot];
            const int zeros = row - last - 1;
            // A padding entry stands for 15 zeros and one zero-valued entry: 16 positions.
            const std::size_t paddings = std::size_t(zeros) / 16;
            if (n + paddings + 2 > e.size()) e.resize(2 * (n + paddings + 2));
            CscEntry* at = e.data() + n;
            at[0] = CscEntry::make(0, 15);
            for (std::size_t k2 = 1; k2 < paddings; ++k2) at[k2] = CscEntry::make(0, 15);
            at[paddings] = CscEntry::make(codes[k], zeros & 15);
            used[slot] = n + paddings + 1;
            last = row;
        }
        for (int q = 0; q < passes; ++q)
            for (int p = 0; p < pes; ++p)
                out[std::size_t(q)].pe[std::size_t(p)].ptr[std::size_t(j - col_begin) + 1] =
                    std::uint32_t(used[std::size_t(q) * std::size_t(pes) + std::size_t(p)]);
    }
    for (int q = 0; q < passes; ++q)
        for (int p = 0; p < pes; ++p)
            out[std::size_t(q)].pe[std::size_t(p)].entries.resize(
                used[std::size_t(q) * std::size_t(pes) + std::size_t(p)]);
    return out;
}

} // namespace

std::vector<InterleavedCsc> encode_interleaved_passes(const SparseColumns& m,
                                                      const std::vector<std::uint8_t>& codes,
                                                      int pes, int rows_per_pass, int passes,
                                                      int col_begin, int col_end) {
    if (col_end < 0) col_end = m.cols;
    // Two halves of the columns, each with about half the non-zeros, encoded at once; each PE's
    // second half follows its first, its pointers shifted by the first half's entries.
    const std::uint64_t nz_begin = m.col_start[std::size_t(col_begin)],
                        nz_end = m.col_start[std::size_t(col_end)];
    const auto first = m.col_start.begin() + col_begin, last = m.col_start.begin() + col_end;
    const int split = int(std::lower_bound(first, last, nz_begin + (nz_end - nz_begin) / 2) -
                          m.col_start.begin());
    std::array<std::vector<InterleavedCsc>, 2> half;
    run_in_two(nz_begin, m.col_start[std::size_t(split)], nz_end,
               [&](int h, std::uint64_t, std::uint64_t) {
                   half[std::size_t(h)] =
                       encode_columns(m, codes, pes, 0, rows_per_pass, passes,
                                      h == 0 ? col_begin : split, h == 0 ? split : col_end);
               });
    std::vector<InterleavedCsc> out = std::move(half[0]);
    for (std::size_t q = 0; q < out.size(); ++q) {
        InterleavedCsc& c = out[q];
        const InterleavedCsc& second = half[1][q];
        c.cols += second.cols;
        for (std::size_t p = 0; p < c.pe.size(); ++p) {
            PeSlices& s = c.pe[p];
            const PeSlices& t = second.pe[p];
            const auto offset = std::uint32_t(s.entries.size());
            s.entries.insert(s.entries.end(), t.entries.begin(), t.entries.end());
            s.ptr.reserve(s.ptr.size() + t.ptr.size() - 1);
            for (std::size_t j = 1; j < t.ptr.size(); ++j) s.ptr.push_back(t.ptr[j] + offset);
        }
    }
    return out;
}

InterleavedCsc encode_interleaved(const SparseColumns& m, const std::vector<std::uint8_t>& codes,
                                  int pes, int local_begin, int local_end, int col_begin,
                                  int col_end) {
    if (col_end < 0) col_end = m.cols;
    return std::move(encode_columns(m, codes, pes, local_begin,
                                    std::max(0, local_end - local_begin), 1, col_begin,
                                    col_end)[0]);
}

} // namespace accsim
