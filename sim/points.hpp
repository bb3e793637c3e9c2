// Runs accsim in child processes, N at a time (SystemC elaborates once per process), and returns
// the results in point order whatever the finishing order.
#pragma once

#include "common/report.hpp"

#include <string>
#include <utility>
#include <vector>

namespace accsim {

struct PointResult {
    int exit_code = -1;
    std::string out, err;
    ojson report;                   // parsed stdout when the point succeeded
    std::string error_line() const; // the child's error message, one line
};

// Each element of `argvs` is the argument list after the program name ("run", CONFIG, ...).
// `jobs` <= 0 means one per core. A progress bar is drawn on stderr when it is a terminal.
std::vector<PointResult> run_points(const std::vector<std::vector<std::string>>& argvs, int jobs,
                                    const std::string& label);

// The grid of all axes: each axis is (key, values); a point is a list of "key=value".
using Axis = std::pair<std::string, std::vector<std::string>>;
std::vector<std::vector<std::string>> grid(const std::vector<Axis>& axes);
// Parses "--vary SECTION.KEY=V1,V2": throws InputError when malformed.
Axis parse_axis(const std::string& text);

// Starts `exe` with `args` (after the program name), stdin from /dev/null and stdout / stderr to
// the given files; throws when it cannot start. Returns the child's pid.
int spawn_with_output(const std::string& exe, const std::vector<std::string>& args,
                      const std::string& out_path, const std::string& err_path);
// The exit code of a child from waitpid's status (128 + signal when it was killed).
int exit_code_of(int wait_status);

// The path of this executable, for child runs.
std::string self_exe();
std::string shell_quote(const std::string& s);

} // namespace accsim
