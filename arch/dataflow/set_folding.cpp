#include "arch/dataflow/set_folding.hpp"

#include <algorithm>
#include <vector>

namespace accsim::dataflow {

namespace {

// The divisors of n, ascending (FINN's divisors()).
std::vector<std::uint64_t> divisors(std::uint64_t n) {
    std::vector<std::uint64_t> low, high;
    for (std::uint64_t d = 1; d <= n / d; ++d)
        if (n % d == 0) {
            low.push_back(d);
            if (d != n / d) high.push_back(n / d);
        }
    low.insert(low.end(), high.rbegin(), high.rend());
    return low;
}

bool has_window(const Layer& l) {
    return l.op == Op::conv && l.kernel_h * l.kernel_w > 1;
}

// FINN's optimize_attribute_val: the first divisor of `max` whose cycles come under the target,
// else `max` itself.
template <class Cycles>
std::uint64_t smallest_meeting(std::uint64_t max, std::uint64_t target, Cycles cycles) {
    std::uint64_t v = 1;
    for (std::uint64_t d : divisors(max)) {
        v = d;
        if (cycles(d) < target) break;
    }
    return v;
}

SetFoldingResult one_pass(const Graph& g, std::uint64_t target, std::uint64_t wwidth_max) {
    SetFoldingResult r;
    r.target_cycles = target;
    for (std::size_t k = 0; k < g.layers.size(); ++k) {
        const Layer& l = g.layers[k];
        const int i = int(k);
        if (l.has_weights() && !l.depthwise()) {
            // MVAU: SIMD up while the weight stream per PE stays within wwidth_max (a SIMD that
            // meets the target is kept even when wider), then PE.
            const std::uint64_t mw = mvau_mw(l);
            std::uint64_t simd = 1;
            for (std::uint64_t d : divisors(mw)) {
                const std::uint64_t prev = simd;
                simd = d;
                if (mvau_exp_cycles(l, 1, simd) < target) break;
                if (std::uint64_t(l.weight_bits) * simd > wwidth_max) {
                    simd = prev;
                    break;
                }
            }
            const std::uint64_t pe =
                smallest_meeting(std::uint64_t(l.out.c), target,
                                 [&](std::uint64_t p) { return mvau_exp_cycles(l, p, simd); });
            r.pe[i] = pe;
            r.simd[i] = simd;
            r.max_cycles = std::max(r.max_cycles, mvau_exp_cycles(l, pe, simd));
            if (has_window(l)) {
                const std::uint64_t w =
                    smallest_meeting(std::uint64_t(l.in.c), target,
                                     [&](std::uint64_t s) { return window_exp_cycles(l, s); });
                r.window_simd[i] = w;
                r.max_cycles = std::max(r.max_cycles, window_exp_cycles(l, w));
            }
        } else if (l.depthwise()) {
            // VVAU: PE over the channels first; SIMD over the kernel once PE is exhausted. Its
            // sliding window generator takes the VVAU's PE as its SIMD.
            const std::uint64_t c = std::uint64_t(l.out.c);
            const std::uint64_t pe = smallest_meeting(
                c, target, [&](std::uint64_t p) { return mvau_exp_cycles(l, p, 1); });
            std::uint64_t simd = 1;
            if (pe == c && mvau_exp_cycles(l, pe, 1) > target)
                simd = smallest_meeting(std::uint64_t(l.kernel_h) * l.kernel_w, target,
                                        [&](std::uint64_t s) { return mvau_exp_cycles(l, pe, s); });
            r.pe[i] = pe;
            r.simd[i] = simd;
            r.max_cycles = std::max(r.max_cycles, mvau_exp_cycles(l, pe, simd));
            if (has_window(l)) {
                r.window_simd[i] = pe;
                r.max_cycles = std::max(r.max_cycles, window_exp_cycles(l, pe));
            }
        } else if (l.op == Op::relu) {
            // Thresholding: (C/PE) cycles per pixel.
            const std::uint64_t c = std::uint64_t(l.out.c), px = std::uint64_t(l.in.pixels());
            const std::uint64_t pe =
                smallest_meeting(c, target, [&](std::uint64_t p) { return c / p * px; });
            r.pe[i] = pe;
            r.max_cycles = std::max(r.max_cycles, c / pe * px);
        }
    }
    return r;
}

} // namespace

std::uint64_t mvau_mw(const Layer& l) {
    return l.op == Op::conv ? std::uint64_t(l.kernel_h) * l.kernel_w * (l.in.c / l.groups)
                            : std::uint64_t(l.in.elements());
}

std::uint64_t mvau_exp_cycles(const Layer& l, std::uint64_t pe, std::uint64_t simd) {
    if (l.depthwise()) // VVAU: (C*K*K / PE / SIMD) per output pixel
        return std::uint64_t(l.out.c) * l.kernel_h * l.kernel_w / pe / simd *
               std::uint64_t(l.out.pixels());
    const std::uint64_t mw = mvau_mw(l);
    const std::uint64_t vectors = l.op == Op::conv ? std::uint64_t(l.out.pixels()) : 1;
    return (std::uint64_t(l.out.c) / pe) * (mw / simd) * vectors;
}

std::uint64_t window_exp_cycles(const Layer& l, std::uint64_t simd) {
    // FINN, ConvolutionInputGenerator.get_exp_cycles (after finn-hlslib's slidingwindow.h), on the
    // padded input (FINN pads in an FMPadding node before the generator).
    const std::uint64_t folds = std::uint64_t(l.in.c) / simd;
    const std::uint64_t ifm_w = std::uint64_t(l.pad_left() + l.in.w + l.pad_right());
    const std::uint64_t write_block =
        std::uint64_t(l.out.w) * std::uint64_t(l.kernel_w) * std::uint64_t(l.kernel_h) * folds;
    const std::uint64_t read_block = std::uint64_t(l.stride_width()) * ifm_w * folds;
    return ifm_w * std::uint64_t(l.kernel_h) * folds +
           std::uint64_t(l.out.h) * std::max(write_block, read_block);
}

SetFoldingResult finn_set_folding(const Graph& g, std::uint64_t target_cycles,
                                  std::uint64_t mvau_wwidth_max, bool two_pass) {
    SetFoldingResult r = one_pass(g, target_cycles, mvau_wwidth_max);
    // The target could not be met: again at what was met, to balance the pipeline around its
    // slowest node (once).
    if (two_pass && r.max_cycles > target_cycles) {
        r = one_pass(g, r.max_cycles, mvau_wwidth_max);
        r.relaxed = true;
    }
    return r;
}

} // namespace accsim::dataflow
