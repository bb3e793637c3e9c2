// Opening the files a user names (configs, traces, topologies, studies, models).
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

namespace accsim {

// Size caps of the input kinds: far above any real file, far below what would exhaust memory.
constexpr std::uintmax_t max_config_bytes = std::uintmax_t(16) << 20;  // INI, .cfg, studies
constexpr std::uintmax_t max_trace_bytes = std::uintmax_t(256) << 20;  // CSV traces, topologies
constexpr std::uintmax_t max_model_bytes = std::uintmax_t(2047) << 20; // ONNX (protobuf's 2 GiB)

// Opens `path` for reading. It must be a regular file (a folder, a device such as /dev/zero or a
// pipe is not an input: it could be read without end) of at most `max_bytes`; otherwise throws
// InputError naming the file and what it is.
std::ifstream open_input_file(const std::string& path, std::uintmax_t max_bytes,
                              std::ios::openmode mode = std::ios::in);

// Whether `path` names something that exists. Never throws: a name the system cannot even look
// up (too long, a component that is not a folder) does not exist.
bool path_exists(const std::string& path);

// Flushes an output file once everything is written to it: a file that did not receive it all
// (a full disk, /dev/full) throws std::runtime_error naming `what` (exit 1), so that nothing is
// said to be written that was not.
void check_written(std::ofstream& out, const std::string& what);

} // namespace accsim
