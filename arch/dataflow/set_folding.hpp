// FINN's SetFolding (finn/transformation/fpgadataflow/set_folding.py), which FINN's builder runs
// for `target_fps`: per node, the smallest parallelism whose expected cycles per frame come under
// the target. accsim applies it to the nodes its graph has (docs/dataflow.md, "target_fps").
#pragma once

#include "workloads/graph.hpp"

#include <cstdint>
#include <map>

namespace accsim::dataflow {

struct SetFoldingResult {
    // Per layer index: PE and SIMD of its MVAU or VVAU (conv, dense), SIMD of its sliding window
    // generator (conv with a kernel larger than 1x1), PE of its threshold unit (stand-alone relu).
    std::map<int, std::uint64_t> pe, simd, window_simd;
    std::uint64_t target_cycles = 0; // the target of the pass whose result this is
    std::uint64_t max_cycles = 0;    // the slowest folded node's expected cycles per frame
    bool relaxed = false;            // a second pass ran at the first pass's max_cycles
};

// `target_cycles` = clock / target_fps (FINN: int(clock_hz / target_fps)); `mvau_wwidth_max`:
// widest weight stream per PE SIMD may reach (FINN's default 36); `two_pass`: FINN's
// folding_two_pass_relaxation (default true).
SetFoldingResult finn_set_folding(const Graph& g, std::uint64_t target_cycles,
                                  std::uint64_t mvau_wwidth_max, bool two_pass);

// Inputs per output of a conv or dense layer (FINN's MW): kh*kw*Cin/groups, or the inputs.
std::uint64_t mvau_mw(const Layer& l);

// FINN's expected cycles per frame (get_exp_cycles) of a layer's nodes at a folding.
std::uint64_t mvau_exp_cycles(const Layer& l, std::uint64_t pe, std::uint64_t simd);
std::uint64_t window_exp_cycles(const Layer& l, std::uint64_t simd);

} // namespace accsim::dataflow
