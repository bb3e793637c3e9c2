// How many mm^2 and mW EIE's PE array takes (Han et al., ISCA 2016, Table II, TSMC 45 nm GP at
// 800 MHz): the per-PE module table, scaled by PE count, LNZD nodes, SRAM sizes and process node.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace accsim::eie {

struct CostParams {
    int pes = 64;
    double spmat_sram_kib = 128;  // per PE; EIE: 128 KB
    double pointer_sram_kib = 32; // per PE; EIE: 32 KB
    double tech_nm = 45;          // EIE's node
};

struct UnitCost {
    std::string name;
    double area_um2 = 0; // per instance
    double power_mw = 0; // per instance
    int count = 0;
};

struct ArrayCost {
    std::vector<UnitCost> units; // per-PE modules (count = PEs) and the LNZD nodes
    double area_mm2 = 0;
    double power_w = 0;
};

// Leading-non-zero-detect nodes: one per group of 4 inputs at each level of the tree (EIE: 16 + 4
// + 1 for 64 PEs).
int lnzd_nodes(int pes);

ArrayCost array_cost(const CostParams& p);

} // namespace accsim::eie
