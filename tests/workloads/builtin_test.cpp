// Built-in workloads against hand counts (layer tables in docs/workloads.md, with their sources).
#include "common/error.hpp"
#include "tests/support.hpp"
#include "workloads/workload.hpp"

#include <doctest/doctest.h>
#include <functional>
#include <sstream>

using namespace accsim;

namespace {

const Layer& layer(const Graph& g, const std::string& name) {
    int i = g.find(name);
    REQUIRE_MESSAGE(i >= 0, "no layer " << name << " in " << g.name);
    return g.layers[i];
}

std::string error_of(const std::function<void()>& f) {
    return test::input_error(f);
}

} // namespace

TEST_CASE("resnet8 keep matches the MLPerf Tiny counts") {
    Graph g = make_builtin("resnet8", SkipMode::keep);
    // 432 + 2*2304 + (4608 + 9216 + 512) + (18432 + 36864 + 2048) + 640
    CHECK(g.weights() == 77360);
    CHECK(g.macs() == 12501632);
    CHECK(g.count(Op::add) == 3);
    CHECK(g.count(Op::conv) == 9);
    CHECK(layer(g, "s2_proj").skip_path);
    CHECK(layer(g, "s3_proj").skip_path);
    CHECK_FALSE(layer(g, "s2_conv1").skip_path);
    // s2_proj: 1x1, stride 2, 16 -> 32 on the output of s1_add.
    const Layer& p = layer(g, "s2_proj");
    CHECK(p.kernel_h == 1);
    CHECK(p.stride == 2);
    CHECK(p.out == Shape{16, 16, 32});
    CHECK(g.layers[p.inputs.at(0)].name == "s1_add");
    // ReLU fused into conv1, each block's first conv and each add; not the second conv.
    CHECK(layer(g, "conv1").activation == Activation::relu);
    CHECK(layer(g, "s1_conv1").activation == Activation::relu);
    CHECK(layer(g, "s1_conv2").activation == Activation::linear);
    CHECK(layer(g, "s1_add").activation == Activation::relu);
    // s1_add adds the identity skip from conv1.
    const Layer& a = layer(g, "s1_add");
    CHECK(g.layers[a.inputs.at(1)].name == "conv1");
    CHECK(layer(g, "fc").weights() == 640);
    CHECK(layer(g, "conv1").weight_bits == 8);
}

TEST_CASE("resnet8 remove drops the adds and projections") {
    Graph g = make_builtin("resnet8", SkipMode::remove);
    CHECK(g.weights() == 74800); // 77,360 - 512 - 2,048
    CHECK(g.macs() == 12239488); // 12,501,632 - 2 * 131,072
    CHECK(g.count(Op::add) == 0);
    CHECK(g.find("s2_proj") < 0);
    CHECK(layer(g, "s1_conv2").activation == Activation::relu); // the add's ReLU survives
    for (const auto& l : g.layers) CHECK(l.inputs.size() <= 1);
}

TEST_CASE("resnet8 shorten has six adds and the same weights and MACs") {
    Graph keep = make_builtin("resnet8", SkipMode::keep);
    Graph g = make_builtin("resnet8", SkipMode::shorten);
    CHECK(g.weights() == keep.weights());
    CHECK(g.macs() == keep.macs());
    CHECK(g.count(Op::add) == 6);
    // Only the stride-2 convs change shape, so only their short skips have projections.
    int proj = 0;
    for (const auto& l : g.layers) proj += l.skip_path;
    CHECK(proj == 2);
    // conv -> add -> relu: the conv is linear, the add carries the ReLU.
    CHECK(layer(g, "s1_conv1").activation == Activation::linear);
    const Layer& a = layer(g, "s1_add1");
    CHECK(a.activation == Activation::relu);
    CHECK(g.layers[a.inputs.at(0)].name == "s1_conv1");
    CHECK(g.layers[a.inputs.at(1)].name == "conv1");
    CHECK(g.layers[layer(g, "s1_add2").inputs.at(1)].name == "s1_add1");
}

