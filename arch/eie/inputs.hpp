// Where EIE's numbers come from: each dense layer's weights (and bias) from .npy files or
// generated, the graph's input vector from a file or generated, and the activation densities
// applied to it.
#pragma once

#include "arch/eie/layer.hpp"
#include "common/options.hpp"
#include "workloads/graph.hpp"
#include "workloads/sparse/sparse_matrix.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace accsim::eie {

struct Params {
    int pes = 64;
    double clock_mhz = 800;
    int queue_depth = 8;
    int act_regs_per_pe = 64;
    int weight_frac_bits = 12, act_frac_bits = 8;
    std::uint64_t seed = 1;
    std::uint64_t batch = 1;
    // Densities measured from the activations themselves (always so for an input from a file).
    bool computed_density = false;
    std::string generated_input;
    std::string input_path, weights_dir, bias_dir; // "" when not given
    CodebookMode codebook = CodebookMode::automatic;
    bool keep_outputs = false; // keep every inference's output (for eie.output_npy)
};

// Dense layer `l` (graph index `index`) as the PEs hold it (build_layer_image): its weights,
// outputs x inputs, from LAYER.npy in workload.weights (zeros are pruned weights, and so is a
// weight whose 32-bit float value is 0), else the weights the model file carries (an ONNX
// initializer), else seeded uniform weights pruned to the layer's density. With workload.bias,
// LAYER.npy there (one value per output) becomes one more column, the weight of an input that is
// always 1: that is how EIE computes a bias.
LayerImage layer_image(const Layer& l, int index, const Params& p);

// The graph's input for inference `n`: workload.input, or generated as eie.generated_input says.
std::vector<std::int16_t> graph_input(const Graph& g, const Params& p, std::uint64_t n);

// Keeps exactly round(density * n) (at least one) non-zero elements at seeded positions; a chosen
// element that is zero becomes 1.0, so the broadcast sees exactly that many non-zeros.
void apply_density(std::vector<std::int16_t>& x, double density, int act_frac_bits,
                   std::uint64_t seed);

// v in 16-bit fixed point with `frac_bits` fraction bits: rounded to nearest, saturated to the
// int16 range keeping its sign (never wrapped).
std::int16_t to_fixed(double v, int frac_bits);

} // namespace accsim::eie
