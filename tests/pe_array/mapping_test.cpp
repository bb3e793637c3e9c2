// The array's mappings against hand calculations: SCALE-Sim v2's fold accounting (derived from
// scalesim/compute/systolic_compute_{os,ws,is}.py, see docs/pe_array.md) and the Tailor / cgra4ml
// analytic model (Tailor, ACM TRETS 2024).
#include "arch/pe_array/mapping.hpp"
#include "common/error.hpp"
#include "models/cost/cost_table.hpp"
#include "tests/support.hpp"
#include "workloads/workload.hpp"

#include <doctest/doctest.h>

using namespace accsim;
using namespace accsim::pe_array;

namespace {

// One conv layer as a one-layer graph.
Graph one_conv(Shape in, int kernel, int stride, int out_c, Padding pad) {
    Layer l;
    l.name = "c";
    l.op = Op::conv;
    l.in = in;
    l.kernel_h = l.kernel_w = kernel;
    l.stride = stride;
    l.padding = pad;
    l.out.c = out_c;
    l.out = infer_out(l);
    Graph g;
    g.name = "one";
    g.input = in;
    g.layers.push_back(l);
    return g;
}

ArrayParams array(int rows, int cols, Dataflow d) {
    ArrayParams p;
    p.rows = rows;
    p.cols = cols;
    p.dataflow = d;
    return p;
}

} // namespace

// An 8x8x4 ifmap, 3x3 filters, 10 of them, stride 1, no padding: 6x6 = 36 output pixels, a
// window of 3*3*4 = 36, on a 4 x 4 array.
TEST_CASE("output stationary: folds x (T + rows + cols - 2) - 1 cycles") {
    Graph g = one_conv({8, 8, 4}, 3, 1, 10, Padding::valid);
    LayerPlan p = plan_layer(g, 0, array(4, 4, Dataflow::os), 1);
    // Sr = 36 pixels -> 9 row folds; Sc = 10 filters -> 3 column folds; T = 36.
    CHECK(p.folds == 27);
    CHECK(p.compute_cycles == 27 * (36 + 4 + 4 - 2) - 1); // 1133
    CHECK(p.mapping_efficiency == doctest::Approx(1.0 * 10.0 / 12.0));
    CHECK(p.macs == 36u * 36 * 10);
    // SCALE-Sim's SRAM counts: ifmap col_fold * Sr * T, filter row_fold * Sc * T, ofmap
    // Sr * Sc + folds * (rows + cols).
    CHECK(p.ifmap_sram_reads == 3u * 36 * 36);
    CHECK(p.filter_sram_reads == 9u * 10 * 36);
    CHECK(p.ofmap_sram_writes == 36u * 10 + 27 * 8);
}

TEST_CASE("weight stationary: folds x (2 rows + cols + T - 2) - 1 cycles") {
    Graph g = one_conv({8, 8, 4}, 3, 1, 10, Padding::valid);
    LayerPlan p = plan_layer(g, 0, array(4, 4, Dataflow::ws), 1);
    // Sr = 36 window -> 9 row folds; Sc = 10 filters -> 3; T = 36 pixels.
    CHECK(p.folds == 27);
    CHECK(p.compute_cycles == 27 * (2 * 4 + 4 + 36 - 2) - 1); // 1241
    // Compute Util uses the fold length plus cols - 1: 2R + 2C + T - 3 = 49.
    CHECK(p.compute_utilization == doctest::Approx(10.0 / 12.0 * 36.0 / 49.0));
}

TEST_CASE("input stationary: folds x (2 rows + cols + T - 2) - 1 cycles") {
    Graph g = one_conv({8, 8, 4}, 3, 1, 10, Padding::valid);
    LayerPlan p = plan_layer(g, 0, array(4, 4, Dataflow::is), 1);
    // Sr = 36 window -> 9; Sc = 36 pixels -> 9; T = 10 filters.
    CHECK(p.folds == 81);
    CHECK(p.compute_cycles == 81 * (2 * 4 + 4 + 10 - 2) - 1); // 1619
    CHECK(p.mapping_efficiency == doctest::Approx(1.0));
}

