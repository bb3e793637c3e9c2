// Bad inputs that need generated data. The table of bad inputs is tests/bad_inputs/cases.txt (one
// CTest test per line); a case goes here only when its input is too large to keep as a file.
#include "tests/eie/npy_test.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>

using namespace accsim::test;
namespace fs = std::filesystem;

TEST_CASE("float64 weights beyond the range of float32 are exit 2 naming the file and element") {
    // It corrupted memory in the codebook fit (SIGSEGV).
    const std::string weights = temp_path("_w");
    fs::remove(weights);
    fs::create_directories(weights);
    std::vector<double> fc2(2 * 256, 0.5);
    fc2[7] = 1e39;
    write_npy_bytes(weights + "/fc1.npy", 1, shape_dict("<f8", "(256, 31)"),
                    le_bytes(std::vector<double>(256 * 31, 0.5)));
    write_npy_bytes(weights + "/fc2.npy", 1, shape_dict("<f8", "(2, 256)"), le_bytes(fc2));
    auto r = run_accsim({"run", source_path("configs/eie/alex8.ini"), "--set",
                         "run.workload=linnos", "--set", "workload.weights=" + weights});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(weights + "/fc2.npy: layer fc2: element 7 is 1e+39") != std::string::npos);
    CHECK(r.out.find("summary") == std::string::npos);
}

TEST_CASE("files beyond the size accsim reads for their kind are exit 2 before they are read") {
    // Sparse files: their size is set, no data is written.
    const std::string config = temp_path(".ini"), trace = temp_path(".csv");
    { std::ofstream(config) << "[run]\n"; }
    { std::ofstream(trace) << "name,op\n"; }
    fs::resize_file(config, (std::uintmax_t(16) << 20) + 1); // configs: 16 MiB
    fs::resize_file(trace, (std::uintmax_t(256) << 20) + 1); // traces: 256 MiB
    for (const auto& [args, file] :
         {std::pair<std::vector<std::string>, std::string>{{"run", config}, config},
          {{"workloads", "show", trace}, trace}}) {
        auto r = run_accsim(args);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(file + ": ") != std::string::npos);
        CHECK(r.err.find("larger than accsim reads") != std::string::npos);
    }
}
