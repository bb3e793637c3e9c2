// A study file (docs/studies.md): read and checked, and its points laid out, as `accsim study`
// does before it runs them. The scratch file sits beside links to configs/' folders, so that the
// shipped studies' configs (../eie/alex8.ini) are found.
#include "fuzz/fuzz_support.hpp"
#include "sim/study_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = accsim::fuzz::input_file(data, size, ".ini");
    accsim::fuzz::expect_contract([&] { accsim::study_points(accsim::read_study(path)); });
    return 0;
}
