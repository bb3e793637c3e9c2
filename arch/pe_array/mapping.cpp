#include "arch/pe_array/mapping.hpp"

#include "common/error.hpp"
#include "common/memory_budget.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace accsim::pe_array {

Dataflow parse_dataflow(const std::string& word) {
    if (word == "os") return Dataflow::os;
    if (word == "ws") return Dataflow::ws;
    if (word == "is") return Dataflow::is;
    if (word == "rda") return Dataflow::rda;
    throw InputError(fmt::format("unknown dataflow '{}' (os, ws, is, rda)", word));
}

const char* to_string(Dataflow d) {
    switch (d) {
    case Dataflow::os:
        return "os";
    case Dataflow::ws:
        return "ws";
    case Dataflow::is:
        return "is";
    case Dataflow::rda:
        return "rda";
    }
    return "?";
}

namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
    return (a + b - 1) / b;
}
std::uint64_t bytes_per(int bits) {
    return std::uint64_t((bits + 7) / 8);
}

__extension__ typedef unsigned __int128 uint128; // products of two 64-bit counts

// The part of `total` that falls on [a0, a1) of n equal parts (sums exactly to total).
std::uint64_t share(std::uint64_t total, std::int64_t a0, std::int64_t a1, std::int64_t n) {
    auto at = [&](std::int64_t a) {
        return std::uint64_t(uint128(total) * std::uint64_t(a) / std::uint64_t(n));
    };
    return at(a1) - at(a0);
}

// The GEMM a conv or dense layer is for the array: ofmap pixels (per input), window, filters.
struct Gemm {
    std::int64_t pixels = 0, window = 0, filters = 0;
};
Gemm gemm_of(const Layer& l, const ArrayParams& p) {
    if (l.op == Op::dense) return {1, l.in.elements(), l.out.c};
    std::int64_t pixels = l.out.pixels();
    if (p.scalesim_ofmap_size && l.padding == Padding::valid) // scalesim/topology_utils.py
        pixels = ceil_div(l.in.h - l.kernel_h + l.stride, l.stride) *
                 ceil_div(l.in.w - l.kernel_w + l.stride_width(), l.stride_width());
    return {pixels, std::int64_t(l.kernel_h) * l.kernel_w * l.in.c, l.out.c};
}

