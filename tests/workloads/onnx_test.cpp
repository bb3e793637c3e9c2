// ONNX and QONNX models in: the fixtures of tests/data/onnx (written by its generate.py), every
// model of Debian's libonnx-testdata, and the same reports as the built-in networks.
#include "arch/dataflow/pipeline.hpp"
#include "common/error.hpp"
#include "tests/support.hpp"
#include "workloads/onnx/onnx.hpp"
#include "workloads/workload.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace accsim;
namespace fs = std::filesystem;

namespace {

std::string fixture(const std::string& name) {
    return test::source_path("tests/data/onnx/" + name);
}

// A report without the fields that name where the workload came from.
nlohmann::json comparable(nlohmann::json j) {
    j.erase("config");
    j["workload"].erase("name");
    return j;
}

} // namespace

TEST_CASE("ResNet-8 with BatchNormalization after every conv imports as the built-in ResNet-8") {
    const Graph g = read_onnx(fixture("resnet8_bn.onnx"));
    const Graph b = make_builtin("resnet8", SkipMode::keep);
    // MLPerf Tiny's ResNet-8: 77,360 weights and 12,501,632 MACs (counted by hand per layer in
    // tests/workloads/builtin_test.cpp); the BatchNormalizations, biases, ReLUs and the flatten
    // of a 1x1 tensor add no layer.
    CHECK(g.macs() == 12501632);
    CHECK(g.weights() == 77360);
    test::check_same_layers(g, b);
}

TEST_CASE("the imported ResNet-8 gives the built-in's report on every architecture") {
    // The dataflow preset names s2_proj1 and s3_proj1, layers of the shortened built-in only; a
    // model file has just its own layers, so those two keys are left out for both runs.
    std::ifstream in(test::source_path("configs/dataflow/resnet8.ini"));
    std::string line, dataflow;
    while (std::getline(in, line))
        if (line.find("proj1") == std::string::npos) dataflow += line + "\n";
    const std::string dataflow_cfg = test::temp_file(dataflow);
    for (const std::string& cfg : {test::source_path("configs/roofline/resnet8.ini"), dataflow_cfg,
                                   test::source_path("configs/pe_array/resnet8.ini")}) {
        CAPTURE(cfg);
        auto run = [&](const std::string& workload) {
            return test::run_accsim({"run", cfg, "--set", "run.workload=" + workload, "--set",
                                     "run.batch=2", "--format", "json"});
        };
        auto a = run("resnet8"), b = run(fixture("resnet8_bn.onnx"));
        REQUIRE(a.exit_code == 0);
        REQUIRE(b.exit_code == 0);
        CHECK(comparable(a.json()) == comparable(b.json()));
    }
    // EIE runs dense layers only: both refuse the first conv by name.
    auto e = test::run_accsim({"run", test::source_path("configs/eie/alex8.ini"), "--set",
                               "run.workload=" + fixture("resnet8_bn.onnx"), "--set",
                               "workload.weight_bits=16", "--set", "workload.act_bits=16"});
    CHECK(e.exit_code == 2);
    CHECK(e.err.find("layer conv1") != std::string::npos);
}

TEST_CASE("QONNX quantizers set the layers' bit widths, and quantized zeros their density") {
    const Graph g = read_onnx(fixture("qonnx_mlp_w4a3.onnx"));
    REQUIRE(g.layers.size() == 2);
    // Quant with bitwidth 4 on both weights; the input through an 8-bit Quant; fc1's
    // MultiThreshold to UINT3 gives fc2 3-bit inputs.
    CHECK(g.layers[0].weight_bits == 4);
    CHECK(g.layers[0].act_bits == 8);
    CHECK(g.layers[1].weight_bits == 4);
    CHECK(g.layers[1].act_bits == 3);
    // Non-zero weights after 4-bit quantization at scale 1/8 (|w| < 1/16 rounds to 0), as numpy
    // counts them in generate.py: 1,909 of 2,048 and 297 of 320.
    CHECK(g.layers[0].weight_density == doctest::Approx(1909.0 / 2048));
    CHECK(g.layers[1].weight_density == doctest::Approx(297.0 / 320));
    // EIE runs on the initializers' values: its measured weight density is theirs.
    auto r = test::run_accsim({"run", test::source_path("configs/eie/alex8.ini"), "--set",
                               "run.workload=" + fixture("qonnx_mlp_w4a3.onnx"), "--set",
                               "workload.weight_bits=16", "--set", "workload.act_bits=16",
                               "--format", "json"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.json()["layers"][0]["weight_density"] == doctest::Approx(1909.0 / 2048));
    // Sixteen 4-bit levels minus zero: the layer's shared weights fit EIE's codebook exactly.
    CHECK(r.json()["layers"][0]["codebook"] == "exact");
}

TEST_CASE("an unsupported op is exit 2 naming the file, the node, its op and what is read") {
    auto r = test::run_accsim({"workloads", "show", fixture("unsupported_op.onnx")});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(fixture("unsupported_op.onnx") + ": node 'mystery_einsum' (Einsum)") !=
          std::string::npos);
    CHECK(r.err.find("accsim reads: Conv, Gemm") != std::string::npos);
    // The same through run.
    r = test::run_accsim({"run", test::source_path("configs/roofline/resnet8.ini"), "--set",
                          "run.workload=" + fixture("unsupported_op.onnx")});
    CHECK(r.exit_code == 2);
}

