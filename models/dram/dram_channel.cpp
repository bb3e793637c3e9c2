#include "models/dram/dram_channel.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <limits>

namespace accsim {

namespace {

constexpr std::uint64_t never = std::numeric_limits<std::uint64_t>::max();

} // namespace

DramChannel::DramChannel(const DramConfig& cfg)
    : cfg_(cfg), banks_(std::size_t(cfg.ranks) * std::size_t(cfg.banks())), ranks_(cfg.ranks) {
    floors_.assign(1 + 3 * ranks_.size() * std::size_t(cfg.bank_groups), 0);
    cands_.resize(banks_.size());
    scan_.resize(banks_.size());
    with_pre_.assign((banks_.size() + 63) / 64, 0);
    min_packed_key_ = min_packed_key_form();
    for (std::size_t k = 0; k < banks_.size(); ++k) clear_candidate(k);
    for (std::size_t k = 0; k < banks_.size(); ++k) { // by rank, then group, then bank
        banks_[k].group_index = std::uint32_t(k / std::size_t(cfg.banks_per_group));
        banks_[k].index = std::uint32_t(k);
    }
    for (auto& r : ranks_) {
        r.next_refresh_ck = cfg.trefi > 0 ? std::uint64_t(cfg.trefi) : never;
        r.write_end_ck.assign(std::size_t(cfg.bank_groups), 0);
    }
    for (int k = 0; k < cfg.queue_depth; ++k) freed_ck_.push_back(0);
}

std::uint64_t DramChannel::free_slot(std::uint64_t ck) const {
    // One command per cycle on the command bus.
    ck = std::max(ck, cmd_bus_free_ck());
    if (future_cols_.empty()) return ck;
    // Column commands issued ahead of time are in slot order.
    std::size_t lo = 0, hi = future_cols_.size(); // lower_bound: the first slot >= ck
    while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        if (future_cols_[mid] < ck)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < future_cols_.size() && future_cols_[lo] == ck; ++lo) ++ck;
    return ck;
}

[[gnu::always_inline]] inline std::uint64_t DramChannel::col_floor(int rank, int group,
                                                                   bool write) const {
    std::uint64_t t = 0;
    if (any_col_)
        t = last_col_ck_ + std::uint64_t(last_col_rank_ == rank && last_col_group_ == group
                                             ? cfg_.tccd_l
                                             : cfg_.tccd_s);
    const Rank& r = ranks_[std::size_t(rank)];
    if (!write && r.any_write) {
        // tWTR_L after the last write to this bank group, tWTR_S after any other. With
        // tWTR_L >= tWTR_S (as in every JEDEC part) that is the latest write of all with
        // tWTR_S and this group's with tWTR_L; otherwise each group in turn.
        const std::uint64_t own = r.write_end_ck[std::size_t(group)];
        if (cfg_.twtr_l >= cfg_.twtr_s) {
            t = std::max(t, r.last_write_end_ck + std::uint64_t(cfg_.twtr_s));
            if (own > 0) t = std::max(t, own + std::uint64_t(cfg_.twtr_l));
        } else {
            for (int g = 0; g < cfg_.bank_groups; ++g) {
                const std::uint64_t end = r.write_end_ck[std::size_t(g)];
                if (end > 0)
                    t = std::max(t, end + std::uint64_t(g == group ? cfg_.twtr_l : cfg_.twtr_s));
            }
        }
    }
    // The data bus, free when this command's data would start.
    const std::uint64_t latency = std::uint64_t(write ? cfg_.cwl : cfg_.cl);
    if (data_bus_free_ck_ > t + latency) t = data_bus_free_ck_ - latency;
    // After the last column command, so after every one issued ahead: only the in-order
    // commands' clock can hold it back.
    return std::max(t, cmd_bus_free_ck());
}

[[gnu::always_inline]] inline std::uint64_t DramChannel::col_earliest(const Entry& e) const {
    // Every bound is a maximum: the request's and bank's own, and the rest's (col_floor).
    return std::max(
        {e.visible_ck, bank(e).ready_col_ck, col_floor(e.b.rank, e.b.bank_group, e.b.write)});
}

