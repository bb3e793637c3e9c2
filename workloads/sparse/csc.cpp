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

InterleavedCsc encode_columns(const SparseColumns& m, const std::vector<std::uint8_t>& codes,
                              int pes, int local_begin, int local_end, int col_begin, int col_end) {
    InterleavedCsc c;
    c.pes = pes;
    c.cols = col_end - col_begin;
    c.pe.resize(std::size_t(pes));
    for (int p = 0; p < pes; ++p) {
        auto& s = c.pe[std::size_t(p)];
        // Rows p, p + N, ... up to m.rows, clipped to the pass.
        const int rows_of_pe = m.rows > p ? (m.rows - p + pes - 1) / pes : 0;
        s.local_rows = std::max(0, std::min(local_end, rows_of_pe) - local_begin);
        s.ptr.assign(std::size_t(c.cols) + 1, 0);
        // About this PE's share of the tile's non-zeros, plus some padding.
        const double share = rows_of_pe > 0 ? double(s.local_rows) / rows_of_pe : 0;
        const auto tile_nonzeros =
            double(m.col_start[std::size_t(col_end)] - m.col_start[std::size_t(col_begin)]);
        s.entries.reserve(std::size_t(tile_nonzeros / pes * share * 1.05) + 16);
    }
    // Row -> (PE, local row) without a division per non-zero.
    std::vector<int> pe_of(std::size_t(m.rows)), local_of(std::size_t(m.rows));
    for (int i = 0; i < m.rows; ++i) {
        pe_of[std::size_t(i)] = i % pes;
        local_of[std::size_t(i)] = i / pes;
    }
    std::vector<int> last_row(static_cast<std::size_t>(pes), -1);
    for (int j = col_begin; j < col_end; ++j) {
        std::fill(last_row.begin(), last_row.end(), -1);
        for (std::uint64_t k = m.col_start[std::size_t(j)]; k < m.col_start[std::size_t(j) + 1];
             ++k) {
            const std::size_t i = m.row[k];
            const int p = pe_of[i], local = local_of[i];
            if (local < local_begin || local >= local_end) continue;
            const int row = local - local_begin;
            auto& s = c.pe[std::size_t(p)];
            int zeros = row - last_row[std::size_t(p)] - 1;
            // A padding entry stands for 15 zeros and one zero-valued entry: 16 positions.
            for (; zeros > 15; zeros -= 16) s.entries.push_back(CscEntry::make(0, 15));
            s.entries.push_back(CscEntry::make(codes[k], zeros));
            last_row[std::size_t(p)] = row;
        }
        for (auto& s : c.pe)
            s.ptr[std::size_t(j - col_begin) + 1] = std::uint32_t(s.entries.size());
    }
    return c;
}

} // namespace

InterleavedCsc encode_interleaved(const SparseColumns& m, const std::vector<std::uint8_t>& codes,
                                  int pes, int local_begin, int local_end, int col_begin,
                                  int col_end) {
    if (col_end < 0) col_end = m.cols;
    // Two halves of the columns, each with about half the non-zeros, encoded at once; each PE's
    // second half follows its first, its pointers shifted by the first half's entries.
    const std::uint64_t nz_begin = m.col_start[std::size_t(col_begin)],
                        nz_end = m.col_start[std::size_t(col_end)];
    const auto first = m.col_start.begin() + col_begin, last = m.col_start.begin() + col_end;
    const int split = int(std::lower_bound(first, last, nz_begin + (nz_end - nz_begin) / 2) -
                          m.col_start.begin());
    std::array<InterleavedCsc, 2> half;
    run_in_two(nz_begin, m.col_start[std::size_t(split)], nz_end,
               [&](int h, std::uint64_t, std::uint64_t) {
                   half[std::size_t(h)] =
                       h == 0
                           ? encode_columns(m, codes, pes, local_begin, local_end, col_begin, split)
                           : encode_columns(m, codes, pes, local_begin, local_end, split, col_end);
               });
    InterleavedCsc c = std::move(half[0]);
    const InterleavedCsc& second = half[1];
    c.cols += second.cols;
    for (std::size_t p = 0; p < c.pe.size(); ++p) {
        PeSlices& s = c.pe[p];
        const PeSlices& t = second.pe[p];
        const auto offset = std::uint32_t(s.entries.size());
        s.entries.insert(s.entries.end(), t.entries.begin(), t.entries.end());
        s.ptr.reserve(s.ptr.size() + t.ptr.size() - 1);
        for (std::size_t j = 1; j < t.ptr.size(); ++j) s.ptr.push_back(t.ptr[j] + offset);
    }
    return c;
}

} // namespace accsim
