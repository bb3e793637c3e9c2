#include "models/dram/dram_controller.hpp"

#include <cmath>

namespace accsim {

using sc_core::SC_NS;
using sc_core::sc_time;

DramController::DramController(sc_core::sc_module_name name, const DramConfig& cfg)
    : sc_module(name), tSocket("tSocket"), cfg_(cfg), map_(cfg),
      channels_(std::size_t(cfg.channels), DramChannel(cfg)) {
    tSocket.register_nb_transport_fw(this, &DramController::nb_transport_fw);
    SC_METHOD(respond);
    sensitive << response_event_;
    dont_initialize();
    SC_METHOD(schedule);
    sensitive << schedule_event_;
    dont_initialize();
}

tlm::tlm_sync_enum DramController::nb_transport_fw(tlm::tlm_generic_payload& trans,
                                                   tlm::tlm_phase& phase, sc_time& delay) {
    if (phase == tlm::BEGIN_REQ) {
        accept(trans, sc_core::sc_time_stamp() + delay);
        phase = tlm::END_REQ;
        return tlm::TLM_UPDATED;
    }
    return tlm::TLM_COMPLETED; // END_RESP
}

void DramController::accept(tlm::tlm_generic_payload& trans, const sc_time& arrival) {
    const bool write = trans.is_write();
    const std::uint64_t bytes = trans.get_data_length();
    (write ? stats_.write_bytes : stats_.read_bytes) += bytes;
    stats_.energy_pj += double(bytes) / 8.0 * cfg_.access_energy_pj_per_64bit;
    ++stats_.transactions;
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    const std::uint64_t id = next_txn_++;

    if (cfg_.model == DramModel::ideal || bytes == 0) {
        pending_[id] = {&trans, 0, 0};
        responses_.emplace(arrival + sc_time(cfg_.ideal_latency_ns, SC_NS), id);
        response_event_.notify(responses_.begin()->first - sc_core::sc_time_stamp());
        return;
    }
    // Time in DRAM clocks: the request is seen at the next clock edge.
    const std::uint64_t arrival_ck =
        std::uint64_t(std::ceil(arrival.to_seconds() * cfg_.clock_mhz * 1e6 - 1e-6));
    const std::uint64_t burst_bytes = std::uint64_t(cfg_.burst_bytes());
    const std::uint64_t first = trans.get_address() / burst_bytes;
    const std::uint64_t last = (trans.get_address() + bytes - 1) / burst_bytes;
    pending_[id] = {&trans, last - first + 1, 0};
    arrived_.push_back(id);
    for (std::uint64_t a = first; a <= last; ++a) {
        DramCoordinates c = map_.decode(a * burst_bytes);
        channels_[std::size_t(c.channel)].push(
            {id, arrival_ck, c.rank, c.bank_group, c.bank, c.row, write});
    }
    // Every request of this delta cycle is in: schedule them together.
    schedule_event_.notify(sc_core::SC_ZERO_TIME);
}

sc_time DramController::time_of(std::uint64_t ck) const {
    // Rounded once, so that 36 tCK of 0.833 ns is 30.000 ns, not 36 x 0.833.
    return sc_time(double(ck) * 1e3 / cfg_.clock_mhz, SC_NS);
}

void DramController::schedule() {
    // Requests enter the controller queue in arrival order, and a transaction is far longer than
    // the queue, so bursts already scheduled keep their slots when a later request arrives: the
    // channels schedule everything that has arrived, and each transaction's completion is final.
    std::uint64_t last_id = UINT64_MAX;
    Pending* last = nullptr;
    for (auto& ch : channels_)
        ch.run(UINT64_MAX, [&](std::uint64_t txn, std::uint64_t end_ck) {
            if (txn != last_id) {
                last_id = txn;
                last = &pending_.at(txn);
            }
            --last->bursts_left;
            last->end_ck = std::max(last->end_ck, end_ck);
        });
    for (std::uint64_t id : arrived_) responses_.emplace(time_of(pending_.at(id).end_ck), id);
    arrived_.clear();
    if (!responses_.empty()) {
        const sc_time at = responses_.begin()->first, now = sc_core::sc_time_stamp();
        response_event_.notify(at > now ? at - now : sc_core::SC_ZERO_TIME);
    }
}

void DramController::respond() {
    const sc_time now = sc_core::sc_time_stamp();
    while (!responses_.empty() && responses_.begin()->first <= now) {
        std::uint64_t id = responses_.begin()->second;
        responses_.erase(responses_.begin());
        auto it = pending_.find(id);
        tlm::tlm_generic_payload* trans = it->second.trans;
        pending_.erase(it);
        tlm::tlm_phase phase = tlm::BEGIN_RESP;
        sc_time delay = sc_core::SC_ZERO_TIME;
        tSocket->nb_transport_bw(*trans, phase, delay);
    }
    if (!responses_.empty()) response_event_.notify(responses_.begin()->first - now);
}

const DramStats& DramController::finish() {
    stats_.bursts = DramCounters{};
    for (const auto& ch : channels_) stats_.bursts += ch.counters();
    return stats_;
}

} // namespace accsim
