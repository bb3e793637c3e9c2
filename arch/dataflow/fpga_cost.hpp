// FPGA resources of the dataflow pipeline: the cost side of each part, kept apart from its timing
// (stage.cpp). Formulas and their sources (FINN's and hls4ml's estimates) are in docs/dataflow.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace accsim::dataflow {

inline std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) {
    return (a + b - 1) / b;
}

struct FpgaResources {
    double bram18 = 0, lut = 0, ff = 0, dsp = 0, uram = 0;
    FpgaResources& operator+=(const FpgaResources& o) {
        bram18 += o.bram18;
        lut += o.lut;
        ff += o.ff;
        dsp += o.dsp;
        uram += o.uram;
        return *this;
    }
};

struct FpgaPart {
    std::string name;
    double lut, ff, bram18, dsp, uram; // uram 0: the part has none
};
// AMD data sheets DS190 (Zynq-7000), DS180 (7 series) and DS962 (Alveo U250): xc7z020, xc7a100t,
// xcu250.
const std::vector<FpgaPart>& fpga_parts();
const FpgaPart& find_part(const std::string& name);

// RAMB18 count of a depth x width memory in BRAM (FINN's bram_estimation table, docs/dataflow.md).
std::uint64_t bram18_for(std::uint64_t depth, std::uint64_t width_bits);

// A memory of `depth` words of `width_bits`: in LUTRAM/SRL up to `lutram_max_depth` words (FINN:
// FIFOs deeper than 256 become BRAM IP), else in BRAM. `counters` adds read and write address
// registers (a FIFO) rather than one (a ROM).
FpgaResources memory_cost(std::uint64_t depth, std::uint64_t width_bits,
                          std::uint64_t lutram_max_depth, bool fifo);

// Where a memory sits (FINN's ram_style): automatic (LUTRAM up to lutram_max_depth words, else
// BRAM), block (BRAM), distributed (LUTRAM) or ultra (URAM).
enum class RamStyle { automatic, block, distributed, ultra };
RamStyle ram_style_from(const std::string& word); // "auto", "block", "distributed", "ultra"
const char* to_string(RamStyle s);
// memory_cost with the memory's place chosen by `style`.
FpgaResources memory_cost(std::uint64_t depth, std::uint64_t width_bits,
                          std::uint64_t lutram_max_depth, bool fifo, RamStyle style);

// URAM288 blocks of a depth x width memory: each is 4K x 72 bits (AMD UG573, UltraRAM).
std::uint64_t uram_for(std::uint64_t depth, std::uint64_t width_bits);
// A ROM of `depth` words of `width_bits` in UltraRAM, with its address logic as memory_cost's.
FpgaResources uram_memory_cost(std::uint64_t depth, std::uint64_t width_bits);

// The multiply-accumulate datapath of a conv or dense layer folded onto `pe` x `simd` lanes
// (FINN's MVAU estimate): `mw` = inputs per output (kh*kw*Cin), `mh` = outputs (Cout).
struct MvauShape {
    std::uint64_t mw, mh, pe, simd;
    int weight_bits, act_bits, out_bits;
    bool thresholds; // FINN: the activation is a multi-threshold unit
    bool dsp;        // multipliers in DSP slices rather than LUTs
};
FpgaResources mvau_cost(const MvauShape& m);

} // namespace accsim::dataflow
