// SystemC time to seconds without a call into libsystemc. sc_time::to_seconds() is out of line
// (about 25 instructions, the simulation context looked up every time), and the DRAM model and its
// traffic generator convert a few times per request. At a time resolution of 1 ps (SystemC's
// default, which accsim keeps) seconds_of() computes exactly what libsystemc 2.3.4 does: the value
// x the resolution in fs (1000) x 1e-15 (sysc/kernel/sc_time.cpp); elsewhere it calls SystemC.
#pragma once

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

} // namespace accsim
