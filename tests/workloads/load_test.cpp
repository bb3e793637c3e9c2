// load_workload: run.workload / run.skip and the [workload] overrides, from an INI file.
#include "common/error.hpp"
#include "tests/support.hpp"
#include "workloads/workload.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <sstream>

using namespace accsim;

namespace {

// run.workload and run.skip belong to sim; tests register them as sim does.
struct Setup {
    OptionRegistry reg;
    Setup() {
        reg.add("run.workload", OptType::string, "resnet8", "", "workload");
        reg.add("run.skip", OptType::string, "keep", "", "skip mode");
        register_workload_options(reg);
    }
    Graph load(const std::string& ini, const std::string& dir = "") {
        std::string path = dir.empty() ? test::temp_file(ini, ".ini") : dir + "/test.ini";
        if (!dir.empty()) std::ofstream(path) << ini;
        return load_workload(load_config(reg, path));
    }
    std::string error(const std::string& ini) {
        return test::input_error([&] { load(ini); });
    }
};

std::string csv_of(const Graph& g) {
    std::ostringstream os;
    write_trace_csv(g, os);
    return os.str();
}

} // namespace

TEST_CASE("load_workload defaults to resnet8 keep") {
    Setup s;
    Graph g = s.load("[run]\n");
    CHECK(g.name == "resnet8");
    CHECK(g.weights() == 77360);
    g = s.load("[run]\nworkload = resnet8\nskip = remove\n");
    CHECK(g.weights() == 74800);
    CHECK(g.name == "resnet8-remove");
}

TEST_CASE("[workload] sparsity overrides every weight density") {
    Setup s;
    Graph g = s.load("[run]\nworkload = eie_alex6\n[workload]\nsparsity = 0.95\n");
    CHECK(g.layers[0].weight_density == doctest::Approx(0.05));
    CHECK(g.layers[0].act_density == doctest::Approx(0.351)); // untouched: builtin
    g = s.load("[run]\nworkload = resnet8\n[workload]\nsparsity = 0.5\nact_density = 0.25\n"
               "weight_bits = 4\nact_bits = 6\n");
    for (const auto& l : g.layers) {
        CAPTURE(l.name);
        CHECK(l.weight_bits == 4);
        CHECK(l.act_bits == 6);
        if (l.has_weights()) {
            CHECK(l.weight_density == doctest::Approx(0.5));
            CHECK(l.act_density == doctest::Approx(0.25));
        } else {
            CHECK(l.weight_density == 1.0);
        }
    }
    // Without overrides the builtin densities stay.
    g = s.load("[run]\nworkload = eie_vgg6\n[workload]\nact_density = computed\n");
    CHECK(g.layers[0].weight_density == doctest::Approx(0.04));
    CHECK(g.layers[0].act_density == doctest::Approx(0.183));
}

TEST_CASE("[workload] option ranges are checked") {
    Setup s;
    CHECK(s.error("[workload]\nsparsity = 1.5\n").find("out of range") != std::string::npos);
    CHECK(s.error("[workload]\nsparsity = 1\n").find("below 1") != std::string::npos);
    CHECK(s.error("[workload]\nact_density = 0\n").find("out of range") != std::string::npos);
    CHECK(s.error("[workload]\nact_density = 1.01\n").find("out of range") != std::string::npos);
    CHECK(s.error("[workload]\nweight_bits = 33\n").find("out of range") != std::string::npos);
    CHECK(s.error("[workload]\nact_bits = wide\n").find("act_bits") != std::string::npos);
}

TEST_CASE("load_workload reports an unknown workload with its origin") {
    Setup s;
    std::string msg = s.error("[run]\nworkload = resnet9\n");
    CHECK(msg.find(".ini:2: run.workload: unknown workload 'resnet9'") != std::string::npos);
    CHECK(msg.find("did you mean 'resnet8'") != std::string::npos);
    msg = s.error("[run]\nskip = shortn\n");
    CHECK(msg.find(".ini:2: run.skip: unknown skip mode 'shortn'") != std::string::npos);
}

