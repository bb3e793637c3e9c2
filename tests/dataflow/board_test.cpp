// The board around a dataflow design (arch/dataflow/board.cpp): host overhead, data mover and board
// power, checked by hand on FINN's KWS-W3A3 MLP, whose input is 490 8-bit features (490 bytes).
#include "tests/support.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <string>
#include <vector>

using accsim::test::run_accsim;

namespace {

// KWS-W3A3 on the Pynq-Z2 at 100 MHz, without its board unless `sets` gives one.
nlohmann::json kws(std::vector<std::string> sets) {
    std::vector<std::string> args{"run",      "configs/dataflow/mlperf_kws_w3a3_pynq-z2.ini",
                                  "--format", "json",
                                  "--set",    "dataflow.board=none"};
    for (const auto& s : sets) {
        args.push_back("--set");
        args.push_back(s);
    }
    auto r = run_accsim(args);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return r.json()["summary"];
}

} // namespace

TEST_CASE("without a board the latency is the fabric's and no power is claimed") {
    const auto s = kws({});
    CHECK(s["latency_us"].get<double>() == s["fabric_latency_us"].get<double>());
    CHECK_FALSE(s.contains("board"));
    CHECK_FALSE(s.contains("power_w"));
    CHECK_FALSE(s.contains("energy_per_inference_uj"));
}

TEST_CASE("the host's time adds to the fabric's, one inference at a time") {
    const auto s = kws({"dataflow.host_overhead_us=5"});
    CHECK(s["latency_us"].get<double>() ==
          doctest::Approx(s["fabric_latency_us"].get<double>() + 5));
    CHECK(s["board"]["host_overhead_us"] == 5.0);
    CHECK(s["board"]["name"] == "none");
    CHECK_FALSE(s.contains("power_w"));
}

TEST_CASE("the data mover: hidden behind the fabric while faster, the fabric waits when slower") {
    // 4 bytes a cycle: the 490 input bytes take ceil(490 / 4) = 123 cycles (1.23 us at 100 MHz),
    // well under the fabric's 12.94 us, so only the output's transfer adds.
    const auto fast = kws({"dataflow.mover_bytes_per_cycle=4"});
    const double fabric = fast["fabric_latency_us"].get<double>();
    const auto out_bytes = fast["board"]["output_bytes"].get<std::uint64_t>();
    CHECK(fast["board"]["input_bytes"] == 490);
    CHECK(fast["latency_us"].get<double>() ==
          doctest::Approx(fabric + std::ceil(double(out_bytes) / 4) / 100));
    // 0.01 bytes a cycle: the input takes 49,000 cycles (490 us), far beyond the fabric, which
    // then ends with the input; the output follows at the same rate.
    const auto slow = kws({"dataflow.mover_bytes_per_cycle=0.01"});
    CHECK(slow["latency_us"].get<double>() ==
          doctest::Approx(490 + std::ceil(double(out_bytes) / 0.01) / 100));
    CHECK(slow["board"]["data_mover_us"].get<double>() ==
          doctest::Approx(slow["latency_us"].get<double>() - fabric));
}

TEST_CASE("a board's power times the end-to-end latency is the energy per inference") {
    const auto s = kws({"dataflow.host_overhead_us=5", "dataflow.board_power_w=2"});
    CHECK(s["power_w"] == 2.0);
    CHECK(s["energy_per_inference_uj"].get<double>() ==
          doctest::Approx(2 * s["latency_us"].get<double>()));
}

TEST_CASE("a board preset sets the part and its constants; a key the user sets wins") {
    auto r = run_accsim({"run", "configs/dataflow/mlperf_kws_w3a3_arty-a7-100t.ini", "--format",
                         "json", "--set", "dataflow.host_overhead_us=0"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto s = r.json()["summary"];
    CHECK(s["fpga"]["part"] == "xc7a100t");
    CHECK(s["board"]["name"] == "arty-a7-100t");
    CHECK(s["board"]["host_overhead_us"] == 0.0);
    CHECK(s["power_w"] == 1.6194); // configs/boards/arty-a7-100t.ini
    // The Arty's AXI DMA moves a byte a cycle: 490 input cycles (4.9 us) stay under the fabric.
    CHECK(s["latency_us"].get<double>() ==
          doctest::Approx(s["fabric_latency_us"].get<double>() +
                          double(s["board"]["output_bytes"].get<std::uint64_t>()) / 100));
}
