// What the report's figures mean, the same on every architecture: latency_us is one inference from
// its input to its output, batch_latency_us the whole batch, per-layer macs are per inference,
// bandwidths are GB/s and say so, and a bound is never shown as a measurement.
#include "tests/support.hpp"

#include <doctest/doctest.h>
#include <functional>

using accsim::test::run_accsim;
using accsim::test::source_path;
using accsim::test::temp_file;

namespace {

// One dense layer, 100 inputs -> 10 outputs, 8-bit: 1,000 MACs.
std::string one_dense_config(const std::string& arch_lines) {
    std::string trace = temp_file(
        "name,op,inputs,in_h,in_w,in_c,out_h,out_w,out_c,kernel_h,kernel_w,stride,padding,pool,"
        "activation,weight_bits,act_bits,weight_density,act_density,skip_path\n"
        "fc,dense,,1,1,100,1,1,10,1,1,1,valid,max,linear,8,8,1,1,0\n",
        ".csv");
    return temp_file("[run]\nworkload = " + trace + "\n" + arch_lines);
}

// Every key of a report, recursively, as "a.b.c".
void keys_of(const nlohmann::json& j, const std::string& prefix,
             const std::function<void(const std::string&)>& f) {
    if (j.is_object())
        for (const auto& [k, v] : j.items()) {
            f(k);
            keys_of(v, prefix + k + ".", f);
        }
    else if (j.is_array())
        for (const auto& v : j) keys_of(v, prefix, f);
}

} // namespace

TEST_CASE("roofline: latency_us is one inference's bound, batch_latency_us the batch's") {
    // The layer's bound is 111 cycles (memory: 1,110 bytes at 10 bytes per cycle) at 100 MHz:
    // 1.11 us for one inference, 3.33 us for three.
    std::string cfg = one_dense_config("arch = roofline\nbatch = 3\n[roofline]\nmacs_per_cycle = "
                                       "10\nbandwidth_gb_per_s = 1\nclock_mhz = 100\n");
    auto r = run_accsim({"run", cfg, "--format", "json"});
    REQUIRE(r.exit_code == 0);
    auto s = r.json()["summary"];
    CHECK(s["latency_us"].get<double>() == doctest::Approx(1.11));
    CHECK(s["batch_latency_us"].get<double>() == doctest::Approx(3.33));
    CHECK(r.json()["layers"][0]["macs"] == 1000);
    CHECK(s.contains("dram_bandwidth_gb_per_s"));
}

TEST_CASE("per-layer MACs are per inference on every architecture, as the workload's are") {
    const std::vector<std::pair<std::string, std::string>> runs{
        {"configs/roofline/resnet8.ini", "run.batch=2"},
        {"configs/dataflow/resnet20_block.ini", "run.batch=2"},
        {"configs/pe_array/resnet8.ini", "run.batch=2"},
        {"configs/eie/mittos_precise_linear.ini", "run.batch=2"}};
    for (const auto& [config, batch] : runs) {
        CAPTURE(config);
        auto r = run_accsim({"run", source_path(config), "--set", batch, "--format", "json"});
        REQUIRE(r.exit_code == 0);
        auto j = r.json();
        std::int64_t sum = 0;
        for (const auto& l : j["layers"]) sum += l["macs"].get<std::int64_t>();
        CHECK(sum == j["workload"]["macs"].get<std::int64_t>());
        // batch_latency_us covers both inferences: never less than one inference's latency.
        CHECK(j["summary"]["batch_latency_us"].get<double>() >=
              j["summary"]["latency_us"].get<double>());
        // No field is named in gigabits per second.
        keys_of(j, "", [](const std::string& k) {
            CAPTURE(k);
            CHECK(k.find("gbps") == std::string::npos);
        });
    }
}

TEST_CASE("eie: inferences run back to back, so the batch takes the sum of their latencies") {
    auto r = run_accsim({"run", source_path("configs/eie/mittos_precise_linear.ini"), "--set",
                         "run.batch=3", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    auto s = r.json()["summary"];
    CHECK(s["batch_latency_us"].get<double>() ==
          doctest::Approx(3 * s["latency_us"].get<double>()));
    CHECK(s["cycles"].get<double>() / s["clock_mhz"].get<double>() ==
          doctest::Approx(s["batch_latency_us"].get<double>()));
}

TEST_CASE("dataflow: the text report says when the II is a bound rather than measured") {
    auto one = run_accsim(
        {"run", source_path("configs/dataflow/resnet20_block.ini"), "--set", "run.batch=1"});
    REQUIRE(one.exit_code == 0);
    CHECK(one.out.find("note: initiation_interval_cycles and throughput_per_s are a bound") !=
          std::string::npos);
    auto two = run_accsim(
        {"run", source_path("configs/dataflow/resnet20_block.ini"), "--set", "run.batch=2"});
    REQUIRE(two.exit_code == 0);
    CHECK(two.out.find("note:") == std::string::npos);
    auto csv = run_accsim({"run", source_path("configs/dataflow/resnet20_block.ini"), "--set",
                           "run.batch=1", "--format", "csv"});
    CHECK(csv.out.find("notes,,note,") != std::string::npos);
}
