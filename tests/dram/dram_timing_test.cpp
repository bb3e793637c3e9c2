// The DRAM target against hand calculations from the JEDEC timings of the presets
// (configs/dram/*.ini). Each test case elaborates once: a driver thread behind a DramPort.
#include "common/error.hpp"
#include "models/dram/dram_controller.hpp"
#include "models/dram/dram_port.hpp"
#include "models/kernel/simulate.hpp"
#include "models/kernel/time.hpp"
#include "sim/registry.hpp"

#include <cmath>
#include <cstring>
#include <deque>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <memory>
#include <random>

using namespace accsim;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

DramConfig preset(const std::string& name, std::vector<std::string> sets = {}) {
    sets.insert(sets.begin(), "dram.preset=" + name);
    return dram_config_from(load_config(option_registry(), "", sets));
}

SC_MODULE(Driver) {
    DramPort port;
    DramController dram;
    std::function<void(Driver&)> body;

    SC_HAS_PROCESS(Driver);
    Driver(sc_core::sc_module_name n, const DramConfig& cfg, std::function<void(Driver&)> b)
        : sc_module(n), port("port"), dram("dram", cfg), body(std::move(b)) {
        port.iSocket.bind(dram.tSocket);
        SC_THREAD(run);
    }
    void run() {
        body(*this);
    }
};

// Runs `body` in a thread and returns the DRAM statistics afterwards, for a run that ends at
// `end` (none: the refreshes the last command needed).
DramStats simulate(const DramConfig& cfg, std::function<void(Driver&)> body,
                   const sc_time& end = sc_core::SC_ZERO_TIME) {
    Driver d("driver", cfg, std::move(body));
    accsim::simulate();
    return d.dram.finish(end);
}

double ck(const DramConfig& cfg, double cycles) {
    return cycles * cfg.tck_ns();
}

// Reads `total` bytes from address 0 up in `chunk`-byte requests, all issued at once; returns the
// statistics and the time the last one completed.
DramStats stream_read(const DramConfig& cfg, std::uint64_t total, std::uint64_t chunk,
                      double& end_ns) {
    return simulate(cfg, [&](Driver& d) {
        std::vector<DramPort::Ticket> t;
        for (std::uint64_t a = 0; a < total; a += chunk) t.push_back(d.port.issue(a, chunk, false));
        for (auto x : t) d.port.wait_for(x);
        end_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
    });
}

} // namespace

TEST_CASE("a single read on an idle DDR4-2400 takes tRCD + CL + burst") {
    DramConfig cfg = preset("ddr4-2400");
    double done_ns = -1;
    auto s = simulate(cfg, [&](Driver& d) {
        d.port.wait_for(d.port.issue(0, 64, false));
        done_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
    });
    // JESD79-4 DDR4-2400R: tRCD 16 + CL 16 + BL8 on a double data rate bus 4 = 36 tCK = 30 ns.
    CHECK(done_ns == doctest::Approx(ck(cfg, 16 + 16 + 4)).epsilon(1e-4));
    CHECK(done_ns == doctest::Approx(30.0).epsilon(1e-3));
    CHECK(s.bursts.row_misses == 1);
    CHECK(s.read_bytes == 64);
}

TEST_CASE("a read to the open row costs CL + burst only") {
    DramConfig cfg = preset("ddr4-2400");
    double first_ns = 0, second_ns = 0;
    auto s = simulate(cfg, [&](Driver& d) {
        d.port.wait_for(d.port.issue(0, 64, false));
        first_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
        // Mapping ro,ra,ba,co,bg: +256 bytes = next column of bank group 0, bank 0, same row.
        d.port.wait_for(d.port.issue(256, 64, false));
        second_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
    });
    CHECK(second_ns - first_ns == doctest::Approx(ck(cfg, 16 + 4)).epsilon(1e-4));
    CHECK(s.bursts.row_hits == 1);
    CHECK(s.bursts.row_misses == 1);
}

