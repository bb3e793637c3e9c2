// The `pe_array` architecture: a rows x cols PE array with double-buffered ifmap / filter / ofmap
// SRAM and DRAM behind a TLM-2.0 socket. Dataflows os, ws, is (SCALE-Sim v2) and rda (Tailor /
// cgra4ml). docs/pe_array.md describes the model, its formulas and sources.
#pragma once

#include "arch/architecture.hpp"

namespace accsim::pe_array {

ArchInfo info();

} // namespace accsim::pe_array
