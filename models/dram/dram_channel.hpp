// One DRAM channel's controller, command by command (the way DRAMSys's controller decides): at
// each command slot, among every request in the controller queue, the next command (precharge,
// activate, read or write) is chosen FR-FCFS, row hits first, then the oldest, honouring tRCD,
// tRP, tRAS, tCCD_S/L, tRRD_S/L, tFAW, tWTR_S/L, tRTP, tWR, the data bus and all-bank refresh.
// Plain C++: the SystemC target (dram_controller.hpp) calls advance() when it wakes and sleeps
// until the next command must be decided (from next_command_ck()), so nothing runs per DRAM
// clock.
#pragma once

#include "models/dram/dram_scan.hpp"
#include "models/dram/dram_timing.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace accsim {

// A first-in-first-out ring, indexed from its first element: the controller queue holds a few
// dozen requests and turns over once per burst, which a std::deque pays for in block allocations
// (so do the command slots issued ahead, the freed queue slots and the transactions in flight).
template <class T>
class RequestRing {
public:
    bool empty() const { return count_ == 0; }
    std::size_t size() const { return count_; }
    T& operator[](std::size_t i) { return slots_[(head_ + i) & mask_]; }
    const T& operator[](std::size_t i) const { return slots_[(head_ + i) & mask_]; }
    T& front() { return (*this)[0]; }
    const T& front() const { return (*this)[0]; }
    void push_back(const T& v) { push_slot() = v; }
    template <class... Args>
    void emplace_back(Args&&... args) {
        push_slot() = T(std::forward<Args>(args)...);
    }
    // A new last element, to be filled in place.
    T& push_slot() {
        if (count_ == slots_.size()) grow();
        return slots_[(head_ + count_++) & mask_];
    }
    // A new element at place i (0 to size()), the ones from i on moved back by one, to be filled
    // in place: for a list kept sorted whose new elements come nearly in order.
    T& insert_slot(std::size_t i) {
        push_slot();
        for (std::size_t j = count_ - 1; j > i; --j) (*this)[j] = (*this)[j - 1];
        return (*this)[i];
    }
    void pop_front() {
        head_ = (head_ + 1) & mask_;
        --count_;
    }

private:
    void grow() {
        std::vector<T> bigger(slots_.empty() ? 64 : slots_.size() * 2);
        for (std::size_t i = 0; i < count_; ++i) bigger[i] = (*this)[i];
        slots_.swap(bigger);
        head_ = 0;
        mask_ = slots_.size() - 1;
    }
    std::vector<T> slots_;
    std::size_t head_ = 0, count_ = 0, mask_ = 0;
};

class DramChannel {
public:
    explicit DramChannel(const DramConfig& cfg);

    // A burst that arrived (arrival_ck nondecreasing from call to call). Inline: the controller
    // feeds every burst through it.
    void push(const DramBurst& b) {
        Entry& e = queue_.push_slot();
        e.b = b;
        e.seq = next_seq_++;
        e.visible_ck = ~std::uint64_t(0); // taken from a free slot by visible()
        e.kind = -1;
        e.issued = false;
        e.bank_index = bank_index(b);
        if (trace_queue) queue_events.push_back({b.arrival_ck, +1});
        // A request beyond the controller queue is not looked at yet: the choice stands.
        if (++live_ <= std::size_t(cfg_.queue_depth)) {
            window_end_ = queue_.size();
            if (windows_valid_) enter_window(window_end_ - 1);
            if (cached_) cached_ = still_chosen(e.bank_index);
        }
    }
    bool idle() const { return live_ == 0; }
    std::size_t queued() const { return live_; }
    // Fewer bursts pushed than the controller queue holds.
    bool below_depth() const { return live_ < std::size_t(cfg_.queue_depth); }

