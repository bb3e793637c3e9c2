// What EIE computes: one dense layer's weights as the PEs hold them (codebook, interleaved CSC,
// split into passes that fit the destination activation registers), and the 16-bit fixed-point
// arithmetic of the PEs' multiply-accumulate units.
#pragma once

#include "arch/eie/pe.hpp"
#include "workloads/sparse/codebook.hpp"
#include "workloads/sparse/csc.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace accsim::eie {

struct LayerImage {
    int rows = 0, cols = 0;
    int local_rows_per_pass = 0; // destination registers per PE
    Codebook book;
    std::array<std::int16_t, Codebook::entries> weight_code{}; // book.value in fixed point
    std::vector<InterleavedCsc> passes; // each pass computes the next local_rows_per_pass rows
    std::uint64_t nonzero_weights = 0;
};

// Fits the codebook to m's non-zeros, quantises it to Q(15 - weight_frac_bits).weight_frac_bits
// and encodes the matrix for `pes` PEs; `layer` names the layer in the InputError thrown when a
// shared weight does not fit in 16 bits.
LayerImage build_layer_image(const SparseColumns& m, int pes, int act_regs_per_pe,
                             int weight_frac_bits, const std::string& layer);

// Rounds a sum of products (weights with weight_frac_bits, activations with a's fraction) back to
// the activation format: round half up, saturate to int16; ReLU when asked.
std::int16_t to_activation(std::int64_t accumulator, int weight_frac_bits, bool relu);
std::int16_t saturate16(std::int64_t v);

// y = W x through the PEs' datapath: for every non-zero x[j], every PE walks its slice of column j
// and accumulates weight_code[v] * x[j] into its local row (64-bit accumulators).
std::vector<std::int16_t> compute_layer(const LayerImage& w, const std::vector<std::int16_t>& x,
                                        int weight_frac_bits, bool relu);

} // namespace accsim::eie
