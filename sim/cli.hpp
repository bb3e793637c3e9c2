// The command line of design.md: run, validate, compare, sweep, study, workloads (and the commands
// architectures add). Returns the process exit code; errors are printed to stderr.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace accsim {

int cli_main(const std::vector<std::string>& args);

// Thrown by parse_command_line once it has printed a subcommand's --help: the command ends, exit 0.
struct HelpShown {};

// Parses subcommand `cmd`'s arguments; a bad option is an InputError with the usage hint.
// `--help` or `-h` prints the command's usage and options and throws HelpShown.
boost::program_options::variables_map
parse_command_line(const std::string& cmd, const std::vector<std::string>& args,
                   const boost::program_options::options_description& desc,
                   const boost::program_options::positional_options_description& pos = {});

// Subcommands implemented in their own files.
int cmd_compare(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);
int cmd_study(const std::vector<std::string>& args);
int cmd_scalesim(const std::vector<std::string>& args);
int cmd_dram(const std::vector<std::string>& args);

} // namespace accsim
