// The [dram] section: geometry, JEDEC timings in DRAM clock cycles (tCK), controller policy,
// address mapping and energy. Parsed once into DramConfig, kept apart from the modules using it.
#pragma once

#include "common/options.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace accsim {

enum class DramModel { timing, ideal };
enum class DramScheduler { fr_fcfs, fcfs };

// Address fields from the most to the least significant bit, above the byte offset in a burst.
enum class AddressField { row, rank, bank_group, bank, column, channel };

struct DramConfig {
    DramModel model = DramModel::timing;
    double ideal_latency_ns = 0;

    double clock_mhz = 1200; // command clock; data moves on both edges (DDR)
    int bus_width_bits = 64; // per channel
    int burst_length = 8;    // transfers per column access
    int channels = 1, ranks = 1, bank_groups = 4, banks_per_group = 4;
    std::int64_t rows = 65536, columns = 1024; // columns per row, in bus-width units

    // Timings in tCK.
    int cl = 16, cwl = 12, trcd = 16, trp = 16, tras = 39;
    int tccd_s = 4, tccd_l = 6, trrd_s = 4, trrd_l = 6, tfaw = 26;
    int twr = 18, twtr_s = 3, twtr_l = 9, trtp = 9;
    int trfc = 420, trefi = 9360;

    int queue_depth = 32;
    DramScheduler scheduler = DramScheduler::fr_fcfs;
    std::vector<AddressField> mapping; // MSB first
    double access_energy_pj_per_64bit = 1300;

    int burst_bytes() const { return bus_width_bits / 8 * burst_length; }
    int burst_cycles() const { return burst_length / 2; } // DDR: two transfers per tCK
    double tck_ns() const { return 1e3 / clock_mhz; }
    // Peak bandwidth of all channels, GB/s.
    double peak_gb_per_s() const {
        return channels * (bus_width_bits / 8.0) * 2.0 * clock_mhz * 1e6 / 1e9;
    }
    int banks() const { return bank_groups * banks_per_group; }
};

// Registers every [dram] key (called from sim/registry.cpp).
void register_dram_options(OptionRegistry& reg);
// Reads and checks [dram]; throws InputError naming the key when the values do not fit together.
DramConfig dram_config_from(const Config& cfg);
// "ro,ra,bg,ba,co,ch" -> fields; throws InputError (naming `where`) on a bad string.
std::vector<AddressField> parse_address_mapping(const std::string& text, const std::string& where);

} // namespace accsim
