// A FINN folding file (dataflow.folding): read and mapped onto the built-in CNV-W1A1, whose
// graph has every family of node a folding file can name but the depthwise VVAU.
#include "arch/dataflow/finn_folding.hpp"
#include "fuzz/fuzz_support.hpp"
#include "workloads/workload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const accsim::Graph g = accsim::make_builtin("mlperf_cnv_w1a1", accsim::SkipMode::keep);
    const auto path = accsim::fuzz::input_file(data, size, ".json");
    accsim::fuzz::expect_contract([&] { accsim::dataflow::read_folding_file(path, "fuzz", g); });
    return 0;
}
