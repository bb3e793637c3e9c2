// How a layer maps onto the PE array: the tiles it is cut into, each with its compute cycles and
// the DRAM bytes it loads and stores. Pure C++, no SystemC: the array process (pe_array.cpp) walks
// the tiles and the DRAM target times the transfers.
//
//  os / ws / is: SCALE-Sim v2's mapping, folding and skew (docs/pe_array.md has the formulas and
//                where in SCALE-Sim's source they come from); one tile per fold.
//  rda:          the Tailor / cgra4ml array's published analytic model (Tailor, TRETS 2024);
//                one tile per (output-channel iteration, image, row block).
#pragma once

#include "workloads/graph.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace accsim::pe_array {

enum class Dataflow { os, ws, is, rda };
Dataflow parse_dataflow(const std::string& word);
const char* to_string(Dataflow d);

struct ArrayParams {
    int rows = 32, cols = 32;
    Dataflow dataflow = Dataflow::os;
    std::int64_t ifmap_sram_bytes = 64 * 1024, filter_sram_bytes = 64 * 1024,
                 ofmap_sram_bytes = 64 * 1024, skip_buffer_bytes = 0;
    // Output size of 'valid' convs as SCALE-Sim v2 computes it, ceil((H - R + S) / S), which
    // counts a partial last window when H - R is not a multiple of S; else the graph's shape.
    bool scalesim_ofmap_size = false;
    bool vector_unit = false; // element-wise layers on a separate unit (else the output path)
    int vector_elements_per_cycle = 32;
    // rda (Tailor, TRETS 2024): bytes per input, weight and output, and the tallest kernel
    // the input buffer is sized for.
    int rda_input_bytes = 1, rda_weight_bytes = 1, rda_output_bytes = 3, rda_kh_max = 7;
    // Bytes per element element-wise layers read (0: the layer's activation width).
    int elementwise_input_bytes = 0;
};

// One tile: loads, then compute, then the store of its outputs. A tile's loads fit in half of
// their SRAMs (larger folds are streamed as several tiles).
struct Tile {
    std::uint64_t compute_cycles = 0;
    std::uint64_t ifmap_bytes = 0, filter_bytes = 0, ofmap_bytes = 0;
    std::uint64_t skip_read_bytes = 0; // part of ifmap_bytes that reads a skip tensor
};

struct LayerPlan {
    bool on_array = false; // conv / dense through the dataflow; else element-wise
    std::vector<Tile> tiles;
    std::uint64_t compute_cycles = 0; // sum over tiles
    std::uint64_t macs = 0;
    std::uint64_t folds = 0;
    double mapping_efficiency = 0;  // mean over folds of used PEs / all PEs
    double compute_utilization = 0; // SCALE-Sim's "Compute Util": mean over folds
    // SRAM accesses in elements (SCALE-Sim's counts for os/ws/is).
    std::uint64_t ifmap_sram_reads = 0, filter_sram_reads = 0, ofmap_sram_writes = 0;
    bool skip_layer = false; // exists only because of a skip connection (add, projection)
};

// SCALE-Sim's operand-matrix dimensions of one fold schedule: Sr x Sc spatial, T temporal.
struct FoldShape {
    std::int64_t sr = 0, sc = 0, t = 0;
};
FoldShape fold_shape(Dataflow d, std::int64_t ofmap_pixels, std::int64_t window,
                     std::int64_t filters);
// Cycles of one fold in SCALE-Sim v2 (rows of the skewed demand matrices):
//  os: T + R + C - 2;   ws, is: 2R + C + T - 2.
std::uint64_t fold_cycles(Dataflow d, int rows, int cols, std::int64_t t);

// The plan of graph layer `index` for `batch` inputs. Throws InputError naming the layer when it
// cannot map (e.g. a kernel wider than the rda array).
LayerPlan plan_layer(const Graph& g, int index, const ArrayParams& p, int batch);

} // namespace accsim::pe_array
