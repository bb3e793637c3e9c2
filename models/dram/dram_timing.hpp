// What the DRAM model's parts share: a burst decoded from a byte address, the address mapping,
// and the row-buffer counters. The command scheduler of a channel is dram_channel.hpp.
#pragma once

#include "models/dram/dram_config.hpp"

#include <array>
#include <cstdint>

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
    std::int64_t row = 0;
    std::uint8_t rank = 0, bank_group = 0, bank = 0; // geometry is at most 16 x 16 x 64
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
    DramCoordinates decode(std::uint64_t byte_address) const {
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
    // How many of the bursts first..last (burst indices: byte address / burst bytes) decode to
    // `channel`, without decoding them: the channel is a bit field, so its values repeat.
    std::uint64_t bursts_on_channel(std::uint64_t first, std::uint64_t last, int channel) const {
        const int s = shift_[std::size_t(AddressField::channel)];
        const std::uint64_t values = mask_[std::size_t(AddressField::channel)] + 1;
        const std::uint64_t run = std::uint64_t(1) << s, period = run * values,
                            start = std::uint64_t(channel) * run;
        auto below = [&](std::uint64_t n) { // in [0, n)
            const std::uint64_t rest = n % period;
            return n / period * run + (rest > start ? std::min(rest - start, run) : 0);
        };
        return below(last + 1) - below(first);
    }

private:
    int offset_bits_ = 0;
    // Per field (AddressField order): its shift above the burst offset and its mask.
    std::array<int, 6> shift_{};
    std::array<std::uint64_t, 6> mask_{};
};

} // namespace accsim
