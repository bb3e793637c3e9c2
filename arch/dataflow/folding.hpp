// How each layer of a dataflow design is folded onto hardware: hls4ml's reuse factors (with its
// rule for invalid ones) or FINN's PE/SIMD, set by config keys or by a FINN folding file
// (`dataflow.folding`, FINN's own JSON format). docs/dataflow.md describes both.
#pragma once

#include "arch/dataflow/fpga_cost.hpp"
#include "arch/dataflow/pipeline.hpp"
#include "arch/dataflow/set_folding.hpp"
#include "common/options.hpp"
#include "workloads/graph.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace accsim::dataflow {

// "file:line: key" for a key the user set, or the bare key for a default.
std::string where(const Config& cfg, const std::string& key);

// The folding of one layer.
struct Folding {
    std::uint64_t reuse_factor = 1, pe = 1, simd = 1;
    std::uint64_t requested_reuse_factor = 0; // hls4ml: the RF asked for, when it was invalid
    std::uint64_t multipliers = 0;            // parallel multipliers (layers with weights)
    std::uint64_t mw = 0, mh = 0;             // inputs per output, outputs
    // FINN's sliding-window generator of a conv: channels moved per cycle (0: a whole pixel per
    // cycle) and where its line buffer sits.
    std::uint64_t window_simd = 0;
    RamStyle window_ram = RamStyle::automatic;
    RamStyle weight_ram = RamStyle::automatic; // FINN ram_style of the weight memory
};

struct Design {
    std::vector<Folding> folding;
    std::vector<StageTiming> timing;
    StageTiming sink_timing;        // the output port (FINN's LabelSelect, when folded)
    std::vector<int> out_bits;      // bits per channel of each layer's output stream
    std::vector<std::string> notes; // what the report must say (hls4ml's replaced reuse factors)
    std::string folding_file;       // dataflow.folding, as given
    std::optional<SetFoldingResult> set_folding; // FINN's SetFolding, with dataflow.target_fps
    int in_bits(const Layer& l) const {
        return l.inputs.empty() ? l.act_bits : out_bits[std::size_t(l.inputs[0])];
    }
};

// Every dataflow.layer.NAME.* must name a layer of the workload (in any of its skip variants, so
// that one config serves keep, remove and shorten).
void check_layer_names(const Config& cfg, const Graph& g);

Design fold_layers(const Config& cfg, const Graph& g);

// hls4ml's reuse factor rule (hls4ml, backends/fpga/fpga_backend.py, _validate_reuse_factor and
// get_closest_reuse_factor): RF is valid for n_in x n_out multiplications when it divides
// n_in*n_out, is below n_in or a multiple of it, and below n_in leaves a multiplier count that
// n_out divides; an invalid RF becomes the closest valid one, the smaller on a tie.
bool valid_reuse_factor(std::uint64_t n_in, std::uint64_t n_out, std::uint64_t rf);
std::uint64_t closest_valid_reuse_factor(std::uint64_t n_in, std::uint64_t n_out, std::uint64_t rf);

} // namespace accsim::dataflow
