// A key the user sets either changes the result or is an error: every key knows which
// architectures read it, and a key the run's architecture never reads is exit 2.
#include "sim/registry.hpp"
#include "sim/run.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

using accsim::test::run_accsim;
using accsim::test::source_path;
using accsim::test::temp_file;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Runs `config` in this process and checks that every key the architecture looked up (outside
// the workload graph's [run] and [workload] keys, which load_workload reads for every
// architecture) is declared as read by it. A key read but not declared would be refused by
// mistake; this keeps the declarations honest.
void check_declared_reads(const std::string& config, const std::vector<std::string>& sets) {
    accsim::Config cfg = accsim::load_run_config(source_path(config), sets);
    accsim::run_simulation(cfg);
    int architecture_keys = 0;
    for (const auto& k : cfg.reads()) {
        if (k.rfind("run.", 0) == 0 || k.rfind("workload.", 0) == 0) continue;
        ++architecture_keys;
        INFO(config << " reads " << k);
        CHECK(accsim::key_is_read(cfg, k));
    }
    CHECK(architecture_keys > 0);
}

} // namespace

TEST_CASE("every option is read by at least one architecture, and its section's owner reads it") {
    for (const auto& o : accsim::option_registry().all()) {
        INFO(o.key);
        CHECK_FALSE(o.readers.empty());
        const std::string head = o.key.substr(0, o.key.find('.'));
        for (const auto& a : accsim::architectures())
            if (a.key == head) CHECK(o.readers == std::vector<std::string>{a.key});
    }
    // The shared keys as documented: DRAM and cost tables belong to the PE array, weights and
    // inputs from files to EIE, the workload graph to everyone.
    auto readers = [](const std::string& k) { return accsim::option_registry().find(k)->readers; };
    CHECK(readers("dram.preset") == std::vector<std::string>{"pe_array"});
    CHECK(readers("tech.cost_table") == std::vector<std::string>{"pe_array"});
    CHECK(readers("workload.input") == std::vector<std::string>{"eie"});
    CHECK(readers("workload.sparsity") == std::vector<std::string>{"eie"});
    CHECK(readers("run.skip").size() == accsim::architectures().size());
}

TEST_CASE("roofline reads only the keys it declares") {
    check_declared_reads("configs/roofline/resnet8.ini", {});
}

TEST_CASE("dataflow reads only the keys it declares") {
    check_declared_reads("configs/dataflow/resnet20_block.ini", {"run.batch=2"});
}

TEST_CASE("pe_array reads only the keys it declares") {
    check_declared_reads("configs/pe_array/resnet8.ini", {"dram.preset=ddr4-2400"});
}

TEST_CASE("eie reads only the keys it declares") {
    check_declared_reads("configs/eie/mittos_precise_linear.ini", {});
}

TEST_CASE("a key the run's architecture does not read is exit 2 naming it, its place and readers") {
    auto r = run_accsim({"validate", source_path("configs/pe_array/resnet8.ini"), "--set",
                         "workload.sparsity=0.9", "--set", "workload.input=foo.npy", "--set",
                         "dataflow.fifo_depth=3"});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "--set: workload.sparsity = 0.9 is not read by run.arch = pe_array "
                          "(run.arch = eie reads it)"));
    CHECK(contains(r.err, "--set: workload.input = foo.npy is not read"));
    CHECK(contains(r.err, "--set: dataflow.fifo_depth = 3 is not read by run.arch = pe_array "
                          "(run.arch = dataflow reads it)"));
    // validate still shows every key, marked read or not read.
    CHECK(contains(r.out, "read by pe_array"));
    CHECK(contains(r.out, "not read"));

    // In a config file the message names the file and line.
    std::string cfg = temp_file("[run]\narch = eie\nworkload = eie_alex8\n[tech]\n"
                                "cost_table = no_such_file.ini\n");
    r = run_accsim({"run", cfg});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, cfg + ":5: tech.cost_table = no_such_file.ini is not read by run.arch "
                                "= eie (run.arch = pe_array reads it)"));
    // A default or a preset is not the user's doing: the shipped configs all validate.
    CHECK(run_accsim({"validate", source_path("configs/eie/alex8.ini")}).exit_code == 0);
}