std::uint64_t DramChannel::act_floor(const Rank& r, bool same_group) const {
    std::uint64_t t = 0;
    if (r.last_act_group >= 0)
        t = r.last_act_ck + std::uint64_t(same_group ? cfg_.trrd_l : cfg_.trrd_s);
    if (r.act_count >= 4) // the oldest of the last four activates
        t = std::max(t, r.acts[std::size_t(r.act_count % 4)] + std::uint64_t(cfg_.tfaw));
    return t;
}

[[gnu::always_inline]] inline std::uint64_t DramChannel::visible(std::size_t index) {
    // Requests enter the controller queue in arrival order, each in the next slot freed; they
    // are looked at in queue order, so the freed slots are handed out in that order too. A
    // request is looked at only once within the controller queue (before window_end_), so a
    // slot is free for it.
    Entry& e = queue_[index];
    if (e.visible_ck == never) {
        e.visible_ck = std::max(e.b.arrival_ck, freed_ck_.front());
        freed_ck_.pop_front();
    }
    return e.visible_ck;
}

[[gnu::always_inline]] inline void DramChannel::add_waiting(Bank& bk, const Entry& e,
                                                            std::uint64_t visible_ck) {
    bk.window.emplace_back(e.b.row, e.seq, visible_ck, e.b.write);
}

void DramChannel::enter_window(std::size_t index) {
    const std::uint64_t visible_ck = visible(index);
    const Entry& e = queue_[index];
    Bank& bk = banks_[e.bank_index];
    const bool first = bk.window.empty();
    add_waiting(bk, e, visible_ck);
    // A younger request changes the bank's pick only when it is the first, or (FR-FCFS) the
    // first row hit.
    if (first ||
        (cfg_.scheduler == DramScheduler::fr_fcfs && bk.cmd != Cmd::col && e.b.row == bk.open_row))
        update_pick(bk);
}

void DramChannel::rebuild_windows() {
    for (Bank& bk : banks_) bk.window.clear();
    for (std::size_t i = 0; i < window_end_; ++i) {
        if (queue_[i].issued) continue;
        const std::uint64_t visible_ck = visible(i);
        add_waiting(banks_[queue_[i].bank_index], queue_[i], visible_ck);
    }
    for (std::size_t k = 0; k < banks_.size(); ++k)
        if (banks_[k].window.empty())
            clear_candidate(k);
        else
            update_pick(banks_[k]);
    windows_valid_ = true;
}

void DramChannel::clear_candidate(std::size_t k) {
    cands_[k] = Candidate{never, never, 0, 0, false};
    scan_.own[k] = scan_.key_order[k] = scan_.out[k] = never;
    scan_.floor[k] = 0;
    with_pre_[k / 64] &= ~(std::uint64_t(1) << (k % 64));
}

void DramChannel::update_pick(Bank& bk) {
    std::size_t pick = 0;
    bool hit = bk.window[0].row == bk.open_row;
    if (!hit && cfg_.scheduler == DramScheduler::fr_fcfs &&
        bk.open_row >= 0) // with the row closed nothing hits
        for (std::size_t i = 1; i < bk.window.size(); ++i)
            if (bk.window[i].row == bk.open_row) { // the oldest hit beats an older miss
                pick = i;
                hit = true;
                break;
            }
    set_pick(bk, pick, hit ? Cmd::col : bk.open_row >= 0 ? Cmd::pre : Cmd::act);
}

[[gnu::always_inline]] inline void DramChannel::set_pick(Bank& bk, std::size_t pick, Cmd cmd) {
    const bool fr_fcfs = cfg_.scheduler == DramScheduler::fr_fcfs;
    const bool hit = cmd == Cmd::col;
    const Waiting& e = bk.window[pick];
    bk.pick = std::uint32_t(pick);
    bk.cmd = cmd;
    const std::size_t k = bk.index;
    Candidate& cd = cands_[k];
    const std::uint64_t own = std::max(e.visible_ck, cmd == Cmd::col   ? bk.ready_col_ck
                                                     : cmd == Cmd::pre ? bk.ready_pre_ck
                                                                       : bk.ready_act_ck);
    cd.order = (std::uint64_t(fr_fcfs && !hit) << 63) | e.seq;
    const std::uint64_t key_order = (std::uint64_t(fr_fcfs && !hit) << 32) + e.seq;
    const std::uint32_t groups = std::uint32_t(ranks_.size()) * std::uint32_t(cfg_.bank_groups);
    const std::int32_t floor =
        std::int32_t(cmd == Cmd::pre   ? 0
                     : cmd == Cmd::act ? 1 + bk.group_index
                                       : 1 + groups + 2 * bk.group_index + std::uint32_t(e.write));
    scan_.own[k] = own;
    scan_.key_order[k] = key_order;
    scan_.floor[k] = floor;
    cd.col = hit;
    if (pick != 0) {
        // FR-FCFS chose a younger row hit over the bank's oldest request (a conflict). The hit
        // is in the queue only from its visible_ck: if the oldest one's precharge can issue
        // before then, that is what the bank does at that slot.
        const Waiting& oldest = bk.window[0];
        cd.pre_own_ck = std::max(oldest.visible_ck, bk.ready_pre_ck);
        cd.pre_until_ck = e.visible_ck;
        cd.pre_order = (std::uint64_t(1) << 63) | oldest.seq;
        scan_.out[k] = never;
        with_pre_[k / 64] |= std::uint64_t(1) << (k % 64);
    } else {
        cd.pre_own_ck = never;
        cd.pre_until_ck = 0;
        scan_.out[k] = 0;
        with_pre_[k / 64] &= ~(std::uint64_t(1) << (k % 64));
    }
}