void plan_scalesim(const Layer& l, const ArrayParams& p, int batch, LayerPlan& plan) {
    const Gemm g = gemm_of(l, p);
    const FoldShape fs = fold_shape(p.dataflow, g.pixels * batch, g.window, g.filters);
    const std::int64_t R = p.rows, C = p.cols;
    const std::int64_t row_fold = ceil_div(fs.sr, R), col_fold = ceil_div(fs.sc, C);
    const std::uint64_t L = fold_cycles(p.dataflow, p.rows, p.cols, fs.t);
    plan.folds = std::uint64_t(row_fold * col_fold);
    // Every fold becomes a tile: claimed before any per-fold work.
    memory_budget().claim(double(plan.folds) * sizeof(Tile),
                          fmt::format("layer {}: {} folds", l.name, plan.folds));
    // Mapping Efficiency and Compute Util are SCALE-Sim's means over folds, summed fold by fold
    // in its order (column folds outer) and divided as it does, so that the reports agree to the
    // last digit. Its per-fold cycles for Compute Util are the demand rows plus the skew width
    // - 1, which for ws and is adds C - 1 to the fold length.
    const std::int64_t util_cycles =
        p.dataflow == Dataflow::os ? std::int64_t(L) : std::int64_t(L) + C - 1;
    double efficiency_sum = 0, utilization_sum = 0;
    for (std::int64_t fc = 0; fc < col_fold; ++fc)
        for (std::int64_t fr = 0; fr < row_fold; ++fr) {
            const std::int64_t used = std::min(R, fs.sr - fr * R) * std::min(C, fs.sc - fc * C);
            efficiency_sum += double(used) / double(R * C);
            utilization_sum += double(used * fs.t) / double(R * C * util_cycles);
        }
    plan.mapping_efficiency = efficiency_sum / double(plan.folds);
    plan.compute_utilization = utilization_sum / double(plan.folds);
    switch (p.dataflow) {
    case Dataflow::os:
        plan.ifmap_sram_reads = std::uint64_t(col_fold * fs.sr * fs.t);
        plan.filter_sram_reads = std::uint64_t(row_fold * fs.sc * fs.t);
        plan.ofmap_sram_writes = std::uint64_t(fs.sr * fs.sc) + plan.folds * std::uint64_t(R + C);
        break;
    case Dataflow::ws:
        plan.ifmap_sram_reads = std::uint64_t(col_fold * fs.t * fs.sr);
        plan.filter_sram_reads = std::uint64_t(fs.sr * fs.sc);
        plan.ofmap_sram_writes = std::uint64_t(row_fold * fs.t * fs.sc);
        break;
    case Dataflow::is:
        plan.ifmap_sram_reads = std::uint64_t(fs.sr * fs.sc);
        plan.filter_sram_reads = std::uint64_t(col_fold * fs.sr * fs.t);
        plan.ofmap_sram_writes = std::uint64_t(row_fold * fs.sc * fs.t);
        break;
    case Dataflow::rda:
        break;
    }

    const std::uint64_t ifmap =
        std::uint64_t(l.in.elements()) * std::uint64_t(batch) * bytes_per(l.act_bits);
    const std::uint64_t filter = l.weights() * bytes_per(l.weight_bits);
    const std::uint64_t ofmap = std::uint64_t(g.pixels * batch * g.filters) * bytes_per(l.act_bits);
    // An operand that fits in half its SRAM (the other half is the prefetch buffer) is loaded
    // once; otherwise each fold loads its share.
    const bool ifmap_resident = std::int64_t(ifmap) <= p.ifmap_sram_bytes / 2;
    const bool filter_resident = std::int64_t(filter) <= p.filter_sram_bytes / 2;
    bool first = true;
    for (std::int64_t fc = 0; fc < col_fold; ++fc)
        for (std::int64_t fr = 0; fr < row_fold; ++fr) {
            const std::int64_t r0 = fr * R, r1 = std::min(r0 + R, fs.sr);
            const std::int64_t c0 = fc * C, c1 = std::min(c0 + C, fs.sc);
            const bool last_row_fold = fr + 1 == row_fold;
            Tile t;
            t.compute_cycles = L;
            switch (p.dataflow) {
            case Dataflow::os: // rows: ofmap pixels, columns: filters
                t.ifmap_bytes = ifmap_resident ? (first ? ifmap : 0) : share(ifmap, r0, r1, fs.sr);
                t.filter_bytes = filter_resident ? (first ? filter : 0)
                                                 : (fr == 0 ? share(filter, c0, c1, fs.sc) : 0);
                t.ofmap_bytes = share(share(ofmap, c0, c1, fs.sc), r0, r1, fs.sr);
                break;
            case Dataflow::ws: // rows: window, columns: filters, time: ofmap pixels
                t.filter_bytes = filter_resident
                                     ? (first ? filter : 0)
                                     : share(share(filter, c0, c1, fs.sc), r0, r1, fs.sr);
                t.ifmap_bytes = ifmap_resident ? (first ? ifmap : 0) : share(ifmap, r0, r1, fs.sr);
                t.ofmap_bytes = last_row_fold ? share(ofmap, c0, c1, fs.sc) : 0;
                break;
            case Dataflow::is: // rows: window, columns: ofmap pixels, time: filters
                t.ifmap_bytes = ifmap_resident ? (first ? ifmap : 0)
                                               : share(share(ifmap, c0, c1, fs.sc), r0, r1, fs.sr);
                t.filter_bytes =
                    filter_resident ? (first ? filter : 0) : share(filter, r0, r1, fs.sr);
                t.ofmap_bytes = last_row_fold ? share(ofmap, c0, c1, fs.sc) : 0;
                break;
            case Dataflow::rda:
                break;
            }
            first = false;
            plan.tiles.push_back(t);
        }
    // SCALE-Sim's Total Cycles is the cycle index of the last ofmap write: folds x L - 1.
    if (!plan.tiles.empty()) plan.tiles.back().compute_cycles -= 1;
}

