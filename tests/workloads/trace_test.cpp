// The native CSV trace format, SCALE-Sim topologies, and the committed traces under
// workloads/traces/.
#include "common/error.hpp"
#include "tests/support.hpp"
#include "workloads/workload.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

using namespace accsim;

namespace {

std::string error_of(const std::function<void()>& f) {
    return test::input_error(f);
}

void check_same(const Graph& a, const Graph& b) {
    CHECK(a.name == b.name);
    test::check_same_layers(a, b);
}

std::string csv_of(const Graph& g) {
    std::ostringstream os;
    write_trace_csv(g, os);
    return os.str();
}

const char* header = "name,op,inputs,in_h,in_w,in_c,out_h,out_w,out_c,kernel_h,kernel_w,stride,"
                     "padding,pool,activation,weight_bits,act_bits,weight_density,act_density,"
                     "skip_path\n";

// A two-layer trace with a bad row appended as line 5 (lines: name, header, conv, dense, bad).
std::string trace_with(const std::string& bad_row) {
    return std::string("# name: tiny\n") + header +
           "c1,conv,,8,8,3,8,8,4,3,3,1,same,max,relu,8,8,1,1,0\n"
           "fc,dense,c1,8,8,4,1,1,10,1,1,1,same,max,linear,8,8,0.5,1,0\n" +
           bad_row + "\n";
}

} // namespace

TEST_CASE("CSV trace round trip keeps every field") {
    for (const char* name : {"resnet8", "resnet20", "resnet50", "mittos_good_custom", "eie_alex6"})
        for (SkipMode s : {SkipMode::keep, SkipMode::remove, SkipMode::shorten}) {
            CAPTURE(name);
            CAPTURE(to_string(s));
            Graph g = make_builtin(name, s);
            g.layers[0].weight_density = 0.1; // a density that is not exact in binary
            g.layers[0].act_density = 1.0 / 3;
            std::string path = test::temp_file(csv_of(g), ".csv");
            check_same(read_trace_csv(path), g);
        }
}

TEST_CASE("CSV trace with blank optional columns takes the defaults") {
    std::string path = test::temp_file(std::string("# a comment, not a name\n") + header +
                                           "c1,conv,,8,8,3,8,8,4,3,3,,,,,,,,,\n"
                                           "\n"
                                           "p,global_pool,c1,8,8,4,1,1,4,,,,,avg,,,,,,\n",
                                       ".csv");
    Graph g = read_trace_csv(path);
    CHECK(g.name == std::filesystem::path(path).stem().string());
    REQUIRE(g.layers.size() == 2);
    CHECK(g.input == Shape{8, 8, 3});
    CHECK(g.layers[0].stride == 1);
    CHECK(g.layers[0].weight_bits == 8);
    CHECK(g.layers[0].weight_density == 1.0);
    CHECK(g.layers[0].activation == Activation::linear);
    CHECK(g.layers[1].pool == PoolKind::avg);
    CHECK(g.layers[1].inputs == std::vector<int>{0});
    CHECK(g.macs() == 8 * 8 * 4 * 27);
}

TEST_CASE("CSV trace errors name file, line and column") {
    struct Case {
        std::string row;
        std::string want;
    };
    const Case cases[] = {
        {"x,conv,fc,1,1,10", "expected 20 columns, found 6"},
        {"x,convolution,fc,1,1,10,1,1,4,1,1,1,same,max,linear,8,8,1,1,0",
         "column 'op': 'convolution' is not one of"},
        {"x,dense,fc,1,1,ten,1,1,4,1,1,1,same,max,linear,8,8,1,1,0",
         "column 'in_c': 'ten' is not an integer"},
        {"x,dense,fc,1,1,10,1,1,-4,1,1,1,same,max,linear,8,8,1,1,0",
         "column 'out_c': -4 must be a positive integer"},
        {"x,dense,fcc,1,1,10,1,1,4,1,1,1,same,max,linear,8,8,1,1,0",
         "column 'inputs': unknown layer 'fcc'"},
        {"x,dense,fc,1,1,10,1,1,4,1,1,1,same,max,linear,8,8,1.5,1,0",
         "column 'weight_density': 1.5 is not in (0, 1]"},
        {"x,dense,fc,1,1,10,1,1,4,1,1,1,same,max,linear,8,8,1,1,maybe", "column 'skip_path'"},
        {"x,dense,fc,1,1,10,1,1,4,1,1,1,same,max,swish,8,8,1,1,0", "column 'activation'"},
        // tanh is a word, but not one that fuses into a dense layer
        {"x,dense,fc,1,1,10,1,1,4,1,1,1,same,max,tanh,8,8,1,1,0",
         "tanh runs as an activation layer of its own"},
        // Shapes that do not follow: a 3x3 'same' conv on 8x8 cannot give 4x4.
        {"x,conv,c1,8,8,4,4,4,4,3,3,1,same,max,linear,8,8,1,1,0",
         "layer 'x': output 4x4x4 does not follow"},
        // Reads c1 (8x8x4) but says its input is 8x8x5.
        {"x,relu,c1,8,8,5,8,8,5,1,1,1,same,max,linear,8,8,1,1,0", "input 'c1' is 8x8x4"},
        {"fc,relu,c1,8,8,4,8,8,4,1,1,1,same,max,linear,8,8,1,1,0", "name used twice"},
        {"x,add,fc,1,1,10,1,1,10,1,1,1,same,max,linear,8,8,1,1,0", "add takes 2 input(s), has 1"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.row);
        std::string path = test::temp_file(trace_with(c.row), ".csv");
        std::string msg = error_of([&] { read_trace_csv(path); });
        CHECK(msg.find(path + ":5: ") == 0);
        CHECK(msg.find(c.want) != std::string::npos);
    }
    // The closest layer name is suggested for a typo in inputs.
    std::string path = test::temp_file(trace_with("x,relu,c2,8,8,4,8,8,4,,,,,,,,,,,"), ".csv");
    CHECK(error_of([&] { read_trace_csv(path); }).find("did you mean 'c1'") != std::string::npos);

    // Header problems name line 2 (after the name comment).
    std::string bad_header = std::string(header);
    bad_header.replace(bad_header.find("stride"), 6, "strides");
    path = test::temp_file("# name: t\n" + bad_header, ".csv");
    std::string msg = error_of([&] { read_trace_csv(path); });
    CHECK(msg.find(path + ":2: column 'strides': unknown column") == 0);
    CHECK(msg.find("did you mean 'stride'") != std::string::npos);

    msg = error_of([] { read_trace_csv("/nonexistent/trace.csv"); });
    CHECK(msg.find("/nonexistent/trace.csv: cannot open") == 0);
    path = test::temp_file(std::string(header), ".csv");
    CHECK(error_of([&] { read_trace_csv(path); }).find("no layers") != std::string::npos);
}