TEST_CASE("SCALE-Sim's output size counts a partial last window") {
    // 230 rows, 7x7 kernel, stride 2: SCALE-Sim takes ceil((230 - 7 + 2) / 2) = 113 rows where
    // 'valid' padding gives 112.
    Graph g = one_conv({230, 230, 3}, 7, 2, 64, Padding::valid);
    ArrayParams a = array(32, 32, Dataflow::os);
    CHECK(plan_layer(g, 0, a, 1).compute_cycles == 2 * 392 * (147 + 62) - 1);
    a.scalesim_ofmap_size = true;
    // 113 x 113 = 12769 pixels -> 400 row folds, 64 filters -> 2.
    CHECK(plan_layer(g, 0, a, 1).compute_cycles == 2 * 400 * (147 + 62) - 1); // 167199
}

TEST_CASE("rda: one conv layer's cycles and DRAM bytes follow the published model") {
    // 14x14x8 -> 14x14x20, 3x3, stride 1, batch XN = 2, on 7 x 96 PEs.
    // XH = 14, XW = 14, L = ceil(14/7) = 2, floor(96/3) = 32 channels per pass -> IT = 1.
    Graph g = one_conv({14, 14, 8}, 3, 1, 20, Padding::same);
    LayerPlan p = plan_layer(g, 0, array(7, 96, Dataflow::rda), 2);
    // clocks = IT * (1 + XN * L * XW * (1 + CI * KH)) = 1 + 2*2*14*25 = 1401
    CHECK(p.compute_cycles == 1401);
    std::uint64_t x = 0, k = 0, y = 0;
    for (const auto& t : p.tiles) {
        x += t.ifmap_bytes;
        k += t.filter_bytes;
        y += t.ofmap_bytes;
    }
    CHECK(x == 1u * 2 * 2 * 14 * 8 * (7 + 7 - 1)); // XB*IT*XN*L*XW*CI*(ROWS+KHmax-1) = 5824
    CHECK(k == 8u * 3 * 96);                       // KB*IT*CI*KH*COLS = 2304
    CHECK(y == 3u * 2 * 2 * 14 * 32 * 7);          // YB*IT*XN*L*XW*floor(COLS/KW)*ROWS
}

TEST_CASE("rda: a dense layer is a 1x1 conv with the batch along the rows") {
    Layer l;
    l.name = "fc";
    l.op = Op::dense;
    l.in = {1, 1, 2048};
    l.out = {1, 1, 1000};
    Graph g;
    g.input = l.in;
    g.layers.push_back(l);
    LayerPlan p = plan_layer(g, 0, array(7, 96, Dataflow::rda), 7);
    // XH = XN = 7, XW = 1, L = 1, IT = ceil(1000 / 96) = 11: 11 * (1 + 1 * 1 * 1 * (1 + 2048)).
    CHECK(p.compute_cycles == 11u * (1 + 2049));
}

TEST_CASE("rda: a kernel wider than the array is an input error naming the layer") {
    Graph g = one_conv({14, 14, 8}, 3, 1, 20, Padding::same);
    CHECK_THROWS_WITH_AS(plan_layer(g, 0, array(7, 2, Dataflow::rda), 1),
                         doctest::Contains("layer 'c'"), InputError);
}

