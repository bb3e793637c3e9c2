// Runs accsim in child processes, N at a time (SystemC elaborates once per process), and returns
// the results in point order whatever the finishing order.
#pragma once

#include "common/report.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace accsim {

struct PointResult {
    int exit_code = -1;
    std::string out, err;
    // The report (stdout, parsed on first use, so that a sweep that only needs each point's summary
    // does not build the whole tree); null when the point failed. Throws when stdout is not JSON.
    const ojson& report() const;
    // The report's "summary" object; parses only that part when the report has not been parsed.
    ojson summary() const;
    void set_report(ojson report);  // a report from elsewhere (a point's result file)
    std::string error_line() const; // the child's error message, one line

private:
    mutable std::shared_ptr<const ojson> parsed_;
};

struct PointRunOptions {
    int jobs = 0;      // points at once; <= 0: one per core
    std::string label; // of the progress bar
    // Where each point's result file goes as the point finishes (point_result_name); "" for none.
    std::string results_dir;
    // Points whose result file in results_dir holds the same arguments are read, not run.
    bool resume = false;
    double point_timeout_s = 0; // a point running longer is stopped and fails; 0: no limit
};

// Each element of `argvs` is the argument list after the program name ("run", CONFIG, ...). A
// progress bar is drawn on stderr when it is a terminal. SIGINT and SIGTERM stop the children
// and throw Interrupted. A child's output is held in memory, never in a temporary file.
std::vector<PointResult> run_points(const std::vector<std::vector<std::string>>& argvs,
                                    const PointRunOptions& options);

// Thrown when the user stops a run of points (SIGINT, SIGTERM); exit code 128 + signal.
struct Interrupted {
    int signal;
};

// Runs one point in a child process with an optional time limit (0: none).
PointResult run_one_point(const std::vector<std::string>& args, double timeout_s);

// The result file of point `index` (0-based) in a results folder: "point-000001.json".
std::string point_result_name(std::size_t index);
// Writes `r` with the arguments it ran with as `path` (whole or not at all: written beside and
// renamed). The file holds the exit code and the report or the error line.
void write_point_result(const std::string& path, const std::vector<std::string>& args,
                        const PointResult& r);
// The result in `path` when it exists and ran with `args`; throws InputError when it is not a
// point result.
std::optional<PointResult> read_point_result(const std::string& path,
                                             const std::vector<std::string>& args);

// The grid of all axes: each axis is (key, values); a point is a list of "key=value".
using Axis = std::pair<std::string, std::vector<std::string>>;
std::vector<std::vector<std::string>> grid(const std::vector<Axis>& axes);
// Parses "--vary SECTION.KEY=V1,V2": throws InputError when malformed.
Axis parse_axis(const std::string& text);

// Starts `exe` with `args` (after the program name), stdin from /dev/null and stdout / stderr to
// the given files; throws when it cannot start. Returns the child's pid.
int spawn_with_output(const std::string& exe, const std::vector<std::string>& args,
                      const std::string& out_path, const std::string& err_path);
// The same with stdout / stderr on open descriptors (the child gets them as 1 and 2).
int spawn_with_output(const std::string& exe, const std::vector<std::string>& args, int out_fd,
                      int err_fd);
// The exit code of a child from waitpid's status (128 + signal when it was killed).
int exit_code_of(int wait_status);

// The path of this executable, for child runs.
std::string self_exe();
std::string shell_quote(const std::string& s);

} // namespace accsim