TEST_CASE("SCALE-Sim topology: valid convs, trailing commas") {
    // Hand counts: conv1 (224-11)/4+1 = 54; conv2 (54-5)/1+1 = 50; fc as a 1x1 conv on 1x1.
    std::string path = test::temp_file(
        "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
        "Strides,\n"
        "Conv1, 224, 224, 11, 11, 3, 96, 4,\n"
        "Conv2, 54, 54, 5, 5, 96, 256, 1,\n"
        "\n"
        "FC, 1, 1, 1, 1, 4096, 1000, 1,\n",
        ".csv");
    Graph g = read_scalesim_topology(path);
    REQUIRE(g.layers.size() == 3);
    CHECK(g.layers[0].name == "Conv1");
    CHECK(g.layers[0].out == Shape{54, 54, 96});
    CHECK(g.layers[0].padding == Padding::valid);
    CHECK(g.layers[0].inputs.empty());
    CHECK(g.layers[1].inputs.empty()); // every row reads from memory
    CHECK(g.layers[1].out == Shape{50, 50, 256});
    CHECK(g.layers[0].weight_bits == 8);
    CHECK(g.input == Shape{224, 224, 3});
    CHECK(g.macs() ==
          54ULL * 54 * 96 * 11 * 11 * 3 + 50ULL * 50 * 256 * 5 * 5 * 96 + 4096ULL * 1000);
    CHECK(g.weights() == 11ULL * 11 * 3 * 96 + 5ULL * 5 * 96 * 256 + 4096ULL * 1000);
}

TEST_CASE("SCALE-Sim topology: a stride along the width of its own, kept in accsim's CSV") {
    // topology_utils.py reads a ninth column as the stride along the width. 8x8 ifmap, 3x3
    // filter, strides 1 (height) and 2 (width): (8 - 3) / 1 + 1 = 6 rows, (8 - 3) / 2 + 1 = 3
    // columns; 6 x 3 x 3 x 3 x 4 x 10 MACs.
    const std::string path = test::temp_file(
        "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
        "Stride Height, Stride Width,\nc, 8, 8, 3, 3, 4, 10, 1, 2,\nd, 8, 8, 3, 3, 4, 10, 2, 2,\n",
        ".csv");
    const Graph g = read_scalesim_topology(path);
    REQUIRE(g.layers.size() == 2);
    CHECK(g.layers[0].stride == 1);
    CHECK(g.layers[0].stride_width() == 2);
    CHECK(g.layers[0].out == Shape{6, 3, 10});
    CHECK(g.macs() == 6ULL * 3 * 3 * 3 * 4 * 10 + 3ULL * 3 * 3 * 3 * 4 * 10);
    CHECK(g.layers[1].stride_width() == 2);
    // Written with a stride_w column (empty where the strides agree) and read back the same.
    std::ostringstream os;
    write_trace_csv(g, os);
    CHECK(os.str().find(",stride_w\n") != std::string::npos);
    const Graph back = read_trace_csv(test::temp_file(os.str(), ".csv"));
    CHECK(back.layers[0].stride == 1);
    CHECK(back.layers[0].stride_width() == 2);
    CHECK(back.layers[0].out == Shape{6, 3, 10});
    CHECK(back.layers[1].stride == 2);
    CHECK(back.layers[1].stride_width() == 2);
    // Shown as height x width where they differ.
    std::ostringstream table;
    print_graph_table(g, table);
    CHECK(table.str().find("3x3/1x2 v") != std::string::npos);
    CHECK(table.str().find("3x3/2 v") != std::string::npos);
    CHECK(graph_to_json(g)["layers"][0]["stride_w"] == 2);
    CHECK(!graph_to_json(g)["layers"][1].contains("stride_w"));
    // A width stride on a layer without a window is refused.
    Graph bad = g;
    bad.layers[0].op = Op::dense;
    CHECK(error_of([&] { bad.validate("here"); }).find("stride along the width") !=
          std::string::npos);
}

