// Simulated time: SystemC time to seconds without a call into libsystemc, and the clocks the
// models wait on, checked against the range SystemC can count.
//
// sc_time::to_seconds() is out of line (about 25 instructions, the simulation context looked up
// every time), and the DRAM model and its traffic generator convert a few times per request. At a
// time resolution of 1 ps (SystemC's default, which accsim keeps) seconds_of() computes exactly
// what libsystemc 2.3.4 does: the value x the resolution in fs (1000) x 1e-15
// (sysc/kernel/sc_time.cpp); elsewhere it calls SystemC.
#pragma once

#include <cstdint>
#include <string>
#include <systemc>

namespace accsim {

// Whether the kernel's time resolution is 1 ps (ask once, at elaboration).
inline bool ps_resolution() {
    return sc_core::sc_get_time_resolution() == sc_core::sc_time(1, sc_core::SC_PS);
}

// t.to_seconds(); `ps`: ps_resolution().
inline double seconds_of(const sc_core::sc_time& t, bool ps) {
    return ps ? double(t.value()) * 1000.0 * 1e-15 : t.to_seconds();
}

// SystemC keeps time in a 64-bit count of its resolution, multiplies it through a signed 64-bit
// number (sc_time::operator*=) and adds without a check: past 2^63 a time wraps round. accsim
// lets no time reach 2^62 units (2^62 ps, about 53 days of simulated time), so that no sum or
// product of two of them overflows either. A run that would go further (a clock set absurdly
// slow for its workload) stops with an input error naming the clock's key.
constexpr double time_limit_units = 4611686018427387904.0; // 2^62

// Ends the run with an input error (fail_simulation(), simulate.hpp): a time of `units`
// resolution units, at or past time_limit_units, came of the setting `key` = `value` (a clock or
// a latency). From a thread it does not return; from a method it returns the last time below the
// limit, which the caller may wait for (the kernel stops first).
sc_core::sc_time time_out_of_range(const std::string& key, double value, double units);

// A clock of `mhz` set by the config key `key`: every time a model waits for on it is made here,
// checked against time_limit_units.
class Clock {
public:
    // An input error when one period is already past the limit.
    Clock(double mhz, std::string key);
    const sc_core::sc_time& period() const { return period_; }
    // `from` + n periods (from + period x n, as SystemC rounds the product).
    sc_core::sc_time after(const sc_core::sc_time& from, double n) const {
        const double units = double(from.value()) + double(period_.value()) * n;
        if (units < time_limit_units) return from + period_ * n;
        return time_out_of_range(key_, mhz_, units);
    }
    // n periods from now, as a span to wait: period x n.
    sc_core::sc_time cycles(double n) const {
        const sc_core::sc_time now = sc_core::sc_time_stamp();
        return after(now, n) - now;
    }

private:
    sc_core::sc_time period_;
    double mhz_;
    std::string key_;
};

} // namespace accsim
