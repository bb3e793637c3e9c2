// Bad input never crashes, hangs or produces numbers: each of these is one clear message naming
// the file, line or key, and exit 2 (a lost report: exit 1).
#include "tests/eie/npy_test.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>
#include <filesystem>

using namespace accsim::test;
namespace fs = std::filesystem;

namespace {

struct Case {
    const char* what;
    std::vector<std::string> args;
    int exit_code;
    std::vector<std::string> says; // each must appear in stderr
};

void check(const Case& c) {
    CAPTURE(c.what);
    auto r = run_accsim(c.args);
    CHECK(r.exit_code == c.exit_code);
    for (const auto& s : c.says) {
        CAPTURE(s);
        CHECK(r.err.find(s) != std::string::npos);
    }
    CHECK(r.out.find("summary") == std::string::npos); // no numbers from bad input
}

const std::string roofline = source_path("configs/roofline/resnet8.ini");
const std::string pe_array = source_path("configs/pe_array/resnet8.ini");
const std::string eie = source_path("configs/eie/alex8.ini");
const std::string dataflow = source_path("configs/dataflow/resnet20_block.ini");

} // namespace

TEST_CASE("numbers outside the range where the models' arithmetic is exact are exit 2") {
    const std::vector<Case> cases{
        // A 1e7 MHz clock has a period below SystemC's 1 ps resolution (it divided by zero).
        {"pe_array clock",
         {"run", pe_array, "--set", "pe_array.clock_mhz=1e7"},
         2,
         {"--set: pe_array.clock_mhz: 1e7 is out of range (0, 1000000]"}},
        {"eie clock", {"run", eie, "--set", "eie.clock_mhz=1e308"}, 2, {"eie.clock_mhz"}},
        {"dram clock", {"run", pe_array, "--set", "dram.clock_mhz=1e9"}, 2, {"dram.clock_mhz"}},
        // 1e16 KiB of SRAM overflowed its byte count into a negative area.
        {"SRAM size",
         {"run", pe_array, "--set", "pe_array.ofmap_sram_kib=1e16"},
         2,
         {"pe_array.ofmap_sram_kib: 1e16 is out of range"}},
        // A bound of 1.25e22 cycles wrapped the 64-bit cycle count.
        {"roofline cycles",
         {"run", roofline, "--set", "roofline.macs_per_cycle=1e-15"},
         2,
         {"beyond 2^62", "roofline.macs_per_cycle (1e-15)"}},
        {"FIFO depth",
         {"run", dataflow, "--set", "dataflow.fifo_depth=4611686018427387904"},
         2,
         {"dataflow.fifo_depth: 4611686018427387904 is out of range"}},
    };
    for (const auto& c : cases) check(c);
}

TEST_CASE("sizes whose products overflow are refused before any arithmetic") {
    const std::string header =
        "name,op,inputs,in_h,in_w,in_c,out_h,out_w,out_c,kernel_h,kernel_w,stride,padding,pool,"
        "activation,weight_bits,act_bits,weight_density,act_density,skip_path\n";
    // A 2^30-cubed tensor: 2^90 elements (the roofline reported 0 MACs).
    const std::string cube =
        temp_file(header + "x,relu,,1073741824,1073741824,1073741824,1073741824,"
                           "1073741824,1073741824,1,1,1,same,max,linear,8,8,1,1,0\n",
                  ".csv");
    // Bit widths beyond 32 (they overflowed the FPGA cost formulas).
    const std::string bits = temp_file(
        header + "fc,dense,,1,1,10,1,1,10,1,1,1,same,max,linear,1073741824,8,1,1,0\n", ".csv");
    // A dense 2^30 -> 2^30 layer: 2^60 weights fit, its LUT count does not (it was negative).
    const std::string dense = temp_file(
        header + "fc,dense,,1,1,1073741824,1,1,1073741824,1,1,1,same,max,linear,8,8,1,1,0\n",
        ".csv");
    const std::string df = temp_file("[run]\narch = dataflow\n");
    const std::vector<Case> cases{
        {"2^90 elements",
         {"run", roofline, "--set", "run.workload=" + cube},
         2,
         {cube + ":2: layer 'x': its sizes multiply to more than 2^62"}},
        {"2^30-bit weights",
         {"run", roofline, "--set", "run.workload=" + bits},
         2,
         {bits + ":2: layer 'fc': bit widths must be from 1 to 32"}},
        {"2^60 weights on an FPGA",
         {"run", df, "--set", "run.workload=" + dense},
         2,
         {"beyond what accsim's cost model counts exactly"}},
    };
    for (const auto& c : cases) check(c);
}

