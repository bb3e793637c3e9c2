#include "models/kernel/simulate.hpp"

#define SC_INCLUDE_DYNAMIC_PROCESSES // sc_spawn
#include <string>
#include <systemc>
#include <utility>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define ACCSIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ACCSIM_ASAN 1
#endif
#endif

#ifdef ACCSIM_ASAN
#include <pthread.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace accsim {

namespace {

#ifdef ACCSIM_ASAN
// Announces a switch to the calling thread's own stack and completes it at once: ASan's idea of
// the current stack is the thread's again.
void back_on_thread_stack() {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
    void* bottom = nullptr;
    std::size_t size = 0;
    pthread_attr_getstack(&attr, &bottom, &size);
    pthread_attr_destroy(&attr);
    __sanitizer_start_switch_fiber(nullptr, bottom, size);
    __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
}
#endif

// Every thread process below `obj` that has not ended.
void live_threads(sc_core::sc_object* obj, std::vector<sc_core::sc_process_handle>& out) {
    if (std::string(obj->kind()) == "sc_thread_process") {
        sc_core::sc_process_handle h(obj);
        if (!h.terminated()) out.push_back(h);
    }
    for (sc_core::sc_object* child : obj->get_child_objects()) live_threads(child, out);
}

// The error that stopped the current run (fail_simulation()).
std::exception_ptr& run_failure() {
    static std::exception_ptr failure;
    return failure;
}

} // namespace

void simulate() {
    // A model that stops the run on an error (sc_stop) reports the error itself, after
    // sc_start returns: SystemC's note that the run was stopped would only come first.
    // (sc_stop() notes it as an information of type "/OSCI/SystemC".)
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                            sc_core::SC_DO_NOTHING);
    run_failure() = nullptr;
    sc_core::sc_start();
#ifdef ACCSIM_ASAN
    back_on_thread_stack();
#endif
    if (std::exception_ptr failure = std::exchange(run_failure(), nullptr))
        std::rethrow_exception(failure);
}

void fail_simulation(std::exception_ptr error) {
    if (run_failure()) return; // stopping already
    run_failure() = std::move(error);
    // Every other thread is killed, which unwinds its stack (its locals are destroyed, as they
    // would not be if it were left waiting; SystemC kills a thread only while the simulation
    // runs), and the kernel stops.
    std::vector<sc_core::sc_process_handle> threads;
    for (sc_core::sc_object* top : sc_core::sc_get_top_level_objects()) live_threads(top, threads);
    sc_core::sc_process_handle self = sc_core::sc_get_current_process_handle();
    for (auto& h : threads)
        if (h != self) h.kill();
    sc_core::sc_stop();
    if (!self.valid() || self.proc_kind() != sc_core::SC_THREAD_PROC_) return;
    // A thread that failed ends the same way, killed by a method spawned for it, and waits until
    // then. (Killing itself, it would unwind at once on its own coroutine stack, where
    // AddressSanitizer, not told of SystemC's stack switches, reports a false stack overflow.)
    sc_core::sc_spawn_options method;
    method.spawn_method();
    sc_core::sc_spawn([self]() mutable { self.kill(); }, nullptr, &method);
    sc_core::sc_event never;
    for (;;) sc_core::wait(never);
}

} // namespace accsim