void DramChannel::set_act_floors(std::size_t r) {
    // Per bank group of rank r, the earliest slot tRRD (tRRD_L in the group of the rank's last
    // activate) and tFAW allow an activate.
    const std::size_t groups = std::size_t(cfg_.bank_groups);
    const Rank& rk = ranks_[r];
    std::uint64_t* f = &floors_[1 + r * groups];
    const std::uint64_t other = act_floor(rk, false);
    for (std::size_t g = 0; g < groups; ++g) f[g] = other;
    if (rk.last_act_group >= 0) f[rk.last_act_group] = act_floor(rk, true);
}

void DramChannel::update_floors() {
    if (!col_dirty_) return;
    // col_floor() for each rank, group and direction, its terms shared by all of them worked out
    // once: tCCD_S after the last column command (tCCD_L in its group), the data bus per
    // direction, tWTR before a read. col_floor() also bounds by the command bus; that part only
    // grows, and choose() applies its current value to every command anyway.
    const std::size_t groups = std::size_t(cfg_.bank_groups);
    const std::size_t first = 1 + ranks_.size() * groups;
    const std::uint64_t after_s = any_col_ ? last_col_ck_ + std::uint64_t(cfg_.tccd_s) : 0;
    const auto bus = [&](int latency) { // data_bus_free_ck_ - latency, at least 0
        const std::uint64_t l = std::uint64_t(latency);
        return data_bus_free_ck_ > l ? data_bus_free_ck_ - l : 0;
    };
    const std::uint64_t bus_read = bus(cfg_.cl), bus_write = bus(cfg_.cwl);
    const std::uint64_t read_s = std::max(after_s, bus_read),
                        write_s = std::max(after_s, bus_write);
    for (std::size_t r = 0; r < ranks_.size(); ++r) {
        std::uint64_t* f = &floors_[first + 2 * r * groups];
        if (ranks_[r].any_write)
            for (std::size_t g = 0; g < groups; ++g) {
                f[2 * g] = col_floor(int(r), int(g), false);
                f[2 * g + 1] = write_s;
            }
        else
            for (std::size_t g = 0; g < groups; ++g) {
                f[2 * g] = read_s;
                f[2 * g + 1] = write_s;
            }
    }
    if (any_col_) { // the last column command's bank group: tCCD_L
        const std::uint64_t after_l = last_col_ck_ + std::uint64_t(cfg_.tccd_l);
        const std::size_t r = std::size_t(last_col_rank_), g = std::size_t(last_col_group_);
        std::uint64_t* f = &floors_[first + 2 * (r * groups + g)];
        f[0] = ranks_[r].any_write ? col_floor(int(r), int(g), false) : std::max(after_l, bus_read);
        f[1] = std::max(after_l, bus_write);
    }
    col_dirty_ = false;
}

void DramChannel::candidate(std::size_t k, std::uint64_t cmd_floor, std::uint64_t& t,
                            std::uint64_t& order) const {
    const Candidate& cd = cands_[k];
    if (scan_.own[k] == never) { // no request
        t = order = never;
        return;
    }
    t = std::max({scan_.own[k], floors_[std::size_t(scan_.floor[k])], cmd_floor});
    std::uint64_t pre = std::max(cd.pre_own_ck, cmd_floor);
    if (!future_cols_.empty()) { // column commands issued ahead hold their slots
        if (!cd.col) t = free_slot(t);
        if (cd.pre_own_ck != never) pre = free_slot(pre);
    }
    const bool use_pre = pre < cd.pre_until_ck;
    t = use_pre ? pre : t;
    order = use_pre ? cd.pre_order : cd.order;
}