TEST_CASE("the address mapping rotates consecutive bursts over bank groups, then columns") {
    DramConfig cfg = preset("ddr4-2400");
    DramAddressMap map(cfg);
    CHECK(map.decode(64).bank_group == 1);
    CHECK(map.decode(64).column == 0);
    CHECK(map.decode(256).bank_group == 0);
    CHECK(map.decode(256).column == 1);
    // 4 bank groups x 128 bursts of 64 bytes = 32 KiB, then the next bank.
    CHECK(map.decode(32768).bank == 1);
    CHECK(map.decode(32768).row == 0);
    CHECK(map.decode(32768 * 4).row == 1);
}

TEST_CASE("a long sequential read stream reaches at least 90 % of peak bandwidth") {
    DramConfig cfg = preset("ddr4-2400");
    CHECK(cfg.peak_gb_per_s() == doctest::Approx(19.2));
    const std::uint64_t total = 8u << 20, chunk = 4096;
    double end_ns = 0;
    auto s = stream_read(cfg, total, chunk, end_ns);
    double gbps = double(total) / end_ns;
    // Hand bound: refresh alone takes tRFC / tREFI = 420 / 9360 = 4.5 % of the time.
    CHECK(gbps >= 0.90 * cfg.peak_gb_per_s());
    CHECK(gbps <= cfg.peak_gb_per_s() * (1 - 420.0 / 9360.0) * 1.001);
    CHECK(s.read_bytes == total);
}

TEST_CASE("a sequential stream on HBM2 reaches at least 90 % of its 256 GB/s") {
    DramConfig cfg = preset("hbm2");
    CHECK(cfg.peak_gb_per_s() == doctest::Approx(256.0));
    const std::uint64_t total = 16u << 20, chunk = 4096;
    double end_ns = 0;
    stream_read(cfg, total, chunk, end_ns);
    CHECK(double(total) / end_ns >= 0.90 * cfg.peak_gb_per_s());
}

TEST_CASE("a sequential stream on LPDDR4-3200 reaches at least 90 % of its 12.8 GB/s") {
    DramConfig cfg = preset("lpddr4-3200");
    CHECK(cfg.peak_gb_per_s() == doctest::Approx(12.8));
    const std::uint64_t total = 4u << 20, chunk = 4096;
    double end_ns = 0;
    stream_read(cfg, total, chunk, end_ns);
    CHECK(double(total) / end_ns >= 0.90 * cfg.peak_gb_per_s());
}

TEST_CASE("random reads hit the open row at the rate computed by hand") {
    // Four rows per bank, strictly in-order service: the row a bank has open is the row of its
    // last access, uniform over four, so a random access hits with probability 1/4.
    DramConfig cfg = preset("ddr4-2400", {"dram.rows=4", "dram.scheduler=fcfs"});
    const std::uint64_t device_bytes = 4ull * 16 * 8192; // rows x banks x row bytes
    const int n = 20000;
    auto s = simulate(cfg, [&](Driver& d) {
        std::mt19937_64 rng(7);
        std::vector<DramPort::Ticket> t;
        for (int i = 0; i < n; ++i)
            t.push_back(d.port.issue(rng() % (device_bytes / 64) * 64, 64, false));
        for (auto x : t) d.port.wait_for(x);
    });
    const auto& b = s.bursts;
    REQUIRE(b.row_hits + b.row_misses + b.row_conflicts == std::uint64_t(n));
    // Standard deviation of the hit fraction: sqrt(0.25 * 0.75 / 20000) = 0.3 %; refresh closes
    // rows a few dozen times (each costs at most 16 first accesses): tolerance 1.5 points.
    CHECK(double(b.row_hits) / n == doctest::Approx(0.25).epsilon(0.06));
}

