// One EIE run in plain C++: the layer images of a graph, and each layer's values and cycles, layer
// by layer and inference by inference. The SystemC engine in eie.cpp only carries its time.
#pragma once

#include "arch/eie/inputs.hpp"
#include "arch/eie/layer.hpp"
#include "arch/eie/pe.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace accsim::eie {

struct LayerResult {
    std::uint64_t start_cycle = 0, cycles = 0, ideal_cycles = 0;
    std::uint64_t nonzero_macs = 0, input_nonzeros = 0, input_elements = 0;
    std::uint64_t broadcast_stall_cycles = 0, busy_cycles = 0, starved_cycles = 0;
    // Activation SRAM traffic of the input batches: each batch's source activations are read at
    // its start, and each pass's outputs written at its end (EIE section IV), in activations.
    std::uint64_t act_sram_reads = 0, act_sram_writes = 0;
};

class EieModel {
public:
    EieModel(const Graph& g, Params p);

    const Graph& graph() const { return g_; }
    const Params& params() const { return p_; }
    const std::vector<LayerImage>& images() const { return images_; }
    const PeArrayStats& stats() const { return *stats_; }
    const std::vector<LayerResult>& results() const { return results_; }
    // The last layer's output of every inference run so far, in order (of the last one only unless
    // Params::keep_outputs).
    const std::vector<std::vector<std::int16_t>>& outputs() const { return outputs_; }

    // Runs layer i of inference n from `start_cycle` (values and timing); returns its cycles.
    std::uint64_t run_layer(std::size_t i, std::uint64_t n, std::uint64_t start_cycle);

private:
    std::uint64_t run_dense(std::size_t i, std::uint64_t n, std::uint64_t start_cycle,
                            std::vector<std::int16_t> x);

    const Graph& g_;
    Params p_;
    std::vector<LayerImage> images_;
    std::unique_ptr<PeArrayStats> stats_;
    std::vector<LayerResult> results_;
    std::vector<std::int16_t> input_, file_input_;
    std::vector<std::vector<std::int16_t>> acts_, outputs_;
};

} // namespace accsim::eie
