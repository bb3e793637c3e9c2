// cmake --install: the installed accsim finds its presets, cost tables and plot script beside it
// (PREFIX/share/accsim), wherever it is run from.
#include "sim/points.hpp"
#include "tests/support.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fmt/format.h>
#include <sys/wait.h>

using namespace accsim::test;
namespace fs = std::filesystem;

namespace {

// Runs `exe args` with stdout and stderr captured, from the folder `cwd`.
CommandResult run_in(const std::string& cwd, const std::string& exe,
                     const std::vector<std::string>& args) {
    const std::string out = temp_path(".out"), err = temp_path(".err");
    const fs::path here = fs::current_path();
    fs::current_path(cwd);
    pid_t pid = 0;
    REQUIRE_NOTHROW(pid = accsim::spawn_with_output(exe, args, out, err));
    fs::current_path(here);
    int status = 0;
    waitpid(pid, &status, 0);
    CommandResult r;
    r.exit_code = accsim::exit_code_of(status);
    r.out = slurp_file(out);
    r.err = slurp_file(err);
    return r;
}

} // namespace

TEST_CASE(
    "an installed accsim reads its presets, tables and plot script from PREFIX/share/accsim") {
    const std::string prefix = temp_dir() + "/prefix", work = temp_dir();
    auto inst = run_in(work, ACCSIM_CMAKE, {"--install", ACCSIM_BUILD_DIR, "--prefix", prefix});
    REQUIRE_MESSAGE(inst.exit_code == 0, inst.err);
    const std::string exe = prefix + "/bin/accsim";
    const std::string share = prefix + "/share/accsim";
    REQUIRE(fs::exists(exe));
    // A config that loads the ddr4-2400 DRAM preset and the default 45 nm cost table.
    const std::string cfg = share + "/configs/pe_array/rda_resnet50.ini";
    auto v = run_in(work, exe, {"validate", cfg});
    REQUIRE(v.exit_code == 0);
    CHECK(v.out.find("preset " + share + "/configs/dram/ddr4-2400.ini") != std::string::npos);
    CHECK(run_in(work, exe, {"run", cfg, "--set", "run.workload=resnet8", "--format", "json"})
              .exit_code == 0);
    // A study and its plot, drawn by the installed scripts/plot_study.py.
    auto st = run_in(work, exe,
                     {"study", share + "/configs/studies/nonresnet_resnet20_block.ini", "--out",
                      work + "/study"});
    REQUIRE_MESSAGE(st.exit_code == 0, st.err);
    CHECK(fs::exists(work + "/study/nonresnet_resnet20_block.png"));
    // ACCSIM_DATA_DIR, when set, comes first.
    setenv("ACCSIM_DATA_DIR", ACCSIM_SOURCE_DIR, 1);
    auto d = run_in(work, exe, {"validate", cfg});
    unsetenv("ACCSIM_DATA_DIR");
    CHECK(d.out.find(std::string("preset ") + ACCSIM_SOURCE_DIR + "/configs/dram/ddr4-2400.ini") !=
          std::string::npos);
    // The ONNX reader, a module the installed accsim loads from PREFIX/lib*/accsim.
    auto onnx = run_in(
        work, exe,
        {"workloads", "show", std::string(ACCSIM_SOURCE_DIR) + "/tests/data/onnx/ds_cnn_kws.onnx"});
    CHECK_MESSAGE(onnx.exit_code == 0, onnx.err);
    CHECK(onnx.out.find("workload ds_cnn_kws: input 49x10x1, 11 layers") != std::string::npos);
}