TEST_CASE("random reads over the whole device are limited by tFAW") {
    DramConfig cfg = preset("ddr4-2400");
    const int n = 20000;
    double end_ns = 0;
    auto s = simulate(cfg, [&](Driver& d) {
        std::mt19937_64 rng(11);
        std::vector<DramPort::Ticket> t;
        for (int i = 0; i < n; ++i)
            t.push_back(d.port.issue((rng() % (1ull << 27)) * 64, 64, false));
        for (auto x : t) d.port.wait_for(x);
        end_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
    });
    // Almost every access opens a row (65536 rows per bank): at most four activates per tFAW =
    // 26 tCK, i.e. 4 x 64 bytes per 21.7 ns = 11.8 GB/s; tRC = 55 tCK over 16 banks (0.29 per tCK)
    // and the data bus (0.25 per tCK) allow more. Same-bank back-to-back pairs and refresh cost
    // the rest: at least 75 % of the tFAW bound.
    const double bound_gbps = 4 * 64 / ck(cfg, 26);
    const double gbps = 64.0 * n / end_ns;
    CHECK(gbps <= bound_gbps * 1.0001);
    CHECK(gbps >= 0.75 * bound_gbps);
    CHECK(double(s.bursts.row_hits) / n < 0.01);
}

TEST_CASE("a read arriving when refresh is due waits tRFC first") {
    DramConfig cfg = preset("ddr4-2400");
    double done_ns = 0;
    simulate(cfg, [&](Driver& d) {
        sc_core::wait(sc_time(ck(cfg, 9360), SC_NS));
        d.port.wait_for(d.port.issue(0, 64, false));
        done_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
    });
    // Refresh at tREFI = 9360 tCK occupies the rank for tRFC = 420, then tRCD + CL + burst = 36.
    CHECK(done_ns == doctest::Approx(ck(cfg, 9360 + 420 + 36)).epsilon(1e-4));
}

TEST_CASE("a read after a million idle refresh intervals finds every refresh done, on time") {
    DramConfig cfg = preset("ddr4-2400");
    const double n = 1e6;
    double done_ns = 0;
    auto s = simulate(cfg, [&](Driver& d) {
        d.port.wait_for(d.port.issue(0, 64, false));
        sc_core::wait(sc_time(ck(cfg, 9360 * n + 100), SC_NS) - sc_core::sc_time_stamp());
        d.port.wait_for(d.port.issue(0, 64, false));
        done_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
    });
    // The first read opens row 0 at 0 (tRAS ends at 39). Refreshes are due every tREFI = 9360:
    // the first closes the row, on time, and so do the rest, the n-th at 9360 n. The second read
    // arrives at 9360 n + 100, with the rank busy until 9360 n + tRFC 420: ACT then, data done
    // tRCD + CL + burst = 36 later, before the next refresh (9360 (n + 1)).
    CHECK(s.bursts.refreshes == std::uint64_t(n));
    CHECK(std::abs(done_ns - ck(cfg, 9360 * n + 420 + 36)) < 0.01);
    CHECK(s.bursts.row_misses == 2);
}

namespace {

// One read, done at 36 tCK, in a run ending at `end_ck`: refreshes are due at 9,360 k.
std::uint64_t refreshes_by(std::uint64_t end_ck) {
    DramConfig cfg = preset("ddr4-2400");
    auto one_read = [](Driver& d) { d.port.wait_for(d.port.issue(0, 64, false)); };
    return simulate(cfg, one_read, sc_time(ck(cfg, double(end_ck)), SC_NS)).bursts.refreshes;
}

} // namespace

TEST_CASE("the refreshes due after the last command and by the end of the run are counted") {
    CHECK(refreshes_by(10 * 9360 + 5) == 10);
}

TEST_CASE("a refresh due at the run's last clock is counted, not the next") {
    CHECK(refreshes_by(2 * 9360) == 2);
}

TEST_CASE("ideal DRAM answers after its fixed latency whatever the size") {
    DramConfig cfg = preset("ideal", {"dram.ideal_latency_ns=50"});
    double done_ns = 0;
    simulate(cfg, [&](Driver& d) {
        d.port.wait_for(d.port.issue(0, 1 << 20, false));
        done_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
    });
    CHECK(done_ns == doctest::Approx(50.0));
}

