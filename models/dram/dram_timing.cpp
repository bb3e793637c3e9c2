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

} // namespace accsim
