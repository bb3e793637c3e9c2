// One run: validated config -> workload graph -> architecture -> report.
#pragma once

#include "common/options.hpp"
#include "common/report.hpp"

#include <string>
#include <vector>

namespace accsim {

Config load_run_config(const std::string& path, const std::vector<std::string>& overrides);
Config load_run_config(const std::string& path, const std::vector<Override>& overrides);

// True when a run of the config's architecture reads `key`.
bool key_is_read(const Config& cfg, const std::string& key);
// The keys the user set (file or override) that the config's architecture does not read.
std::vector<std::string> unread_keys(const Config& cfg);
// "PLACE: KEY = VALUE is not read by ...; it is read by ...": the error for an unread key.
std::string unread_key_message(const Config& cfg, const std::string& key,
                               const std::string& context);
// Throws InputError for the first key the user set that the config's architecture does not read.
void require_keys_read(const Config& cfg);
// Runs the simulation in this process (SystemC elaborates once per process: call it once).
Report run_simulation(const Config& cfg);

} // namespace accsim
