#include "models/dram/dram_timing.hpp"

#include <algorithm>

namespace accsim {

DramCounters& DramCounters::operator+=(const DramCounters& o) {
    read_bursts += o.read_bursts;
    write_bursts += o.write_bursts;
    row_hits += o.row_hits;
    row_misses += o.row_misses;
    row_conflicts += o.row_conflicts;
    activates += o.activates;
    refreshes += o.refreshes;
    last_data_ck = std::max(last_data_ck, o.last_data_ck);
    return *this;
}

namespace {

int log2_of(std::int64_t v) {
    int b = 0;
    while ((std::int64_t(1) << b) < v) ++b;
    return b;
}

} // namespace

DramAddressMap::DramAddressMap(const DramConfig& cfg) {
    offset_bits_ = log2_of(cfg.burst_bytes());
    int shift = 0;
    for (auto it = cfg.mapping.rbegin(); it != cfg.mapping.rend(); ++it) {
        int bits = 0;
        switch (*it) {
        case AddressField::row:
            bits = log2_of(cfg.rows);
            break;
        case AddressField::rank:
            bits = log2_of(cfg.ranks);
            break;
        case AddressField::bank_group:
            bits = log2_of(cfg.bank_groups);
            break;
        case AddressField::bank:
            bits = log2_of(cfg.banks_per_group);
            break;
        case AddressField::column:
            bits = log2_of(cfg.columns / cfg.burst_length);
            break;
        case AddressField::channel:
            bits = log2_of(cfg.channels);
            break;
        }
        shift_[std::size_t(*it)] = shift;
        mask_[std::size_t(*it)] = (std::uint64_t(1) << bits) - 1;
        shift += bits;
    }
}

DramCoordinates DramAddressMap::decode(std::uint64_t byte_address) const {
    // Addresses beyond the device wrap around (the high bits are dropped).
    const std::uint64_t a = byte_address >> offset_bits_;
    auto field = [&](AddressField f) {
        return (a >> shift_[std::size_t(f)]) & mask_[std::size_t(f)];
    };
    DramCoordinates c;
    c.channel = int(field(AddressField::channel));
    c.rank = int(field(AddressField::rank));
    c.bank_group = int(field(AddressField::bank_group));
    c.bank = int(field(AddressField::bank));
    c.row = std::int64_t(field(AddressField::row));
    c.column = std::int64_t(field(AddressField::column));
    return c;
}

DramChannel::DramChannel(const DramConfig& cfg)
    : cfg_(cfg), banks_(std::size_t(cfg.ranks) * cfg.banks()), ranks_(cfg.ranks),
      col_history_(std::size_t(cfg.queue_depth), 0) {
    for (auto& r : ranks_) {
        r.next_refresh_ck = cfg.trefi > 0 ? std::uint64_t(cfg.trefi) : UINT64_MAX;
        r.write_data_end_ck.assign(std::size_t(cfg.bank_groups), 0);
    }
}

void DramChannel::timing_of(const DramBurst& b, std::uint64_t floor_ck, Decision& d) const {
    const Bank& bk = bank(b.rank, b.bank_group, b.bank);
    const Rank& r = ranks_[std::size_t(b.rank)];
    std::uint64_t t0 = std::max(b.arrival_ck, floor_ck);
    std::uint64_t col = 0;
    if (bk.open_row == b.row) {
        d.state = RowState::hit;
        col = std::max(t0, bk.ready_col_ck);
        d.first_ck = col; // updated below once the column time is final
    } else {
        std::uint64_t act = std::max(t0, bk.ready_act_ck);
        if (bk.open_row >= 0) {
            d.state = RowState::conflict;
            d.pre_ck = std::max(t0, bk.ready_pre_ck);
            act = std::max(act, d.pre_ck + std::uint64_t(cfg_.trp));
        } else {
            d.state = RowState::miss;
        }
        if (r.any_act)
            act = std::max(act, r.last_act_ck + std::uint64_t(r.last_act_bank_group == b.bank_group
                                                                  ? cfg_.trrd_l
                                                                  : cfg_.trrd_s));
        if (r.acts >= 4) // the oldest of the last four activates
            act = std::max(act, r.act_window[std::size_t(r.acts % 4)] + std::uint64_t(cfg_.tfaw));
        d.act_ck = act;
        col = act + std::uint64_t(cfg_.trcd);
    }
    if (any_col_)
        col =
            std::max(col, last_col_ck_ + std::uint64_t(last_col_rank_ == b.rank &&
                                                               last_col_bank_group_ == b.bank_group
                                                           ? cfg_.tccd_l
                                                           : cfg_.tccd_s));
    if (!b.write)
        for (int g = 0; g < cfg_.bank_groups; ++g) {
            std::uint64_t wde = r.write_data_end_ck[std::size_t(g)];
            if (wde > 0)
                col = std::max(col,
                               wde + std::uint64_t(g == b.bank_group ? cfg_.twtr_l : cfg_.twtr_s));
        }
    const std::uint64_t latency = std::uint64_t(b.write ? cfg_.cwl : cfg_.cl);
    if (data_bus_free_ck_ > col + latency) col = data_bus_free_ck_ - latency;
    d.col_ck = col;
    d.data_end_ck = col + latency + std::uint64_t(cfg_.burst_cycles());
    d.first_ck = d.state == RowState::hit        ? col
                 : d.state == RowState::conflict ? d.pre_ck
                                                 : d.act_ck;
}

void DramChannel::refresh(Rank& r, int rank) {
    // All-bank refresh: every bank of the rank is precharged, then the rank is busy for tRFC.
    std::uint64_t start = r.next_refresh_ck;
    for (int g = 0; g < cfg_.bank_groups; ++g)
        for (int b = 0; b < cfg_.banks_per_group; ++b) {
            const Bank& bk = bank(rank, g, b);
            start = std::max(start, bk.open_row >= 0 ? bk.ready_pre_ck + std::uint64_t(cfg_.trp)
                                                     : bk.ready_act_ck);
        }
    for (int g = 0; g < cfg_.bank_groups; ++g)
        for (int b = 0; b < cfg_.banks_per_group; ++b) {
            Bank& bk = bank(rank, g, b);
            bk.open_row = -1;
            bk.ready_act_ck = start + std::uint64_t(cfg_.trfc);
        }
    r.next_refresh_ck += std::uint64_t(cfg_.trefi);
    ++counters_.refreshes;
}

bool DramChannel::decide(std::uint64_t until_ck, Decision& d) {
    const std::size_t window =
        std::min<std::size_t>(pending_.size(), std::size_t(cfg_.queue_depth));
    // A burst is in the queue once the one queue_depth decisions ahead of it has issued.
    const std::uint64_t floor_ck = decisions_ >= std::size_t(cfg_.queue_depth)
                                       ? col_history_[decisions_ % std::size_t(cfg_.queue_depth)]
                                       : 0;
    const std::uint64_t now_ck = std::max({last_first_ck_, pending_.front().arrival_ck, floor_ck});
    if (pending_.front().arrival_ck >= until_ck) return false;
    // FR-FCFS, first ready: the burst whose column command can issue first; among equals a
    // row hit, then the oldest. The oldest is taken at once when nothing can beat it (its column
    // command issues at the earliest slot the command and data buses allow), which is the
    // common case of a stream.
    std::size_t pick = 0;
    Decision& best = d;
    timing_of(pending_.front(), floor_ck, best);
    if (cfg_.scheduler == DramScheduler::fr_fcfs && window > 1) {
        std::uint64_t bound = 0;
        if (any_col_) bound = last_col_ck_ + std::uint64_t(cfg_.tccd_s);
        const std::uint64_t lat = std::uint64_t(std::max(cfg_.cl, cfg_.cwl));
        if (data_bus_free_ck_ > bound + lat) bound = data_bus_free_ck_ - lat;
        if (best.col_ck > bound) {
            for (std::size_t i = 1; i < window; ++i) {
                const DramBurst& b = pending_[i];
                if (b.arrival_ck > now_ck) break; // arrivals are in time order
                const bool hit = bank(b.rank, b.bank_group, b.bank).open_row == b.row;
                // Behind a row hit, only another row hit may pass it.
                if (best.state == RowState::hit && pick == 0 && !hit) continue;
                Decision c;
                timing_of(b, floor_ck, c);
                if (c.col_ck < best.col_ck ||
                    (c.col_ck == best.col_ck && c.state == RowState::hit &&
                     best.state != RowState::hit)) {
                    best = c;
                    pick = i;
                }
            }
        }
    }
    d.index = pick;
    d.burst = pending_[pick];
    for (;;) {
        Rank& r = ranks_[std::size_t(d.burst.rank)];
        if (d.first_ck < r.next_refresh_ck) break;
        if (r.next_refresh_ck >= until_ck) return false;
        refresh(r, d.burst.rank);
        timing_of(d.burst, floor_ck, d);
    }
    return d.first_ck < until_ck;
}

void DramChannel::commit(const Decision& d) {
    const DramBurst& b = d.burst;
    Bank& bk = bank(b.rank, b.bank_group, b.bank);
    Rank& r = ranks_[std::size_t(b.rank)];
    switch (d.state) {
    case RowState::hit:
        ++counters_.row_hits;
        break;
    case RowState::miss:
        ++counters_.row_misses;
        break;
    case RowState::conflict:
        ++counters_.row_conflicts;
        break;
    }
    if (d.state != RowState::hit) {
        ++counters_.activates;
        bk.open_row = b.row;
        bk.ready_col_ck = d.act_ck + std::uint64_t(cfg_.trcd);
        bk.ready_pre_ck = d.act_ck + std::uint64_t(cfg_.tras);
        r.act_window[std::size_t(r.acts % 4)] = d.act_ck;
        ++r.acts;
        r.any_act = true;
        r.last_act_ck = std::max(r.last_act_ck, d.act_ck);
        r.last_act_bank_group = b.bank_group;
    }
    if (b.write) {
        bk.ready_pre_ck = std::max(bk.ready_pre_ck, d.data_end_ck + std::uint64_t(cfg_.twr));
        r.write_data_end_ck[std::size_t(b.bank_group)] = d.data_end_ck;
        ++counters_.write_bursts;
    } else {
        bk.ready_pre_ck = std::max(bk.ready_pre_ck, d.col_ck + std::uint64_t(cfg_.trtp));
        ++counters_.read_bursts;
    }
    any_col_ = true;
    last_col_ck_ = std::max(last_col_ck_, d.col_ck);
    last_col_rank_ = b.rank;
    last_col_bank_group_ = b.bank_group;
    data_bus_free_ck_ = std::max(data_bus_free_ck_, d.data_end_ck);
    last_first_ck_ = std::max(last_first_ck_, d.first_ck);
    col_history_[decisions_ % std::size_t(cfg_.queue_depth)] = d.col_ck;
    ++decisions_;
    counters_.last_data_ck = std::max(counters_.last_data_ck, d.data_end_ck);
    if (d.index == 0)
        pending_.pop_front();
    else
        pending_.erase(pending_.begin() + std::ptrdiff_t(d.index));
}

} // namespace accsim
