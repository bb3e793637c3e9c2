#include "arch/pe_array/pe_array_cost.hpp"

namespace accsim::pe_array {

ArrayCost array_cost(const CostTable& table, const ArrayParams& p, int weight_bits,
                     const ActionCounts& counts, double seconds) {
    ArrayCost c;
    const std::string pe = weight_bits <= 8 ? "int8" : "int16";
    const auto& pe_unit = table.unit("pe_" + pe);
    const auto& sram_unit = table.unit("sram_128kib");
    const double pes = double(p.rows) * p.cols;
    const double sram_kib = double(p.ifmap_sram_bytes + p.filter_sram_bytes + p.ofmap_sram_bytes +
                                   p.skip_buffer_bytes) /
                            1024.0;
    c.pe_area_um2 = pes * pe_unit.area_um2;
    // SRAM area scaled linearly from the 128 KiB macro of the table.
    c.sram_area_um2 = sram_kib / 128.0 * sram_unit.area_um2;
    c.mac_energy_pj = double(counts.macs) * table.energy_pj("mac_" + pe);
    c.elementwise_energy_pj = double(counts.elementwise_ops) * table.energy_pj("add_int8");
    // Per 64-bit SRAM access (Accelergy's 128 KB macro).
    c.sram_energy_pj = double(counts.sram_read_bytes) / 8.0 * table.energy_pj("sram_read_64bit") +
                       double(counts.sram_write_bytes) / 8.0 * table.energy_pj("sram_write_64bit");
    const double leakage_uw = pes * pe_unit.leakage_uw + sram_kib / 128.0 * sram_unit.leakage_uw;
    c.leakage_energy_pj = leakage_uw * 1e-6 * seconds * 1e12;
    return c;
}

} // namespace accsim::pe_array