TEST_CASE("files that are not what they claim are exit 2 naming them") {
    const std::string dir = temp_path("_dir");
    fs::remove(dir);
    fs::create_directories(dir);
    // float64 weights beyond float32 (it corrupted memory in the codebook fit).
    const std::string weights = temp_path("_w");
    fs::remove(weights);
    fs::create_directories(weights);
    std::vector<double> fc2(2 * 256, 0.5);
    fc2[7] = 1e39;
    write_npy_bytes(weights + "/fc1.npy", 1, shape_dict("<f8", "(256, 31)"),
                    le_bytes(std::vector<double>(256 * 31, 0.5)));
    write_npy_bytes(weights + "/fc2.npy", 1, shape_dict("<f8", "(2, 256)"), le_bytes(fc2));
    // A .npy whose shape's product wraps 64 bits passed for a small one.
    const std::string wraps = temp_path(".npy");
    write_npy_bytes(wraps, 1, shape_dict("<f4", "(4294967296, 4294967297)"),
                    le_bytes(std::vector<float>(4, 1.0f)));
    const std::vector<Case> cases{
        {"config is a folder", {"run", dir}, 2, {dir + ": not a regular file"}},
        {"config is a device", {"run", "/dev/zero"}, 2, {"/dev/zero: not a regular file"}},
        {"input is a folder",
         {"run", eie, "--set", "run.workload=linnos", "--set", "workload.input=" + dir},
         2,
         {dir + ": not a regular file"}},
        {"weights beyond float32",
         {"run", eie, "--set", "run.workload=linnos", "--set", "workload.weights=" + weights},
         2,
         {weights + "/fc2.npy: layer fc2: element 7 is 1e+39"}},
        {"shape product wraps",
         {"run", eie, "--set", "run.workload=linnos", "--set", "workload.input=" + wraps},
         2,
         {wraps, "its shape needs more than 2^64"}},
    };
    for (const auto& c : cases) check(c);
}

TEST_CASE("an argument no subcommand reads is exit 2, not ignored") {
    const std::vector<Case> cases{
        {"stray scalesim argument",
         {"scalesim", "-c", "a.cfg", "-t", "b.csv", "extra"},
         2,
         {"accsim scalesim: too many positional options"}},
        {"second study file", {"study", "a.ini", "b.ini"}, 2, {"accsim study: too many"}},
        {"second dram config", {"dram", "a.ini", "b.ini"}, 2, {"accsim dram: too many"}},
        {"unknown option of compare",
         {"compare", roofline, "--vary", "run.batch=1,2", "--sweep"},
         2,
         {"accsim compare: unrecognised option '--sweep'"}},
    };
    for (const auto& c : cases) check(c);
}

TEST_CASE("outputs that would land elsewhere or be lost are refused") {
    // SCALE-Sim's run_name may not leave the output folder.
    const std::string cfg = temp_file("[general]\nrun_name = ../../x\n[architecture_presets]\n"
                                      "ArrayHeight: 4\nArrayWidth: 4\nIfmapSramSzkB: 64\n"
                                      "FilterSramSzkB: 64\nOfmapSramSzkB: 64\nDataflow: os\n",
                                      ".cfg");
    const std::string topo =
        temp_file("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                  "Channels, Num Filter, Strides,\nc, 8, 8, 3, 3, 4, 10, 1,\n",
                  ".csv");
    // An array height out of range is blamed on the .cfg line, not on --set.
    const std::string tall = temp_file("[architecture_presets]\nArrayHeight: 1000000\n"
                                       "ArrayWidth: 4\nIfmapSramSzkB: 64\nFilterSramSzkB: 64\n"
                                       "OfmapSramSzkB: 64\nDataflow: os\n",
                                       ".cfg");
    // A study name that is a path wrote nothing and said "wrote".
    const std::string study = temp_file("[study]\nname = sub/dir\n[sweep.a]\nconfig = " + roofline +
                                        "\nvary = roofline.macs_per_cycle=16,32\n");
    // An out-of-range value in a study's vary names the study file and line.
    const std::string vary = temp_file("[study]\nname = v\n[sweep.a]\nconfig = " + roofline +
                                       "\nvary = roofline.clock_mhz=100,1e9\n");
    const std::vector<Case> cases{
        {"run_name leaves -p",
         {"scalesim", "-c", cfg, "-t", topo, "-p", temp_path("_o")},
         2,
         {cfg + ":2: run_name '../../x' must be a plain folder name"}},
        {"ArrayHeight range",
         {"scalesim", "-c", tall, "-t", topo, "-p", temp_path("_o")},
         2,
         {tall + ":2: ArrayHeight: pe_array.rows: 1000000 is out of range"}},
        {"study name is a path",
         {"study", study, "--no-plot", "--out", temp_path("_o")},
         2,
         {study + ":2: name 'sub/dir' must be a plain file name"}},
        {"study vary out of range",
         {"study", vary, "--no-plot", "--out", temp_path("_o")},
         2,
         {vary + ":5: roofline.clock_mhz: 1e9 is out of range"}},
        // A report that cannot reach its file is a failure (exit 1), not a silent loss.
        {"--out /dev/full",
         {"run", roofline, "--out", "/dev/full"},
         1,
         {"--out /dev/full: writing the report failed"}},
    };
    for (const auto& c : cases) check(c);
}

TEST_CASE("names and texts that are not valid UTF-8 are exit 2 naming the file and line") {
    const std::string study = temp_file("[study]\nname = s\ntitle = bad \xff\xfe title\n");
    const std::string csv = temp_file(
        "name,op,inputs,in_h,in_w,in_c,out_h,out_w,out_c,kernel_h,kernel_w,stride,padding,pool,"
        "activation,weight_bits,act_bits,weight_density,act_density,skip_path\n"
        "fc\xc3\x28,dense,,1,1,10,1,1,10,1,1,1,same,max,linear,8,8,1,1,0\n",
        ".csv");
    const std::vector<Case> cases{
        {"study title", {"study", study, "--no-plot"}, 2, {study + ":3: not valid UTF-8"}},
        {"layer name", {"workloads", "show", csv}, 2, {csv + ":2: layer 0: its name is not valid"}},
    };
    for (const auto& c : cases) check(c);
}