// The Tailor / cgra4ml array (Tailor, Weng et al., ACM TRETS 2024: its analytic model of the
// array). Per output-channel iteration: one cycle and the weights; per image and row block of ROWS
// input rows: XW x (1 + CI x KH) cycles, the input rows with the kernel's halo, and the outputs.
void plan_rda(const Layer& l, const ArrayParams& p, int batch, LayerPlan& plan) {
    std::int64_t XH, XW, XN, KH, KW, CI, CO;
    if (l.op == Op::dense) { // a 1x1 conv with the batch along the rows
        XH = batch;
        XW = 1;
        XN = 1;
        KH = KW = 1;
        CI = l.in.elements();
        CO = l.out.c;
    } else {
        XH = std::int64_t(l.out.h) * l.stride;
        XW = std::int64_t(l.out.w) * l.stride_width();
        XN = batch;
        KH = l.kernel_h;
        KW = l.kernel_w;
        CI = l.in.c;
        CO = l.out.c;
    }
    const std::int64_t ROWS = p.rows, COLS = p.cols;
    const std::int64_t per_col_group = COLS / KW;
    if (per_col_group == 0)
        throw InputError(fmt::format("layer '{}': kernel width {} is wider than the rda array's {} "
                                     "columns (pe_array.cols)",
                                     l.name, KW, COLS));
    const std::int64_t L = ceil_div(XH, ROWS);
    const std::int64_t IT = ceil_div(CO, per_col_group);
    plan.folds = std::uint64_t(IT * XN * L);
    memory_budget().claim(double(plan.folds) * sizeof(Tile),
                          fmt::format("layer {}: {} tiles", l.name, plan.folds));
    plan.mapping_efficiency =
        (double(CO * KW) / double(IT * COLS)) * (double(XH) / double(L * ROWS));
    for (std::int64_t it = 0; it < IT; ++it)
        for (std::int64_t n = 0; n < XN; ++n)
            for (std::int64_t b = 0; b < L; ++b) {
                const bool first = n == 0 && b == 0;
                Tile t;
                t.compute_cycles = std::uint64_t(XW * (1 + CI * KH) + (first ? 1 : 0));
                t.ifmap_bytes =
                    std::uint64_t(p.rda_input_bytes * XW * CI * (ROWS + p.rda_kh_max - 1));
                t.filter_bytes = first ? std::uint64_t(p.rda_weight_bytes * CI * KH * COLS) : 0;
                t.ofmap_bytes = std::uint64_t(p.rda_output_bytes * XW * per_col_group * ROWS);
                plan.tiles.push_back(t);
            }
    plan.ifmap_sram_reads = plan.filter_sram_reads = 0;
    for (const auto& t : plan.tiles) {
        plan.ifmap_sram_reads += t.ifmap_bytes;
        plan.filter_sram_reads += t.filter_bytes;
        plan.ofmap_sram_writes += t.ofmap_bytes;
    }
}

// Element-wise layers (add, pool, ...): read every input, write the output, on the array's
// output path at vector_elements_per_cycle, or on a separate vector unit (no array cycles).
void plan_elementwise(const Graph& g, const Layer& l, const ArrayParams& p, int batch,
                      LayerPlan& plan) {
    if (l.op == Op::flatten) return; // a view: nothing moves
    const std::uint64_t eb = bytes_per(l.act_bits);
    const std::uint64_t in_eb =
        p.elementwise_input_bytes > 0 ? std::uint64_t(p.elementwise_input_bytes) : eb;
    std::uint64_t in_elements = 0, in_bytes = 0, skip_bytes = 0;
    std::vector<Shape> inputs;
    if (l.inputs.empty()) inputs.push_back(g.input);
    for (int i : l.inputs) inputs.push_back(g.layers[std::size_t(i)].out);
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        const std::uint64_t e = std::uint64_t(inputs[k].elements()) * std::uint64_t(batch);
        in_elements += e;
        const bool skip_operand = (l.op == Op::add || l.op == Op::sub) && k == 1;
        if (skip_operand && std::int64_t(e * in_eb) <= p.skip_buffer_bytes) continue; // on chip
        in_bytes += e * in_eb;
        if (skip_operand) skip_bytes += e * in_eb;
    }
    const std::uint64_t out_bytes = std::uint64_t(l.out.elements()) * std::uint64_t(batch) * eb;
    // The path moves the larger of what it reads and what it writes (an upsample writes more).
    const std::uint64_t moved =
        std::max(in_elements, std::uint64_t(l.out.elements()) * std::uint64_t(batch));
    const std::uint64_t cycles =
        p.vector_unit ? 0
                      : std::uint64_t(ceil_div(std::int64_t(moved), p.vector_elements_per_cycle));
    // Tiles of half the ifmap SRAM, so that loads double-buffer as for the array's layers.
    const std::int64_t half = std::max<std::int64_t>(p.ifmap_sram_bytes / 2, 1);
    const std::int64_t n = std::max<std::int64_t>(1, ceil_div(std::int64_t(in_bytes), half));
    for (std::int64_t i = 0; i < n; ++i) {
        Tile t;
        t.compute_cycles = share(cycles, i, i + 1, n);
        t.ifmap_bytes = share(in_bytes, i, i + 1, n);
        t.skip_read_bytes = share(skip_bytes, i, i + 1, n);
        t.ofmap_bytes = share(out_bytes, i, i + 1, n);
        plan.tiles.push_back(t);
    }
    plan.ifmap_sram_reads = in_elements;
    plan.ofmap_sram_writes = out_bytes / eb;
}