TEST_CASE("resnet50 keep matches the Keras shapes") {
    Graph g = make_builtin("resnet50", SkipMode::keep);
    CHECK(g.weights() == 25502912);
    CHECK(g.macs() == 3857973248ULL);
    CHECK(g.count(Op::add) == 16);
    CHECK(g.count(Op::conv) == 53);
    CHECK(layer(g, "conv1_conv").out == Shape{112, 112, 64});
    CHECK(layer(g, "pool1_pool").out == Shape{56, 56, 64});
    // Stage 2's first block: stride 1 but a projection since 64 -> 256 channels.
    CHECK(layer(g, "conv2_block1_0_conv").skip_path);
    CHECK(layer(g, "conv2_block1_1_conv").stride == 1);
    // Stage 3's first block: the stride is on the first 1x1 conv, and on the projection.
    CHECK(layer(g, "conv3_block1_1_conv").stride == 2);
    CHECK(layer(g, "conv3_block1_2_conv").stride == 1);
    CHECK(layer(g, "conv3_block1_0_conv").stride == 2);
    CHECK(layer(g, "conv5_block3_3_conv").out == Shape{7, 7, 2048});
    CHECK(layer(g, "predictions").weights() == 2048 * 1000);
}

TEST_CASE("resnet50 remove and shorten") {
    Graph keep = make_builtin("resnet50", SkipMode::keep);
    Graph rm = make_builtin("resnet50", SkipMode::remove);
    // The four projections: 64*256 + 256*512 + 512*1024 + 1024*2048 weights.
    CHECK(rm.weights() == keep.weights() - (16384 + 131072 + 524288 + 2097152));
    CHECK(rm.count(Op::add) == 0);
    CHECK(rm.count(Op::conv) == 49);
    Graph sh = make_builtin("resnet50", SkipMode::shorten);
    CHECK(sh.count(Op::add) == 48); // three short skips per bottleneck, 16 bottlenecks
    // A projection wherever a conv changes the shape: every block's 1x1 expansion (16), every
    // block's first 1x1 except conv2_block1's (64 -> 64, stride 1).
    int proj = 0;
    for (const auto& l : sh.layers) proj += l.skip_path;
    CHECK(proj == 31);
    CHECK(sh.find("conv2_block1_proj1") < 0);
    CHECK(layer(sh, "conv3_block1_proj1").stride == 2);
    CHECK(layer(sh, "conv2_block1_proj3").out == Shape{56, 56, 256});
}

TEST_CASE("resnet20 matches He et al.") {
    Graph g = make_builtin("resnet20", SkipMode::keep);
    CHECK(g.weights() == 268336);
    CHECK(g.macs() == 40551040);
    CHECK(g.count(Op::conv) == 19);
    CHECK(g.count(Op::add) == 9);
    // Identity shortcuts with zero padding: two downsample layers, no projection weights.
    CHECK(g.count(Op::downsample) == 2);
    const Layer& d = layer(g, "s2_b1_down");
    CHECK(d.skip_path);
    CHECK(d.out == Shape{16, 16, 32});
    CHECK(d.weights() == 0);

    Graph rm = make_builtin("resnet20", SkipMode::remove);
    CHECK(rm.count(Op::downsample) == 0);
    CHECK(rm.count(Op::add) == 0);
    CHECK(rm.weights() == g.weights());
    Graph sh = make_builtin("resnet20", SkipMode::shorten);
    CHECK(sh.count(Op::add) == 18);
    CHECK(sh.count(Op::downsample) == 2);
    CHECK(sh.weights() == g.weights());
    CHECK(sh.macs() == g.macs());
}

TEST_CASE("MittOS and LinnOS predictors") {
    Graph p = make_builtin("mittos_precise_linear", SkipMode::keep);
    CHECK(p.weights() == 583520);
    CHECK(p.count(Op::dense) == 8);
    CHECK(p.layers.front().in == Shape{1, 1, 110});
    CHECK(p.layers.back().out == Shape{1, 1, 1});
    CHECK(p.layers.front().activation == Activation::relu);
    CHECK(p.layers.back().activation == Activation::linear);
    CHECK(p.layers.front().weight_bits == 16);

    Graph c = make_builtin("mittos_good_custom", SkipMode::keep);
    CHECK(c.weights() == 149776);
    CHECK(c.count(Op::dense) == 12);
    CHECK(c.count(Op::sub) == 1);
    CHECK(c.count(Op::add) == 1);
    CHECK(c.count(Op::relu) == 1);
    for (const auto& l : c.layers)
        if (l.op == Op::dense) CHECK(l.activation == Activation::linear);
    Graph cr = make_builtin("mittos_good_custom", SkipMode::remove);
    CHECK(cr.count(Op::add) == 0);
    CHECK(cr.count(Op::sub) == 1); // joins the branches; not a skip
    CHECK(cr.weights() == c.weights());
    Graph cs = make_builtin("mittos_good_custom", SkipMode::shorten);
    CHECK(cs.layers.size() == c.layers.size());
    CHECK(cs.count(Op::add) == 1);

    Graph l = make_builtin("linnos", SkipMode::keep);
    CHECK(l.weights() == 31 * 256 + 256 * 2);
    CHECK(l.count(Op::dense) == 2);
    CHECK(l.layers[0].activation == Activation::relu);
}

