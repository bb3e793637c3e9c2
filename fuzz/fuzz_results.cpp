// A results folder's files (accsim gather, --resume): a manifest and a point's result file.
#include "fuzz/fuzz_support.hpp"
#include "sim/jobs.hpp"
#include "sim/points.hpp"

#include <filesystem>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The same bytes as a point's result (for a point of known arguments) and as a manifest.
    const auto path = accsim::fuzz::input_file(data, size, ".json");
    accsim::fuzz::expect_contract([&] {
        accsim::read_point_result(
            path, {"run", "configs/roofline/resnet8.ini", "--keys-checked", "--format", "json"});
    });
    const auto dir = std::filesystem::path(path).parent_path() / "results";
    std::filesystem::create_directories(dir);
    std::filesystem::copy_file(path, dir / "manifest.json",
                               std::filesystem::copy_options::overwrite_existing);
    accsim::fuzz::expect_contract([&] { accsim::read_results_manifest(dir.string()); });
    return 0;
}
