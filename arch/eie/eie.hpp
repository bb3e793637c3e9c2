// The `eie` architecture: EIE (Han et al., ISCA 2016) cycle by cycle, computing the network's real
// 16-bit fixed-point outputs as well as its time, area and power. docs/eie.md describes the model.
#pragma once

#include "arch/architecture.hpp"

namespace accsim::eie {

ArchInfo info();

} // namespace accsim::eie