    // Issues every command whose slot is before `horizon` (every request that could be served at
    // such a slot has been pushed: the caller's promise), every command while the controller
    // queue is full (a later arrival waits behind it), and every column command that
    // no request arriving later could take the place of (the oldest request's row hit at the
    // earliest slot any column command could have); calls done(txn, data_end_ck) for each burst
    // whose column command issued. `more_waiting`: bursts of this channel wait in the
    // controller's backlog, not pushed yet; then advance returns as soon as fewer than
    // queue_depth bursts are pushed, since the next of them may take the freed slot before the
    // next decision (the caller pushes more and calls again).
    template <class Done>
    void advance(std::uint64_t horizon, Done&& done, bool more_waiting = false) {
        for (;;) {
            if (more_waiting && below_depth()) return;
            // The common case of a stream first, without building a choice.
            bool stream_tried = false;
            if (!cached_) {
                std::uint64_t txn = 0, data_end = 0;
                if (stream_step(txn, data_end)) {
                    done(txn, data_end);
                    continue;
                }
                stream_tried = true;
            }
            const Choice* next = next_choice(stream_tried);
            if (!next) return;
            const Choice& c = *next;             // stays as it is until the next choose()
            const bool settled = !below_depth(); // a full queue: in slot order, now
            if (c.refresh) {
                if (c.ck >= horizon && !settled) return;
                cached_ = false;
                refresh(c.rank, settled ? ~std::uint64_t(0) : horizon, c.order);
                if (!failure_.empty()) return;
                continue;
            }
            const bool later = c.ck >= horizon && !settled;
            if (later && !unbeatable(c)) return;
            cached_ = false;
            // A command chosen against every bank's and in slot order advances the command
            // bus's clock; one issued before its slot has come, or chosen without comparing the
            // other banks (the stream case) with free slots before it, only holds its slot.
            const bool ahead = later || (c.stream && c.ck > cmd_bus_free_ck());
            std::uint64_t data_end = 0;
            if (issue(c, ahead, data_end)) done(c.txn, data_end);
        }
    }
    // The slot of the next command given what is queued now (UINT64_MAX when idle).
    std::uint64_t next_command_ck() {
        const Choice* c = next_choice();
        return c ? c->ck : UINT64_MAX;
    }

    const DramCounters& counters() const { return counters_; }
    // Counts the refreshes due on each rank up to end_ck (a clock edge) and not taken yet: a
    // rank is refreshed only before a command, so those after its last one are counted here.
    void count_refreshes_until(std::uint64_t end_ck);
    // Why no request can ever be served with these timings, once that is certain (advance()
    // returns at the refresh that shows it); empty while all is well.
    const std::string& failure() const { return failure_; }

    // When the run is traced: each burst's arrival (+1) and column command (-1), in DRAM clocks,
    // in the order they were decided (DramController sorts them).
    bool trace_queue = false;
    std::vector<std::pair<std::uint64_t, int>> queue_events;

private:
    enum class Cmd { pre, act, col };
    struct Entry {
        DramBurst b;
        std::uint64_t seq = 0;        // arrival order
        std::uint64_t visible_ck = 0; // when it is in the controller queue
        std::int8_t kind = -1;        // 0 hit, 1 miss, 2 conflict: set by its first command
        bool issued = false;          // its column command issued (left until it is the first)
        std::uint32_t bank_index = 0; // in banks_
    };
    // A request in its bank's window.
    struct Waiting {
        Waiting(std::int64_t row_, std::uint64_t seq_, std::uint64_t visible_ck_, bool write_)
            : row(row_), seq(seq_), visible_ck(visible_ck_), write(write_) {}
        std::int64_t row;
        std::uint64_t seq, visible_ck;
        bool write;
    };
    struct Choice {
        bool refresh = false;
        int rank = 0;
        std::size_t index = 0; // in queue_
        Cmd cmd = Cmd::col;
        std::uint64_t ck = 0, txn = 0, seq = 0;
        // Of the command chosen (as Candidate::order); for a refresh, the slot of the command
        // it comes before.
        std::uint64_t order = 0;
        bool stream = false; // the stream case: not compared with the other banks
        // Every field, one store each: a choice is read back field by field right after it is
        // made, and a wider copy of a few narrow stores (as `c = Choice{...}` compiles to) would
        // wait for them to reach the cache.
        void set(bool refresh_, int rank_, std::size_t index_, Cmd cmd_, std::uint64_t ck_,
                 std::uint64_t txn_, std::uint64_t seq_, std::uint64_t order_, bool stream_) {
            refresh = refresh_;
            rank = rank_;
            index = index_;
            cmd = cmd_;
            ck = ck_;
            txn = txn_;
            seq = seq_;
            order = order_;
            stream = stream_;
        }
    };
    // The first slot the command bus has after the in-order commands.
    std::uint64_t cmd_bus_free_ck() const { return cmd_free_ck_; }
    // After a request entered bank k's window: whether the cached choice stands, without
    // comparing every bank again (only bank k changed; the floors did not).
    bool still_chosen(std::size_t k) const;
    // Bank k's command: its slot t (at least cmd_floor) and order, compared as a pair.
    void candidate(std::size_t k, std::uint64_t cmd_floor, std::uint64_t& t,
                   std::uint64_t& order) const;
    struct Bank {
        std::int64_t open_row = -1;
        std::uint64_t ready_act_ck = 0, ready_col_ck = 0, ready_pre_ck = 0;
        // The requests of the controller queue on this bank, oldest first (what the pick needs
        // of their entries in queue_), and which of them the scheduler serves next (pick, with
        // its command). What choose() compares of it is in scan_ and cands_ (below), worked
        // out again whenever the list or the bank changes.
        std::vector<Waiting> window;
        std::uint32_t group_index = 0; // rank x bank_groups + bank group
        std::uint32_t index = 0;       // in banks_
        std::uint32_t pick = 0;
        Cmd cmd = Cmd::act;
    };
    // Appends e, in the controller queue from visible_ck (just worked out by visible()), to its
    // bank's window.
    static void add_waiting(Bank& bk, const Entry& e, std::uint64_t visible_ck);
    struct Rank {
        std::array<std::uint64_t, 4> acts{}; // the last four activates (tFAW)
        int act_count = 0;
        std::uint64_t last_act_ck = 0;
        int last_act_group = -1;
        std::uint64_t next_refresh_ck = 0;
        std::vector<std::uint64_t> write_end_ck; // per bank group (tWTR)
        std::uint64_t last_write_end_ck = 0;     // the latest of them
        bool any_write = false;
        // What the channel had done by this rank's last refresh (its column commands and
        // activates), and the refresh intervals since the last column command in which rows
        // were opened, with the least delay of a refresh past its due time among them (see
        // check_progress()).
        std::uint64_t cols_at_refresh = 0, acts_at_refresh = 0;
        int wasted = 0;
        std::uint64_t least_late = 0;
    };

