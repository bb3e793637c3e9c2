#include "arch/eie/pe_cost.hpp"

#include <cmath>

namespace accsim::eie {

namespace {

// EIE Table II, one PE (module breakdown; the module rows sum to 614,063 um^2 and 9.158 mW, the
// rest of the 638,024 um^2 total is filler cells).
constexpr double act_queue_um2 = 758, act_queue_mw = 0.112;
constexpr double ptr_read_um2 = 121849, ptr_read_mw = 1.807;
constexpr double spmat_read_um2 = 469412, spmat_read_mw = 4.955;
constexpr double arithm_um2 = 3110, arithm_mw = 1.162;
constexpr double act_rw_um2 = 18934, act_rw_mw = 1.122;
constexpr double filler_um2 =
    638024 - (act_queue_um2 + ptr_read_um2 + spmat_read_um2 + arithm_um2 + act_rw_um2);
// EIE section VI: each LNZD node.
constexpr double lnzd_um2 = 189, lnzd_mw = 0.023;
// EIE section IV: SRAM sizes of the Table II PE.
constexpr double ref_spmat_kib = 128, ref_pointer_kib = 32, ref_tech_nm = 45;

// An SRAM-dominated module resized from `ref` to `kib`: area in proportion to capacity (the
// SpmatRead module is 128/162 of the PE's 594,786 um^2 of memory to within 0.1 %, i.e. area per
// bit is constant), power as the square root (a read's energy grows with bit-line and word-line
// length: Horowitz, ISSCC 2014, 64-bit reads of 10 / 20 / 100 pJ at 8 KB / 32 KB / 1 MB).
UnitCost sram_unit(const char* name, double um2, double mw, double kib, double ref, int count) {
    return {name, um2 * kib / ref, mw * std::sqrt(kib / ref), count};
}

} // namespace

int lnzd_nodes(int pes) {
    int nodes = 0;
    for (int level = pes; level > 1 || nodes == 0;) {
        level = (level + 3) / 4;
        nodes += level;
        if (level == 1) break;
    }
    return nodes;
}

ArrayCost array_cost(const CostParams& p) {
    ArrayCost c;
    c.units = {
        {"act_queue", act_queue_um2, act_queue_mw, p.pes},
        sram_unit("ptr_read", ptr_read_um2, ptr_read_mw, p.pointer_sram_kib, ref_pointer_kib,
                  p.pes),
        sram_unit("spmat_read", spmat_read_um2, spmat_read_mw, p.spmat_sram_kib, ref_spmat_kib,
                  p.pes),
        {"arithm_unit", arithm_um2, arithm_mw, p.pes},
        {"act_rw", act_rw_um2, act_rw_mw, p.pes},
        {"filler", filler_um2, 0, p.pes},
        {"lnzd_node", lnzd_um2, lnzd_mw, lnzd_nodes(p.pes)},
    };
    // First-order node scaling (Dennard et al., IEEE JSSC 1974): area with the square of the
    // feature size; power at a fixed clock with the switched capacitance, i.e. linearly, since the
    // supply voltage has hardly scaled below 45 nm.
    const double s = p.tech_nm / ref_tech_nm;
    for (auto& u : c.units) {
        u.area_um2 *= s * s;
        u.power_mw *= s;
        c.area_mm2 += u.area_um2 * u.count * 1e-6;
        c.power_w += u.power_mw * u.count * 1e-3;
    }
    return c;
}

} // namespace accsim::eie