TEST_CASE("a bad address mapping is an input error naming the key") {
    CHECK_THROWS_WITH_AS(parse_address_mapping("ro,ra,bg,ba,xx,ch", "f.ini:3"),
                         doctest::Contains("dram.address_mapping"), InputError);
    CHECK_THROWS_AS(parse_address_mapping("ro,ra,bg,ba,co", "f.ini:3"), InputError);
    CHECK_THROWS_AS(preset("ddr4-2400", {"dram.rows=1000"}), InputError);
}

TEST_CASE("a read to another row of an open bank waits for tRAS, then pays tRP + tRCD") {
    DramConfig cfg = preset("ddr4-2400");
    double first_ns = 0, second_ns = 0;
    auto s = simulate(cfg, [&](Driver& d) {
        d.port.wait_for(d.port.issue(0, 64, false));
        first_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
        // 4 banks x 32 KiB further: bank group 0, bank 0, row 1.
        d.port.wait_for(d.port.issue(128 * 1024, 64, false));
        second_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
    });
    // First: ACT at 0, data done at 36. Second arrives at 36: PRE waits for tRAS = 39 (after
    // ACT at 0), ACT at 39 + tRP 16 = 55, RD at 55 + tRCD 16 = 71, data done at 71 + 16 + 4 = 91.
    CHECK(first_ns == doctest::Approx(ck(cfg, 36)).epsilon(1e-4));
    CHECK(second_ns == doctest::Approx(ck(cfg, 91)).epsilon(1e-4));
    CHECK(s.bursts.row_conflicts == 1);
}

TEST_CASE("a read after a write to the same bank group waits tWTR_L") {
    DramConfig cfg = preset("ddr4-2400");
    double write_ns = 0, read_ns = 0;
    simulate(cfg, [&](Driver& d) {
        auto w = d.port.issue(0, 64, true);
        auto r = d.port.issue(256, 64, false); // same bank and row, next column
        d.port.wait_for(w);
        write_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
        d.port.wait_for(r);
        read_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
    });
    // Write: ACT 0, WR at tRCD = 16, data from 16 + CWL 12 = 28 to 32. Read: a row hit, but not
    // before the write data ends + tWTR_L: 32 + 9 = 41, data done at 41 + CL 16 + 4 = 61.
    CHECK(write_ns == doctest::Approx(ck(cfg, 32)).epsilon(1e-4));
    CHECK(read_ns == doctest::Approx(ck(cfg, 61)).epsilon(1e-4));
}

namespace {

// DDR4 mapping ro,ra,ba,co,bg,ch: above the 64-byte burst, 2 bank-group bits, 7 column bits and
// 2 bank bits, so rows of one bank are 2^17 bytes apart. Issued together: A (row 0), B (row 1),
// C (row 0, the next column of bank group 0), all in bank 0 of bank group 0.
DramStats three_reads(const std::string& scheduler) {
    DramConfig cfg = preset("ddr4-2400", {"dram.scheduler=" + scheduler});
    return simulate(cfg, [&](Driver& d) {
        auto a = d.port.issue(0, 64, false);
        auto b = d.port.issue(1ull << 17, 64, false);
        auto c = d.port.issue(64 * 4, 64, false);
        d.port.wait_for(a);
        d.port.wait_for(b);
        d.port.wait_for(c);
    });
}

} // namespace

TEST_CASE("FR-FCFS serves a younger row hit before an older request to another row") {
    // A opens row 0, C hits it, then B precharges and opens row 1: 2 activates, 1 hit.
    const auto s = three_reads("fr-fcfs");
    CHECK(s.bursts.activates == 2);
    CHECK(s.bursts.row_hits == 1);
    CHECK(s.bursts.row_conflicts == 1);
}

