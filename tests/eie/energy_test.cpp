// EIE's energy per layer: the array's power (Table II's modules) over the layer's cycles.
#include "tests/support.hpp"

#include <doctest/doctest.h>

using accsim::test::run_accsim;
using accsim::test::source_path;

TEST_CASE("eie layers carry their energy, power x cycles, split by kind of module") {
    auto r = run_accsim(
        {"run", source_path("configs/eie/mittos_precise_linear.ini"), "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const auto j = r.json();
    const double power_w = j["summary"]["power_w"].get<double>();
    const double clock_mhz = j["summary"]["clock_mhz"].get<double>();
    double total = 0;
    for (const auto& l : j["layers"]) {
        CAPTURE(l["name"].get<std::string>());
        // uJ = W x cycles / (MHz x 1e6) x 1e6
        const double expected = power_w * l["cycles"].get<double>() / clock_mhz;
        CHECK(l["energy_uj"].get<double>() == doctest::Approx(expected));
        CHECK(l["energy_uj"].get<double>() ==
              doctest::Approx(l["mac_energy_uj"].get<double>() + l["sram_energy_uj"].get<double>() +
                              l["queue_energy_uj"].get<double>()));
        CHECK(l["dram_energy_uj"].get<double>() == 0); // EIE keeps the model on chip
        total += l["energy_uj"].get<double>();
    }
    // One inference, its layers back to back.
    CHECK(total == doctest::Approx(j["summary"]["energy_per_inference_uj"].get<double>()));
}
