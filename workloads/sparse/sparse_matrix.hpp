// Sparse weight matrices for the EIE model: compressed sparse column (CSC) storage of W in y = W x
// (rows = outputs, columns = inputs), pruning, and the per-layer codebook of weight sharing.
#pragma once

#include "common/parallel.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace accsim {

// An allocator whose value-initialisation leaves trivial elements as allocated, so that resize()
// of a large array does not write every page of it before the code that fills it does (for a
// million non-zeros, 8 MB of pages each first touched by a fault; the filling then faults them in
// on two threads). Only for arrays every element of which is written before it is read.
template <class T>
struct DefaultInitAllocator : std::allocator<T> {
    template <class U>
    struct rebind {
        using other = DefaultInitAllocator<U>;
    };
    DefaultInitAllocator() noexcept = default;
    template <class U>
    DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}
    template <class U>
    void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};
template <class T>
using FilledVector = std::vector<T, DefaultInitAllocator<T>>;

// Plain (not interleaved) CSC: the non-zeros of column j are at [col_start[j], col_start[j+1]),
// rows ascending.
struct SparseColumns {
    int rows = 0, cols = 0;
    std::vector<std::uint64_t> col_start; // cols + 1 entries
    FilledVector<std::uint32_t> row;
    FilledVector<float> value;
    std::uint64_t nonzeros() const { return row.size(); }
};

// Magnitude pruning of seeded i.i.d. uniform weights in [-limit, limit] to exactly
// round(density * rows * cols) non-zeros. Keeping the k largest magnitudes of n i.i.d. draws keeps
// a uniformly random k-subset of positions, with magnitudes uniform above the threshold
// limit * (1 - density); that is sampled directly (positions by rejection into a bitmap, or of the
// complement when density > 1/2), so that a 38-million-weight layer is generated without drawing
// or sorting the pruned weights. rows * cols must be below 2^32.
SparseColumns random_pruned(int rows, int cols, double density, double limit, std::uint64_t seed);

// The non-zeros of a dense row-major rows x cols matrix (W[i][j] at i * cols + j).
SparseColumns from_dense(const std::vector<double>& dense, int rows, int cols);

// The same from any element accessor, value(k) for k = i * cols + j (called from two threads at
// once: it must only read). Two passes: count the non-zeros per column (branch-free, in memory
// order), then place them a block of columns at a time, so that the writes go to a few hundred
// columns that stay in cache rather than to every column at once; within a block, rows come out
// ascending without sorting. Each row's piece of a block is first compacted to the columns of its
// non-zeros without a branch (the zeros of a pruned matrix fall at random, and a branch on them is
// mispredicted every fourth element or so). Each pass runs on the two halves of the columns at
// once (common/parallel.hpp); the result does not depend on it.
template <typename Value>
SparseColumns from_dense_rows(int rows, int cols, Value value) {
    SparseColumns m;
    m.rows = rows;
    m.cols = cols;
    const std::size_t c = std::size_t(cols);
    constexpr std::size_t block = 256;
    // The halves split at a block boundary; the item count decides whether to use a thread.
    const std::size_t split = std::min(c, (c / 2 + block - 1) / block * block);
    const std::size_t items = std::size_t(rows) * c;
    auto in_two = [&](auto part) {
        if (items < parallel_min_items) return part(std::size_t(0), c);
        run_both(
            true, [&] { part(std::size_t(0), split); }, [&] { part(split, c); });
    };
    std::vector<std::uint32_t> count(c, 0); // rows < 2^32: 32-bit counters vectorise best
    in_two([&](std::size_t j0, std::size_t j1) {
        std::size_t k = 0;
        for (int i = 0; i < rows; ++i, k += c)
            for (std::size_t j = j0; j < j1; ++j) count[j] += value(k + j) != 0;
    });
    m.col_start.assign(c + 1, 0);
    for (std::size_t j = 0; j < c; ++j) m.col_start[j + 1] = m.col_start[j] + count[j];
    m.row.resize(m.col_start[c]);
    m.value.resize(m.col_start[c]);
    std::vector<std::uint64_t> next(m.col_start.begin(), m.col_start.end() - 1);
    in_two([&](std::size_t first, std::size_t last) {
        std::array<std::uint32_t, block> kept{};
        for (std::size_t j0 = first; j0 < last; j0 += block) {
            const std::size_t j1 = std::min(last, j0 + block);
            std::size_t k = 0;
            for (int i = 0; i < rows; ++i, k += c) {
                std::size_t n = 0;
                for (std::size_t j = j0; j < j1; ++j) {
                    kept[n] = std::uint32_t(j);
                    n += value(k + j) != 0;
                }
                for (std::size_t q = 0; q < n; ++q) {
                    const std::size_t j = kept[q];
                    const std::uint64_t at = next[j]++;
                    m.row[at] = std::uint32_t(i);
                    m.value[at] = float(value(k + j));
                }
            }
        }
    });
    return m;
}

} // namespace accsim
