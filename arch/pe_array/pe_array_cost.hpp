// What the PE array costs: energy from action counts x the cost table's energy per action (plus
// leakage), area from unit counts x the table's area per unit. The timing lives in pe_array.cpp.
#pragma once

#include "arch/pe_array/mapping.hpp"
#include "models/cost/cost_table.hpp"

namespace accsim::pe_array {

struct ActionCounts {
    std::uint64_t macs = 0;
    std::uint64_t elementwise_ops = 0;
    // Bytes read from and written to each SRAM (operands and results, and the fills from DRAM
    // and the drains to it).
    std::uint64_t ifmap_read = 0, ifmap_write = 0, filter_read = 0, filter_write = 0;
    std::uint64_t ofmap_read = 0, ofmap_write = 0;
    ActionCounts& operator+=(const ActionCounts& o);
};

// Energy of one 64-bit read from an SRAM of `bytes`: log-log interpolation through the cost
// table's cache_read_64bit_8kb, _32kb and _1mb (Horowitz, ISSCC 2014: 10, 20 and 100 pJ at 45 nm),
// extended beyond them along the nearest segment. A write costs the table's
// sram_write_64bit / sram_read_64bit of a read (Accelergy's 128 KB macro: 26.2 / 32.4).
double sram_read_energy_pj(const CostTable& table, double bytes);
double sram_write_energy_pj(const CostTable& table, double bytes);

struct ArrayCost {
    double pe_area_um2 = 0, sram_area_um2 = 0;
    double mac_energy_pj = 0, elementwise_energy_pj = 0, sram_energy_pj = 0, leakage_energy_pj = 0;
    double area_mm2() const { return (pe_area_um2 + sram_area_um2) / 1e6; }
    double on_chip_energy_pj() const {
        return mac_energy_pj + elementwise_energy_pj + sram_energy_pj + leakage_energy_pj;
    }
};

// `weight_bits` picks the PE (mac_int8 up to 8 bits, else mac_int16); `seconds` of leakage.
ArrayCost array_cost(const CostTable& table, const ArrayParams& p, int weight_bits,
                     const ActionCounts& counts, double seconds);

} // namespace accsim::pe_array
