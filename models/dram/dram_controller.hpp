// The DRAM behind a TLM-2.0 target socket, approximately timed: BEGIN_REQ is accepted at once
// (END_REQ via TLM_UPDATED; a request annotated with a delay arrives that much later) and
// BEGIN_RESP comes back as soon as the time the last burst of the transaction moves its data is
// decided, annotated with the time still to go, so requests to different banks overlap and
// nothing wakes at a completion. The channels' command schedulers are plain C++
// (dram_channel.hpp); this module decides a command once every request that could take its slot
// has arrived, at the latest when its data could end, so it wakes once per few commands, never
// per DRAM clock.
#pragma once

#include "models/dram/dram_channel.hpp"

#include <functional>
#include <memory>
#include <systemc>
#include <tlm>

namespace accsim {

struct DramStats {
    std::uint64_t read_bytes = 0, write_bytes = 0;
    std::uint64_t transactions = 0;
    DramCounters bursts;  // summed over channels
    double energy_pj = 0; // bytes moved x energy per 64 bits
};

// The socket is bound to the module itself (no convenience socket between them): every request
// and every answer is a direct call.
class DramController : public sc_core::sc_module, public tlm::tlm_fw_transport_if<> {
public:
    tlm::tlm_target_socket<> tSocket;

    SC_HAS_PROCESS(DramController);
    DramController(sc_core::sc_module_name name, const DramConfig& cfg);

    // The totals, once simulate() has returned; `end`, the end of the run (no earlier than the
    // last completion), bounds the refreshes counted: every one due by then (once).
    const DramStats& finish(const sc_core::sc_time& end = sc_core::SC_ZERO_TIME);
    const DramStats& stats() const { return stats_; }
    const DramConfig& config() const { return cfg_; }
    // The time of DRAM clock edge ck: rounded once to the time resolution. Past the time range a
    // run may span (time_limit_units) the run stops with an input error.
    sc_core::sc_time time_of(std::uint64_t ck) const;
    // How many bursts beyond queue_depth a channel is given ahead from the backlog (64 unless
    // set). It bounds the memory a long transaction takes, and changes no result.
    void set_feed_ahead(std::size_t bursts) { feed_ahead_ = bursts; }

    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                       sc_core::sc_time& delay) override;
    // Approximately timed only: a blocking transport is an error that says so; no direct memory
    // (timing only, no data) and no debug access.
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) override;
    bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi&) override { return false; }
    unsigned int transport_dbg(tlm::tlm_generic_payload&) override { return 0; }

