// The command line of design.md: run, validate, compare, sweep, study, workloads (and the commands
// architectures add). Returns the process exit code; errors are printed to stderr.
#pragma once

#include <string>
#include <vector>

namespace accsim {

int cli_main(const std::vector<std::string>& args);

// Subcommands implemented in their own files.
int cmd_compare(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);
int cmd_study(const std::vector<std::string>& args);
int cmd_scalesim(const std::vector<std::string>& args);
int cmd_dram(const std::vector<std::string>& args);

} // namespace accsim
