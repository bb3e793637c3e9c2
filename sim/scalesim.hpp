// SCALE-Sim v2's .cfg read as accsim's pe_array options (accsim scalesim, docs/pe_array.md).
#pragma once

#include "common/options.hpp"

#include <cstdint>

#include <string>
#include <vector>

namespace accsim {

struct ScaleSimConfig {
    std::string run_name = "scale_run";
    std::vector<Override> sets; // accsim overrides, each with the .cfg line it comes from
    // [run_presets] InterfaceBandwidth: USER runs SCALE-Sim's bandwidth-limited memory at
    // `bandwidth` words per cycle (the first value of Bandwidth); CALC (or none) its ideal one.
    bool user_bandwidth = false;
    std::int64_t bandwidth = 0;
    std::string mode_origin; // "FILE:LINE" of InterfaceBandwidth
    // The array and memory as SCALE-Sim reads them (for USER mode).
    std::int64_t rows = 0, cols = 0, ifmap_kb = 0, filter_kb = 0, ofmap_kb = 0;
    std::string dataflow;
    // IfmapOffset, FilterOffset, OfmapOffset: they place the addresses of SCALE-Sim's traces and
    // change no figure; `offset_lines` names where each was given ("" when it was not).
    std::int64_t offsets[3] = {0, 10000000, 20000000};
    std::string offset_lines[3];
};

// Reads a SCALE-Sim .cfg (Python configparser syntax); keys accsim does not use are named in
// warnings on stderr. Throws InputError naming the file and line.
ScaleSimConfig read_scalesim_cfg(const std::string& path);

} // namespace accsim
