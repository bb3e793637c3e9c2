// What every architecture provides to the run driver. sim/registry.cpp maps each `run.arch` key to
// one ArchInfo; adding an architecture is a folder under arch/ plus one line there.
#pragma once

#include "common/options.hpp"
#include "common/report.hpp"
#include "workloads/graph.hpp"

#include <memory>
#include <string>
#include <vector>

namespace accsim {

class Architecture {
public:
    virtual ~Architecture() = default;
    // Elaborates the architecture's SystemC modules for `graph`, simulates (sc_start), and fills
    // `report`'s "summary", "layers" and "buffers". Throws InputError for a config or workload it
    // cannot take (naming the key or layer) and DesignFailure when the simulated design fails.
    virtual void run(const Config& cfg, const Graph& graph, Report& report) = 0;
};

struct ArchInfo {
    std::string key;         // the value of run.arch
    std::string description; // one line
    void (*register_options)(OptionRegistry&);
    std::unique_ptr<Architecture> (*make)();
    // Keys outside the architecture's own [KEY] section that it reads ("dram.*" matches a whole
    // section). A key the user sets that the run's architecture does not read is an error.
    std::vector<std::string> shared_keys;
};

// The keys every architecture reads: those that build the workload graph and its bit widths.
inline std::vector<std::string> graph_keys(std::vector<std::string> more = {}) {
    std::vector<std::string> keys{"run.arch",          "run.workload",         "run.skip",
                                  "run.batch",         "workload.weight_bits", "workload.act_bits",
                                  "run.max_memory_mib"};
    keys.insert(keys.end(), more.begin(), more.end());
    return keys;
}

} // namespace accsim
