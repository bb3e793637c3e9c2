// The DRAM timing model in plain C++: per channel, banks with open rows, an FR-FCFS request window,
// JEDEC command constraints (tRCD, tRP, tRAS, tCCD_S/L, tRRD_S/L, tFAW, tWR, tWTR_S/L, tRTP), data
// bus occupancy and all-bank refresh. It computes when each burst's data moves; the SystemC target
// (dram_controller.hpp) turns that into TLM responses. No per-cycle loop: each burst is one
// decision whose command times are computed from the bank and rank state.
#pragma once

#include "models/dram/dram_config.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

namespace accsim {

struct DramCounters {
    std::uint64_t read_bursts = 0, write_bursts = 0;
    std::uint64_t row_hits = 0, row_misses = 0, row_conflicts = 0; // miss: bank closed
    std::uint64_t activates = 0, refreshes = 0;
    std::uint64_t last_data_ck = 0; // end of the last data transfer

    DramCounters& operator+=(const DramCounters& o);
};

// One burst (burst_length transfers on one channel) decoded from a byte address.
struct DramBurst {
    std::uint64_t txn = 0;        // owner transaction
    std::uint64_t arrival_ck = 0; // when the controller received it
    int rank = 0, bank_group = 0, bank = 0;
    std::int64_t row = 0;
    bool write = false;
};

struct DramCoordinates {
    int channel = 0, rank = 0, bank_group = 0, bank = 0;
    std::int64_t row = 0, column = 0; // column in bursts
};

// Splits a byte address into channel/rank/bank group/bank/row/column by the configured mapping.
class DramAddressMap {
public:
    explicit DramAddressMap(const DramConfig& cfg);
    DramCoordinates decode(std::uint64_t byte_address) const;

private:
    int offset_bits_ = 0;
    // Per field (AddressField order): its shift above the burst offset and its mask.
    std::array<int, 6> shift_{};
    std::array<std::uint64_t, 6> mask_{};
};

class DramChannel {
public:
    explicit DramChannel(const DramConfig& cfg);

    void push(const DramBurst& b) { pending_.push_back(b); }
    bool idle() const { return pending_.empty(); }
    std::size_t pending() const { return pending_.size(); }

    // Commits scheduling decisions whose first command issues before `until_ck` and calls
    // done(txn, data_end_ck) for each burst committed.
    template <class Done>
    void run(std::uint64_t until_ck, Done&& done) {
        while (!pending_.empty()) {
            Decision d;
            if (!decide(until_ck, d)) return;
            commit(d);
            done(d.burst.txn, d.data_end_ck);
        }
    }

    const DramCounters& counters() const { return counters_; }

private:
    enum class RowState { hit, miss, conflict };
    struct Decision {
        std::size_t index = 0; // in pending_
        DramBurst burst;
        RowState state = RowState::hit;
        std::uint64_t pre_ck = 0, act_ck = 0, col_ck = 0, data_end_ck = 0, first_ck = 0;
    };
    struct Bank {
        std::int64_t open_row = -1;
        std::uint64_t ready_act_ck = 0; // earliest activate (after precharge or refresh)
        std::uint64_t ready_col_ck = 0; // earliest column command (activate + tRCD)
        std::uint64_t ready_pre_ck = 0; // earliest precharge (tRAS, tRTP, tWR)
    };
    struct Rank {
        bool any_act = false;
        std::uint64_t last_act_ck = 0;
        int last_act_bank_group = 0;
        std::array<std::uint64_t, 4> act_window{}; // the last four activates (tFAW)
        int acts = 0;
        std::uint64_t next_refresh_ck = 0;
        std::vector<std::uint64_t> write_data_end_ck; // per bank group (tWTR)
    };

    // Picks the next burst and its command times; false when it would issue at or after
    // `until_ck` (a later arrival could still change the choice).
    bool decide(std::uint64_t until_ck, Decision& d);
    void timing_of(const DramBurst& b, std::uint64_t floor_ck, Decision& d) const;
    void refresh(Rank& r, int rank);
    void commit(const Decision& d);

    DramConfig cfg_;
    std::deque<DramBurst> pending_;
    std::vector<Bank> banks_; // rank-major, then bank group, then bank
    std::vector<Rank> ranks_;
    bool any_col_ = false;
    std::uint64_t last_col_ck_ = 0;
    int last_col_rank_ = 0, last_col_bank_group_ = 0;
    std::uint64_t data_bus_free_ck_ = 0;
    std::uint64_t last_first_ck_ = 0;
    // Column times of the last queue_depth decisions: a burst enters the controller's queue when
    // the one queue_depth places ahead of it has left.
    std::vector<std::uint64_t> col_history_;
    std::size_t decisions_ = 0;
    DramCounters counters_;

    Bank& bank(int rank, int group, int b) {
        return banks_[(std::size_t(rank) * cfg_.bank_groups + group) * cfg_.banks_per_group + b];
    }
    const Bank& bank(int rank, int group, int b) const {
        return banks_[(std::size_t(rank) * cfg_.bank_groups + group) * cfg_.banks_per_group + b];
    }
};

} // namespace accsim
