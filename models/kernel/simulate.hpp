// The one way accsim runs the SystemC kernel: sc_start() until no event is left.
//
// SystemC 2.3.4 (Debian's libsystemc) runs each SC_THREAD on a QuickThreads coroutine stack and
// does not tell AddressSanitizer when it switches stacks. After sc_start() returns, ASan still
// takes the last coroutine's stack for the current one, so the first exception thrown on the main
// stack (a failed write of a report, a deadlock) is reported as a false stack-buffer-overflow and
// the run aborts. simulate() tells ASan, through its fiber interface
// (sanitizer/common_interface_defs.h: __sanitizer_start_switch_fiber), that the thread is back
// on its own stack. Without ASan it is sc_start() and nothing else.
#pragma once

#include <exception>

namespace accsim {

// Runs the kernel until no event is left; then throws the error a process stopped the run with
// (fail_simulation()), if any.
void simulate();

// Ends the run from within a process with `error`, which simulate() throws once the kernel has
// returned: an error found inside a process reaches the caller as itself (an InputError, exit 2;
// a DesignFailure, exit 3), not as a SystemC report. The first error of a run is the one thrown.
// Every thread is killed, the calling one included (then fail_simulation() does not return),
// which unwinds their stacks, and the kernel stops (sc_stop).
void fail_simulation(std::exception_ptr error);

} // namespace accsim
