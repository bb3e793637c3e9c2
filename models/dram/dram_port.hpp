// The initiator side of the DRAM socket. issue() sends one transaction (BEGIN_REQ), arriving now
// or, with a delay, later (TLM-2.0 timing annotation), and returns at once. The target answers
// (BEGIN_RESP) as soon as it has decided when the transaction completes, annotated with the time
// still to go, which may be ahead of the current time. Two ways to take the answers:
// - a module's SC_THREAD calls wait_for(ticket), which returns at the completion time;
// - a module that keeps the time itself (an SC_METHOD, as the traffic generator) calls
//   list_completions() once, then take_completed() whenever response_event() fires: every
//   answered ticket with its completion time, possibly still to come.
#pragma once

#include <cstdint>
#include <memory>
#include <systemc>
#include <tlm>
#include <utility>
#include <vector>

namespace accsim {

class DramPort : public sc_core::sc_module, public tlm::tlm_bw_transport_if<> {
public:
    tlm::tlm_initiator_socket<> iSocket; // bound to the port itself: answers are direct calls

    explicit DramPort(sc_core::sc_module_name name);

    using Ticket = std::size_t;
    // Returns at once (callable from an SC_THREAD or an SC_METHOD). `bytes` > 0. The request
    // arrives `delay` after now. Every ticket goes back once answered: wait_for() or release()
    // recycles it.
    Ticket issue(std::uint64_t address, std::uint64_t bytes, bool write,
                 const sc_core::sc_time& delay = sc_core::SC_ZERO_TIME);
    // Blocks the calling SC_THREAD until ticket t has completed, and recycles it.
    void wait_for(Ticket t);
    // A ticket back for reuse once its answer was taken (take_completed()).
    void release(Ticket t) { free_.push_back(t); }
    // Notified whenever answers come (immediate notification: a process waiting on it runs in
    // the same evaluation phase).
    const sc_core::sc_event& response_event() const { return response_event_; }
    struct Completion {
        Ticket ticket;
        sc_core::sc_time at; // when the transaction completes (now or later)
    };
    // Once called, the port lists every ticket as it is answered, in the order of the answers, so
    // that a caller with many in flight finds them without looking at each: take_completed()
    // moves the list into `into` (cleared first; its storage is reused from call to call).
    void list_completions() { listing_ = true; }
    void take_completed(std::vector<Completion>& into) {
        into.clear();
        into.swap(completed_);
    }

    tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                       sc_core::sc_time& delay) override;
    void invalidate_direct_mem_ptr(sc_dt::uint64, sc_dt::uint64) override {} // no DMI used

private:
    // Every payload this port sends is one of these, so a response finds its ticket's state in
    // it, without a lookup.
    struct Slot : tlm::tlm_generic_payload {
        Ticket ticket = 0;
        bool answered = true;
        sc_core::sc_time at; // completion time, once answered
    };
    std::vector<std::unique_ptr<Slot>> slots_; // by ticket, at stable addresses
    std::vector<Ticket> free_;
    bool listing_ = false;
    std::vector<Completion> completed_;
    sc_core::sc_event response_event_;
    unsigned char dummy_data_[8] = {}; // timing only: the target never touches data
};

} // namespace accsim
