// Sparse weight matrices for the EIE model: compressed sparse column (CSC) storage of W in y = W x
// (rows = outputs, columns = inputs), pruning, and the per-layer codebook of weight sharing.
#pragma once

#include <cstdint>
#include <vector>

namespace accsim {

// Plain (not interleaved) CSC: the non-zeros of column j are at [col_start[j], col_start[j+1]),
// rows ascending.
struct SparseColumns {
    int rows = 0, cols = 0;
    std::vector<std::uint64_t> col_start; // cols + 1 entries
    std::vector<std::uint32_t> row;
    std::vector<float> value;
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

} // namespace accsim
