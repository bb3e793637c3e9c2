// SystemC time to and from numbers without a call into libsystemc. sc_time::to_seconds() and
// sc_time::from_value() are out of line (about 25 instructions each, the simulation context looked
// up every time), and the DRAM model and its traffic generator convert a few times per request.
// At a time resolution of 1 ps (SystemC's default, which accsim keeps) these compute exactly what
// libsystemc 2.3.4 does: to_seconds() is the value x the resolution in fs (1000) x 1e-15
// (sysc/kernel/sc_time.cpp); elsewhere they call SystemC.
#pragma once

#include <cstdint>
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

// sc_time::from_value(v). Below 2^52 it is SystemC's own (inline) product of one resolution step
// and a double, exact there: v + 0.5 is a double and truncates back to v.
inline sc_core::sc_time time_from_value(std::uint64_t v) {
    static const sc_core::sc_time step = sc_core::sc_time::from_value(1);
    return v < (std::uint64_t(1) << 52) ? step * double(v) : sc_core::sc_time::from_value(v);
}

} // namespace accsim
