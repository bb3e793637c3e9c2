// SCALE-Sim v2's .cfg read as accsim's pe_array options (accsim scalesim, docs/pe_array.md).
#pragma once

#include "arch/pe_array/scalesim_memory.hpp"
#include "common/options.hpp"

#include <string>
#include <vector>

namespace accsim {

struct ScaleSimConfig {
    std::string run_name = "scale_run";
    std::vector<Override> sets; // accsim overrides, each with the .cfg line it comes from
    // [run_presets] InterfaceBandwidth: USER runs SCALE-Sim's bandwidth-limited memory at
    // memory.bandwidth words per cycle (the first value of Bandwidth); CALC (or none) its ideal
    // one.
    bool user_bandwidth = false;
    std::string mode_origin; // "FILE:LINE" of InterfaceBandwidth
    // The array and memory as SCALE-Sim reads them, for USER mode. The offsets (IfmapOffset,
    // FilterOffset, OfmapOffset) place the addresses of its traces and change no figure;
    // `offset_lines` names where each was given ("" when it was not).
    pe_array::ScaleSimMemoryConfig memory;
    std::string offset_lines[3];
};

// Reads a SCALE-Sim .cfg (Python configparser syntax); keys accsim does not use are named in
// warnings on stderr. Throws InputError naming the file and line.
ScaleSimConfig read_scalesim_cfg(const std::string& path);

} // namespace accsim
