// What EIE computes: one dense layer's weights as the PEs hold them (codebook, interleaved CSC,
// split into passes that fit the destination activation registers), and the 16-bit fixed-point
// arithmetic of the PEs' multiply-accumulate units.
#pragma once

#include "arch/eie/pe.hpp"
#include "workloads/sparse/codebook.hpp"
#include "workloads/sparse/csc.hpp"
#include "workloads/sparse/dense_csc.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace accsim::eie {

// How a layer's shared weights are chosen: exact keeps the values of weights that are already
// shared (at most 15 distinct non-zeros), kmeans refits them, automatic is exact when it fits.
enum class CodebookMode { automatic, kmeans, exact };

struct LayerImage {
    int rows = 0, cols = 0;      // cols counts the bias column when the layer has one
    int local_rows_per_pass = 0; // destination registers per PE
    int batch_cols = 0;          // input columns per batch: the source registers of all PEs
    Codebook book;
    bool exact_book = false; // the book is the weights' own values
    std::array<std::int16_t, Codebook::entries> weight_code{}; // book.value in fixed point
    // tiles[pass][batch]: pass k computes the next local_rows_per_pass rows of every PE; batch b
    // covers input columns [b * batch_cols, (b + 1) * batch_cols) with pointers of its own.
    std::vector<std::vector<InterleavedCsc>> tiles;
    std::uint64_t nonzero_weights = 0;
    std::size_t passes() const { return tiles.size(); }
    std::size_t batches() const { return tiles.empty() ? 0 : tiles.front().size(); }
    std::uint64_t padding_entries() const;
};

// Chooses the codebook for m's non-zeros, quantises it to Q(15 - weight_frac_bits).weight_frac_bits
// and encodes the matrix for `pes` PEs in passes of act_regs_per_pe rows per PE and batches of
// pes * act_regs_per_pe input columns; `layer` names the layer in the InputError thrown when a
// shared weight does not fit in 16 bits, or when exact is asked of more than 15 distinct values.
LayerImage build_layer_image(const SparseColumns& m, int pes, int act_regs_per_pe,
                             int weight_frac_bits, const std::string& layer,
                             CodebookMode mode = CodebookMode::automatic);

// The same from dense weights (dense_csc.hpp) of the given shape.
LayerImage build_layer_image(DenseEncoder&& dense, const TileShape& shape, int weight_frac_bits,
                             const std::string& layer, CodebookMode mode = CodebookMode::automatic);

// How a rows x cols layer is split for `pes` PEs with act_regs_per_pe registers: passes of at
// most act_regs_per_pe local rows, batches of at most pes * act_regs_per_pe input columns.
TileShape tile_shape(int rows, int cols, int pes, int act_regs_per_pe);

// Rounds a sum of products (weights with weight_frac_bits, activations with a's fraction) back to
// the activation format: round half up, saturate to int16; ReLU when asked.
std::int16_t to_activation(std::int64_t accumulator, int weight_frac_bits, bool relu);
std::int16_t saturate16(std::int64_t v);

// y = W x through the PEs' datapath: for every non-zero x[j], every PE walks its slice of column j
// and accumulates weight_code[v] * x[j] into its local row (64-bit accumulators).
std::vector<std::int16_t> compute_layer(const LayerImage& w, const std::vector<std::int16_t>& x,
                                        int weight_frac_bits, bool relu);

} // namespace accsim::eie
