// The initiator side of the DRAM socket for a module that reads and writes tiles: issue() sends
// one burst transaction (BEGIN_REQ) and returns at once; wait_for() blocks the calling SC_THREAD
// until that transaction's BEGIN_RESP has come back. One event per completed transaction.
#pragma once

#include <cstdint>
#include <deque>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <utility>
#include <vector>

namespace accsim {

class DramPort : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<DramPort> iSocket;

    explicit DramPort(sc_core::sc_module_name name);

    using Ticket = std::size_t;
    // Returns at once (callable from an SC_THREAD or an SC_METHOD). `bytes` > 0. Every ticket
    // goes back once it has completed: wait_for() or release() recycles it.
    Ticket issue(std::uint64_t address, std::uint64_t bytes, bool write);
    bool done(Ticket t) const { return slots_[t].done; }
    void wait_for(Ticket t);
    // A completed ticket back for reuse (as wait_for does once it has returned): for an
    // SC_METHOD caller, woken by response_event().
    void release(Ticket t) { free_.push_back(t); }
    // Notified (in the next delta cycle) whenever transactions complete.
    const sc_core::sc_event& response_event() const { return response_event_; }
    void wait_all();
    // Blocks until the next transaction completes (returns at once when none is outstanding).
    void wait_any();
    std::size_t outstanding() const { return outstanding_; }
    // Once called, the port lists every ticket as it completes, so that a caller with many in
    // flight finds them without looking at each: take_completed() moves the list out.
    void list_completions() { listing_ = true; }
    std::vector<Ticket> take_completed() { return std::exchange(completed_, {}); }

private:
    tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                       sc_core::sc_time& delay);
    // Every payload this port sends is one of these, so a response finds its ticket in it.
    struct TicketedPayload : tlm::tlm_generic_payload {
        Ticket ticket = 0;
    };
    struct Slot {
        TicketedPayload payload;
        bool done = true;
    };
    std::deque<Slot> slots_; // stable addresses
    std::vector<Ticket> free_;
    std::size_t outstanding_ = 0;
    bool listing_ = false;
    std::vector<Ticket> completed_;
    sc_core::sc_event response_event_;
    unsigned char dummy_data_[8] = {}; // timing only: the target never touches data
};

} // namespace accsim
