#include "models/dram/dram_controller.hpp"

#include "common/error.hpp"
#include "models/kernel/simulate.hpp"
#include "models/kernel/time.hpp"
#include "models/trace/trace.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>
#include <string>

namespace accsim {

using sc_core::SC_NS;
using sc_core::sc_time;

DramController::DramController(sc_core::sc_module_name name, const DramConfig& cfg)
    : sc_module(name), tSocket("tSocket"), commit_(*this), cfg_(cfg), map_(cfg),
      channels_(std::size_t(cfg.channels), DramChannel(cfg)),
      backlog_bursts_(std::size_t(cfg.channels), 0) {
    tSocket.bind(*this);
    tracing_ = active_trace() != nullptr;
    for (auto& ch : channels_) ch.trace_queue = tracing_;
    ps_resolution_ = ps_resolution();
    one_ps_ = sc_time(1, sc_core::SC_PS);
    ideal_latency_ = sc_time(cfg.ideal_latency_ns, SC_NS);
    // A column command's data ends this many clocks after it at the soonest.
    first_data_ck_ = std::uint64_t(std::min(cfg.cl, cfg.cwl) + cfg.burst_cycles());
    while ((1 << burst_shift_) < cfg.burst_bytes()) ++burst_shift_;
    SC_METHOD(schedule);
    sensitive << schedule_event_;
    dont_initialize();
}

tlm::tlm_sync_enum DramController::nb_transport_fw(tlm::tlm_generic_payload& trans,
                                                   tlm::tlm_phase& phase, sc_time& delay) {
    if (phase == tlm::BEGIN_REQ) {
        const sc_time now = sc_core::sc_time_stamp();
        accept(trans, now, now + delay);
        phase = tlm::END_REQ;
        return tlm::TLM_UPDATED;
    }
    return tlm::TLM_COMPLETED; // END_RESP
}

void DramController::b_transport(tlm::tlm_generic_payload&, sc_time&) {
    throw std::logic_error(std::string(name()) + ": b_transport is not supported, the DRAM is "
                                                 "approximately timed (nb_transport_fw)");
}

void DramController::accept(tlm::tlm_generic_payload& trans, const sc_time& now,
                            const sc_time& arrival) {
    const bool write = trans.is_write();
    const std::uint64_t bytes = trans.get_data_length();
    (write ? stats_.write_bytes : stats_.read_bytes) += bytes;
    stats_.energy_pj += double(bytes) / 8.0 * cfg_.access_energy_pj_per_64bit;
    ++stats_.transactions;
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    const std::uint64_t id = next_txn_++;

    if (cfg_.model == DramModel::ideal || bytes == 0) {
        pending_.emplace_back(&trans, 0, arrival);
        // The arrival is below 2^62 time units and the latency at most 10^18 (its range): the
        // sum does not wrap.
        sc_time at = arrival + ideal_latency_;
        if (double(at.value()) >= time_limit_units)
            at = time_out_of_range("dram.ideal_latency_ns", cfg_.ideal_latency_ns,
                                   double(at.value()));
        ideal_answers_.push_back({id, at});
        wake_at(now);
        return;
    }
    // Time in DRAM clocks: the request is seen at the next clock edge.
    const std::uint64_t arrival_ck = ck_at(arrival, true);
    const std::uint64_t first = trans.get_address() >> burst_shift_;
    const std::uint64_t last = (trans.get_address() + bytes - 1) >> burst_shift_;
    pending_.emplace_back(&trans, last - first + 1, arrival);
    const std::uint64_t now_edge = edge_at(now);
    if (arrival_ck <= now_edge) {
        take_arrived(now_edge); // those annotated to arrive before it go first
        add_backlog(id, first, last, arrival_ck, write);
    } else {
        // Behind every one arriving no later: ids grow, so at a tie the newer goes last.
        std::size_t at = future_.size();
        while (at > 0 && future_[at - 1].arrival_ck > arrival_ck) --at;
        future_.insert_slot(at) = Backlog(id, first, last, arrival_ck, write);
    }
    // The new request may change the commands from the clock edge it is seen at; what it changes
    // shows (as a response) a column command's latency and a burst after that at the soonest, so
    // the decisions can wait until then.
    wake_at_ck(arrival_ck + first_data_ck_);
}

void DramController::add_backlog(std::uint64_t id, std::uint64_t next, std::uint64_t last,
                                 std::uint64_t arrival_ck, bool write) {
    backlog_.emplace_back(id, next, last, arrival_ck, write);
    if (channels_.size() == 1)
        backlog_bursts_[0] += last - next + 1;
    else
        for (std::size_t c = 0; c < channels_.size(); ++c)
            backlog_bursts_[c] += map_.bursts_on_channel(next, last, int(c));
}

void DramController::take_arrived(std::uint64_t horizon) {
    while (!future_.empty() && future_.front().arrival_ck <= horizon) {
        const Backlog& b = future_.front();
        add_backlog(b.id, b.next, b.last, b.arrival_ck, b.write);
        future_.pop_front();
    }
}

void DramController::wake_at_ck(std::uint64_t ck) {
    // time_of() is nondecreasing in ck: a wake at an edge no later covers it, without converting.
    if ((wake_pending_ && wake_ck_ <= ck) || (want_pending_ && want_ck_ <= ck)) return;
    want_wake(time_of(ck), ck);
}

void DramController::want_wake(const sc_time& at, std::uint64_t ck) {
    if ((wake_pending_ && wake_time_ <= at) || (want_pending_ && want_time_ <= at))
        return; // an earlier wake covers it
    if (!want_pending_) commit_.request();
    want_pending_ = true;
    want_time_ = at;
    want_ck_ = ck;
}

void DramController::commit_wake() {
    if (!want_pending_) return;
    want_pending_ = false;
    // schedule() may have run since the wake was asked for (then nothing is pending) or a wake
    // no later may be pending.
    if (wake_pending_ && wake_time_ <= want_time_) return;
    const sc_time now = sc_core::sc_time_stamp();
    // Of two notifications pending, only the earlier survives (IEEE 1666-2011, "Multiple
    // event notifications"): no cancel() first.
    schedule_event_.notify(want_time_ > now ? want_time_ - now : sc_core::SC_ZERO_TIME);
    wake_pending_ = true;
    wake_time_ = want_time_;
    wake_ck_ = want_ck_;
}

std::uint64_t DramController::edge_at(const sc_time& now) {
    // Several requests, and the wake that follows them, come at one time: its edge is worked
    // out once.
    if (!(now == edge_time_)) {
        edge_time_ = now;
        edge_ck_ = ck_at(now, true);
    }
    return edge_ck_;
}

std::uint64_t DramController::ck_at(const sc_time& t, bool round_up) const {
    // SystemC keeps time in picoseconds: a clock edge may sit up to half a picosecond off, a
    // few thousandths of a DRAM clock.
    const double ck = seconds_of(t, ps_resolution_) * cfg_.clock_mhz * 1e6;
    // std::ceil and std::floor of a number at least -0.01, as integers: in the x86-64 baseline
    // (no SSE4.1 rounding) each is a call, and this runs for every request.
    const double x = round_up ? ck - 0.01 : ck + 0.01;
    if (!(x > 0)) return 0;
    const auto whole = std::uint64_t(x);
    return round_up && double(whole) < x ? whole + 1 : whole;
}

sc_time DramController::time_of(std::uint64_t ck) const {
    // Rounded once, so that 36 tCK of 0.833 ns is 30.000 ns, not 36 x 0.833.
    const double ns = double(ck) * 1e3 / cfg_.clock_mhz;
    // At accsim's time resolution, 1 ps, the rounding sc_time(double, SC_NS) does (to the
    // nearest picosecond, halves up), without its lookups; tests/dram checks the two agree.
    // The time is made from one picosecond by sc_time::operator*=, which is inline and rounds
    // the same way (x 1.0, + 0.5, truncated), rather than by sc_time::from_value(), a call into
    // libsystemc for every answer.
    if (ps_resolution_ && ns * 1000.0 + 0.5 < time_limit_units) {
        sc_time t = one_ps_;
        t *= ns * 1000.0;
        return t;
    }
    return time_of_rest(ns);
}

sc_time DramController::time_of_rest(double ns) const {
    const double units = ns * 1e-9 / sc_core::sc_get_time_resolution().to_seconds();
    if (units >= time_limit_units)
        return time_out_of_range("dram.clock_mhz", cfg_.clock_mhz, units);
    return sc_time(ns, SC_NS);
}

bool DramController::starving() const {
    for (std::size_t c = 0; c < channels_.size(); ++c)
        if (backlog_bursts_[c] > 0 && channels_[c].below_depth()) return true;
    return false;
}

bool DramController::feed() {
    // Bursts go to their channels in arrival order, as many as keep each channel's queue full
    // with feed_ahead_ to spare: a request beyond the controller queue only waits, so decoding
    // the rest of a long transaction now would change nothing but the memory it takes. A channel
    // whose queue is not full while some of its bursts wait is fed past the others' limit (they
    // may be behind bursts of a full channel).
    const std::size_t limit = std::size_t(cfg_.queue_depth) + feed_ahead_;
    const std::uint64_t burst_bytes = std::uint64_t(cfg_.burst_bytes());
    bool fed = false;
    while (!backlog_.empty()) {
        // The front transaction's fields in locals while its bursts go out (its next burst
        // written back once, not after every burst).
        Backlog& t = backlog_.front();
        const std::uint64_t id = t.id, arrival = t.arrival_ck, last = t.last;
        const bool write = t.write;
        std::uint64_t next = t.next;
        bool full = false;
        for (; next <= last; ++next) {
            const DramCoordinates c = map_.decode(next * burst_bytes);
            DramChannel& ch = channels_[std::size_t(c.channel)];
            if (ch.queued() >= limit && !starving()) {
                full = true;
                break;
            }
            ch.push({id, arrival, c.row, std::uint8_t(c.rank), std::uint8_t(c.bank_group),
                     std::uint8_t(c.bank), write});
            --backlog_bursts_[std::size_t(c.channel)];
            fed = true;
        }
        t.next = next;
        if (full) break;
        backlog_.pop_front();
    }
    return fed;
}

void DramController::schedule() {
    wake_pending_ = false;
    const sc_time now = sc_core::sc_time_stamp();
    // Every request a command at a slot before `horizon` could serve has arrived: one arriving
    // from now on is seen from the first clock edge at or after now. The commands are decided
    // at the latest when their data could end, so one wake decides the slots of a few.
    const std::uint64_t horizon = edge_at(now);
    for (const auto& [id, at] : ideal_answers_) answer(id, at, now);
    ideal_answers_.clear();
    take_arrived(horizon);
    std::uint64_t last_txn = UINT64_MAX;
    Pending* last = nullptr;
    auto done = [&](std::uint64_t txn, std::uint64_t end_ck) {
        if (txn != last_txn) { // bursts of one transaction come one after another
            last_txn = txn;
            last = &pending(txn);
        }
        Pending& p = *last;
        p.end_ck = std::max(p.end_ck, end_ck);
        if (--p.bursts_left == 0) answer(txn, time_of(p.end_ck), now);
    };
    // Issue what is due, topping the queues up from the backlog as they drain.
    do {
        for (std::size_t c = 0; c < channels_.size(); ++c)
            channels_[c].advance(horizon, done, backlog_bursts_[c] > 0);
    } while (feed());
    for (const auto& ch : channels_)
        if (!ch.failure().empty()) {
            // Timings that can serve no request (the channel returned at the refresh that showed
            // it): the simulation stops, and simulate() throws the error (made here without a
            // throw, which inside the kernel SystemC would turn into a report of its own).
            fail_simulation(std::make_exception_ptr(InputError(ch.failure())));
            return;
        }
    std::uint64_t next = UINT64_MAX;
    for (auto& ch : channels_) next = std::min(next, ch.next_command_ck());
    if (next != UINT64_MAX) wake_at_ck(std::max(next, horizon) + first_data_ck_);
    // The next request annotated to arrive later (an earlier wake may have replaced its own).
    if (!future_.empty()) wake_at_ck(future_.front().arrival_ck + first_data_ck_);
}

void DramController::answer(std::uint64_t id, const sc_time& at, const sc_time& now) {
    // The initiator learns the completion time as soon as it is known (BEGIN_RESP annotated
    // with the time still to go), so nothing needs to wake at the completion itself.
    Pending& p = pending(id);
    tlm::tlm_generic_payload* trans = p.trans;
    if (tracing_) traced_.push_back({p.arrival, at, trans->is_write(), trans->get_data_length()});
    p.trans = nullptr; // answered
    while (!pending_.empty() && !pending_.front().trans) {
        pending_.pop_front();
        ++pending_base_;
    }
    tlm::tlm_phase phase = tlm::BEGIN_RESP;
    sc_time delay = at > now ? at - now : sc_core::SC_ZERO_TIME;
    tSocket->nb_transport_bw(*trans, phase, delay);
}

const DramStats& DramController::finish(const sc_time& end) {
    // Refreshes are taken when the next command needs them: those due after a rank's last
    // command and by the end of the run are counted here, so that `refreshes` covers the run.
    const std::uint64_t end_ck = ck_at(end, false);
    stats_.bursts = DramCounters{};
    for (auto& ch : channels_) {
        if (cfg_.model == DramModel::timing) ch.count_refreshes_until(end_ck);
        stats_.bursts += ch.counters();
    }
    flush_trace();
    return stats_;
}

void DramController::flush_trace() {
    Trace* t = active_trace();
    if (!tracing_ || !t) return;
    tracing_ = false; // once
    // In DRAM clocks: a span per transaction, and the count in flight (arrivals first at a tie).
    auto ck = [&](const sc_time& at) {
        return std::uint64_t(std::llround(at.to_seconds() * cfg_.clock_mhz * 1e6));
    };
    // Answers go out as completion times are decided: in the order of the completions (those at
    // one time in the order decided).
    std::stable_sort(traced_.begin(), traced_.end(),
                     [](const Traced& a, const Traced& b) { return a.response < b.response; });
    TraceSpans* spans = t->spans("DRAM", cfg_.clock_mhz);
    std::vector<std::pair<std::uint64_t, int>> events;
    for (const auto& x : traced_) {
        spans->add(ck(x.arrival), ck(x.response),
                   fmt::format("{} {} B", x.write ? "write" : "read", x.bytes));
        events.push_back({ck(x.arrival), +1});
        events.push_back({ck(x.response), -1});
    }
    auto by_time = [](const auto& a, const auto& b) {
        return a.first < b.first || (a.first == b.first && a.second > b.second);
    };
    std::stable_sort(events.begin(), events.end(), by_time);
    TraceSignal* in_flight = t->counter("DRAM", "in flight", "transactions", cfg_.clock_mhz);
    std::int64_t level = 0;
    for (const auto& [at, d] : events) in_flight->change(at, level += d);
    traced_.clear();
    // Each channel's queue of bursts (the controller queue and the requests waiting for it).
    for (std::size_t c = 0; c < channels_.size(); ++c) {
        auto& ev = channels_[c].queue_events;
        std::stable_sort(ev.begin(), ev.end(), by_time);
        TraceSignal* q =
            t->counter(fmt::format("DRAM channel {}", c), "queued", "bursts", cfg_.clock_mhz);
        std::int64_t n = 0;
        for (const auto& [at, d] : ev) q->change(at, n += d);
        ev.clear();
    }
}

} // namespace accsim