TEST_CASE("a skip tensor that fits the skip buffer is not read back at its add") {
    Graph g = make_builtin("resnet8", SkipMode::keep);
    const int add = g.find("s1_add");
    REQUIRE(add >= 0);
    ArrayParams a = array(32, 32, Dataflow::os);
    auto reads = [&](const LayerPlan& p) {
        std::uint64_t r = 0;
        for (const auto& t : p.tiles) r += t.ifmap_bytes;
        return r;
    };
    // Both operands are 32x32x16 bytes: 16 KiB each.
    a.skip_buffer_bytes = 0;
    CHECK(reads(plan_layer(g, add, a, 1)) == 2 * 16384);
    a.skip_buffer_bytes = 16384;
    CHECK(reads(plan_layer(g, add, a, 1)) == 16384);
    CHECK(plan_layer(g, add, a, 1).skip_layer);
}

TEST_CASE("element-wise layers read their operands at the configured bytes per element") {
    Graph g = make_builtin("resnet8", SkipMode::keep);
    const int add = g.find("s1_add");
    REQUIRE(add >= 0);
    ArrayParams a = array(32, 32, Dataflow::os);
    auto bytes = [&](const LayerPlan& p, bool skip_only) {
        std::uint64_t r = 0;
        for (const auto& t : p.tiles) r += skip_only ? t.skip_read_bytes : t.ifmap_bytes;
        return r;
    };
    // Two 32x32x16 operands: 16,384 elements each, read at 3 bytes (raw array outputs), of which
    // one operand is the skip; the output is still written at the 8-bit activation width.
    a.elementwise_input_bytes = 3;
    LayerPlan p = plan_layer(g, add, a, 1);
    CHECK(bytes(p, false) == 2 * 16384 * 3);
    CHECK(bytes(p, true) == 16384 * 3);
    std::uint64_t written = 0;
    for (const auto& t : p.tiles) written += t.ofmap_bytes;
    CHECK(written == 16384);
    // A skip buffer holds the skip operand only when it fits at that width.
    a.skip_buffer_bytes = 16384 * 3 - 1;
    CHECK(bytes(plan_layer(g, add, a, 1), true) == 16384 * 3);
    a.skip_buffer_bytes = 16384 * 3;
    CHECK(bytes(plan_layer(g, add, a, 1), true) == 0);
}

TEST_CASE("the cost table names the file, line and key of a bad entry") {
    const std::string path =
        accsim::test::temp_file("[action.mac_int8]\nenergy_pj = 0.3\n[unit.pe_int8]\narea = 4\n");
    CHECK_THROWS_WITH_AS(CostTable::load(path),
                         doctest::Contains((path + ":4: unknown key 'area'").c_str()), InputError);
    const std::string ok = accsim::test::temp_file("[action.mac_int8]\nenergy_pj = 0.3\n");
    CHECK(CostTable::load(ok).energy_pj("mac_int8") == doctest::Approx(0.3));
    CHECK_THROWS_WITH_AS(CostTable::load(ok).energy_pj("mac_int4"),
                         doctest::Contains("no [action.mac_int4]"), InputError);
}

TEST_CASE("a depthwise conv runs as one single-channel conv per channel, as SCALE-Sim runs it") {
    // 16 channels of 8x8, 3x3 'same', os on an 8x8 array. Each channel is a GEMM of 64 output
    // pixels x 1 filter over a window of 9: Sr = 64, Sc = 1, T = 9, so 8 row folds of
    // T + R + C - 2 = 23 cycles, and SCALE-Sim's total of folds x L - 1 = 183 per channel.
    Graph g;
    g.name = "dw";
    g.input = {8, 8, 16};
    Layer l;
    l.name = "dw";
    l.op = Op::conv;
    l.in = {8, 8, 16};
    l.out = {8, 8, 16};
    l.kernel_h = l.kernel_w = 3;
    l.groups = 16;
    g.layers.push_back(l);
    ArrayParams p;
    p.rows = p.cols = 8;
    p.dataflow = Dataflow::os;
    const LayerPlan plan = plan_layer(g, 0, p, 1);
    CHECK(plan.compute_cycles == 16 * (8 * 23 - 1));
    CHECK(plan.folds == 16 * 8);
    CHECK(plan.macs == 8 * 8 * 16 * 9);
}
