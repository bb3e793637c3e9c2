// A run config: the INI text, where lines that start with "--set " are --set overrides instead,
// loaded as `accsim validate` loads it, with the workload it names.
#include "fuzz/fuzz_support.hpp"
#include "sim/run.hpp"
#include "workloads/workload.hpp"

#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string ini, line;
    std::vector<std::string> sets;
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    while (std::getline(in, line)) {
        if (line.rfind("--set ", 0) == 0)
            sets.push_back(line.substr(6));
        else
            ini += line + "\n";
    }
    const auto path = accsim::fuzz::input_file(reinterpret_cast<const std::uint8_t*>(ini.data()),
                                               ini.size(), ".ini");
    accsim::fuzz::expect_contract([&] {
        const accsim::Config cfg = accsim::load_run_config(path, sets);
        accsim::load_workload(cfg);
        accsim::require_keys_read(cfg);
    });
    return 0;
}