TEST_CASE("every model of libonnx-testdata imports or is refused with the file named") {
    const fs::path root = "/usr/share/libonnx-testdata/data";
    REQUIRE_MESSAGE(fs::is_directory(root), "install libonnx-testdata (scripts/test does)");
    int imported = 0, refused = 0;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (e.path().filename() != "model.onnx") continue;
        const std::string path = e.path().string();
        CAPTURE(path);
        try {
            Graph g = read_onnx(path);
            g.validate(path); // an imported graph is a consistent one
            ++imported;
        } catch (const InputError& err) {
            const std::string msg = err.what();
            CHECK(msg.rfind(path + ": ", 0) == 0);
            // A node's refusal names the node, its op and what accsim reads instead.
            if (msg.find(": node '") != std::string::npos)
                CHECK(msg.find("accsim reads: Conv") != std::string::npos);
            ++refused;
        }
    }
    // About a thousand models (Debian's 1.12 package has 1,072).
    CHECK(imported + refused > 1000);
    CHECK(imported > 0);
}

TEST_CASE("workloads show and export read any workload file") {
    auto r = test::run_accsim({"workloads", "export", fixture("resnet8_bn.onnx")});
    REQUIRE(r.exit_code == 0);
    std::ostringstream built_in;
    write_trace_csv(make_builtin("resnet8", SkipMode::keep), built_in);
    // The same layers as the built-in: only the name line differs.
    auto body = [](const std::string& csv) { return csv.substr(csv.find('\n')); };
    CHECK(body(r.out) == body(built_in.str()));
    const std::string csv = test::temp_file(r.out, ".csv");
    auto shown = test::run_accsim({"workloads", "show", csv, "--format", "json"});
    REQUIRE(shown.exit_code == 0);
    CHECK(shown.json()["macs"] == 12501632);
    auto missing = test::run_accsim({"workloads", "show", "no_such_model.onnx"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("no_such_model.onnx") != std::string::npos);
}

TEST_CASE("an imported model exported as a CSV trace reads back layer for layer") {
    // Grouped convs (DS-CNN), quantized bit widths (QONNX) and joins (Concat, Mul) all survive.
    for (const char* name : {"resnet8_bn.onnx", "ds_cnn_kws.onnx", "qonnx_mlp_w4a3.onnx",
                             "concat_resize.onnx", "unequal_strides.onnx"}) {
        CAPTURE(name);
        const Graph g = read_onnx(fixture(name));
        std::ostringstream csv;
        write_trace_csv(g, csv);
        test::check_same_layers(read_trace_csv(test::temp_file(csv.str(), ".csv")), g);
    }
}

TEST_CASE("explicit pads walk the padded grid: PyTorch's stride-2 padding of 1 on 32 rows") {
    // A 3x3 stride-2 conv with pads 1:1:1:1 on 32x32: out = (32 + 2 - 3) / 2 + 1 = 16, and the
    // loop walks (1 + 32 + 1)^2 = 1,156 positions, where TensorFlow's 'same' (pads 0:0:1:1)
    // walks 33^2 = 1,089.
    Layer l;
    l.op = Op::conv;
    l.in = {32, 32, 4};
    l.out.c = 8;
    l.kernel_h = l.kernel_w = 3;
    l.stride = 2;
    l.padding = Padding::explicit_pads;
    l.pads[0] = l.pads[1] = l.pads[2] = l.pads[3] = 1;
    CHECK(infer_out(l) == Shape{16, 16, 8});
    l.out = infer_out(l);
    CHECK(dataflow::layer_iterations(l).size() == 34 * 34);
    l.padding = Padding::same;
    CHECK(dataflow::layer_iterations(l).size() == 33 * 33);
    // The CSV carries explicit pads as TOP:LEFT:BOTTOM:RIGHT and reads them back.
    Graph g;
    g.name = "pads";
    g.input = l.in;
    l.name = "conv";
    l.padding = Padding::explicit_pads;
    g.layers.push_back(l);
    std::ostringstream os;
    write_trace_csv(g, os);
    CHECK(os.str().find(",1:1:1:1,") != std::string::npos);
    const Graph back = read_trace_csv(test::temp_file(os.str(), ".csv"));
    CHECK(back.layers[0].padding == Padding::explicit_pads);
    CHECK(back.layers[0].pads[2] == 1);
    CHECK(back.layers[0].out == Shape{16, 16, 8});
}

TEST_CASE("MLPerf Tiny's DS-CNN imports with depthwise convs and runs on every architecture") {
    const Graph g = read_onnx(fixture("ds_cnn_kws.onnx"));
    // By hand: conv1 25x5x64 outputs x 10x4 window = 320,000 MACs (2,560 weights); each of
    // four blocks a depthwise 3x3 (25*5*64*9 = 72,000 MACs, 576 weights) and a pointwise 64->64
    // (25*5*64*64 = 512,000 MACs, 4,096 weights); the dense 64 -> 12 (768).
    CHECK(g.macs() == 320000 + 4 * (72000 + 512000) + 768);
    CHECK(g.weights() == 2560 + 4 * (576 + 4096) + 768);
    const Layer& dw = g.layers[std::size_t(g.find("dw1"))];
    CHECK(dw.depthwise());
    CHECK(dw.groups == 64);
    const std::string dataflow = test::temp_file("[run]\narch = dataflow\n[dataflow]\nstyle = "
                                                 "finn\nfifo_depth = optimized\n");
    for (const std::string& cfg : {test::source_path("configs/roofline/resnet8.ini"),
                                   test::source_path("configs/pe_array/resnet8.ini"), dataflow}) {
        CAPTURE(cfg);
        auto r =
            test::run_accsim({"run", cfg, "--set", "run.workload=" + fixture("ds_cnn_kws.onnx"),
                              "--format", "json"});
        REQUIRE(r.exit_code == 0);
        CHECK(r.json()["workload"]["macs"] == 2656768);
    }
    auto e = test::run_accsim({"run", test::source_path("configs/eie/alex8.ini"), "--set",
                               "run.workload=" + fixture("ds_cnn_kws.onnx"), "--set",
                               "workload.weight_bits=16", "--set", "workload.act_bits=16"});
    CHECK(e.exit_code == 2);
    CHECK(e.err.find("layer conv1") != std::string::npos);
}

TEST_CASE("a window's stride down and stride across import apart") {
    // 12x15x2 input. conv_a 3x3, strides 1 and 2, SAME_UPPER: ceil(12 / 1) x ceil(15 / 2) =
    // 12 x 8, TensorFlow's 'same' (1 row and 1 column each side). pool 2x2, strides 2 and 1:
    // (12 - 2) / 2 + 1 = 6 by (8 - 2) / 1 + 1 = 7. conv_b 2x3, strides 2 and 3, pads 0, 1, 0, 1:
    // (6 - 2) / 2 + 1 = 3 by (7 + 2 - 3) / 3 + 1 = 3, which is also 'same' along each axis.
    const Graph g = read_onnx(fixture("unequal_strides.onnx"));
    REQUIRE(g.layers.size() == 3);
    const Layer &a = g.layers[0], &pool = g.layers[1], &b = g.layers[2];
    CHECK(a.stride == 1);
    CHECK(a.stride_width() == 2);
    CHECK(a.out == Shape{12, 8, 4});
    CHECK(a.padding == Padding::same);
    CHECK(pool.stride == 2);
    CHECK(pool.stride_width() == 1);
    CHECK(pool.out == Shape{6, 7, 4});
    CHECK(pool.padding == Padding::valid);
    CHECK(b.stride == 2);
    CHECK(b.stride_width() == 3);
    CHECK(b.out == Shape{3, 3, 5});
    CHECK(b.padding == Padding::same);
    CHECK(g.macs() == 12ULL * 8 * 4 * 3 * 3 * 2 + 3ULL * 3 * 5 * 2 * 3 * 4);
    // The streaming pipeline and the PE array take it.
    for (const char* arch : {"dataflow", "pe_array", "roofline"}) {
        CAPTURE(arch);
        auto r =
            test::run_accsim({"run", test::temp_file(std::string("[run]\narch = ") + arch + "\n"),
                              "--set", "run.workload=" + fixture("unequal_strides.onnx")});
        CHECK_MESSAGE(r.exit_code == 0, r.err);
    }
}

TEST_CASE("a Pad before a conv is the conv's own padding, and ONNX's shape rule agrees") {
    // Pad adds 1 row and 1 column on each side of an 8x8x2 image (10x10x2, as the model's
    // value_info declares); a 3x3 conv without pads then gives (10 - 3) / 1 + 1 = 8: 8x8x4, and
    // 8 * 8 * 4 outputs of 2 * 3 * 3 MACs each = 4,608 MACs. The Pad is no layer of its own.
    const Graph g = read_onnx(fixture("pad_conv.onnx"));
    REQUIRE(g.layers.size() == 1);
    const Layer& c = g.layers[0];
    CHECK(c.in == Shape{8, 8, 2});
    CHECK(c.out == Shape{8, 8, 4});
    CHECK(c.pad_top() == 1);
    CHECK(c.pad_left() == 1);
    CHECK(c.pad_bottom() == 1);
    CHECK(c.pad_right() == 1);
    CHECK(g.macs() == 4608);
}

TEST_CASE("Concat, Mul, Sigmoid, Resize and Softmax import and stream through the pipeline") {
    const Graph g = read_onnx(fixture("concat_resize.onnx"));
    auto layer = [&](const char* n) { return g.layers[std::size_t(g.find(n))]; };
    CHECK(layer("join").op == Op::concat);
    CHECK(layer("join").out == Shape{16, 16, 16}); // 8 + 8 channels
    CHECK(layer("gate").activation == Activation::sigmoid);
    CHECK(layer("gated").op == Op::mul);
    CHECK(layer("up").out == Shape{32, 32, 4});
    CHECK(layer("probs").activation == Activation::softmax);
    // At hls4ml's default depth (H*W pixels per stream) the two branches into the concat never
    // stall each other for good: the design runs, and its II is the slowest stage's.
    auto r =
        test::run_accsim({"run", test::temp_file("[run]\narch = dataflow\nbatch = 2\n"), "--set",
                          "run.workload=" + fixture("concat_resize.onnx"), "--format", "json"});
    REQUIRE(r.exit_code == 0);
    // With every reuse factor 1 the busiest stages are the upsample (32 x 32 output pixels, one
    // a cycle) and the global pool after it (1,024 input pixels); the 3x3 branch walks only
    // 18 x 18 = 324 padded positions. So the II is 1,024 cycles.
    CHECK(r.json()["summary"]["initiation_interval_cycles"] == 1024);
}

TEST_CASE("accsim reads an ONNX model through its on-demand module as the reader does directly") {
    // The executable does not link libonnx: its first .onnx file loads libaccsim_onnx.so (the
    // same sources this test links). Its run on the model must be the direct reader's graph.
    const Graph g = read_onnx(fixture("ds_cnn_kws.onnx"));
    auto r = accsim::test::run_accsim({"run", "configs/roofline/resnet8.ini", "--set",
                                       "run.workload=" + fixture("ds_cnn_kws.onnx"), "--format",
                                       "json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto j = r.json();
    CHECK(j["workload"]["layers"] == g.layers.size());
    CHECK(j["workload"]["macs"] == g.macs());
    CHECK(j["workload"]["weights"] == g.weights());
    // And an error raised inside the module reaches the user as any input error does.
    auto bad = accsim::test::run_accsim({"workloads", "show", "tests/bad_inputs/files/text.onnx"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("text.onnx") != std::string::npos);
}
