// FINN folding files (dataflow.folding): FINN's node names mapped onto the workload's layers, the
// published CNV-W1A1 folding used as it is, Defaults by op type, and ram_style.
#include "tests/support.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <string>

using namespace accsim::test;

namespace {

const char* header = "name,op,inputs,in_h,in_w,in_c,out_h,out_w,out_c,kernel_h,kernel_w,stride,"
                     "padding,pool,activation,weight_bits,act_bits,weight_density,act_density,"
                     "skip_path\n";

// Two dense layers 16 -> 8 -> 4 with 1-bit weights, as a FINN design at 1 MHz.
std::string two_dense(const std::string& folding, const std::string& extra = "") {
    std::string trace = header;
    trace += "fc0,dense,,1,1,16,1,1,8,1,1,1,valid,max,relu,1,1,1,1,0\n";
    trace += "fc1,dense,fc0,1,1,8,1,1,4,1,1,1,valid,max,linear,1,1,1,1,0\n";
    return fmt::format("[run]\narch = dataflow\nworkload = {}\nbatch = 3\n[dataflow]\n"
                       "style = finn\nclock_mhz = 1\nfolding = {}\n{}",
                       temp_file(trace, ".csv"), temp_file(folding, ".json"), extra);
}

} // namespace

TEST_CASE("the published CNV-W1A1 folding sets each layer as FINN names it") {
    // configs/dataflow/folding/cnv-w1a1.json is Xilinx/finn-examples' folding of CNV-W1A1.
    auto r = run_accsim({"run", "configs/dataflow/mlperf_cnv_w1a1_pynq-z2.ini", "--set",
                         "run.batch=3", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const auto j = r.json();
    CHECK(j["dataflow"]["folding"] == "folding/cnv-w1a1.json");
    // MatrixVectorActivation_0..8 are the six convs and three dense layers in graph order.
    const struct {
        const char* name;
        int pe, simd;
    } published[] = {{"conv0", 16, 3},  {"conv1", 32, 32}, {"conv2", 16, 32},
                     {"conv3", 16, 32}, {"conv4", 4, 32},  {"conv5", 1, 32},
                     {"fc0", 1, 4},     {"fc1", 1, 8},     {"fc2", 5, 1}};
    for (const auto& p : published) {
        CAPTURE(p.name);
        CHECK(report_layer(j, p.name)["pe"] == p.pe);
        CHECK(report_layer(j, p.name)["simd"] == p.simd);
    }
    // ConvolutionInputGenerator_k: the k-th conv's generator; Thresholding_Batch_0: the input
    // quantizer, PE 1.
    CHECK(report_layer(j, "conv0")["window_simd"] == 3);
    CHECK(report_layer(j, "conv1")["window_simd"] == 32);
    CHECK(report_layer(j, "input_quant")["pe"] == 1);
    // Cycles per image, by hand. input_quant: 1,024 pixels x 3 channels / PE 1 = 3,072.
    CHECK(report_layer(j, "input_quant")["busy_cycles_per_image"] == 3072);
    // conv0: 900 outputs x (64/16)*(27/3) = 36 cycles, and the 124 positions without an output
    // read a pixel of 3 channels at SIMD 3 in 1 cycle: 32,400 + 124 = 32,524.
    CHECK(report_layer(j, "conv0")["busy_cycles_per_image"] == 32524);
    // conv1: 784 outputs x (64/32)*(576/32) = 36 cycles, and 900 - 784 = 116 positions that read
    // 64 channels at generator SIMD 32 in 2 cycles: 28,224 + 232 = 28,456.
    CHECK(report_layer(j, "conv1")["busy_cycles_per_image"] == 28456);
    // fc0 and fc1 are the slowest, (512/1)*(256/4) = (512/1)*(512/8) = 32,768 cycles per image,
    // which is the measured interval.
    CHECK(report_layer(j, "fc0")["busy_cycles_per_image"] == 32768);
    CHECK(report_layer(j, "fc1")["busy_cycles_per_image"] == 32768);
    CHECK(j["summary"]["initiation_interval_cycles"] == 32768);
    CHECK(j["dataflow"]["initiation_interval_measured"] == true);
}

TEST_CASE("a folding file's Defaults set every node of their op types that has no entry") {
    // Defaults PE 2 for the MVAUs and SIMD 4 for all; StreamingFCLayer_Batch_1 (FINN 0.7's name
    // of the same op) sets its own PE. fc0: (8/2)*(16/4) = 16 cycles for its output pixel; fc1:
    // (4/1)*(8/4) = 8.
    auto r = run_accsim({"run",
                         temp_file(two_dense(R"({"Defaults": {"PE": [2, ["MatrixVectorActivation"]],
                                                              "SIMD": [4, "all"]},
                                                 "StreamingFCLayer_Batch_1": {"PE": 1}})")),
                         "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const auto j = r.json();
    CHECK(report_layer(j, "fc0")["pe"] == 2);
    CHECK(report_layer(j, "fc0")["simd"] == 4);
    CHECK(report_layer(j, "fc1")["pe"] == 1);
    CHECK(report_layer(j, "fc1")["simd"] == 4);
    // fc0 reads its one input pixel in a cycle and computes for 16.
    CHECK(report_layer(j, "fc0")["busy_cycles_per_image"] == 16);
    CHECK(report_layer(j, "fc1")["busy_cycles_per_image"] == 8);
}

TEST_CASE("a folding file's ram_style places a layer's weights") {
    // fc0's weights at PE = SIMD = 1: 16*8 = 128 words of 1 bit. auto keeps 128 <= 256 words in
    // LUTRAM; block puts them in one RAMB18 (16K x 1); distributed keeps them in LUTRAM even when
    // lutram_max_depth would send them to BRAM.
    auto bram = [](const std::string& style, const std::string& extra = "") {
        auto r = run_accsim(
            {"run",
             temp_file(two_dense(
                 fmt::format(R"({{"MatrixVectorActivation_0": {{"ram_style": "{}"}}}})", style),
                 extra)),
             "--format", "json"});
        REQUIRE(r.exit_code == 0);
        return report_layer(r.json(), "fc0")["bram18"].get<int>();
    };
    CHECK(bram("auto") == 0);
    CHECK(bram("block") == 1);
    CHECK(bram("distributed") == 0);
    CHECK(bram("auto", "lutram_max_depth = 64\n") == 1);
    CHECK(bram("distributed", "lutram_max_depth = 64\n") == 0);
}

TEST_CASE("FINN's LabelSelect folds the output port: C/PE cycles per pixel") {
    // fc1's output pixel has 4 channels; LabelSelect at PE 1 takes 4 cycles to read it, at PE 4
    // one. The sink reads image 0's only pixel 4 - 1 = 3 cycles later at PE 1.
    auto latency = [](int pe) {
        auto r = run_accsim(
            {"run",
             temp_file(two_dense(fmt::format(R"({{"LabelSelect_Batch_0": {{"PE": {}}}}})", pe),
                                 "pe = 1\nsimd = 1\n")),
             "--format", "json"});
        REQUIRE(r.exit_code == 0);
        return r.json()["summary"]["latency_us"].get<double>();
    };
    CHECK(latency(1) - latency(4) == doctest::Approx(3));
}