// A tile whose operands do not fit in half of their SRAMs is streamed as several sub-tiles, each
// with its share of the loads, the compute and the stores, so that double buffering works at a
// granularity the SRAMs can hold. Totals are unchanged.
void split_to_fit(const ArrayParams& p, const std::string& name, LayerPlan& plan) {
    auto parts = [](std::uint64_t bytes, std::int64_t sram_bytes) {
        const std::uint64_t half = std::uint64_t(std::max<std::int64_t>(sram_bytes / 2, 1));
        return std::int64_t((bytes + half - 1) / half);
    };
    auto pieces = [&](const Tile& t) {
        return std::max<std::int64_t>({1, parts(t.ifmap_bytes, p.ifmap_sram_bytes),
                                       parts(t.filter_bytes, p.filter_sram_bytes),
                                       parts(t.ofmap_bytes, p.ofmap_sram_bytes)});
    };
    double total = 0;
    for (const Tile& t : plan.tiles) total += double(pieces(t));
    memory_budget().claim(
        total * sizeof(Tile),
        fmt::format("layer {}: {:.3g} tiles that fit half of their SRAMs", name, total));
    std::vector<Tile> out;
    out.reserve(plan.tiles.size());
    for (const Tile& t : plan.tiles) {
        const std::int64_t n = pieces(t);
        if (n == 1) {
            out.push_back(t);
            continue;
        }
        for (std::int64_t i = 0; i < n; ++i) {
            Tile s;
            s.compute_cycles = share(t.compute_cycles, i, i + 1, n);
            s.ifmap_bytes = share(t.ifmap_bytes, i, i + 1, n);
            s.filter_bytes = share(t.filter_bytes, i, i + 1, n);
            s.ofmap_bytes = share(t.ofmap_bytes, i, i + 1, n);
            s.skip_read_bytes = share(t.skip_read_bytes, i, i + 1, n);
            out.push_back(s);
        }
    }
    plan.tiles = std::move(out);
}

} // namespace

FoldShape fold_shape(Dataflow d, std::int64_t ofmap_pixels, std::int64_t window,
                     std::int64_t filters) {
    switch (d) {
    case Dataflow::os:
        return {ofmap_pixels, filters, window};
    case Dataflow::ws:
        return {window, filters, ofmap_pixels};
    case Dataflow::is:
        return {window, ofmap_pixels, filters};
    case Dataflow::rda:
        break;
    }
    return {};
}

std::uint64_t fold_cycles(Dataflow d, int rows, int cols, std::int64_t t) {
    // SCALE-Sim v2, scalesim/compute/systolic_compute_{os,ws,is}.py: the demand matrices of one
    // fold, after the inter-fold gaps and skew_matrix, have these many rows (one per cycle).
    if (d == Dataflow::os) return std::uint64_t(t + rows + cols - 2);
    return std::uint64_t(2 * rows + cols + t - 2);
}

LayerPlan plan_layer(const Graph& g, int index, const ArrayParams& p, int batch) {
    const Layer& l = g.layers[std::size_t(index)];
    LayerPlan plan;
    plan.skip_layer = l.skip_path || ((l.op == Op::add || l.op == Op::sub) && l.inputs.size() == 2);
    if (l.op == Op::conv && l.groups > 1) {
        // A grouped (or depthwise) conv runs as `groups` independent convs of in.c / groups
        // channels one after another, as SCALE-Sim v2 runs a topology layer named "DP...": one
        // layer of Channels = 1 per channel (scalesim/topology_utils.py, load_arrays_conv).
        Graph one_group = g;
        Layer& sub = one_group.layers[std::size_t(index)];
        sub.in.c /= l.groups;
        sub.out.c /= l.groups;
        sub.groups = 1;
        const LayerPlan part = plan_layer(one_group, index, p, batch);
        plan = part;
        plan.tiles.clear();
        memory_budget().claim(
            double(part.tiles.size()) * double(l.groups - 1) * sizeof(Tile),
            fmt::format("layer {}: {} groups of {} tiles", l.name, l.groups, part.tiles.size()));
        for (int k = 0; k < l.groups; ++k)
            plan.tiles.insert(plan.tiles.end(), part.tiles.begin(), part.tiles.end());
        const auto groups = std::uint64_t(l.groups);
        plan.macs = part.macs * groups;
        plan.folds = part.folds * groups;
        plan.compute_cycles = part.compute_cycles * groups;
        plan.ifmap_sram_reads = part.ifmap_sram_reads * groups;
        plan.filter_sram_reads = part.filter_sram_reads * groups;
        plan.ofmap_sram_writes = part.ofmap_sram_writes * groups;
        plan.skip_layer = l.skip_path;
        return plan;
    }
    if (l.op == Op::conv || l.op == Op::dense) {
        plan.on_array = true;
        plan.macs = l.macs() * std::uint64_t(batch);
        if (p.dataflow == Dataflow::rda) {
            plan_rda(l, p, batch, plan);
        } else {
            const Gemm gm = gemm_of(l, p);
            plan.macs = std::uint64_t(gm.pixels * gm.window * gm.filters) * std::uint64_t(batch);
            plan_scalesim(l, p, batch, plan);
        }
    } else {
        plan_elementwise(g, l, p, batch, plan);
    }
    split_to_fit(p, l.name, plan);
    for (const auto& t : plan.tiles) plan.compute_cycles += t.compute_cycles;
    return plan;
}

} // namespace accsim::pe_array
