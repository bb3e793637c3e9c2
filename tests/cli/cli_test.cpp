// The command line as a user meets it: exit codes, messages, and the report's fields.
#include "tests/support.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sstream>

using accsim::test::run_accsim;
using accsim::test::source_path;
using accsim::test::temp_file;
using accsim::test::temp_path;

namespace {

const std::string roofline_cfg = source_path("configs/roofline/resnet8.ini");

// One dense layer, 100 inputs -> 10 outputs, 8-bit: 1,000 MACs and 1,000 weight bytes.
std::string one_dense_trace() {
    return temp_file(
        "name,op,inputs,in_h,in_w,in_c,out_h,out_w,out_c,kernel_h,kernel_w,stride,padding,pool,"
        "activation,weight_bits,act_bits,weight_density,act_density,skip_path\n"
        "fc,dense,,1,1,100,1,1,10,1,1,1,valid,max,linear,8,8,1,1,0\n",
        ".csv");
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST_CASE("run prints the roofline bound of a layer as computed by hand") {
    // compute: 1,000 MACs / 10 per cycle = 100 cycles; memory: 1,000 weight + 100 input + 10 output
    // bytes at 1 GB/s and 100 MHz = 10 bytes per cycle -> 111 cycles. The bound is the larger.
    std::string cfg =
        temp_file("[run]\narch = roofline\nworkload = " + one_dense_trace() +
                  "\n[roofline]\nmacs_per_cycle = 10\nbandwidth_gb_per_s = 1\nclock_mhz = 100\n");
    auto r = run_accsim({"run", cfg, "--format", "json"});
    REQUIRE(r.exit_code == 0);
    auto j = r.json();
    CHECK(j["summary"]["cycles"] == 111);
    CHECK(j["summary"]["latency_us"].get<double>() == doctest::Approx(1.11));
    CHECK(j["summary"]["dram_read_bytes"] == 1100);
    CHECK(j["summary"]["dram_write_bytes"] == 10);
    CHECK(j["layers"][0]["bound"] == "memory");
    CHECK(j["workload"]["macs"] == 1000);
    CHECK(j["arch"] == "roofline");
}

TEST_CASE("the report carries design.md's top-level fields and the resolved config") {
    auto r =
        run_accsim({"run", roofline_cfg, "--format", "json", "--set", "roofline.clock_mhz=100"});
    REQUIRE(r.exit_code == 0);
    auto j = r.json();
    for (const char* k :
         {"accsim_version", "config", "arch", "workload", "summary", "layers", "buffers"})
        CHECK_MESSAGE(j.contains(k), k);
    CHECK(j["config"]["roofline.clock_mhz"] == 100.0);
    CHECK(j["config"]["run.workload"] == "resnet8");
    CHECK(j["workload"]["macs"] == 12501632);
    CHECK(j["workload"]["weights"] == 77360);
    CHECK(j["layers"].size() == j["workload"]["layers"].get<std::size_t>());
    // Roofline has no area or FPGA model: the fields are absent, not zero.
    CHECK_FALSE(j["summary"].contains("area_mm2"));
    CHECK_FALSE(j["summary"].contains("fpga"));
}

TEST_CASE("text and CSV reports show the same summary as JSON") {
    auto j = run_accsim({"run", roofline_cfg, "--format", "json"}).json();
    auto csv = run_accsim({"run", roofline_cfg, "--format", "csv"});
    auto text = run_accsim({"run", roofline_cfg});
    REQUIRE(csv.exit_code == 0);
    REQUIRE(text.exit_code == 0);
    CHECK(csv.out.rfind("section,item,field,value\n", 0) == 0);
    for (auto it = j["summary"].begin(); it != j["summary"].end(); ++it) {
        CHECK_MESSAGE(csv.out.find("summary,," + it.key() + "," + it.value().dump() + "\n") !=
                          std::string::npos,
                      it.key());
        CHECK_MESSAGE(text.out.find(it.key()) != std::string::npos, it.key());
    }
    CHECK(csv.out.find("layers,s1_add,cycles,") != std::string::npos);
}

TEST_CASE("the same config twice gives identical JSON") {
    auto a = run_accsim({"run", roofline_cfg, "--format", "json"});
    auto b = run_accsim({"run", roofline_cfg, "--format", "json"});
    REQUIRE(a.exit_code == 0);
    CHECK(a.out == b.out);
}

TEST_CASE("--out writes the report to a file") {
    std::string out = temp_path(".json");
    auto r = run_accsim({"run", roofline_cfg, "--format", "json", "--out", out});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(nlohmann::json::parse(slurp(out))["summary"].contains("cycles"));
}

TEST_CASE("bad input exits 2 with one message naming the file, line or key") {
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    std::string typo = temp_file("[run]\narch = roofline\n[roofline]\nmacs_per_cycl = 8\n");
    std::string bad_arch = temp_file("[run]\narch = rooflin\n");
    std::string bad_workload = temp_file("[run]\nworkload = resnet9\n");
    std::string missing_trace = temp_file("[run]\nworkload = no_such_file.csv\n");
    std::vector<Case> cases{
        {{"run", "/nonexistent.ini"}, "/nonexistent.ini: cannot open file"},
        {{"run", typo},
         typo +
             ":4: unknown key 'roofline.macs_per_cycl' (did you mean 'roofline.macs_per_cycle'?)"},
        {{"run", bad_arch}, "run.arch: 'rooflin' is not one of"},
        {{"run", bad_workload}, "unknown workload 'resnet9'"},
        {{"run", missing_trace}, "no_such_file.csv"},
        {{"run", roofline_cfg, "--set", "run.batch=-1"}, "--set: run.batch: -1 is out of range"},
        {{"run", roofline_cfg, "--set", "roofline.clock_mhz=fast"}, "'fast' is not a number"},
        {{"run", roofline_cfg, "--format", "xml"}, "unknown format 'xml'"},
        {{"run"}, "missing CONFIG"},
        {{"runn", roofline_cfg}, "unknown command 'runn' (did you mean 'run'?)"},
        {{"run", roofline_cfg, "--bogus"}, "unrecognised option '--bogus'"},
        {{"compare", roofline_cfg, "--vary", "run.skip"}, "expected SECTION.KEY=VALUE"},
        {{"compare", roofline_cfg, "--vary", "run.skp=keep,remove"}, "did you mean 'run.skip'"},
        {{"workloads", "show", "resnet9"}, "unknown workload 'resnet9'"},
    };
    for (const auto& c : cases) {
        auto r = run_accsim(c.args);
        INFO("args: " << c.args[0] << " " << (c.args.size() > 1 ? c.args[1] : ""));
        CHECK(r.exit_code == 2);
        CHECK_MESSAGE(r.err.find(c.message) != std::string::npos, r.err);
        CHECK(r.out.empty());
        // One message: a single line on stderr.
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
}

TEST_CASE("validate lists every key with its value and where it came from") {
    auto r = run_accsim({"validate", roofline_cfg, "--set", "run.batch=4"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("roofline.macs_per_cycle") != std::string::npos);
    CHECK(r.out.find(roofline_cfg + ":10") !=
          std::string::npos); // macs_per_cycle's line in the file
    CHECK(r.out.find("--set") != std::string::npos);
    CHECK(r.out.find("default") != std::string::npos);
    CHECK(r.out.find("12501632 MACs") != std::string::npos);
}

TEST_CASE("every key is listed with its type, default and help") {
    auto a = run_accsim({"run", "--help-config"});
    auto b = run_accsim({"validate", "--list-keys"});
    REQUIRE(a.exit_code == 0);
    CHECK(a.out == b.out);
    CHECK(a.out.find("run.skip") != std::string::npos);
    CHECK(a.out.find("keep | remove | shorten") != std::string::npos);
    CHECK(a.out.find("peak multiply-accumulates per cycle") != std::string::npos);
}

TEST_CASE("compare gives one point per value, in order, each with summary.cycles") {
    auto r = run_accsim({"compare", roofline_cfg, "--vary", "run.skip=keep,remove", "--format",
                         "json", "--jobs", "2"});
    REQUIRE(r.exit_code == 0);
    auto j = r.json();
    REQUIRE(j["points"].size() == 2);
    CHECK(j["points"][0]["set"]["run.skip"] == "keep");
    CHECK(j["points"][1]["set"]["run.skip"] == "remove");
    CHECK(j["points"][0]["report"]["summary"].contains("cycles"));
    CHECK(j["points"][1]["report"]["summary"].contains("cycles"));
    // Removing the skips removes the two 1x1 projections: 262,144 fewer MACs (hand count).
    CHECK(j["points"][0]["report"]["workload"]["macs"].get<long>() -
              j["points"][1]["report"]["workload"]["macs"].get<long>() ==
          262144);
}

TEST_CASE("compare prints a ratio column against the first point") {
    auto r = run_accsim({"compare", roofline_cfg, "--vary", "roofline.clock_mhz=100,200"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("ratio 2/1") != std::string::npos);
    // The varied key itself doubles exactly.
    auto pos = r.out.find("\nclock_mhz");
    REQUIRE(pos != std::string::npos);
    ++pos;
    auto line = r.out.substr(pos, r.out.find('\n', pos) - pos);
    CHECK(line.find("2.000") != std::string::npos);
}

TEST_CASE("a failing point is reported and the other points still print") {
    auto r = run_accsim({"compare", roofline_cfg, "--vary", "run.workload=resnet8,no_such_net",
                         "--format", "json"});
    CHECK(r.exit_code == 2);
    auto j = r.json();
    REQUIRE(j["points"].size() == 2);
    CHECK(j["points"][0]["exit_code"] == 0);
    CHECK(j["points"][0]["report"]["summary"].contains("cycles"));
    CHECK(j["points"][1]["exit_code"] == 2);
    CHECK(j["points"][1]["error"].get<std::string>().find("unknown workload 'no_such_net'") !=
          std::string::npos);
    CHECK(r.err.find("point 2 (run.workload=no_such_net) failed") != std::string::npos);
}

TEST_CASE("sweep runs the grid of all axes and writes CSV") {
    std::string out = temp_path(".csv");
    auto r = run_accsim({"sweep", roofline_cfg, "--vary", "run.skip=keep,remove,shorten", "--vary",
                         "roofline.macs_per_cycle=16,64", "--out", out});
    REQUIRE(r.exit_code == 0);
    std::string csv = slurp(out);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 3 * 2);
    CHECK(csv.rfind("run.skip,roofline.macs_per_cycle,exit_code,summary.cycles", 0) == 0);
    CHECK(csv.find("\nshorten,64,0,") != std::string::npos);
}

TEST_CASE("sweep writes JSON and can emit the job list instead of running") {
    std::string out = temp_path(".json");
    REQUIRE(
        run_accsim({"sweep", roofline_cfg, "--vary", "run.batch=1,2", "--out", out}).exit_code ==
        0);
    auto j = nlohmann::json::parse(slurp(out));
    REQUIRE(j["points"].size() == 2);
    // Two images back to back take twice the cycles of one on the roofline.
    CHECK(j["points"][1]["report"]["summary"]["cycles"].get<long>() ==
          2 * j["points"][0]["report"]["summary"]["cycles"].get<long>());

    std::string jobs = temp_path(".txt");
    auto r = run_accsim({"sweep", roofline_cfg, "--vary", "run.skip=keep,remove", "--emit-jobs",
                         jobs, "--results", accsim::test::temp_dir() + "/results"});
    REQUIRE(r.exit_code == 0);
    std::string text = slurp(jobs);
    CHECK(std::count(text.begin(), text.end(), '\n') == 2);
    CHECK(text.find("run.skip=remove") != std::string::npos);
    CHECK(r.out.empty());
}

TEST_CASE("study prints accsim's figure beside the published one with the ratio") {
    // The published figure here is the hand-computed roofline bound of the one-layer trace (111
    // cycles, see above), so the ratio must be exactly 1; a relative change is checked too:
    // doubling macs_per_cycle leaves the memory-bound layer at 111 cycles (change 0 %).
    std::string dir = std::filesystem::path(temp_path(".d")).string() + "-out";
    std::string cfg =
        temp_file("[run]\narch = roofline\nworkload = " + one_dense_trace() +
                  "\n[roofline]\nmacs_per_cycle = 10\nbandwidth_gb_per_s = 1\nclock_mhz = 100\n");
    std::string study = temp_file(
        "[study]\nname = tiny\ntitle = one dense layer\nmetrics = summary.cycles\n"
        "[sweep.main]\nconfig = " +
        cfg +
        "\nvary = roofline.macs_per_cycle=10,20\n"
        "[published.bound]\nmetric = summary.cycles\nwhere = roofline.macs_per_cycle=10\n"
        "value = 111\ntolerance = 0.01\nsource = hand calculation\n"
        "[published.faster_mac]\nmetric = summary.cycles\nwhere = roofline.macs_per_cycle=20\n"
        "baseline = roofline.macs_per_cycle=10\nvalue = 0.0001\nkind = change\n");
    auto r = run_accsim({"study", study, "--out", dir, "--no-plot"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("one dense layer") != std::string::npos);
    CHECK(r.out.find("1.000") != std::string::npos);
    CHECK(r.out.find("within 1 %") != std::string::npos);
    auto j = nlohmann::json::parse(slurp(dir + "/tiny.json"));
    REQUIRE(j["published"].size() == 2);
    CHECK(j["published"][0]["accsim"] == 111.0);
    CHECK(j["published"][0]["ratio"].get<double>() == doctest::Approx(1.0));
    CHECK(j["published"][1]["accsim"].get<double>() == doctest::Approx(0.0));
    // The CSV loads as numbers: a column per varied key, metrics without separators, and each
    // figure's published value, accsim's, the ratio and the tolerance on its point's row.
    const std::string csv = slurp(dir + "/tiny.csv");
    CHECK(csv.rfind("sweep,roofline.macs_per_cycle,exit_code,summary.cycles,bound.published,"
                    "bound.accsim,bound.ratio,bound.tolerance,faster_mac.published,"
                    "faster_mac.accsim,faster_mac.ratio,faster_mac.tolerance\n",
                    0) == 0);
    CHECK(csv.find("\nmain,10,0,111,111,111,1,0.01,,,,\n") != std::string::npos);
    CHECK(csv.find("\nmain,20,0,111,,,,,0.0001,0,0,\n") != std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("a study file with an unknown key or an unmatched figure is refused") {
    std::string typo = temp_file("[study]\nnme = x\n[sweep.a]\nconfig = " + roofline_cfg + "\n");
    auto r = run_accsim({"study", typo});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(typo + ":2: unknown key 'nme' in [study] (did you mean 'name'?)") !=
          std::string::npos);

    std::string unmatched =
        temp_file("[sweep.a]\nconfig = " + roofline_cfg +
                  "\nvary = run.skip=keep\n[published.p]\nmetric = summary.cycles\n"
                  "where = run.skip=remove\nvalue = 1\n");
    r = run_accsim({"study", unmatched, "--out", temp_path(".d") + "-o", "--no-plot"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("[published.p]: no point matches 'run.skip=remove'") != std::string::npos);
}

TEST_CASE("workloads show gives the totals of a built-in as JSON") {
    auto r = run_accsim({"workloads", "show", "resnet8", "--skip", "remove", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    auto j = r.json();
    CHECK(j["macs"] == 12239488);
    CHECK(j["weights"] == 74800);
    CHECK(j["layers"].is_array());
    auto list = run_accsim({"workloads", "list"});
    CHECK(list.out.find("mittos_precise_linear") != std::string::npos);
}

TEST_CASE("workloads export writes a trace that runs like the built-in") {
    std::string trace = temp_path(".csv");
    REQUIRE(run_accsim({"workloads", "export", "resnet8", "--skip", "shorten", "--out", trace})
                .exit_code == 0);
    auto from_file =
        run_accsim({"run", roofline_cfg, "--set", "run.workload=" + trace, "--format", "json"});
    auto builtin =
        run_accsim({"run", roofline_cfg, "--set", "run.skip=shorten", "--format", "json"});
    REQUIRE(from_file.exit_code == 0);
    REQUIRE(builtin.exit_code == 0);
    CHECK(from_file.json()["summary"] == builtin.json()["summary"]);
}

TEST_CASE("docs/config.md documents every key as the code registers it") {
    // The tables are generated by scripts/gen-config-doc; a key added without rerunning it fails
    // here.
    auto r = run_accsim({"validate", "--list-keys", "--markdown"});
    REQUIRE(r.exit_code == 0);
    std::string doc = slurp(source_path("docs/config.md"));
    const std::string marker = "<!-- generated by scripts/gen-config-doc: edit the help strings in "
                               "the code, not below -->\n";
    auto pos = doc.find(marker);
    REQUIRE(pos != std::string::npos);
    CHECK_MESSAGE(doc.substr(pos + marker.size()) == r.out,
                  "docs/config.md is stale: run scripts/gen-config-doc");
}

TEST_CASE("a study with a [plot] section draws a PNG") {
    std::string dir = temp_path(".d") + "-plot";
    std::string study =
        temp_file("[study]\nname = plotted\n[sweep.main]\nconfig = " + roofline_cfg +
                  "\nvary = roofline.macs_per_cycle=16,64\nvary = run.skip=keep,remove\n"
                  "[plot]\nx = config.roofline.macs_per_cycle\ny = summary.latency_us\n"
                  "series = config.run.skip\nlogx = true\nhlines = 1000:1 ms\n");
    auto r = run_accsim({"study", study, "--out", dir});
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("warning") == std::string::npos);
    std::string png = slurp(dir + "/plotted.png");
    REQUIRE(png.size() > 8);
    CHECK(png.substr(1, 3) == "PNG");
    std::filesystem::remove_all(dir);
}

TEST_CASE("a preset sits beneath the file and every key of it can still be overridden") {
    std::string cfg =
        temp_file("[run]\narch = pe_array\n[dram]\npreset = ddr4-2400\nchannels = 2\n");
    auto r = run_accsim({"validate", cfg, "--set", "dram.burst_length=16"});
    REQUIRE(r.exit_code == 0);
    auto line_of = [&](const std::string& key) {
        auto pos = r.out.find("\n" + key + " ");
        REQUIRE(pos != std::string::npos);
        return r.out.substr(pos + 1, r.out.find('\n', pos + 1) - pos - 1);
    };
    // configs/dram/ddr4-2400.ini line 13 sets the clock; the file and --set win over the preset.
    CHECK(line_of("dram.clock_mhz")
              .find("preset " + source_path("configs/dram/ddr4-2400.ini") + ":13") !=
          std::string::npos);
    CHECK(line_of("dram.channels").find(cfg + ":5") != std::string::npos);
    CHECK(line_of("dram.burst_length").find("--set") != std::string::npos);

    auto bad = run_accsim({"validate", cfg, "--set", "dram.preset=ddr4-240"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("no preset 'ddr4-240' in configs/dram/ (there are: ddr4-2400, hbm2, ideal, "
                       "lpddr4-3200) "
                       "(did you mean 'ddr4-2400'?)") != std::string::npos);
}

TEST_CASE("a study compares a published difference as accsim's difference of the two points") {
    // The one-layer trace is memory-bound at 1 GB/s: 1,110 bytes at 10 bytes per cycle (100 MHz)
    // take 111 cycles. At 2 GB/s they take 56, below the 1,000 MACs' 100 cycles at 10 a cycle,
    // so the bound is 100 cycles: a difference of -11.
    std::string dir = std::filesystem::path(temp_path(".d")).string() + "-out";
    std::string cfg =
        temp_file("[run]\narch = roofline\nworkload = " + one_dense_trace() +
                  "\n[roofline]\nmacs_per_cycle = 10\nbandwidth_gb_per_s = 1\nclock_mhz = 100\n");
    std::string study = temp_file(
        "[study]\nname = diff\nmetrics = summary.cycles\n[sweep.main]\nconfig = " + cfg +
        "\nvary = roofline.bandwidth_gb_per_s=1,2\n"
        "[published.faster_dram]\nmetric = summary.cycles\n"
        "where = roofline.bandwidth_gb_per_s=2\nbaseline = roofline.bandwidth_gb_per_s=1\n"
        "kind = difference\nvalue = -11\ntolerance = 0\nsource = hand calculation\n");
    auto r = run_accsim({"study", study, "--out", dir, "--no-plot"});
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(slurp(dir + "/diff.json"));
    REQUIRE(j["published"].size() == 1);
    CHECK(j["published"][0]["kind"] == "difference");
    CHECK(j["published"][0]["accsim"].get<double>() == -11.0);
    CHECK(r.out.find("within 0 %") != std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("every subcommand explains itself with --help and -h, exit 0") {
    for (const char* cmd :
         {"run", "validate", "compare", "sweep", "study", "workloads", "scalesim", "dram"}) {
        for (const char* flag : {"--help", "-h"}) {
            CAPTURE(cmd);
            CAPTURE(flag);
            auto r = run_accsim({cmd, flag});
            CHECK(r.exit_code == 0);
            CHECK(r.out.find(std::string("  accsim ") + cmd + " ") != std::string::npos);
            CHECK(r.out.find("--") != std::string::npos); // its options
            CHECK(r.err.empty());
        }
    }
    // --help-config is still the key table, not the usage.
    auto keys = run_accsim({"run", "--help-config"});
    CHECK(keys.exit_code == 0);
    CHECK(keys.out.find("run.arch") != std::string::npos);
}

TEST_CASE("run --out takes the report's format from the file's extension unless --format says") {
    const std::string json = temp_path(".json"), csv = temp_path(".csv"), txt = temp_path(".json");
    const std::string cfg = source_path("configs/roofline/resnet8.ini");
    REQUIRE(run_accsim({"run", cfg, "--out", json}).exit_code == 0);
    CHECK(nlohmann::json::parse(slurp(json))["summary"]["cycles"].get<double>() > 0);
    REQUIRE(run_accsim({"run", cfg, "--out", csv}).exit_code == 0);
    CHECK(slurp(csv).rfind("section,item,field,value\n", 0) == 0);
    REQUIRE(run_accsim({"run", cfg, "--out", txt, "--format", "text"}).exit_code == 0);
    CHECK(slurp(txt).rfind("accsim ", 0) == 0);
}

TEST_CASE("a sweep draws no progress when stderr is not a terminal") {
    // The progress line (points done, elapsed, ETA) is for a person at a terminal; a log file or
    // a pipe gets nothing but errors.
    auto r = run_accsim(
        {"sweep", source_path("configs/roofline/resnet8.ini"), "--vary", "run.batch=1,2"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
}

TEST_CASE("a study whose plot cannot be drawn fails instead of saying it wrote") {
    // y is a word (the workload's name), which no axis can place: the plot script fails, and so
    // does the study (exit 1, a lost output), naming the PNG it could not write.
    std::string dir = temp_path(".d") + "-noplot";
    std::string study =
        temp_file("[study]\nname = unplottable\n[sweep.main]\nconfig = " + roofline_cfg +
                  "\nvary = roofline.macs_per_cycle=16,64\n"
                  "[plot]\nx = config.roofline.macs_per_cycle\ny = workload.name\n");
    auto r = run_accsim({"study", study, "--out", dir});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(dir + "/unplottable.png: the plot was not drawn") != std::string::npos);
    CHECK(r.out.find("wrote " + dir + "/unplottable.png") == std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("a study's plot names its axes in words with their units") {
    std::string dir = temp_path(".d") + "-labels";
    std::string study =
        temp_file("[study]\nname = labelled\n[sweep.main]\nconfig = " + roofline_cfg +
                  "\nvary = roofline.macs_per_cycle=16,64\n"
                  "[plot]\nx = config.roofline.macs_per_cycle\ny = summary.latency_us\n");
    auto r = run_accsim({"study", study, "--out", dir});
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(slurp(dir + "/labelled.json"));
    CHECK(j["labels"]["summary.latency_us"] == "latency (us)");
    CHECK(j["labels"]["config.roofline.macs_per_cycle"].get<std::string>().rfind(
              "roofline macs per cycle", 0) == 0);
    std::filesystem::remove_all(dir);
}

TEST_CASE("--help-config lists an architecture's keys, a section's, or all of them") {
    auto eie = run_accsim({"run", "--help-config", "eie"});
    REQUIRE(eie.exit_code == 0);
    CHECK(eie.out.find("eie.pes") != std::string::npos);
    CHECK(eie.out.find("run.seed") != std::string::npos);     // read by eie, outside [eie]
    CHECK(eie.out.find("dataflow.pe ") == std::string::npos); // not read by eie
    auto dram = run_accsim({"run", "--help-config", "dram"});
    REQUIRE(dram.exit_code == 0);
    CHECK(dram.out.find("dram.preset") != std::string::npos);
    CHECK(dram.out.find("run.arch") == std::string::npos);
    auto all = run_accsim({"run", "--help-config"});
    CHECK(all.out.size() > eie.out.size());
    auto typo = run_accsim({"run", "--help-config", "dramm"});
    CHECK(typo.exit_code == 2);
    CHECK(typo.err.find("did you mean 'dram'") != std::string::npos);
}
