// Sweeps and studies beyond one process: results folders written point by point, --resume,
// --point-timeout, SIGINT, and jobs emitted for GNU parallel gathered back into exactly the local
// output.
#include "sim/points.hpp"
#include "tests/support.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace accsim::test;
namespace fs = std::filesystem;

namespace {

const char* roofline = "configs/roofline/resnet8.ini";

std::vector<std::string> sweep(const std::string& values, std::vector<std::string> more) {
    std::vector<std::string> a{"sweep", roofline, "--vary", "run.batch=" + values};
    a.insert(a.end(), more.begin(), more.end());
    return a;
}

// The CSV cell of the row whose first cell is `first`, in the column named `column`.
std::string cell(const std::string& csv, const std::string& first, const std::string& column) {
    std::istringstream in(csv);
    std::string line;
    std::vector<std::string> header;
    auto split = [](const std::string& l) {
        std::vector<std::string> v;
        std::stringstream s(l);
        std::string c;
        while (std::getline(s, c, ',')) v.push_back(c);
        return v;
    };
    std::getline(in, line);
    header = split(line);
    while (std::getline(in, line)) {
        auto v = split(line);
        if (v.empty() || v[0] != first) continue;
        for (std::size_t i = 0; i < header.size() && i < v.size(); ++i)
            if (header[i] == column) return v[i];
    }
    return "";
}

// Runs `command` through /bin/sh from the source root (GNU parallel reads its jobs from stdin).
int shell(const std::string& command) {
    const int status = std::system(fmt::format("cd {} && {}", source_path(""), command).c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace

TEST_CASE("a point's summary is read from its report without parsing the rest") {
    // Keys named "summary" inside strings, in nested objects and after escaped quotes are not the
    // top-level one; the top-level object comes after all of them.
    accsim::PointResult r;
    r.exit_code = 0;
    r.out = R"({"config": {"note": "a \"summary\": {1} [", "summary": {"x": 1}},
               "layers": [{"summary": {"x": 2}}],
               "summary" : {"cycles": 42, "fpga": {"bram18": 3}, "name": "}]"},
               "tail": {"summary": 5}})";
    CHECK(r.summary() ==
          accsim::ojson::parse(R"({"cycles": 42, "fpga": {"bram18": 3}, "name": "}]"})"));
    // The whole report, parsed on demand, agrees.
    CHECK(r.report()["summary"] == r.summary());
    CHECK(r.report()["tail"]["summary"] == 5);
    // A failed point has neither.
    accsim::PointResult failed;
    failed.exit_code = 2;
    failed.out = "{}";
    CHECK(failed.summary().is_null());
    CHECK(failed.report().is_null());
    // A report without a summary has a null one.
    accsim::PointResult none;
    none.exit_code = 0;
    none.out = R"({"layers": []})";
    CHECK(none.summary().is_null());
}

TEST_CASE("a sweep writes each point's result into --results, and --resume runs only the rest") {
    const std::string dir = temp_dir() + "/results";
    const std::string a_csv = temp_path(".csv"), b_csv = temp_path(".csv");
    auto first = run_accsim(sweep("1,2,3", {"--results", dir, "--out", a_csv}));
    REQUIRE(first.exit_code == 0);
    for (const char* f :
         {"manifest.json", "point-000001.json", "point-000002.json", "point-000003.json"})
        CHECK(fs::exists(fs::path(dir) / f));
    // Point 2's file gets a mark no run produces; point 3's file is removed: --resume must read
    // point 2 as it is and run point 3 again.
    const std::string p2 = dir + "/point-000002.json";
    auto j = nlohmann::json::parse(slurp_file(p2));
    j["report"]["summary"]["cycles"] = 12345;
    std::ofstream(p2) << j.dump() << '\n';
    fs::remove(dir + "/point-000003.json");
    auto again = run_accsim(sweep("1,2,3", {"--results", dir, "--resume", "--out", b_csv}));
    REQUIRE(again.exit_code == 0);
    const std::string a = slurp_file(a_csv), b = slurp_file(b_csv);
    CHECK(cell(b, "2", "summary.cycles") == "12345");
    CHECK(cell(b, "3", "summary.cycles") == cell(a, "3", "summary.cycles"));
    CHECK(fs::exists(dir + "/point-000003.json"));
    // A point whose settings changed is run again, whatever its file holds.
    auto changed = run_accsim(sweep("1,5", {"--results", dir, "--resume", "--out", b_csv}));
    REQUIRE(changed.exit_code == 0);
    CHECK(cell(slurp_file(b_csv), "5", "summary.cycles") != "12345");
    CHECK(!cell(slurp_file(b_csv), "5", "summary.cycles").empty());
}

TEST_CASE("--point-timeout stops a point that runs longer and fails it") {
    // configs/pe_array/rda_resnet50.ini simulates ResNet-50 against DDR4 for about a second on
    // a fast machine; 0.05 s stops it long before it could finish.
    const std::string csv = temp_path(".csv");
    auto r = run_accsim({"sweep", "configs/pe_array/rda_resnet50.ini", "--vary", "run.batch=1",
                         "--point-timeout", "0.05", "--out", csv});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("--point-timeout 0.05") != std::string::npos);
    CHECK(cell(slurp_file(csv), "1", "exit_code") == "1");
}