TEST_CASE("compare refuses a varied key that no point reads, and accepts one that some point "
          "reads") {
    auto r = run_accsim({"compare", source_path("configs/roofline/resnet8.ini"), "--vary",
                         "dram.preset=ddr4-2400,hbm2"});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "--vary: dram.preset = ddr4-2400 is not read by any point (run.arch = "
                          "roofline)"));
    // Varying the architecture: the PE array reads the DRAM preset, the roofline does not.
    r = run_accsim({"compare", source_path("configs/pe_array/resnet8.ini"), "--set",
                    "dram.preset=hbm2", "--vary", "run.arch=roofline,pe_array", "--format",
                    "json"});
    CHECK(r.exit_code == 0);
}

TEST_CASE("a study's key that no point reads names the study file and line") {
    std::string study = temp_file("[study]\nname = unread\n[sweep.a]\nconfig = " +
                                  source_path("configs/roofline/resnet8.ini") +
                                  "\nset = run.batch=2\nvary = eie.pes=1,2\n");
    auto r = run_accsim({"study", study, "--no-plot", "--out", temp_file("", "") + ".d"});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, study + ":6: eie.pes = 1 is not read by any point"));
}

TEST_CASE("a study naming a path no point has is exit 2 with its file, line and a suggestion") {
    const std::string head = "[study]\nname = paths\n[sweep.a]\nconfig = " +
                             source_path("configs/roofline/resnet8.ini") +
                             "\nvary = roofline.macs_per_cycle=16,32\n";
    auto run_study = [](const std::string& text) {
        std::string study = temp_file(text);
        return std::make_pair(
            study, run_accsim({"study", study, "--no-plot", "--out", temp_file("", "") + ".d"}));
    };
    {
        auto [study, r] = run_study(head + "[plot]\nx = config.roofline.macs_per_cycle\n"
                                           "y = summary.latency_usec\n");
        CHECK(r.exit_code == 2);
        CHECK(contains(r.err, study + ":8: plot axis 'summary.latency_usec' is in no point's "
                                      "report (did you mean 'summary.latency_us'?)"));
    }
    {
        auto [study, r] =
            run_study("[study]\nname = paths\nmetrics = summary.cycles, summary.cycle\n" +
                      head.substr(head.find("[sweep.a]")));
        CHECK(r.exit_code == 2);
        CHECK(contains(r.err, study + ":3: metric 'summary.cycle' is in no point's report"));
    }
    {
        auto [study, r] = run_study(head + "[published.x]\nmetric = summary.throughput_per_sec\n"
                                           "where = roofline.macs_per_cycle=16\nvalue = 1\n");
        CHECK(r.exit_code == 2);
        CHECK(contains(r.err, study + ":7: metric 'summary.throughput_per_sec'"));
        CHECK(contains(r.err, "(did you mean 'summary.throughput_per_s'?)"));
    }
    {
        auto [study, r] = run_study(head + "[published.x]\nmetric = summary.cycles\n"
                                           "where = roofline.macs_per_cycles=16\nvalue = 1\n");
        CHECK(r.exit_code == 2);
        CHECK(contains(r.err, study + ":8: 'roofline.macs_per_cycles' is not a key any point of "
                                      "the study sets (did you mean 'roofline.macs_per_cycle'?)"));
    }
    {
        auto [study, r] = run_study(head + "[plot]\nx = config.roofline.macs_per_cycle\n"
                                           "y = summary.cycles\nwhere = sweep=b\n");
        CHECK(r.exit_code == 2);
        CHECK(contains(r.err, study + ":9: no [sweep.b] in the study"));
    }
    // The same study with paths that exist runs.
    auto [study, r] = run_study(head + "[plot]\nx = config.roofline.macs_per_cycle\n"
                                       "y = summary.latency_us\nwhere = sweep=a\n");
    CHECK(r.exit_code == 0);
}
