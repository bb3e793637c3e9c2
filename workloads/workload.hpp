// Where a run's workload graph comes from: a built-in generator, a native CSV trace, or a SCALE-Sim
// topology; then the skip transform and the [workload] overrides.
#pragma once

#include "common/options.hpp"
#include "workloads/graph.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace accsim {

// Tailor's skip variants: keep the network, remove every skip (with its add and projection), or
// shorten every two-conv block into two one-conv blocks with a skip each.
enum class SkipMode { keep, remove, shorten };
SkipMode parse_skip(const std::string& word); // throws InputError on an unknown word
const char* to_string(SkipMode s);

struct BuiltinInfo {
    std::string name;
    std::string description; // one line, with its source
};
const std::vector<BuiltinInfo>& builtin_workloads();

// A built-in network with the given skip variant; throws InputError naming the unknown workload
// (with the closest name suggested).
Graph make_builtin(const std::string& name, SkipMode skip);

// The native CSV trace format (docs/workloads.md). Errors name file, line and column.
Graph read_trace_csv(const std::string& path);
void write_trace_csv(const Graph& g, std::ostream& out);

// SCALE-Sim's topology CSV: every row is an independent conv layer reading from memory; a GEMM
// topology (`Layer, M, N, K`) as SCALE-Sim's -i gemm maps it; a "DP" layer split per channel.
Graph read_scalesim_topology(const std::string& path);
// True when the file's header is SCALE-Sim's GEMM one (`Layer, M, N, K`).
bool is_scalesim_gemm_topology(const std::string& path);

// True when a run.workload value names a file (.csv: native trace or SCALE-Sim topology; .onnx:
// ONNX or QONNX model) rather than a built-in network.
bool is_workload_file(const std::string& word);
// Reads a workload file of any of those kinds, by its extension and header.
Graph read_workload_file(const std::string& path);
// A built-in network or a workload file with a skip variant (a file takes keep and remove);
// `where` and `skip_where` prefix the errors about the name and the skip mode.
Graph workload_graph(const std::string& name_or_path, SkipMode skip, const std::string& where,
                     const std::string& skip_where);

// The options of [run] that pick the workload (run.workload, run.skip) are registered by sim;
// these are the [workload] section's.
void register_workload_options(OptionRegistry& reg);

// The graph a config asks for: run.workload (a built-in name, or a path to a .csv trace or
// topology, relative to the config file), run.skip, then [workload] overrides (bit widths,
// sparsity, activation density) applied to every layer that has weights.
Graph load_workload(const Config& cfg);

} // namespace accsim

#include <nlohmann/json.hpp>

namespace accsim {

// `accsim workloads show`: JSON with top-level "name", "macs", "weights", "layers" (array), and a
// text table of the same.
nlohmann::ordered_json graph_to_json(const Graph& g);
void print_graph_table(const Graph& g, std::ostream& out);

} // namespace accsim