TEST_CASE("SCALE-Sim topology errors name file and line") {
    const std::string head = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                             "Channels, Num Filter, Strides,\n";
    std::string path = test::temp_file(head + "Conv1, 224, 224, 11, 11, 3, 96,\n", ".csv");
    CHECK(error_of([&] { read_scalesim_topology(path); }).find(path + ":2: expected 8 columns") ==
          0);
    path = test::temp_file(
        head + "Conv1, 224, 224, 11, 11, 3, 96, 4,\nConv2, 54, x, 5, 5, 96, 256, 1,\n", ".csv");
    std::string msg = error_of([&] { read_scalesim_topology(path); });
    CHECK(msg.find(path + ":3: column 'IFMAP Width': 'x'") == 0);
    path = test::temp_file(head + "Conv1, 4, 4, 5, 5, 3, 8, 1,\n", ".csv");
    CHECK(error_of([&] { read_scalesim_topology(path); }).find(path + ":2: filter 5x5 is larger") ==
          0);
    path = test::temp_file("conv, 1, 2\n", ".csv");
    CHECK(error_of([&] {
              read_scalesim_topology(path);
          }).find(path + ":1: expected the SCALE-Sim header") == 0);
    // SCALE-Sim drops each row's last piece (row.split(',')[:-1]): without the closing comma a
    // row would lose its stride (8 values), its stride width (9: SCALE-Sim would take the
    // height's) or a GEMM's K. Two closing commas leave an empty value, which it cannot read.
    path = test::temp_file(head + "Conv1, 224, 224, 11, 11, 3, 96, 4\n", ".csv");
    msg = error_of([&] { read_scalesim_topology(path); });
    CHECK(msg.find(path + ":2: the row does not end with a comma") == 0);
    CHECK(msg.find("'Strides' (4)") != std::string::npos);
    path = test::temp_file("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                           "Channels, Num Filter, Stride Height, Stride Width,\n"
                           "c, 8, 8, 3, 3, 4, 10, 1, 2\n",
                           ".csv");
    CHECK(error_of([&] { read_scalesim_topology(path); }).find("'Stride Width' (2)") !=
          std::string::npos);
    path = test::temp_file("Layer, M, N, K,\ng, 8, 10, 36\n", ".csv");
    CHECK(error_of([&] { read_scalesim_topology(path); }).find("'K' (36)") != std::string::npos);
    path = test::temp_file(head + "Conv1, 224, 224, 11, 11, 3, 96, 4,,\n", ".csv");
    CHECK(error_of([&] {
              read_scalesim_topology(path);
          }).find(path + ":2: column 'Stride Width': ''") == 0);
    // A piece beyond the values read is dropped as SCALE-Sim drops it: M, N, K = 8, 10, 36.
    path = test::temp_file("Layer, M, N, K,\ng, 8, 10, 36, 5\n", ".csv");
    const Graph g = read_scalesim_topology(path);
    REQUIRE(g.layers.size() == 1);
    CHECK(g.layers[0].in == Shape{8, 36, 1});
    CHECK(g.layers[0].out.c == 10);
}

TEST_CASE("committed traces read back to their generators' totals") {
    int files = 0;
    for (const auto& b : builtin_workloads()) {
        std::string keep_text;
        for (SkipMode s : {SkipMode::keep, SkipMode::remove, SkipMode::shorten}) {
            CAPTURE(b.name);
            CAPTURE(to_string(s));
            Graph g = make_builtin(b.name, s);
            std::string text = csv_of(g);
            if (s == SkipMode::keep)
                keep_text = text;
            else if (text == keep_text)
                continue; // no variant file when the mode changes nothing
            std::string file = "workloads/traces/" + b.name +
                               (s == SkipMode::keep ? "" : std::string("-") + to_string(s)) +
                               ".csv";
            CAPTURE(file);
            Graph t = read_trace_csv(test::source_path(file));
            ++files;
            CHECK(t.name == g.name);
            CHECK(t.layers.size() == g.layers.size());
            CHECK(t.weights() == g.weights());
            CHECK(t.macs() == g.macs());
            CHECK(t.count(Op::add) == g.count(Op::add));
            CHECK(csv_of(t) == text);
        }
    }
    CHECK(files == 29); // 20 builtins, 4 ResNets x 2 variants, mittos_good_custom-remove
}
