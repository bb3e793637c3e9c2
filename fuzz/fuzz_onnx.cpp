// An ONNX or QONNX model, imported as a workload graph.
#include "fuzz/fuzz_support.hpp"
#include "workloads/onnx/onnx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = accsim::fuzz::input_file(data, size, ".onnx");
    accsim::fuzz::expect_contract([&] { accsim::read_onnx(path); });
    return 0;
}
