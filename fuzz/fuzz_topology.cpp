// A SCALE-Sim v2 topology (conv or GEMM), read as `accsim scalesim -t` reads it.
#include "fuzz/fuzz_support.hpp"
#include "workloads/workload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = accsim::fuzz::input_file(data, size, ".csv");
    accsim::fuzz::expect_contract([&] {
        accsim::read_scalesim_topology(path);
        accsim::is_scalesim_gemm_topology(path);
    });
    return 0;
}
