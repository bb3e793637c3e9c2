// accsim dram, the traffic generator, against figures computed by hand.
#include "tests/support.hpp"

#include <doctest/doctest.h>

using accsim::test::run_accsim;

TEST_CASE("accsim dram on ideal memory: K requests every latency") {
    // 100 ns per access whatever the size, 4 in flight, 64 bytes each: 256 bytes every 100 ns,
    // 2.56 GB/s, and every request takes exactly 100 ns.
    auto r = run_accsim({"dram", "--set", "dram.preset=ideal", "--set", "dram.ideal_latency_ns=100",
                         "--pattern", "sequential", "--requests", "1000", "--bytes", "64",
                         "--outstanding", "4", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    auto s = r.json()["summary"];
    CHECK(s["bandwidth_gb_per_s"].get<double>() == doctest::Approx(2.56));
    CHECK(s["latency_p50_ns"].get<double>() == doctest::Approx(100));
    CHECK(s["latency_p99_ns"].get<double>() == doctest::Approx(100));
    CHECK(s["read_bytes"] == 64000);
}

TEST_CASE("accsim dram: one read on an idle DDR4-2400 takes tRCD + CL + burst") {
    // 16 + 16 + 4 tCK of 1/1.2 GHz = 30 ns; one burst of 64 bytes is a row miss.
    auto r =
        run_accsim({"dram", "--set", "dram.preset=ddr4-2400", "--pattern", "sequential",
                    "--requests", "1", "--bytes", "64", "--outstanding", "1", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    auto s = r.json()["summary"];
    CHECK(s["latency_mean_ns"].get<double>() == doctest::Approx(30.0).epsilon(1e-6));
    CHECK(s["row_misses"] == 1);
    CHECK(s["peak_gb_per_s"].get<double>() == doctest::Approx(19.2));
    // A sequential stream of 64-byte reads rotates over the bank groups (tCCD_S = 4 tCK, the
    // burst's own 4 tCK on the bus): near peak, less the time the refreshes take (tRFC = 420 tCK
    // each, during which no data moves) and the first row openings.
    r = run_accsim({"dram", "--pattern", "sequential", "--requests", "20000", "--bytes", "64",
                    "--outstanding", "16", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    s = r.json()["summary"];
    const double e = s["efficiency"].get<double>();
    const double refresh_ns = s["refreshes"].get<double>() * 420 / 1.2;
    CHECK(e <= 1 - refresh_ns / s["elapsed_ns"].get<double>());
    CHECK(e >= 0.90);
}

TEST_CASE("accsim dram refuses what it cannot use") {
    auto r = run_accsim(
        {"dram", "--pattern", "zigzag", "--requests", "1", "--bytes", "64", "--outstanding", "1"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--pattern") != std::string::npos);
    r = run_accsim({"dram", "--set", "pe_array.rows=4", "--pattern", "random", "--requests", "1",
                    "--bytes", "64", "--outstanding", "1"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("pe_array.rows is not read by accsim dram") != std::string::npos);
    r = run_accsim({"dram", "--pattern", "random", "--requests", "10", "--bytes", "64"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--outstanding") != std::string::npos);
}