bool DramChannel::still_chosen(std::size_t k) const {
    // Only a choice among the banks' windows (not the stream case, which does not keep them)
    // and not a refresh (which stands for the command it comes before).
    const Choice& c = cached_choice_;
    if (!windows_valid_ || !cached_found_ || c.refresh || c.stream ||
        queue_[c.index].bank_index == k)
        return false;
    std::uint64_t t, order;
    candidate(k, cmd_bus_free_ck(), t, order);
    return t > c.ck || (t == c.ck && order > c.order);
}

bool DramChannel::choose(Choice& c, bool stream_tried) {
    if (queue_.empty()) return false;
    // The common case of a stream, in O(1): the oldest request hits its open row and its column
    // command takes the earliest slot any column command could, so nothing can go before it
    // (unless stream_step() has just found it does not apply).
    if (!stream_tried) {
        visible(0);
        const Entry& e = queue_.front();
        if (bank(e).open_row == e.b.row) {
            const std::uint64_t t = col_earliest(e);
            if (t < ranks_[std::size_t(e.b.rank)].next_refresh_ck && col_unbeatable(t)) {
                c.set(false, e.b.rank, 0, Cmd::col, t, e.b.txn, e.seq, 0, true);
                in_stream(); // see stream_step()
                return true;
            }
        }
    }
    stream_run_ = 0;
    if (!windows_valid_) rebuild_windows();
    update_floors();
    const std::uint64_t cmd_floor = cmd_bus_free_ck();
    // Each bank's command against the others', compared as (slot, order): the slot, then
    // (FR-FCFS) a row hit's column command before the others, then the oldest. A bank without a
    // request has slot and order `never` and never wins.
    const std::uint64_t* floors = floors_.data();
    // Every slot is at least cmd_floor, and every request in a window lies within the first
    // 2^32 - 1 of queue_, so (slot - cmd_floor, order) packs into one integer: 31 bits of
    // slot (saturating), the FR-FCFS bit, 32 bits of place in queue_. Which bank wins is as
    // good as random, so the scan takes one minimum of such keys over the banks, without a
    // branch; the few banks with a precharge to weigh against a younger row hit come after.
    // The pairs are compared as they are (with branches) when the slots are too far apart to
    // pack, or (below) when a slot that a column command issued ahead holds is in the way.
    constexpr std::uint64_t place_max = 0xffffffffu;
    const std::uint64_t first_seq = front_seq();
    std::uint64_t best_key = never;
    const bool packed = queue_.size() < place_max;
    if (packed) {
        best_key = min_packed_key_(scan_, floors, cmd_floor, first_seq);
        for (std::size_t w = 0; w < with_pre_.size(); ++w)
            for (std::uint64_t bits = with_pre_[w]; bits != 0; bits &= bits - 1) {
                std::uint64_t t, order;
                candidate(64 * w + std::size_t(__builtin_ctzll(bits)), cmd_floor, t, order);
                // order as key_order: the FR-FCFS bit moved from bit 63 to bit 32.
                best_key = std::min(
                    best_key,
                    packed_key(t, cmd_floor, (order >> 63 << 32) + (order << 1 >> 1), first_seq));
            }
    }
    std::uint64_t best_ck = never, best_seq = 0;
    bool found = false;
    if (packed && best_key >> 33 < scan_slot_max) {
        found = true;
        best_ck = cmd_floor + (best_key >> 33);
        best_seq = first_seq + (best_key & place_max);
        // The packed scan leaves out the slots that column commands issued ahead hold: it gives
        // each precharge or activate a lower bound. When the winner is one and its slot is held,
        // the pairs are compared exactly (the others' bounds may be their slots).
        if (!future_cols_.empty()) {
            const Entry& e = queue_[index_of(best_seq)];
            const std::size_t k = e.bank_index;
            const bool pre_alternative = (with_pre_[k / 64] >> (k % 64)) & 1;
            found = pre_alternative || cands_[k].col || free_slot(best_ck) == best_ck;
        }
    }
    if (!found) {
        best_ck = never;
        std::uint64_t best_order = never;
        for (std::size_t k = 0; k < banks_.size(); ++k) {
            std::uint64_t t, order;
            candidate(k, cmd_floor, t, order);
            if (t < best_ck || (t == best_ck && order < best_order)) {
                best_ck = t;
                best_order = order;
            }
        }
        found = best_order != never;
        best_seq = best_order << 1 >> 1;
    }
    if (found) {
        // The winner is the pick of its bank, or that bank's oldest request's precharge.
        const std::size_t index = index_of(best_seq);
        const Entry& e = queue_[index];
        const Bank& bk = bank(e);
        const Cmd cmd = bk.pick != 0 && bk.window[0].seq == best_seq ? Cmd::pre : bk.cmd;
        const Candidate& cd = cands_[e.bank_index];
        c.set(false, e.b.rank, index, cmd, best_ck, e.b.txn, best_seq,
              cmd == Cmd::pre && bk.pick != 0 ? cd.pre_order : cd.order, false);
    }
    // All-bank refresh is due before that command: it comes first.
    const Rank& r = ranks_[std::size_t(c.rank)];
    if (found && c.ck >= r.next_refresh_ck) {
        c.set(true, c.rank, 0, Cmd::col, r.next_refresh_ck, 0, 0, c.ck, false);
    }
    return found;
}

