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

namespace accsim {

void simulate();

// Ends the run from within a process that met an error it reports after simulate() returns:
// every other thread is killed, which unwinds its stack (its locals are destroyed, as they would
// not be if it were left waiting), and the kernel stops (sc_stop).
void stop_simulation();

} // namespace accsim