    bool choose(Choice& c, bool stream_tried);
    std::uint64_t visible(std::size_t index); // when queue_[index] entered the controller queue
    // queue_[index] has just come within the controller queue (the first queue_depth entries)
    // while the banks' windows are kept: it joins its bank's window.
    void enter_window(std::size_t index);
    // The banks' windows hold the controller queue (else choose() builds them again first).
    bool windows_valid_ = false;
    // A stream takes the stream case burst after burst: from the second in a row the banks' windows
    // are left to choose() to build again when it needs them, rather than kept up to date at
    // every burst; a lone row hit among other traffic keeps them.
    std::uint32_t stream_run_ = 0;
    void in_stream() {
        if (++stream_run_ > 1) windows_valid_ = false;
    }
    void rebuild_windows();
    // The bank's next request to serve, FR-FCFS: the oldest that hits the open row, else the
    // oldest; FCFS: the oldest.
    void update_pick(Bank& bk);
    // Makes window[pick] the bank's pick, for command cmd (col: a row hit), and sets what
    // choose() compares of it.
    void set_pick(Bank& bk, std::size_t pick, Cmd cmd);
    void repick(Bank& bk) { // after a change to the bank, while windows are kept
        if (windows_valid_ && !bk.window.empty()) update_pick(bk);
    }
    // queue_.front().seq, without reading the entry: the bursts in queue_ are numbered in a row.
    std::uint64_t front_seq() const { return next_seq_ - queue_.size(); }
    std::size_t index_of(std::uint64_t seq) const { // in queue_
        return std::size_t(seq - front_seq());
    }
    // choose()'s answer, kept until a command, a refresh or a request entering the controller
    // queue changes it (the time does not); null when nothing is queued.
    // `stream_tried`: stream_step() has just found the stream case does not apply.
    const Choice* next_choice(bool stream_tried = false) {
        if (!cached_) {
            cached_found_ = choose(cached_choice_, stream_tried);
            cached_ = true;
        }
        return cached_found_ ? &cached_choice_ : nullptr;
    }
    // The earliest slot of e's column command, and the part of it that the rank's and the
    // channel's state set (tCCD, tWTR, the data and command buses).
    std::uint64_t col_earliest(const Entry& e) const;
    std::uint64_t col_floor(int rank, int group, bool write) const;
    // A column command at `ck` for the oldest request that no later arrival could precede.
    bool col_unbeatable(std::uint64_t ck) const;
    // Issues the oldest request's column command when choose() would pick it in O(1); false
    // (nothing changed) otherwise. txn and data_end as for done().
    bool stream_step(std::uint64_t& txn, std::uint64_t& data_end);
    void issue_col(std::size_t index, std::uint64_t t, std::uint64_t& data_end);
    void note_command(std::uint64_t t, bool ahead);  // the command bus after a command at t
    std::uint64_t free_slot(std::uint64_t ck) const; // first cycle from ck the command bus has
    bool unbeatable(const Choice& c) const;
    // Applies command c (ahead: a column command issued before its slot has come).
    bool issue(const Choice& c, bool ahead, std::uint64_t& data_end);
    // The refresh due on `rank`, before a command at slot cmd_ck, and with it those due after
    // it, up to cmd_ck and before `horizon`, when nothing could come between them (see there).
    void refresh(int rank, std::uint64_t horizon, std::uint64_t cmd_ck);
    // After a refresh of rank r, `late` clocks past its due time: sets failure_ when the
    // refreshes leave no request a chance to be served.
    void check_progress(Rank& r, std::uint64_t late);
    std::string failure_;
    std::uint32_t bank_index(const DramBurst& b) const {
        return std::uint32_t((std::size_t(b.rank) * cfg_.bank_groups + b.bank_group) *
                                 cfg_.banks_per_group +
                             b.bank);
    }
    Bank& bank(const Entry& e) { return banks_[e.bank_index]; }
    const Bank& bank(const Entry& e) const { return banks_[e.bank_index]; }

