// EIE's interleaved CSC (csc.hpp) built straight from a dense row-major matrix, without the plain
// columns in between. The matrix is read row by row, each row in memory order; a row belongs to one
// PE and one pass, so each of its non-zeros goes to that PE's slice of its column. Three reads: the
// range of the weights, each row's mask of non-zeros and the distinct values; each slice's entry
// count (with its padding) and the weights' histogram, from which the caller chooses the codebook;
// the entries themselves, coded. The last two visit the non-zeros of the masks only.
#pragma once

#include "workloads/sparse/codebook.hpp"
#include "workloads/sparse/csc.hpp"

#include <cstdint>
#include <vector>

namespace accsim {

// Where the rows and columns of a layer go: local rows (i / pes) in passes of rows_per_pass,
// input columns in batches of batch_cols.
struct TileShape {
    int rows = 0, cols = 0, pes = 1;
    int rows_per_pass = 1, passes = 1;
    int batch_cols = 1, batches = 1;
};

enum class DenseType { float32, float64, int16 };

// What the codebook is chosen from.
struct DenseWeights {
    std::uint64_t nonzeros = 0;
    WeightHistogram histogram; // over the smallest to the largest non-zero
    DistinctValues distinct;   // the distinct non-zero values, while at most 15
};

class DenseEncoder {
public:
    // The rows x cols matrix of `type` at `data` (row-major, any alignment, read until encode()
    // returns), plus `bias` (empty, or one value per row) as column cols; shape counts the bias
    // column. A weight is kept when its value as a 32-bit float is not zero. Reads the matrix
    // twice (on two threads when it is large: the halves of the rows, then of the columns).
    DenseEncoder(const unsigned char* data, DenseType type, std::vector<float> bias,
                 const TileShape& shape);
    // False when a weight is not finite, or beyond the range of 32-bit floats (then weights() and
    // encode() must not be called: the matrix was read once, for its range).
    bool finite() const { return finite_; }
    const DenseWeights& weights() const { return weights_; }
    // The tiles [pass][batch], as encode_interleaved_passes makes them, each non-zero coded with
    // book.index_of. Reads the matrix once more.
    std::vector<std::vector<InterleavedCsc>> encode(const Codebook& book);

private:
    // Calls f(q, j, ptr) for each pass q and column j in [c0, c1), ptr pointing to column j's
    // pointer in PE p's slice of that pass (&ptr[j - j0] of its batch, whose first column is j0).
    template <class F>
    void for_slices(int p, int c0, int c1, F f);

    const unsigned char* data_;
    DenseType type_;
    std::vector<float> bias_;
    TileShape shape_;
    int split_ = 0; // the second half's first column
    // Per slice of the PE being read, pass x columns + column: its entries, or where its next
    // one goes; and the local row of its last non-zero (side by side: one cache line per weight
    // placed).
    struct Cell {
        std::uint32_t count = 0;
        int last = -1;
    };
    // Per row, its non-zero weights, 64 columns to a word (bit k of word c: column 64c + k).
    std::vector<std::uint64_t> mask_;
    bool finite_ = true;
    DenseWeights weights_;
    // The tiles [pass][batch]. Between the constructor and encode(), a slice's ptr[j + 1] holds
    // the number of entries of its column j (padding included).
    std::vector<std::vector<InterleavedCsc>> tiles_;
};

} // namespace accsim
