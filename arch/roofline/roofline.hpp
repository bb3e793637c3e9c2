// The analytic bound: per layer, cycles = max(MACs / peak MACs per cycle, bytes moved / bytes per
// cycle). Studies print it beside the cycle-level results.
#pragma once

#include "arch/architecture.hpp"

namespace accsim::roofline {

ArchInfo info();

struct LayerBound {
    std::uint64_t compute_cycles = 0;
    std::uint64_t memory_cycles = 0;
    std::uint64_t bytes = 0; // weights + input activations + output activations
    std::uint64_t cycles() const { return std::max(compute_cycles, memory_cycles); }
};

// The bound of one layer: weights at their bit width, every input tensor read once, the output
// written once.
LayerBound layer_bound(const Graph& g, const Layer& l, double macs_per_cycle,
                       double bytes_per_cycle);

} // namespace accsim::roofline
