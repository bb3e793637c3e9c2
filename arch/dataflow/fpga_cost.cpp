#include "arch/dataflow/fpga_cost.hpp"

#include "common/error.hpp"

#include <cmath>
#include <fmt/format.h>

namespace accsim::dataflow {

namespace {

double ceil_log2(std::uint64_t x) {
    return x <= 1 ? 0.0 : std::ceil(std::log2(double(x)));
}

} // namespace

const std::vector<FpgaPart>& fpga_parts() {
    // AMD data sheets DS190, DS180, DS962
    static const std::vector<FpgaPart> parts{
        {"xc7z020", 53200, 106400, 280, 220, 0},
        {"xc7a100t", 63400, 126800, 270, 240, 0},
        {"xcu250", 1728000, 3456000, 5376, 12288, 1280},
    };
    return parts;
}

const FpgaPart& find_part(const std::string& name) {
    for (const auto& p : fpga_parts())
        if (p.name == name) return p;
    throw InputError(fmt::format("dataflow.part: unknown part '{}'", name));
}

// FINN's BRAM estimate (finn-hlslib's memory layout, FINN's bram_estimation): a RAMB18 is 16K x 1,
// 8K x 2, 4K x 4, 2K x 9, 1K x 18 or 512 x 36.
std::uint64_t bram18_for(std::uint64_t d, std::uint64_t w) {
    if (d == 0 || w == 0) return 0;
    if (w == 1) return ceil_div(d, 16384);
    if (w == 2) return ceil_div(d, 8192);
    if (w <= 4) return ceil_div(d, 4096) * ceil_div(w, 4);
    if (w <= 9) return ceil_div(d, 2048) * ceil_div(w, 9);
    if (w <= 18 || d > 512) return ceil_div(d, 1024) * ceil_div(w, 18);
    return ceil_div(d, 512) * ceil_div(w, 36);
}

FpgaResources memory_cost(std::uint64_t depth, std::uint64_t width_bits,
                          std::uint64_t lutram_max_depth, bool fifo) {
    return memory_cost(depth, width_bits, lutram_max_depth, fifo, RamStyle::automatic);
}

RamStyle ram_style_from(const std::string& word) {
    if (word == "auto") return RamStyle::automatic;
    if (word == "block") return RamStyle::block;
    if (word == "distributed") return RamStyle::distributed;
    if (word == "ultra") return RamStyle::ultra;
    throw InputError(fmt::format("ram_style '{}': one of auto, block, distributed, ultra", word));
}

const char* to_string(RamStyle s) {
    switch (s) {
    case RamStyle::automatic:
        return "auto";
    case RamStyle::block:
        return "block";
    case RamStyle::distributed:
        return "distributed";
    case RamStyle::ultra:
        return "ultra";
    }
    return "auto";
}

FpgaResources memory_cost(std::uint64_t depth, std::uint64_t width_bits,
                          std::uint64_t lutram_max_depth, bool fifo, RamStyle style) {
    if (style == RamStyle::ultra) {
        FpgaResources u = uram_memory_cost(depth, width_bits);
        if (fifo && depth > 0 && width_bits > 0) u.ff += ceil_log2(depth + 1); // a write counter
        return u;
    }
    FpgaResources r;
    if (depth == 0 || width_bits == 0) return r;
    // FINN: address logic 2*ceil(log2 D) LUTs, plus ceil(D/32)*ceil(W/2) LUTs of distributed RAM
    // (a LUT holds 32 x 2 bits) when not in BRAM.
    r.lut = 2 * ceil_log2(depth);
    // accsim's own FF estimate (no published source): read and write address counters (one for
    // a ROM), plus an output register of the word for distributed RAM; a RAMB18 registers its
    // output inside the primitive.
    r.ff = (fifo ? 2 : 1) * ceil_log2(depth + 1);
    const bool lutram = style == RamStyle::distributed ||
                        (style == RamStyle::automatic && depth <= lutram_max_depth);
    if (lutram) {
        r.lut += double(ceil_div(depth, 32) * ceil_div(width_bits, 2));
        r.ff += double(width_bits);
    } else {
        r.bram18 = double(bram18_for(depth, width_bits));
    }
    return r;
}

std::uint64_t uram_for(std::uint64_t d, std::uint64_t w) {
    if (d == 0 || w == 0) return 0;
    return ceil_div(d, 4096) * ceil_div(w, 72);
}

FpgaResources uram_memory_cost(std::uint64_t depth, std::uint64_t width_bits) {
    FpgaResources r;
    if (depth == 0 || width_bits == 0) return r;
    r.lut = 2 * ceil_log2(depth); // FINN's address logic, as for BRAM
    r.ff = ceil_log2(depth + 1);  // one address counter (a ROM)
    r.uram = double(uram_for(depth, width_bits));
    return r;
}

// FINN's MVAU LUT estimate (FINN, MatrixVectorActivation.lut_estimation): 300 + 1.1*PE*(multipliers
// + adder tree + accumulator + thresholds + comparators), with per lane of SIMD multipliers
// SIMD*(2*ceil((W+A)/6)-1)*(W+A) LUTs when not in DSPs, an adder tree of (W+A)*(2*SIMD-1), an
// accumulator of W+A+ceil(log2 MW) bits, and for a B-bit threshold activation
// (2^B-1)*acc_bits*ceil(TMEM/64) threshold LUTs plus (2^B-1)*acc_bits comparator LUTs,
// TMEM = MH/PE. DSPs: PE*SIMD*ceil((W+A)/48).
FpgaResources mvau_cost(const MvauShape& m) {
    FpgaResources r;
    const double wa = m.weight_bits + m.act_bits;
    const double q = double(m.simd);
    const double acc_bits = wa + ceil_log2(m.mw);
    const double mult_luts = m.dsp ? 0.0 : q * (2 * std::ceil(wa / 6) - 1) * wa;
    const double adder_luts = wa * (2 * q - 1);
    double thr_luts = 0, comp_luts = 0;
    if (m.thresholds) {
        const double levels = std::pow(2.0, m.out_bits) - 1;
        thr_luts = levels * acc_bits * std::ceil(double(ceil_div(m.mh, m.pe)) / 64);
        comp_luts = levels * acc_bits;
    }
    r.lut = 300 + 1.1 * double(m.pe) * (mult_luts + adder_luts + acc_bits + thr_luts + comp_luts);
    if (m.dsp) r.dsp = double(m.pe * m.simd) * std::ceil(wa / 48);
    // accsim's own estimate (FINN and hls4ml publish none): operand registers of every
    // multiplier, one accumulator per PE, and the output pixel register.
    r.ff = double(m.pe * m.simd) * wa + double(m.pe) * acc_bits + double(m.mh) * m.out_bits;
    return r;
}

} // namespace accsim::dataflow
