// A .npy file (weights, biases, inputs): mapped and every element read.
#include "fuzz/fuzz_support.hpp"
#include "workloads/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = accsim::fuzz::input_file(data, size, ".npy");
    accsim::fuzz::expect_contract([&] {
        accsim::NpyMap a(path);
        volatile double sum = 0;
        for (std::size_t i = 0; i < a.elements(); ++i) sum = sum + a.value(i);
    });
    return 0;
}