private:
    // time_of() at another resolution than 1 ps, or past the range: apart, so that the common
    // case stays small enough to inline.
    [[gnu::cold, gnu::noinline]] sc_core::sc_time time_of_rest(double ns) const;
    void accept(tlm::tlm_generic_payload& trans, const sc_core::sc_time& now,
                const sc_core::sc_time& arrival);
    // ck_at(now, true), kept for the last time asked (edge_time_: its edge is edge_ck_).
    std::uint64_t edge_at(const sc_core::sc_time& now);
    sc_core::sc_time edge_time_;
    std::uint64_t edge_ck_ = 0;
    bool ps_resolution_ = false; // the time resolution is 1 ps
    sc_core::sc_time one_ps_;
    // The DRAM clock at time t: the edge at or before it, or (round_up) at or after it.
    std::uint64_t ck_at(const sc_core::sc_time& t, bool round_up = false) const;
    // SC_METHOD: decides the commands due, answers each transaction once its completion time is
    // known, and sleeps until the latest time the next command can wait to be decided.
    void schedule();
    // BEGIN_RESP for transaction id, which completes at `at` (annotated: at - now).
    void answer(std::uint64_t id, const sc_core::sc_time& at, const sc_core::sc_time& now);
    // schedule() runs at `at` or before. The earliest wake asked for in an evaluation phase is
    // notified once, in its update phase (commit_wake()): schedule() asks for one when it ends,
    // and the requests the answers bring in, sent in the same phase, usually ask for an earlier
    // one, which would otherwise replace the first in the kernel's queue of timed events.
    void wake_at(const sc_core::sc_time& at) { want_wake(at, UINT64_MAX); }
    // wake_at(time_of(ck)), converting only when no wake asked for covers it.
    void wake_at_ck(std::uint64_t ck);
    void want_wake(const sc_core::sc_time& at, std::uint64_t ck);
    void commit_wake();
    struct WakeCommit : sc_core::sc_prim_channel { // calls commit_wake() in the update phase
        explicit WakeCommit(DramController& c)
            : sc_core::sc_prim_channel(sc_core::sc_gen_unique_name("wake")), owner(c) {}
        void request() { request_update(); }
        void update() override { owner.commit_wake(); }
        DramController& owner;
    };
    WakeCommit commit_;
    // The wake notified (pending until schedule() runs) and the one asked for, to notify at the
    // update phase; each with its clock edge when asked for by wake_at_ck (else UINT64_MAX).
    bool wake_pending_ = false, want_pending_ = false;
    sc_core::sc_time wake_time_, want_time_;
    std::uint64_t wake_ck_ = UINT64_MAX, want_ck_ = UINT64_MAX;
    std::uint64_t first_data_ck_ = 1;
    int burst_shift_ = 0;  // log2 of the bytes of a burst (a power of two: dram_config.cpp)
    bool feed();           // moves bursts from the backlog into the channels' queues
    bool starving() const; // a channel's queue is not full while bursts of it wait in backlog_

    struct Pending {
        Pending() = default;
        Pending(tlm::tlm_generic_payload* trans_, std::uint64_t bursts_left_,
                const sc_core::sc_time& arrival_)
            : trans(trans_), bursts_left(bursts_left_), arrival(arrival_) {}
        tlm::tlm_generic_payload* trans = nullptr;
        std::uint64_t bursts_left = 0;
        std::uint64_t end_ck = 0;
        sc_core::sc_time arrival;
    };
    // When the run is traced (--trace): every transaction's arrival and response, given to the
    // trace at finish() (requests may arrive stamped ahead of the current time).
    struct Traced {
        sc_core::sc_time arrival, response;
        bool write;
        std::uint64_t bytes;
    };
    bool tracing_ = false;
    std::vector<Traced> traced_;
    void flush_trace();

    DramConfig cfg_;
    DramAddressMap map_;
    std::vector<DramChannel> channels_;
    // Transactions by id (ids are given in the order sent): pending_[id - pending_base_], the
    // front dropped once answered, so it spans the oldest one still in flight to the newest.
    RequestRing<Pending> pending_;
    std::uint64_t pending_base_ = 0;
    Pending& pending(std::uint64_t id) { return pending_[std::size_t(id - pending_base_)]; }
    // A transaction's bursts not in a channel queue yet (built in place from its fields).
    struct Backlog {
        Backlog(std::uint64_t id_, std::uint64_t next_, std::uint64_t last_,
                std::uint64_t arrival_ck_, bool write_)
            : id(id_), next(next_), last(last_), arrival_ck(arrival_ck_), write(write_) {}
        Backlog() = default;
        std::uint64_t id, next, last; // bursts next..last (in burst units of the address)
        std::uint64_t arrival_ck;
        bool write;
    };
    // Transactions whose bursts are not all in a channel queue yet, in arrival order (a ring: a
    // deque would allocate a block every few requests).
    RequestRing<Backlog> backlog_;
    // Transactions annotated to arrive later than the clock edge of now (TLM-2.0 timing
    // annotation), earliest first: they join backlog_ once that edge comes (then every request
    // that arrives earlier is known). Kept sorted (by arrival, then id) by inserting from the
    // back: they come nearly in order.
    RequestRing<Backlog> future_;
    void add_backlog(std::uint64_t id, std::uint64_t next, std::uint64_t last,
                     std::uint64_t arrival_ck, bool write);
    void take_arrived(std::uint64_t horizon);   // future_ up to the edge `horizon` into backlog_
    std::vector<std::uint64_t> backlog_bursts_; // per channel: its bursts in backlog_
    std::size_t feed_ahead_ = 64;
    // Transactions of the ideal model: answered at the next wake (not from within
    // nb_transport_fw), each with its completion time.
    std::vector<std::pair<std::uint64_t, sc_core::sc_time>> ideal_answers_;
    sc_core::sc_time ideal_latency_; // dram.ideal_latency_ns
    std::uint64_t next_txn_ = 0;
    sc_core::sc_event schedule_event_;
    DramStats stats_;
};

} // namespace accsim
