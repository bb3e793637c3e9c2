#include "arch/pe_array/pe_array_cost.hpp"

#include <array>
#include <cmath>

namespace accsim::pe_array {

ActionCounts& ActionCounts::operator+=(const ActionCounts& o) {
    macs += o.macs;
    elementwise_ops += o.elementwise_ops;
    ifmap_read += o.ifmap_read;
    ifmap_write += o.ifmap_write;
    filter_read += o.filter_read;
    filter_write += o.filter_write;
    ofmap_read += o.ofmap_read;
    ofmap_write += o.ofmap_write;
    return *this;
}

double sram_read_energy_pj(const CostTable& table, double bytes) {
    const std::array<std::pair<double, double>, 3> points{{
        {8.0 * 1024, table.energy_pj("cache_read_64bit_8kb")},
        {32.0 * 1024, table.energy_pj("cache_read_64bit_32kb")},
        {1024.0 * 1024, table.energy_pj("cache_read_64bit_1mb")},
    }};
    const double x = std::log(std::max(bytes, 1.0));
    // The segment that holds the size, or the nearest one beyond either end.
    const std::size_t k = bytes <= points[1].first ? 0 : 1;
    const double x0 = std::log(points[k].first), x1 = std::log(points[k + 1].first);
    const double y0 = std::log(points[k].second), y1 = std::log(points[k + 1].second);
    return std::exp(y0 + (y1 - y0) * (x - x0) / (x1 - x0));
}

double sram_write_energy_pj(const CostTable& table, double bytes) {
    return sram_read_energy_pj(table, bytes) * table.energy_pj("sram_write_64bit") /
           table.energy_pj("sram_read_64bit");
}

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
    // Per 64-bit access, at each SRAM's own size.
    auto sram = [&](std::uint64_t read, std::uint64_t write, std::int64_t size) {
        return double(read) / 8.0 * sram_read_energy_pj(table, double(size)) +
               double(write) / 8.0 * sram_write_energy_pj(table, double(size));
    };
    c.sram_energy_pj = sram(counts.ifmap_read, counts.ifmap_write, p.ifmap_sram_bytes) +
                       sram(counts.filter_read, counts.filter_write, p.filter_sram_bytes) +
                       sram(counts.ofmap_read, counts.ofmap_write, p.ofmap_sram_bytes);
    const double leakage_uw = pes * pe_unit.leakage_uw + sram_kib / 128.0 * sram_unit.leakage_uw;
    c.leakage_energy_pj = leakage_uw * 1e-6 * seconds * 1e12;
    return c;
}

} // namespace accsim::pe_array
