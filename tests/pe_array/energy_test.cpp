// Energy per layer and its parts (MAC, SRAM, DRAM, leakage), and SRAM access energy by size.
#include "arch/pe_array/pe_array_cost.hpp"
#include "models/cost/cost_table.hpp"
#include "tests/support.hpp"

#include <cmath>
#include <doctest/doctest.h>

using namespace accsim;
using accsim::test::run_accsim;
using accsim::test::source_path;

namespace {

CostTable table_45nm() {
    return CostTable::load(source_path("configs/tech/45nm.ini"));
}

} // namespace

TEST_CASE("an SRAM's access energy follows Horowitz's 45 nm sizes, log-log between them") {
    const CostTable t = table_45nm();
    // Horowitz, ISSCC 2014: 64-bit reads of 10, 20 and 100 pJ from 8 KB, 32 KB and 1 MB.
    CHECK(pe_array::sram_read_energy_pj(t, 8 * 1024) == doctest::Approx(10));
    CHECK(pe_array::sram_read_energy_pj(t, 32 * 1024) == doctest::Approx(20));
    CHECK(pe_array::sram_read_energy_pj(t, 1024 * 1024) == doctest::Approx(100));
    // Halfway in log size between 8 and 32 KB: halfway in log energy, 10 * sqrt(2).
    CHECK(pe_array::sram_read_energy_pj(t, 16 * 1024) == doctest::Approx(10 * std::sqrt(2.0)));
    // Beyond 1 MB, along the 32 KB - 1 MB segment: x 5 per x 32, so 2 MB is 100 * 5^(1/5).
    CHECK(pe_array::sram_read_energy_pj(t, 2048 * 1024) ==
          doctest::Approx(100 * std::pow(5.0, 0.2)));
    // A write: the table's write / read ratio of its 128 KB macro, 26.2 / 32.4.
    CHECK(pe_array::sram_write_energy_pj(t, 32 * 1024) == doctest::Approx(20 * 26.2 / 32.4));
}

TEST_CASE("an SRAM's energy counts its own accesses at its own size") {
    const CostTable t = table_45nm();
    pe_array::ArrayParams p;
    p.ifmap_sram_bytes = 8 * 1024;
    p.filter_sram_bytes = 32 * 1024;
    p.ofmap_sram_bytes = 1024 * 1024;
    pe_array::ActionCounts c;
    c.ifmap_read = 8000; // 1,000 reads of 64 bits at 10 pJ
    c.filter_read = 800; // 100 reads at 20 pJ
    c.ofmap_read = 80;   // 10 reads at 100 pJ
    const auto cost = pe_array::array_cost(t, p, 8, c, 0);
    CHECK(cost.sram_energy_pj == doctest::Approx(1000 * 10 + 100 * 20 + 10 * 100));
}

TEST_CASE("pe_array layers carry their energy and its parts, which sum to the run's") {
    for (const char* format : {"json", "csv", "text"}) {
        CAPTURE(format);
        auto r = run_accsim({"run", source_path("configs/pe_array/rda_resnet50.ini"), "--set",
                             "run.workload=resnet8", "--format", format});
        REQUIRE(r.exit_code == 0);
        for (const char* field : {"energy_uj", "mac_energy_uj", "sram_energy_uj", "dram_energy_uj",
                                  "leakage_energy_uj"})
            CHECK(r.out.find(field) != std::string::npos);
    }
    auto r = run_accsim({"run", source_path("configs/pe_array/rda_resnet50.ini"), "--set",
                         "run.workload=resnet8", "--set", "run.batch=2", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const auto j = r.json();
    double total = 0, dram = 0, mac = 0;
    for (const auto& l : j["layers"]) {
        const double parts = l["mac_energy_uj"].get<double>() +
                             l["elementwise_energy_uj"].get<double>() +
                             l["sram_energy_uj"].get<double>() + l["dram_energy_uj"].get<double>() +
                             l["leakage_energy_uj"].get<double>();
        CHECK(l["energy_uj"].get<double>() == doctest::Approx(parts));
        total += l["energy_uj"].get<double>();
        dram += l["dram_energy_uj"].get<double>();
        mac += l["mac_energy_uj"].get<double>();
    }
    // The layers run back to back and the 45 nm table has no leakage: the layers' energies
    // add up to the batch's (two inferences).
    CHECK(total == doctest::Approx(2 * j["summary"]["energy_per_inference_uj"].get<double>()));
    CHECK(dram == doctest::Approx(j["dram"]["energy_uj"].get<double>()));
    CHECK(mac == doctest::Approx(j["pe_array"]["mac_energy_uj"].get<double>()));
}
