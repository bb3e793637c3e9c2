#include "models/kernel/simulate.hpp"

#include <string>
#include <systemc>
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

} // namespace

void simulate() {
    // A model that stops the run on an error (sc_stop) reports the error itself, after
    // sc_start returns: SystemC's note that the run was stopped would only come first.
    // (sc_stop() notes it as an information of type "/OSCI/SystemC".)
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                            sc_core::SC_DO_NOTHING);
    sc_core::sc_start();
#ifdef ACCSIM_ASAN
    back_on_thread_stack();
#endif
}

void stop_simulation() {
    // From within the run: SystemC kills a thread only while the simulation runs.
    std::vector<sc_core::sc_process_handle> threads;
    for (sc_core::sc_object* top : sc_core::sc_get_top_level_objects()) live_threads(top, threads);
    const sc_core::sc_process_handle self = sc_core::sc_get_current_process_handle();
    for (auto& h : threads)
        if (h != self) h.kill();
    sc_core::sc_stop();
}

} // namespace accsim
