#include "models/kernel/time.hpp"

#include "common/error.hpp"
#include "models/kernel/simulate.hpp"

#include <fmt/format.h>
#include <utility>

namespace accsim {

namespace {

std::string too_long(const std::string& key, double value, double units, const char* what) {
    const double day_units = 86400.0 / sc_core::sc_get_time_resolution().to_seconds();
    return fmt::format("{} = {}: {} {:.3g} days of simulated time, past the {:.0f} days (2^62 "
                       "time units) a run may span in SystemC's 64-bit time: this workload cannot "
                       "be simulated with clocks this slow or latencies this long",
                       key, value, what, units / day_units, time_limit_units / day_units);
}

} // namespace

sc_core::sc_time time_out_of_range(const std::string& key, double value, double units) {
    fail_simulation(
        std::make_exception_ptr(InputError(too_long(key, value, units, "the run reaches"))));
    return sc_core::sc_time::from_value(sc_core::sc_time::value_type(time_limit_units) - 1);
}

Clock::Clock(double mhz, std::string key) : mhz_(mhz), key_(std::move(key)) {
    const double units = 1e-6 / mhz / sc_core::sc_get_time_resolution().to_seconds();
    if (!(units < time_limit_units))
        throw InputError(too_long(key_, mhz_, units, "one clock period is"));
    period_ = sc_core::sc_time(1e3 / mhz, sc_core::SC_NS);
}

} // namespace accsim