TEST_CASE(
    "jobs emitted for GNU parallel gather into the local sweep's CSV and JSON, byte for byte") {
    const std::string tmp = temp_dir();
    const std::vector<std::string> vary{"--vary", "roofline.macs_per_cycle=64,128"};
    auto args = [&](std::vector<std::string> more) {
        auto a = sweep("1,2,4", vary);
        a.insert(a.end(), more.begin(), more.end());
        return a;
    };
    REQUIRE(run_accsim(args({"--out", tmp + "/local.csv"})).exit_code == 0);
    REQUIRE(run_accsim(args({"--out", tmp + "/local.json"})).exit_code == 0);
    auto emitted =
        run_accsim(args({"--emit-jobs", tmp + "/jobs.txt", "--results", tmp + "/results"}));
    REQUIRE(emitted.exit_code == 0);
    // Six points, one self-contained command per line; nothing has run yet.
    std::ifstream jobs(tmp + "/jobs.txt");
    std::string line;
    int lines = 0;
    while (std::getline(jobs, line)) ++lines;
    CHECK(lines == 6);
    CHECK(!fs::exists(tmp + "/results/point-000001.json"));
    // GNU parallel (Debian's `parallel`, a test dependency) runs them two at a time.
    REQUIRE(shell(fmt::format("parallel -j2 < {}/jobs.txt", tmp)) == 0);
    REQUIRE(run_accsim({"gather", tmp + "/results", "--out", tmp + "/gathered.csv"}).exit_code ==
            0);
    REQUIRE(run_accsim({"gather", tmp + "/results", "--out", tmp + "/gathered.json"}).exit_code ==
            0);
    CHECK(slurp_file(tmp + "/gathered.csv") == slurp_file(tmp + "/local.csv"));
    CHECK(slurp_file(tmp + "/gathered.json") == slurp_file(tmp + "/local.json"));
    CHECK(!slurp_file(tmp + "/local.csv").empty());
}

TEST_CASE("a study's emitted jobs gather into the local study's CSV and JSON, byte for byte") {
    const std::string tmp = temp_dir();
    const std::string study = "configs/studies/nonresnet_resnet20_block.ini";
    REQUIRE(run_accsim({"study", study, "--out", tmp + "/local", "--no-plot"}).exit_code == 0);
    // The local study kept its points' results beside its tables.
    CHECK(fs::exists(tmp + "/local/points/manifest.json"));
    REQUIRE(run_accsim(
                {"study", study, "--emit-jobs", tmp + "/jobs.txt", "--results", tmp + "/results"})
                .exit_code == 0);
    REQUIRE(shell(fmt::format("parallel -j2 < {}/jobs.txt", tmp)) == 0);
    auto g = run_accsim({"gather", tmp + "/results", "--out", tmp + "/gathered", "--no-plot"});
    REQUIRE(g.exit_code == 0);
    for (const char* ext : {".csv", ".json"}) {
        const std::string name = std::string("nonresnet_resnet20_block") + ext;
        CAPTURE(name);
        CHECK(slurp_file(tmp + "/gathered/" + name) == slurp_file(tmp + "/local/" + name));
    }
}

TEST_CASE("SIGINT stops a sweep's running points and leaves no file behind") {
    // Four points of about a second each, two at a time. A point's output is held in memory, so a
    // stopped sweep leaves nothing in TMPDIR (a folder of this test's own).
    const std::string tmp = temp_dir();
    const std::string out = temp_path(".out"), err = temp_path(".err");
    setenv("TMPDIR", tmp.c_str(), 1);
    pid_t pid = 0;
    REQUIRE_NOTHROW(
        pid = accsim::spawn_with_output(ACCSIM_BIN,
                                        {"sweep", source_path("configs/pe_array/rda_resnet50.ini"),
                                         "--vary", "run.batch=1,2,3,4", "--jobs", "2"},
                                        out, err));
    unsetenv("TMPDIR");
    // The sweep's running points, from /proc (Linux lists a thread's children there).
    auto children = [&] {
        std::ifstream in(fmt::format("/proc/{}/task/{}/children", pid, pid));
        std::vector<pid_t> kids;
        for (pid_t k; in >> k;) kids.push_back(k);
        return kids;
    };
    // Wait (at most 20 s) until both points run.
    for (int i = 0; i < 2000 && children().size() < 2; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const std::vector<pid_t> kids = children();
    REQUIRE(kids.size() == 2);
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(accsim::exit_code_of(status) == 128 + SIGINT);
    CHECK(slurp_file(err).find("stopped by signal") != std::string::npos);
    // Both points were stopped and reaped before the sweep left: neither exists any more.
    for (pid_t k : kids) {
        CAPTURE(k);
        CHECK((kill(k, 0) != 0 && errno == ESRCH));
    }
    CHECK(fs::is_empty(tmp));
}
