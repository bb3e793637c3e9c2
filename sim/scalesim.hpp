// SCALE-Sim v2's .cfg read as accsim's pe_array options (accsim scalesim, docs/pe_array.md).
#pragma once

#include "common/options.hpp"

#include <string>
#include <vector>

namespace accsim {

struct ScaleSimConfig {
    std::string run_name = "scale_run";
    std::vector<Override> sets; // accsim overrides, each with the .cfg line it comes from
};

// Reads a SCALE-Sim .cfg (Python configparser syntax); keys accsim does not use are named in
// warnings on stderr. Throws InputError naming the file and line.
ScaleSimConfig read_scalesim_cfg(const std::string& path);

} // namespace accsim
