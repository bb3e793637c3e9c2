#include "models/dram/dram_port.hpp"

namespace accsim {

DramPort::DramPort(sc_core::sc_module_name name) : sc_module(name), iSocket("iSocket") {
    iSocket.bind(*this);
}

DramPort::Ticket DramPort::issue(std::uint64_t address, std::uint64_t bytes, bool write,
                                 const sc_core::sc_time& delay) {
    Ticket t;
    if (!free_.empty()) {
        t = free_.back();
        free_.pop_back();
    } else {
        t = slots_.size();
        slots_.push_back(std::make_unique<Slot>());
    }
    Slot& p = *slots_[t];
    p.answered = false;
    p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(address);
    p.set_data_ptr(dummy_data_);
    p.set_data_length(unsigned(bytes));
    p.set_streaming_width(unsigned(bytes));
    p.set_byte_enable_ptr(nullptr);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    p.ticket = t;
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_core::sc_time d = delay;
    iSocket->nb_transport_fw(p, phase, d);
    return t;
}

tlm::tlm_sync_enum DramPort::nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                             sc_core::sc_time& delay) {
    if (phase == tlm::BEGIN_RESP) {
        Slot& s = static_cast<Slot&>(trans);
        s.answered = true;
        s.at = sc_core::sc_time_stamp() + delay;
        // At once: the processes waiting run in this evaluation phase, after the target's, and
        // the requests they send join the same update phase's decisions (no delta cycle). A
        // listing caller takes every answer given before it runs: one notification for the
        // first of them is enough (the list is empty again once it was taken).
        if (!listing_ || completed_.empty()) response_event_.notify();
        if (listing_) completed_.push_back({s.ticket, s.at});
    }
    return tlm::TLM_COMPLETED;
}

void DramPort::wait_for(Ticket t) {
    const Slot& s = *slots_[t];
    while (!s.answered) sc_core::wait(response_event_);
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (s.at > now) sc_core::wait(s.at - now);
    release(t);
}

} // namespace accsim
