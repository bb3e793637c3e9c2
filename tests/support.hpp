// Helpers for tests that run the accsim binary as a user would.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace accsim {
struct Graph;
}

namespace accsim::test {

struct CommandResult {
    int exit_code = -1;
    std::string out;             // stdout
    std::string err;             // stderr
    nlohmann::json json() const; // stdout parsed as JSON (fails the test if it is not)
};

// Runs build/.../accsim with `args` from the source tree's root; never through a shell.
CommandResult run_accsim(const std::vector<std::string>& args);

// Path of a file in the source tree ("configs/roofline/resnet8.ini" -> absolute path).
std::string source_path(const std::string& relative);

// The message of the InputError that `f` throws; fails the test when it throws none.
std::string input_error(const std::function<void()>& f);

// A fresh temporary file path with the given suffix; the file is removed at exit.
std::string temp_path(const std::string& suffix);
// A fresh temporary folder; it and its contents are removed at exit.
std::string temp_dir();
// The whole content of a file ("" when it cannot be read).
std::string slurp_file(const std::string& path);
// Writes `text` to a fresh temporary file and returns its path.
std::string temp_file(const std::string& text, const std::string& suffix = ".ini");

// The layer named `name` in a report's "layers" (fails the test when there is none).
const nlohmann::json& report_layer(const nlohmann::json& report, const std::string& name);

// Checks that two graphs have the same input and the same layers, field by field (not the name).
void check_same_layers(const Graph& a, const Graph& b);

} // namespace accsim::test