TEST_CASE("FCFS serves requests to a bank in arrival order") {
    // A opens row 0, B row 1, C row 0 again: 3 activates, no hit.
    const auto s = three_reads("fcfs");
    CHECK(s.bursts.activates == 3);
    CHECK(s.bursts.row_hits == 0);
    CHECK(s.bursts.row_conflicts == 2);
}

TEST_CASE("how far ahead the controller decodes a long transaction changes no result") {
    // Long transactions (4 KiB = 64 bursts on DDR4, 16 on HBM2) with writes mixed in keep more
    // bursts waiting than the controller queue (32) holds. Which of them the controller has
    // decoded into a channel is memory bookkeeping: every completion time and counter must be the
    // same whether it decodes 1 burst beyond the queue, 64 or all of them. One elaboration: a
    // driver and its DRAM per preset and bound, all given the same traffic.
    struct Run {
        std::string preset;
        std::size_t ahead;
        std::vector<double> done_ns;
        std::unique_ptr<Driver> driver;
    };
    std::vector<Run> runs;
    for (const char* name : {"ddr4-2400", "hbm2", "lpddr4-3200"})
        for (std::size_t ahead : {std::size_t(1) << 40, std::size_t(1), std::size_t(64)})
            runs.push_back({name, ahead, {}, nullptr});
    for (auto& r : runs) {
        auto body = [&r](Driver& d) {
            std::mt19937_64 rng(5);
            std::deque<DramPort::Ticket> in_flight;
            std::uint64_t next = 0;
            auto retire = [&] {
                d.port.wait_for(in_flight.front());
                in_flight.pop_front();
                r.done_ns.push_back(sc_core::sc_time_stamp().to_seconds() * 1e9);
            };
            for (int i = 0; i < 600; ++i) {
                // Mostly sequential, with a jump and a small random request now and then.
                const bool small = rng() % 4 == 0;
                if (rng() % 8 == 0) next = (rng() % (1u << 20)) * 4096;
                const std::uint64_t address = small ? (rng() % (1u << 24)) * 64 : next;
                in_flight.push_back(d.port.issue(address, small ? 64 : 4096, rng() % 2 == 0));
                if (!small) next += 4096;
                if (in_flight.size() == 6) retire();
            }
            while (!in_flight.empty()) retire();
        };
        r.driver =
            std::make_unique<Driver>(sc_core::sc_gen_unique_name("driver"), preset(r.preset), body);
        r.driver->dram.set_feed_ahead(r.ahead);
    }
    accsim::simulate();
    for (std::size_t k = 0; k < runs.size(); k += 3) {
        const DramStats ref = runs[k].driver->dram.finish();
        CAPTURE(runs[k].preset);
        REQUIRE(runs[k].done_ns.size() == 600);
        REQUIRE(ref.bursts.row_hits > 0);
        REQUIRE(ref.bursts.row_conflicts > 0);
        for (std::size_t j = k + 1; j < k + 3; ++j) {
            CAPTURE(runs[j].ahead);
            const DramStats s = runs[j].driver->dram.finish();
            CHECK(runs[j].done_ns == runs[k].done_ns);
            CHECK(s.bursts.row_hits == ref.bursts.row_hits);
            CHECK(s.bursts.row_misses == ref.bursts.row_misses);
            CHECK(s.bursts.row_conflicts == ref.bursts.row_conflicts);
            CHECK(s.bursts.activates == ref.bursts.activates);
            CHECK(s.bursts.last_data_ck == ref.bursts.last_data_ck);
        }
    }
}

TEST_CASE("the bursts of a range counted per channel equal those found by decoding each") {
    for (const char* name : {"hbm2", "lpddr4-3200", "ddr4-2400"}) {
        CAPTURE(name);
        const DramConfig cfg = preset(name);
        const DramAddressMap map(cfg);
        std::mt19937_64 rng(3);
        for (int trial = 0; trial < 200; ++trial) {
            const std::uint64_t first = rng() % (1u << 20), last = first + rng() % 300;
            std::vector<std::uint64_t> decoded(std::size_t(cfg.channels), 0);
            for (std::uint64_t b = first; b <= last; ++b)
                ++decoded[std::size_t(map.decode(b * std::uint64_t(cfg.burst_bytes())).channel)];
            for (int c = 0; c < cfg.channels; ++c)
                CHECK(map.bursts_on_channel(first, last, c) == decoded[std::size_t(c)]);
        }
    }
}

