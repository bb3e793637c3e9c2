// A SCALE-Sim v2 .cfg, read as `accsim scalesim -c` reads it.
#include "fuzz/fuzz_support.hpp"
#include "sim/run.hpp"
#include "sim/scalesim.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = accsim::fuzz::input_file(data, size, ".cfg");
    accsim::fuzz::expect_contract([&] {
        const accsim::ScaleSimConfig sc = accsim::read_scalesim_cfg(path);
        // The values it yields go through the pe_array options' own checks.
        auto sets = accsim::as_overrides({"run.arch=pe_array"});
        sets.insert(sets.end(), sc.sets.begin(), sc.sets.end());
        accsim::load_run_config("", sets);
    });
    return 0;
}
