#include "models/dram/dram_port.hpp"

namespace accsim {

DramPort::DramPort(sc_core::sc_module_name name) : sc_module(name), iSocket("iSocket") {
    iSocket.register_nb_transport_bw(this, &DramPort::nb_transport_bw);
}

DramPort::Ticket DramPort::issue(std::uint64_t address, std::uint64_t bytes, bool write) {
    Ticket t;
    if (!free_.empty()) {
        t = free_.back();
        free_.pop_back();
    } else {
        t = slots_.size();
        slots_.emplace_back();
    }
    Slot& s = slots_[t];
    s.done = false;
    auto& p = s.payload;
    p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(address);
    p.set_data_ptr(dummy_data_);
    p.set_data_length(unsigned(bytes));
    p.set_streaming_width(unsigned(bytes));
    p.set_byte_enable_ptr(nullptr);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    ++outstanding_;
    p.ticket = t;
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    iSocket->nb_transport_fw(p, phase, delay);
    return t;
}

tlm::tlm_sync_enum DramPort::nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                             sc_core::sc_time&) {
    if (phase == tlm::BEGIN_RESP) {
        const Ticket t = static_cast<TicketedPayload&>(trans).ticket;
        slots_[t].done = true;
        if (listing_) completed_.push_back(t);
        --outstanding_;
        response_event_.notify(sc_core::SC_ZERO_TIME);
    }
    return tlm::TLM_COMPLETED;
}

void DramPort::wait_for(Ticket t) {
    while (!slots_[t].done) sc_core::wait(response_event_);
    release(t);
}

void DramPort::wait_any() {
    if (outstanding_ > 0) sc_core::wait(response_event_);
}

void DramPort::wait_all() {
    while (outstanding_ > 0) sc_core::wait(response_event_);
}

} // namespace accsim