TEST_CASE("the controller's ring keeps arrival order through pushes and pops, as a deque") {
    // Indexed from its first element while it wraps around its storage and grows.
    RequestRing<int> ring;
    std::deque<int> ref;
    std::mt19937_64 rng(5);
    int next = 0;
    for (int step = 0; step < 20000; ++step) {
        if (rng() % 10 < 6 || ref.empty()) {
            ring.push_back(next);
            ref.push_back(next++);
        } else {
            ring.pop_front();
            ref.pop_front();
        }
        REQUIRE(ring.size() == ref.size());
        if (step % 97 == 0)
            for (std::size_t i = 0; i < ref.size(); ++i) REQUIRE(ring[i] == ref[i]);
    }
}

TEST_CASE("FR-FCFS does not hold an older request back for a row hit that is not queued yet") {
    // One bank of DDR4-2400 (tRCD = tRP = CL = 16, tRAS 39, tRTP 9, burst 4 tCK). X (row 5)
    // arrives at 0, A (row 9) at 40, B (row 5 again) at 1000, so that all three are known to the
    // channel at once but B enters its queue only at 1000.
    //   X: ACT 0, RD 16 (tRCD), data until 16 + 16 + 4 = 36; the row may close from
    //      max(0 + tRAS, 16 + tRTP) = 39.
    //   A: a conflict. B would hit the open row, but at A's precharge slot, 40, B is not queued:
    //      PRE 40, ACT 56 (tRP), RD 72 (tRCD), data until 72 + 20 = 92.
    //   B: row 9 is open now, another conflict: PRE 1000, ACT 1016, RD 1032, data until 1052.
    // Serving B's hit first (as if it were queued) would end A at 1061 and B at 1020.
    const DramConfig cfg = preset("ddr4-2400");
    DramChannel ch(cfg);
    ch.push({0, 0, 5, 0, 0, 0, false});
    ch.push({1, 40, 9, 0, 0, 0, false});
    ch.push({2, 1000, 5, 0, 0, 0, false});
    std::map<std::uint64_t, std::uint64_t> end;
    for (std::uint64_t now = 0;;) {
        const std::uint64_t next = ch.next_command_ck();
        if (next == UINT64_MAX) break;
        now = std::max(now, next);
        ch.advance(now + 1,
                   [&](std::uint64_t txn, std::uint64_t data_end) { end[txn] = data_end; });
    }
    CHECK(end[0] == 36);
    CHECK(end[1] == 92);
    CHECK(end[2] == 1052);
    CHECK(ch.counters().row_hits == 0);
    CHECK(ch.counters().row_misses == 1);
    CHECK(ch.counters().row_conflicts == 2);
}

TEST_CASE("a request annotated to arrive later is served from its arrival, in arrival order") {
    // DDR4-2400, one bank (bank group 0, bank 0; row bits from bit 17 under ro,ra,ba,co,bg):
    // A (row 1) is issued at 0 to arrive at 200 ns (240 tCK), then B (row 0) to arrive at 100 ns
    // (120 tCK). B comes first: ACT 120, RD 136 (tRCD 16), data until 136 + 16 + 4 = 156 tCK =
    // 130 ns. A is a conflict: PRE at 240 (the row may close from max(120 + tRAS 39, 136 + tRTP
    // 9) = 159), ACT 256 (tRP), RD 272, data until 292 tCK = 243.33 ns.
    const DramConfig cfg = preset("ddr4-2400");
    double a_ns = -1, b_ns = -1;
    const auto s = simulate(cfg, [&](Driver& d) {
        const auto a = d.port.issue(std::uint64_t(1) << 17, 64, false, sc_time(200, SC_NS));
        const auto b = d.port.issue(0, 64, false, sc_time(100, SC_NS));
        d.port.wait_for(b);
        b_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
        d.port.wait_for(a);
        a_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
    });
    CHECK(b_ns == doctest::Approx(ck(cfg, 156)).epsilon(1e-5));
    CHECK(a_ns == doctest::Approx(ck(cfg, 292)).epsilon(1e-5));
    CHECK(s.bursts.row_misses == 1);
    CHECK(s.bursts.row_conflicts == 1);
    CHECK(s.bursts.activates == 2);
}