TEST_CASE("load_workload reads traces relative to the config file") {
    namespace fs = std::filesystem;
    Setup s;
    fs::path dir = fs::path(test::temp_path("")).string() + ".d";
    fs::create_directories(dir / "traces");
    std::ofstream(dir / "traces" / "net.csv") << csv_of(make_builtin("resnet8", SkipMode::keep));
    std::ofstream(dir / "traces" / "topo.csv")
        << "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
           "Num Filter, Strides,\nc1, 10, 10, 3, 3, 2, 4, 1,\n";

    Graph g = s.load("[run]\nworkload = traces/net.csv\n", dir.string());
    CHECK(g.weights() == 77360);
    CHECK(g.count(Op::add) == 3);

    g = s.load("[run]\nworkload = traces/topo.csv\n", dir.string());
    REQUIRE(g.layers.size() == 1);
    CHECK(g.layers[0].out == Shape{8, 8, 4});

    // remove on a file finds the skips from the graph alone and matches the generator's remove.
    g = s.load("[run]\nworkload = traces/net.csv\nskip = remove\n[workload]\nsparsity = 0.5\n",
               dir.string());
    Graph want = make_builtin("resnet8", SkipMode::remove);
    CHECK(g.weights() == 74800);
    CHECK(g.macs() == 12239488);
    CHECK(g.count(Op::add) == 0);
    CHECK(g.layers.size() == want.layers.size());
    CHECK(g.name == "resnet8-remove"); // from the trace's "# name:" line
    CHECK(g.layers[g.find("s1_conv2")].activation == Activation::relu);
    CHECK(g.layers[g.find("s1_conv1")].weight_density == doctest::Approx(0.5));

    // resnet20's downsample layers sit on the skip path and go with their adds.
    std::ofstream(dir / "traces" / "r20.csv") << csv_of(make_builtin("resnet20", SkipMode::keep));
    g = s.load("[run]\nworkload = traces/r20.csv\nskip = remove\n", dir.string());
    Graph r20 = make_builtin("resnet20", SkipMode::remove);
    CHECK(g.count(Op::downsample) == 0);
    CHECK(g.layers.size() == r20.layers.size());

    // mittos_good_custom: the sub joining the branches stays, the add with x goes, and its
    // consumer (the relu layer) reads the sub.
    std::ofstream(dir / "traces" / "gc.csv")
        << csv_of(make_builtin("mittos_good_custom", SkipMode::keep));
    g = s.load("[run]\nworkload = traces/gc.csv\nskip = remove\n", dir.string());
    CHECK(g.count(Op::sub) == 1);
    CHECK(g.count(Op::add) == 0);
    CHECK(g.layers[g.layers[g.find("relu")].inputs.at(0)].name == "sub");

    std::string ini = (dir / "short.ini").string();
    std::ofstream(ini) << "[run]\nworkload = traces/net.csv\nskip = shorten\n";
    try {
        load_workload(load_config(s.reg, ini));
        FAIL("shorten on a file must fail");
    } catch (const InputError& e) {
        std::string msg = e.what();
        CHECK(msg.find(ini + ":3: run.skip: shorten needs the block structure") == 0);
    }
    std::ofstream(ini) << "[run]\nworkload = traces/missing.csv\n";
    try {
        load_workload(load_config(s.reg, ini));
        FAIL("a missing trace must fail");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()).find("missing.csv: cannot open file") != std::string::npos);
    }
    fs::remove_all(dir);
}

TEST_CASE("remove on a trace file gives the built-in remove variant") {
    Setup s;
    for (const char* name : {"resnet8", "resnet20", "resnet50", "mittos_good_custom"}) {
        CAPTURE(name);
        std::string csv = test::temp_file(csv_of(make_builtin(name, SkipMode::keep)), ".csv");
        Graph g = s.load(fmt::format("[run]\nworkload = {}\nskip = remove\n", csv));
        CHECK(csv_of(g) == csv_of(make_builtin(name, SkipMode::remove)));
    }
}