TEST_CASE("EIE benchmark layers have Table III sizes and densities") {
    struct Want {
        const char* name;
        int in, out;
        double wd, ad;
    };
    const Want want[] = {
        {"eie_alex6", 9216, 4096, 0.09, 0.351}, {"eie_alex7", 4096, 4096, 0.09, 0.353},
        {"eie_alex8", 4096, 1000, 0.25, 0.375}, {"eie_vgg6", 25088, 4096, 0.04, 0.183},
        {"eie_vgg7", 4096, 4096, 0.04, 0.375},  {"eie_vgg8", 4096, 1000, 0.23, 0.411},
        {"eie_nt_we", 4096, 600, 0.10, 1.0},    {"eie_nt_wd", 600, 8791, 0.11, 1.0},
        {"eie_nt_lstm", 1201, 2400, 0.10, 1.0}};
    for (const auto& w : want) {
        CAPTURE(w.name);
        Graph g = make_builtin(w.name, SkipMode::keep);
        REQUIRE(g.layers.size() == 1);
        const Layer& l = g.layers[0];
        CHECK(l.op == Op::dense);
        CHECK(l.in == Shape{1, 1, w.in});
        CHECK(l.out == Shape{1, 1, w.out});
        CHECK(l.weights() == std::uint64_t(w.in) * w.out);
        CHECK(l.weight_density == doctest::Approx(w.wd));
        CHECK(l.act_density == doctest::Approx(w.ad));
        CHECK(l.weight_bits == 16);
        CHECK(l.act_bits == 16);
    }
}

TEST_CASE("every builtin and skip variant is a valid graph") {
    CHECK(builtin_workloads().size() == 20);
    for (const auto& b : builtin_workloads()) {
        CHECK_FALSE(b.description.empty());
        for (SkipMode s : {SkipMode::keep, SkipMode::remove, SkipMode::shorten}) {
            CAPTURE(b.name);
            CAPTURE(to_string(s));
            Graph g = make_builtin(b.name, s);
            CHECK_NOTHROW(g.validate("test"));
            CHECK(g.outputs().size() == 1);
        }
    }
    // Networks without skips give the same graph in every mode.
    for (const char* n : {"mittos_precise_linear", "linnos", "eie_vgg6"}) {
        Graph k = make_builtin(n, SkipMode::keep), r = make_builtin(n, SkipMode::remove);
        CHECK(r.name == k.name);
        CHECK(r.layers.size() == k.layers.size());
    }
}

TEST_CASE("unknown workload names the closest builtin") {
    std::string msg = error_of([] { make_builtin("resnet9", SkipMode::keep); });
    CHECK(msg.find("unknown workload 'resnet9'") != std::string::npos);
    CHECK(msg.find("did you mean 'resnet8'") != std::string::npos);
    msg = error_of([] { make_builtin("eie_alex", SkipMode::keep); });
    CHECK(msg.find("eie_alex") != std::string::npos);
    msg = error_of([] { make_builtin("zzzzzzzzzzzz", SkipMode::keep); });
    CHECK(msg.find("did you mean") == std::string::npos);
}

TEST_CASE("skip modes parse and print") {
    CHECK(parse_skip("keep") == SkipMode::keep);
    CHECK(parse_skip("remove") == SkipMode::remove);
    CHECK(parse_skip("shorten") == SkipMode::shorten);
    CHECK(std::string(to_string(SkipMode::shorten)) == "shorten");
    std::string msg = error_of([] { parse_skip("shorter"); });
    CHECK(msg.find("'shorter'") != std::string::npos);
    CHECK(msg.find("did you mean 'shorten'") != std::string::npos);
}