TEST_CASE("the DRAM answers as soon as it knows the completion time, which is still to come") {
    // One read on an idle DDR4-2400 completes at 36 tCK = 30 ns (ACT 0, RD 16, data to 36). The
    // answer (BEGIN_RESP annotated with the time to go) comes before then: the controller
    // decides a command at the latest when the earliest data it could move would end, its slot
    // plus the shorter latency and a burst (CWL 12 + 4): the RD at 16 by 32 tCK = 26.7 ns.
    const DramConfig cfg = preset("ddr4-2400");
    double answered_ns = -1, at_ns = -1;
    const auto s = simulate(cfg, [&](Driver& d) {
        d.port.list_completions();
        d.port.issue(0, 64, false);
        std::vector<DramPort::Completion> done;
        while (done.empty()) {
            sc_core::wait(d.port.response_event());
            d.port.take_completed(done);
        }
        answered_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
        at_ns = done[0].at.to_seconds() * 1e9;
    });
    CHECK(at_ns == doctest::Approx(30.0).epsilon(1e-6));
    CHECK(answered_ns <= ck(cfg, 32) + 1e-3);
    CHECK(answered_ns < at_ns);
    CHECK(s.read_bytes == 64);
}

TEST_CASE("a DRAM clock edge's time is what sc_time makes of it in nanoseconds") {
    // time_of() rounds to the picosecond itself; sc_time(double, SC_NS) is the reference, over
    // the presets' clocks and odd ones, near 0 and far into a run.
    std::mt19937_64 rng(3);
    for (const double mhz : {1200.0, 1600.0, 1000.0, 933.0, 1066.6666, 333.0}) {
        DramConfig cfg = preset("ddr4-2400");
        cfg.clock_mhz = mhz;
        DramController dram(fmt::format("dram_{}", int(mhz * 10)).c_str(), cfg);
        std::uint64_t differ = 0, first = 0;
        for (int i = 0; i < 200000; ++i) {
            const std::uint64_t ck = i < 100000 ? std::uint64_t(i) : rng() % 100'000'000'000ull;
            if (dram.time_of(ck) != sc_time(double(ck) * 1e3 / mhz, SC_NS) && differ++ == 0)
                first = ck;
        }
        CAPTURE(mhz);
        CAPTURE(first);
        CHECK(differ == 0);
    }
}

TEST_CASE("seconds_of gives what sc_time::to_seconds does, bit for bit, at 1 ps") {
    // The DRAM model converts with seconds_of() (models/kernel/time.hpp) where it used
    // to_seconds(); a clock edge computed from either must be the same.
    REQUIRE(ps_resolution());
    std::mt19937_64 rng(5);
    std::uint64_t differ = 0, first = 0;
    for (int i = 0; i < 300000; ++i) {
        const std::uint64_t v = i < 100000   ? std::uint64_t(i) * 833
                                : i < 200000 ? rng() % 100'000'000'000'000ull
                                             : rng() >> (i % 40); // up to 2^64 - 1
        const sc_time t = sc_time::from_value(v);
        const double a = seconds_of(t, true), b = t.to_seconds();
        if (std::memcmp(&a, &b, sizeof a) != 0 && differ++ == 0) first = v;
    }
    CAPTURE(first);
    CHECK(differ == 0);
}