[[gnu::always_inline]] inline bool DramChannel::col_unbeatable(std::uint64_t ck) const {
    // A column command of the oldest request, at the earliest slot any column command could take
    // (tCCD_S after the last one, the data bus for the longer of the two latencies): a request
    // arriving later could only tie it there, and then the older one goes first.
    std::uint64_t conceivable = any_col_ ? last_col_ck_ + std::uint64_t(cfg_.tccd_s) : 0;
    const std::uint64_t latency = std::uint64_t(std::max(cfg_.cl, cfg_.cwl));
    if (data_bus_free_ck_ > conceivable + latency) conceivable = data_bus_free_ck_ - latency;
    return ck <= conceivable;
}

bool DramChannel::unbeatable(const Choice& c) const {
    return c.cmd == Cmd::col && c.index == 0 && col_unbeatable(c.ck);
}

void DramChannel::refresh(int rank, std::uint64_t horizon, std::uint64_t cmd_ck) {
    // All-bank refresh: every bank of the rank is precharged, then the rank is busy for tRFC.
    Rank& r = ranks_[std::size_t(rank)];
    const std::uint64_t due = r.next_refresh_ck;
    std::uint64_t start = due;
    bool any_open = false;
    const std::size_t first = std::size_t(rank) * std::size_t(cfg_.banks());
    const std::size_t end = first + std::size_t(cfg_.banks());
    for (std::size_t k = first; k < end; ++k) {
        const Bank& bk = banks_[k];
        any_open = any_open || bk.open_row >= 0;
        start = std::max(start, bk.open_row >= 0 ? bk.ready_pre_ck + std::uint64_t(cfg_.trp)
                                                 : bk.ready_act_ck);
    }
    check_progress(r, start - due);
    const std::uint64_t trefi = std::uint64_t(cfg_.trefi), trfc = std::uint64_t(cfg_.trfc);
    // When every row of the rank was closed and this refresh starts when due, all it changes is
    // the earliest activate of the rank's banks, to due + tRFC. Every command's slot was at least
    // cmd_ck, the slot of the command chosen after it. When cmd_ck >= due + tREFI, each
    // activate of this rank had its slot whatever its bank's earliest activate (at most due),
    // and keeps it with due + tRFC < cmd_ck: no slot moves, the same command is chosen next, and
    // the refresh due tREFI later goes before it, on time too (the banks are ready from due +
    // tRFC). So every refresh due up to cmd_ck follows this one with nothing between, unless a
    // request seen from `horizon` on changes the command. They are counted at once: a rank idle
    // for long (behind a slowly clocked PE array) has millions due. Each finds the channel's
    // counters as this one leaves them, so check_progress() does nothing for them.
    std::uint64_t more = 0;
    if (!any_open && start == due && cmd_ck >= due + trefi) {
        more = (cmd_ck - due) / trefi;
        if (horizon != never) more = std::min(more, (horizon - due - 1) / trefi);
    }
    start += more * trefi;
    for (std::size_t k = first; k < end; ++k) {
        banks_[k].open_row = -1;
        banks_[k].ready_act_ck = start + trfc;
        repick(banks_[k]);
    }
    r.next_refresh_ck += (more + 1) * trefi;
    counters_.refreshes += more + 1;
}