TEST_CASE("graph JSON and table carry the totals") {
    Graph g = make_builtin("resnet8", SkipMode::keep);
    auto j = graph_to_json(g);
    CHECK(j["macs"] == 12501632);
    CHECK(j["weights"] == 77360);
    CHECK(j["adds"] == 3);
    REQUIRE(j["layers"].size() == g.layers.size());
    CHECK(j["layers"][0]["name"] == "conv1");
    CHECK(j["layers"][0]["inputs"].empty());
    CHECK(j["layers"][0]["macs"] == 442368);
    CHECK(j["layers"][3]["inputs"][1] == "conv1");
    CHECK(j["input"]["c"] == 3);
    std::ostringstream os;
    print_graph_table(g, os);
    CHECK(os.str().find("s2_proj") != std::string::npos);
    CHECK(os.str().find("77360 weights") != std::string::npos);
    CHECK(os.str().find("12501632 MACs") != std::string::npos);
}

TEST_CASE("the MLPerf Tiny networks have their submissions' layers, MACs and widths") {
    // Borras et al. 2022 (MLPerf Tiny v0.7, hls4ml and FINN); MACs per layer by hand:
    // RN07: 32*32*32*3 + 32*32*4*(16*32) + 32*32*32*(16*4) + 8*8*32*(16*32) + 8*8*32*(16*32)
    //       + 2048*10 = 98,304 + 2,097,152 + 2,097,152 + 1,048,576 + 1,048,576 + 20,480.
    Graph rn07 = make_builtin("mlperf_rn07", SkipMode::keep);
    CHECK(rn07.macs() == 98304 + 2097152 + 2097152 + 1048576 + 1048576 + 20480);
    CHECK(rn07.macs() == 6410240); // the submission's figure
    CHECK(layer(rn07, "conv3").out == Shape{8, 8, 32});
    CHECK(layer(rn07, "dense").in.elements() == 2048);
    // AD08: 64*72 + 72*72 + 72*8 + 8*72 + 72*72 + 72*64, 12-bit weights, 6-bit activations.
    Graph ad08 = make_builtin("mlperf_ad08", SkipMode::keep);
    CHECK(ad08.macs() == 4608 + 5184 + 576 + 576 + 5184 + 4608);
    CHECK(ad08.macs() == 20736);
    CHECK(layer(ad08, "dense2").out.c == 8);
    CHECK(layer(ad08, "dense0").weight_bits == 12);
    CHECK(layer(ad08, "dense0").act_bits == 6);
    // KWS: 490*256 + 256*256 + 256*256 + 256*12; 3-bit, the first layer reads 8-bit input.
    Graph kws = make_builtin("mlperf_kws_w3a3", SkipMode::keep);
    CHECK(kws.macs() == 125440 + 65536 + 65536 + 3072);
    CHECK(kws.macs() == 259584);
    CHECK(layer(kws, "fc0").act_bits == 8);
    CHECK(layer(kws, "fc1").act_bits == 3);
    CHECK(layer(kws, "fc3").weight_bits == 3);
    // CNV: valid 3x3 convs 30x30x64 (from 3), 28x28x64, pool, 12x12x128, 10x10x128, pool,
    // 3x3x256, 1x1x256, then 256-512-512-10: 30*30*64*27 + 28*28*64*576 + 12*12*128*576 +
    // 10*10*128*1152 + 3*3*256*1152 + 256*2304 + 256*512 + 512*512 + 512*10.
    Graph cnv = make_builtin("mlperf_cnv_w1a1", SkipMode::keep);
    CHECK(cnv.macs() ==
          1555200ull + 28901376 + 10616832 + 14745600 + 2654208 + 589824 + 131072 + 262144 + 5120);
    CHECK(cnv.macs() == 59461376);
    CHECK(layer(cnv, "conv5").out == Shape{1, 1, 256});
    CHECK(layer(cnv, "conv0").act_bits == 8);
    CHECK(layer(cnv, "conv1").act_bits == 1);
    CHECK(layer(cnv, "fc2").weight_bits == 1);
    // No skips: the same graph in every mode.
    for (const char* name : {"mlperf_rn07", "mlperf_cnv_w1a1"})
        CHECK(make_builtin(name, SkipMode::remove).layers.size() ==
              make_builtin(name, SkipMode::keep).layers.size());
}