    DramConfig cfg_;
    // Every burst pushed and not yet dropped, in arrival order, so queue_[i] has seq
    // queue_.front().seq + i. A burst whose column command issued stays (issued) until the ones
    // before it are gone. The controller queue is the first queue_depth bursts not issued: they
    // lie before window_end_, and every burst from there on waits for a slot.
    RequestRing<Entry> queue_;
    std::size_t live_ = 0, window_end_ = 0;
    std::uint64_t next_seq_ = 0;
    std::vector<Bank> banks_;
    std::vector<Rank> ranks_;
    bool any_col_ = false;
    std::uint64_t last_col_ck_ = 0;
    int last_col_rank_ = 0, last_col_group_ = 0;
    std::uint64_t data_bus_free_ck_ = 0;
    // The slot after the last in-order command (0 before any): commands issue in slot order,
    // except columns issued ahead.
    std::uint64_t cmd_free_ck_ = 0;
    RequestRing<std::uint64_t> future_cols_; // slots of column commands issued ahead of time
    // The controller queue's free slots, each with the time it freed (0 for the queue_depth
    // slots free at the start), taken in order by the requests entering (see visible()).
    RequestRing<std::uint64_t> freed_ck_;
    bool cached_ = false; // next_choice() is cached_choice_ (if cached_found_)
    bool cached_found_ = false;
    Choice cached_choice_;
    // The earliest slot tRRD and tFAW leave rank r for an activate in another bank group than its
    // last activate's, or (same_group) in that one.
    std::uint64_t act_floor(const Rank& r, bool same_group) const;
    // The bound the ranks' and the channel's state set on each kind of command: [0] none (a
    // precharge), then act_floor() per rank and bank group, then col_floor() per rank, group and
    // direction. They change only when an activate issues (set_act_floors(), for its rank) or
    // a column command (col_dirty_: worked out again at the next choice).
    std::vector<std::uint64_t> floors_;
    bool col_dirty_ = true;
    void set_act_floors(std::size_t rank);
    void update_floors();
    // Per bank, what choose() compares. In scan_ (dram_scan.hpp), the arrays it scans without
    // branching: the earliest slot the pick's request and the bank allow its command (own), its
    // floor in floors_, its place at a tie as (FR-FCFS bit) << 32 + seq (key_order), and `out`
    // (all ones) for a bank without a request or with a precharge to weigh (below), which the
    // packed scan leaves out. In cands_, the rest: the same order as one number (FR-FCFS puts a
    // row hit's column command first, then the oldest) and, when FR-FCFS serves a younger row
    // hit before the bank's oldest request, the oldest one's precharge (earliest at pre_own_ck,
    // else never), which goes instead if it can issue before the hit enters the queue
    // (pre_until_ck); such banks are also listed in with_pre_.
    BankScan scan_;
    MinPackedKey min_packed_key_ = nullptr; // the form this processor takes
    struct Candidate {
        std::uint64_t order, pre_own_ck, pre_until_ck, pre_order;
        bool col;
    };
    std::vector<Candidate> cands_;
    std::vector<std::uint64_t> with_pre_; // a bit per bank
    void clear_candidate(std::size_t k);
    DramCounters counters_;
};

} // namespace accsim