void DramChannel::count_refreshes_until(std::uint64_t end_ck) {
    const std::uint64_t trefi = std::uint64_t(cfg_.trefi);
    for (Rank& r : ranks_)
        if (trefi > 0 && r.next_refresh_ck <= end_ck) {
            const std::uint64_t n = (end_ck - r.next_refresh_ck) / trefi + 1;
            counters_.refreshes += n;
            r.next_refresh_ck += n * trefi;
        }
}

void DramChannel::check_progress(Rank& r, std::uint64_t late) {
    // A refresh is due every tREFI whatever the commands, and waits for the open rows' tRAS and
    // tRP. When it comes late enough that each row opened after it is closed by the next one
    // before its column command, no request is ever served, and the simulation would run for
    // ever. Such a stretch shows as refresh intervals with activates and no column command, in
    // which the delay of the refreshes past their due times no longer falls (while it falls,
    // the refreshes are catching up and the rows may yet be read). 64 of them in a row are
    // taken for good: the timings cannot serve a request.
    const std::uint64_t cols = counters_.read_bursts + counters_.write_bursts;
    if (cols != r.cols_at_refresh) {
        r.wasted = 0;
    } else if (counters_.activates != r.acts_at_refresh) {
        if (r.wasted == 0 || late < r.least_late) {
            r.wasted = 0;
            r.least_late = late;
        }
        if (++r.wasted >= 64)
            failure_ = fmt::format(
                "dram: no request can be served: in 64 refresh intervals in a row every row "
                "opened was closed by the next all-bank refresh before its column command; a "
                "refresh, due every dram.trefi_ck = {}, waits for the rows opened before it "
                "(dram.tras_ck = {}, then dram.trp_ck = {}) and takes dram.trfc_ck = {}, and a "
                "row is read dram.trcd_ck = {} after it opens: raise trefi_ck or shorten the "
                "others",
                cfg_.trefi, cfg_.tras, cfg_.trp, cfg_.trfc, cfg_.trcd);
    }
    r.cols_at_refresh = cols;
    r.acts_at_refresh = counters_.activates;
}

[[gnu::always_inline]] inline void DramChannel::issue_col(std::size_t index, std::uint64_t t,
                                                          std::uint64_t& data_end) {
    Entry& e = queue_[index];
    const DramBurst& b = e.b;
    Bank& bk = bank(e);
    Rank& r = ranks_[std::size_t(b.rank)];
    if (e.kind < 0) e.kind = 0;
    (e.kind == 0   ? counters_.row_hits
     : e.kind == 1 ? counters_.row_misses
                   : counters_.row_conflicts)++;
    const std::uint64_t latency = std::uint64_t(b.write ? cfg_.cwl : cfg_.cl);
    data_end = t + latency + std::uint64_t(cfg_.burst_cycles());
    if (b.write) {
        bk.ready_pre_ck = std::max(bk.ready_pre_ck, data_end + std::uint64_t(cfg_.twr));
        r.write_end_ck[std::size_t(b.bank_group)] = data_end;
        r.last_write_end_ck = *std::max_element(r.write_end_ck.begin(), r.write_end_ck.end());
        r.any_write = true;
        ++counters_.write_bursts;
    } else {
        bk.ready_pre_ck = std::max(bk.ready_pre_ck, t + std::uint64_t(cfg_.trtp));
        ++counters_.read_bursts;
    }
    any_col_ = true;
    col_dirty_ = true;
    last_col_ck_ = t;
    last_col_rank_ = b.rank;
    last_col_group_ = b.bank_group;
    data_bus_free_ck_ = std::max(data_bus_free_ck_, data_end);
    counters_.last_data_ck = std::max(counters_.last_data_ck, data_end);
    // Out of its bank's window; the first request beyond the controller queue comes in.
    if (windows_valid_) {
        // Moved down one by one rather than by vector::erase(), a call to memmove for the few
        // requests of a window.
        auto& w = bk.window;
        std::size_t at = 0;
        while (w[at].seq != e.seq) ++at;
        for (; at + 1 < w.size(); ++at) w[at] = w[at + 1];
        w.pop_back();
        if (w.empty())
            clear_candidate(e.bank_index);
        else
            update_pick(bk);
    }
    e.issued = true;
    --live_;
    if (trace_queue) queue_events.push_back({t, -1});
    // A slot of the controller queue frees now: the next request to enter takes it (see
    // visible()). Column commands issue in slot order, so the free slots stay in time order.
    freed_ck_.push_back(t);
    if (window_end_ < queue_.size()) {
        ++window_end_;
        if (windows_valid_) enter_window(window_end_ - 1);
    }
    // The bursts issued at the front go.
    while (!queue_.empty() && queue_.front().issued) {
        queue_.pop_front();
        --window_end_;
    }
}

