// A workload trace (CSV, docs/workloads.md).
#include "fuzz/fuzz_support.hpp"
#include "workloads/workload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = accsim::fuzz::input_file(data, size, ".csv");
    accsim::fuzz::expect_contract([&] { accsim::read_trace_csv(path); });
    return 0;
}
