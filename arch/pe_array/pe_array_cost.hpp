// What the PE array costs: energy from action counts x the cost table's energy per action (plus
// leakage), area from unit counts x the table's area per unit. The timing lives in pe_array.cpp.
#pragma once

#include "arch/pe_array/mapping.hpp"
#include "models/cost/cost_table.hpp"

namespace accsim::pe_array {

struct ActionCounts {
    std::uint64_t macs = 0;
    std::uint64_t elementwise_ops = 0;
    std::uint64_t sram_read_bytes = 0, sram_write_bytes = 0;
};

struct ArrayCost {
    double pe_area_um2 = 0, sram_area_um2 = 0;
    double mac_energy_pj = 0, elementwise_energy_pj = 0, sram_energy_pj = 0, leakage_energy_pj = 0;
    double area_mm2() const { return (pe_area_um2 + sram_area_um2) / 1e6; }
    double on_chip_energy_pj() const {
        return mac_energy_pj + elementwise_energy_pj + sram_energy_pj + leakage_energy_pj;
    }
};

// `weight_bits` picks the PE (mac_int8 up to 8 bits, else mac_int16).
ArrayCost array_cost(const CostTable& table, const ArrayParams& p, int weight_bits,
                     const ActionCounts& counts, double seconds);

} // namespace accsim::pe_array