[[gnu::always_inline]] inline void DramChannel::note_command(std::uint64_t t, bool ahead) {
    // The command bus: in-order commands advance its clock; a column command issued ahead of it
    // reserves its slot until the clock passes it.
    if (ahead) {
        future_cols_.push_back(t); // column commands issue in slot order
        // A held slot before every slot a command can still take is of no use: each request
        // in the queue has one from its visible_ck (they grow along the queue), and each one
        // to come enters at a freed slot (the oldest unused one, else a column command's to
        // come). Such slots are dropped now and then (a stream holds one per burst).
        if (future_cols_.size() < 64) return;
        std::uint64_t low = freed_ck_.empty() ? last_col_ck_ + 1 : freed_ck_.front();
        if (!queue_.empty() && queue_.front().visible_ck != never)
            low = std::min(low, queue_.front().visible_ck);
        while (!future_cols_.empty() && future_cols_.front() < low) future_cols_.pop_front();
    } else {
        cmd_free_ck_ = std::max(cmd_free_ck_, t + 1);
        while (!future_cols_.empty() && future_cols_.front() < cmd_free_ck_)
            future_cols_.pop_front();
    }
}

bool DramChannel::issue(const Choice& c, bool ahead, std::uint64_t& data_end) {
    Entry& e = queue_[c.index];
    const DramBurst b = e.b;
    Bank& bk = bank(e);
    Rank& r = ranks_[std::size_t(b.rank)];
    const std::uint64_t t = c.ck;
    switch (c.cmd) {
    case Cmd::pre:
        if (e.kind < 0) e.kind = 2;
        bk.open_row = -1;
        bk.ready_act_ck = std::max(bk.ready_act_ck, t + std::uint64_t(cfg_.trp));
        // With the row closed the bank's oldest request is its pick, for an activate.
        if (windows_valid_) set_pick(bk, 0, Cmd::act);
        break;
    case Cmd::act:
        if (e.kind < 0) e.kind = 1;
        ++counters_.activates;
        bk.open_row = b.row;
        bk.ready_col_ck = t + std::uint64_t(cfg_.trcd);
        bk.ready_pre_ck = std::max(bk.ready_pre_ck, t + std::uint64_t(cfg_.tras));
        r.acts[std::size_t(r.act_count % 4)] = t;
        ++r.act_count;
        r.last_act_ck = t;
        r.last_act_group = b.bank_group;
        set_act_floors(std::size_t(b.rank));
        // The activate was for the bank's oldest request (with the row closed nothing else is
        // picked): it is now a row hit, for a column command.
        if (windows_valid_) set_pick(bk, 0, Cmd::col);
        break;
    case Cmd::col:
        issue_col(c.index, t, data_end);
        break;
    }
    note_command(t, ahead);
    return c.cmd == Cmd::col;
}

bool DramChannel::stream_step(std::uint64_t& txn, std::uint64_t& data_end) {
    // choose()'s first case and issue() for it, without building a Choice: the oldest request
    // hits its open row at the earliest slot any column command could take, before a refresh.
    if (queue_.empty()) return false;
    visible(0);
    const Entry& e = queue_.front();
    if (bank(e).open_row != e.b.row) return false;
    const std::uint64_t t = col_earliest(e);
    if (t >= ranks_[std::size_t(e.b.rank)].next_refresh_ck || !col_unbeatable(t)) return false;
    txn = e.b.txn;
    in_stream();
    const bool gap = t > cmd_bus_free_ck(); // other commands may still take the slots before it
    issue_col(0, t, data_end);
    note_command(t, gap);
    return true;
}

} // namespace accsim
