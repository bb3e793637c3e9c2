// dataflow.target_fps: FINN's SetFolding (finn/transformation/fpgadataflow/set_folding.py) on
// accsim's graph, checked against folds worked out by hand with FINN's algorithm.
#include "arch/dataflow/pipeline.hpp"
#include "arch/dataflow/set_folding.hpp"
#include "tests/support.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <string>

using namespace accsim::test;

TEST_CASE("the sliding window takes the stride along the width as FINN does") {
    // 8x8x4 input, 3x3 kernel, 'valid', strides 1 (height) and 2 (width): 6 x 3 outputs.
    accsim::Layer l;
    l.name = "c";
    l.op = accsim::Op::conv;
    l.in = {8, 8, 4};
    l.kernel_h = l.kernel_w = 3;
    l.stride = 1;
    l.stride_w = 2;
    l.padding = accsim::Padding::valid;
    l.out.c = 10;
    l.out = accsim::infer_out(l);
    REQUIRE(l.out == accsim::Shape{6, 3, 10});
    // ConvolutionInputGenerator.get_exp_cycles with SIMD = 4 (one fold): write block
    // OFMDim_w x k_w x k_h = 3 x 3 x 3 = 27, read block stride_w x IFMDim_w = 2 x 8 = 16;
    // 8 x 3 + 6 x max(27, 16) = 186.
    CHECK(accsim::dataflow::window_exp_cycles(l, 4) == 186);
    // The line buffer writes an output at each of the 6 x 3 window positions, reading the
    // 8 x 8 pixels once each.
    const auto it = accsim::dataflow::layer_iterations(l);
    REQUIRE(it.size() == 64);
    CHECK(std::count_if(it.begin(), it.end(),
                        [](std::uint8_t f) { return f & accsim::dataflow::writes_output; }) == 18);
    // Output (y, x) = (0, 1) completes at input row 2, column 2 + 2 = 4, not at column 3.
    CHECK((it[2 * 8 + 4] & accsim::dataflow::writes_output) != 0);
    CHECK((it[2 * 8 + 3] & accsim::dataflow::writes_output) == 0);
}

TEST_CASE("SetFolding folds KWS-W3A3 for 200,000 inferences/s as FINN does") {
    // Target: 100 MHz / 200,000 = 500 cycles. An MVAU first grows SIMD over MW's divisors while
    // SIMD x 3 weight bits <= 36 (up to 10 of 490's divisors 1, 2, 5, 7, 10, 14: 14 x 3 = 42 is
    // too wide; up to 8 of 256's), then PE over MH's divisors until (MH/PE)*(MW/SIMD) < 500:
    // fc0 256 x 49 / PE < 500 -> PE 32 (392); fc1, fc2 256 x 32 / PE < 500 -> PE 32 (256); fc3
    // 12 x 32 = 384 < 500 at PE 1.
    auto r =
        run_accsim({"run", "configs/dataflow/mlperf_kws_w3a3_pynq-z2.ini", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const auto j = r.json();
    const struct {
        const char* name;
        int pe, simd;
    } want[] = {{"fc0", 32, 10}, {"fc1", 32, 8}, {"fc2", 32, 8}, {"fc3", 1, 8}};
    for (const auto& w : want) {
        CAPTURE(w.name);
        CHECK(report_layer(j, w.name)["pe"] == w.pe);
        CHECK(report_layer(j, w.name)["simd"] == w.simd);
    }
    CHECK(j["dataflow"]["set_folding"]["target_cycles_per_frame"] == 500);
    CHECK(j["dataflow"]["set_folding"]["max_cycles_per_frame"] == 392);
    CHECK(j["dataflow"]["set_folding"]["relaxed"] == false);
}

TEST_CASE("SetFolding relaxes an unreachable target to what the slowest node reaches") {
    // One 3x3 'same' conv of an 8x8x4 input into 8 channels, 8-bit weights, at 1 MHz and 10^6
    // frames/s: 1 cycle per frame cannot be met. First pass: SIMD 4 (6 x 8 bits > 36), PE 8:
    // (8/8)*(36/4)*64 = 576 cycles; the window generator at SIMD 4 on the 10x10 padded input:
    // 10*3*1 + 8 * max(8*9*1, 1*10*1) = 606, the slowest node. Second pass at 606: the MVAU
    // again reaches PE 8 (576 < 606); the generator's 606 is not under 606, so SIMD stays at
    // its largest, 4.
    const std::string trace = temp_file(
        "name,op,inputs,in_h,in_w,in_c,out_h,out_w,out_c,kernel_h,kernel_w,stride,padding,pool,"
        "activation,weight_bits,act_bits,weight_density,act_density,skip_path\n"
        "conv,conv,,8,8,4,8,8,8,3,3,1,same,max,relu,8,8,1,1,0\n",
        ".csv");
    const std::string cfg = temp_file("[run]\narch = dataflow\nworkload = " + trace +
                                      "\nbatch = 2\n[dataflow]\nstyle = finn\nclock_mhz = 1\n"
                                      "target_fps = 1000000\n");
    auto r = run_accsim({"run", cfg, "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const auto j = r.json();
    CHECK(j["dataflow"]["set_folding"]["relaxed"] == true);
    CHECK(j["dataflow"]["set_folding"]["target_cycles_per_frame"] == 606);
    CHECK(j["dataflow"]["set_folding"]["max_cycles_per_frame"] == 606);
    CHECK(report_layer(j, "conv")["pe"] == 8);
    CHECK(report_layer(j, "conv")["simd"] == 4);
    CHECK(report_layer(j, "conv")["window_simd"] == 4);
    // Without relaxation the first pass stands (the same folds here: both passes max out).
    auto once = run_accsim(
        {"run", cfg, "--set", "dataflow.folding_two_pass_relaxation=false", "--format", "json"});
    REQUIRE(once.exit_code == 0);
    CHECK(once.json()["dataflow"]["set_folding"]["relaxed"] == false);
    CHECK(once.json()["dataflow"]["set_folding"]["target_cycles_per_frame"] == 1);
}

TEST_CASE("a folding file overrides SetFolding, as FINN applies it after") {
    auto r = run_accsim({"run", "configs/dataflow/mlperf_cnv_w1a1_pynq-z2.ini", "--set",
                         "dataflow.target_fps=1000", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const auto j = r.json();
    // Every MVAU has an entry in the published folding: its values stand.
    CHECK(report_layer(j, "conv1")["pe"] == 32);
    CHECK(report_layer(j, "conv1")["simd"] == 32);
    CHECK(report_layer(j, "fc2")["pe"] == 5);
}
