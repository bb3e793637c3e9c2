// SCALE-Sim v2's bandwidth-limited memory (`InterfaceBandwidth: USER`), emulated as SCALE-Sim
// writes it, for `accsim scalesim`: the operand address matrices (compute/operand_matrix.py), the
// prefetch and demand matrices of the os / ws / is arrays (compute/systolic_compute_*.py), the
// double-buffered read buffers with their hashed prefetch lines (memory/read_buffer.py), the
// drained write buffer (memory/write_buffer.py) and the loop that serves one demand line per cycle
// and charges the largest stall of the three (memory/double_buffered_scratchpad_mem.py,
// service_memory_requests). docs/pe_array.md walks through the semantics. Pure C++, no SystemC.
#pragma once

#include "arch/pe_array/mapping.hpp"

#include <cstdint>
#include <vector>

namespace accsim::pe_array {

// One topology row as SCALE-Sim reads it.
struct ScaleSimLayer {
    std::int64_t ifmap_h = 1, ifmap_w = 1, filter_h = 1, filter_w = 1, channels = 1, filters = 1;
    std::int64_t stride_h = 1, stride_w = 1;
};

// The .cfg's array and memory.
struct ScaleSimMemoryConfig {
    int rows = 32, cols = 32;
    Dataflow dataflow = Dataflow::os;
    std::int64_t ifmap_sram_kb = 64, filter_sram_kb = 64, ofmap_sram_kb = 64;
    std::int64_t ifmap_offset = 0, filter_offset = 10000000, ofmap_offset = 20000000;
    std::int64_t bandwidth = 10; // words per cycle (Bandwidth; its first value)
};

// What SCALE-Sim reports of one layer from its memory (USER or CALC mode).
struct ScaleSimMemoryResult {
    std::int64_t total_cycles = 0, stall_cycles = 0;
    // DRAM words moved and the first and last cycles of each buffer's DRAM trace.
    std::int64_t ifmap_dram_reads = 0, filter_dram_reads = 0, ofmap_dram_writes = 0;
    std::int64_t ifmap_dram_start = 0, ifmap_dram_stop = 0, filter_dram_start = 0,
                 filter_dram_stop = 0, ofmap_dram_start = 0, ofmap_dram_stop = 0;
    // The cycles the first and the last demand line that accesses each SRAM were served
    // (DETAILED_ACCESS_REPORT's SRAM start and stop cycles).
    std::int64_t ifmap_sram_start = 0, ifmap_sram_stop = 0, filter_sram_start = 0,
                 filter_sram_stop = 0, ofmap_sram_start = 0, ofmap_sram_stop = 0;
};

// SCALE-Sim's trace matrices of one layer (single_layer_sim.save_traces): each row a cycle, then
// addresses (-1: none). SRAM: a row per demand line, at the cycle it was served. DRAM: a row per
// line the read buffers prefetched (with SCALE-Sim's trimming of the lines, which the hit logic
// never reads) and per line the write buffer drained.
using TraceRows = std::vector<std::vector<std::int64_t>>;
struct ScaleSimTraces {
    TraceRows ifmap_sram, filter_sram, ofmap_sram, ifmap_dram, filter_dram, ofmap_dram;
};

// Runs one layer through SCALE-Sim's USER-mode memory; fills `traces` when given. Throws
// InputError when the layer's matrices would not fit run.max_memory_mib (they are built whole,
// as SCALE-Sim builds them).
ScaleSimMemoryResult scalesim_user_memory(const ScaleSimLayer& layer,
                                          const ScaleSimMemoryConfig& config,
                                          ScaleSimTraces* traces = nullptr);

// Runs one layer through SCALE-Sim's CALC-mode memory (no Bandwidth): its bandwidth estimator for
// the read buffers and its write buffer at ArrayWidth words a cycle (scalesim_calc.cpp). The
// demand lines are generated one at a time, so any layer whose operands fit runs; throws InputError
// where SCALE-Sim itself would fail. Fills `traces` when given.
ScaleSimMemoryResult scalesim_calc_memory(const ScaleSimLayer& layer,
                                          const ScaleSimMemoryConfig& config,
                                          ScaleSimTraces* traces = nullptr);

} // namespace accsim::pe_array
