// The two failures a user must be able to tell apart, each with its exit code (design.md).
#pragma once

#include <stdexcept>
#include <string>

namespace accsim {

// Bad usage or bad input (config, trace, weights, topology): exit code 2.
// The message names the file, line and key where they are known.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The simulated design failed (deadlock, overflow): exit code 3.
class DesignFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum ExitCode : int { exit_ok = 0, exit_other = 1, exit_input = 2, exit_design = 3 };

} // namespace accsim
