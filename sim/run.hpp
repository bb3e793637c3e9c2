// One run: validated config -> workload graph -> architecture -> report.
#pragma once

#include "common/options.hpp"
#include "common/report.hpp"

#include <string>
#include <vector>

namespace accsim {

Config load_run_config(const std::string& path, const std::vector<std::string>& overrides);
// Runs the simulation in this process (SystemC elaborates once per process: call it once).
Report run_simulation(const Config& cfg);

} // namespace accsim
