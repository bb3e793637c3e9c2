#include "arch/eie/model.hpp"

#include "common/error.hpp"
#include "common/memory_budget.hpp"
#include "common/parallel.hpp"
#include "workloads/sparse/random.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace accsim::eie {

namespace {

// Salt of the activation-density stream (inputs.cpp has weights = 1 and input = 2).
constexpr std::uint64_t density_stream = 3;

} // namespace

EieModel::EieModel(const Graph& g, Params p) : g_(g), p_(std::move(p)) {
    images_.resize(g.layers.size());
    for (std::size_t i = 0; i < g.layers.size(); ++i) {
        const Layer& l = g.layers[i];
        switch (l.op) {
        case Op::dense: {
            // Per non-zero: its row and value while the columns are built (8 bytes), its
            // codebook index and CSC entry (2); per column: its start and each PE's pointer.
            // Weights from a file or model skip the columns (dense_csc.hpp) but are claimed the
            // same, each as if it were non-zero: an upper bound.
            const double cells = double(l.out.c) * double(l.in.elements());
            const double nonzeros =
                p_.weights_dir.empty() && !l.weight_values ? cells * l.weight_density : cells;
            memory_budget().claim(
                nonzeros * 10 + double(l.in.elements()) * (8 + 4.0 * p_.pes),
                fmt::format("layer {}: {:.3g} non-zero weights", l.name, nonzeros));
            images_[i] = layer_image(l, int(i), p_);
            break;
        }
        case Op::add:
        case Op::sub:
        case Op::relu:
        case Op::flatten:
            break;
        default:
            throw InputError(fmt::format(
                "layer {}: eie runs dense layers and element-wise add, sub and relu; a {} "
                "layer has no mapping onto its PEs",
                l.name, to_string(l.op)));
        }
    }
    if (!p_.input_path.empty()) file_input_ = graph_input(g, p_, 0);
    stats_ = std::make_unique<PeArrayStats>(p_.pes);
    if (Trace* t = active_trace()) {
        t->set_clock_mhz(p_.clock_mhz);
        for (int pe = 0; pe < p_.pes; ++pe) {
            const std::string track = fmt::format("PE {}", pe);
            stats_->pe_trace.push_back(t->state(track, "state"));
            stats_->queue[std::size_t(pe)].trace = t->counter(track, "activation queue", "entries");
        }
    }
    results_.resize(g.layers.size());
}

std::uint64_t EieModel::run_dense(std::size_t i, std::uint64_t n, std::uint64_t start_cycle,
                                  std::vector<std::int16_t> x) {
    const Layer& l = g_.layers[i];
    LayerResult& r = results_[i];
    const LayerImage& img = images_[i];
    // The measured density decides in computed mode, except for a generated random input (all
    // non-zero), which takes the first layer's own figure.
    const bool generated_random =
        l.inputs.empty() && p_.input_path.empty() && p_.generated_input == "random";
    if (!p_.computed_density || generated_random)
        apply_density(x, l.act_density, p_.act_frac_bits,
                      stream_seed(p_.seed, density_stream * 1000003 + i * 1009 + n));
    std::uint64_t input_nonzeros = 0;
    for (auto v : x) input_nonzeros += v != 0;
    r.input_nonzeros += input_nonzeros;
    r.input_elements += x.size();
    // The bias column's input is always 1.
    if (std::size_t(img.cols) > x.size()) x.push_back(to_fixed(1.0, p_.act_frac_bits));

    std::vector<std::uint64_t> busy_before, starved_before;
    std::uint64_t entries_before = 0, padding_before = 0;
    for (const auto& c : stats_->pe) {
        busy_before.push_back(c.busy_cycles);
        starved_before.push_back(c.starved_cycles);
        entries_before += c.entries;
        padding_before += c.padding_entries;
    }
    const std::uint64_t stall_before = stats_->broadcast_stall_cycles;
    // Pass by pass, batch by batch: a batch starts once the previous one has drained, since its
    // pointers and source activations replace the previous batch's.
    std::uint64_t cycles = 0;
    std::vector<std::uint32_t> nonzero_cols;
    // The layer's output (compute_layer) on a second thread while the cycles are simulated, when
    // the layer is large enough to pay for the thread.
    std::vector<std::int16_t> y;
    run_both(
        img.nonzero_weights >= parallel_min_items,
        [&] { y = compute_layer(img, x, p_.weight_frac_bits, l.activation == Activation::relu); },
        [&] {
            for (const auto& pass : img.tiles) {
                for (std::size_t b = 0; b < pass.size(); ++b) {
                    const std::size_t col0 = b * std::size_t(img.batch_cols);
                    nonzero_cols.clear();
                    for (std::size_t j = 0; j < std::size_t(pass[b].cols); ++j)
                        if (x[col0 + j] != 0) nonzero_cols.push_back(std::uint32_t(j));
                    cycles += run_broadcast(pass[b], nonzero_cols, p_.queue_depth,
                                            start_cycle + cycles, *stats_);
                    r.act_sram_reads += std::uint64_t(pass[b].cols);
                }
                for (const auto& pe : pass.front().pe)
                    r.act_sram_writes += std::uint64_t(pe.local_rows);
            }
        });
    std::uint64_t entries = 0, padding = 0;
    for (std::size_t p = 0; p < stats_->pe.size(); ++p) {
        const auto& c = stats_->pe[p];
        entries += c.entries;
        padding += c.padding_entries;
        r.busy_cycles += c.busy_cycles - busy_before[p];
        r.starved_cycles += c.starved_cycles - starved_before[p];
    }
    const std::uint64_t macs = (entries - entries_before) - (padding - padding_before);
    r.nonzero_macs += macs;
    r.ideal_cycles += (macs + std::uint64_t(p_.pes) - 1) / std::uint64_t(p_.pes);
    r.broadcast_stall_cycles += stats_->broadcast_stall_cycles - stall_before;
    acts_[i] = std::move(y);
    return cycles;
}

std::uint64_t EieModel::run_layer(std::size_t i, std::uint64_t n, std::uint64_t start_cycle) {
    if (i == 0) {
        acts_.assign(g_.layers.size(), {});
        input_ = file_input_.empty() ? graph_input(g_, p_, n) : file_input_;
    }
    const Layer& l = g_.layers[i];
    auto input_of = [&](std::size_t k) -> const std::vector<std::int16_t>& {
        if (l.inputs.size() <= k) return input_;
        return acts_[std::size_t(l.inputs[k])];
    };
    const bool relu = l.activation == Activation::relu;
    LayerResult& r = results_[i];
    if (n == 0) r.start_cycle = start_cycle;
    std::uint64_t cycles = 0;
    const std::uint64_t elementwise = (std::uint64_t(l.out.elements()) + p_.pes - 1) / p_.pes;
    switch (l.op) {
    case Op::dense:
        cycles = run_dense(i, n, start_cycle, input_of(0));
        break;
    case Op::add:
    case Op::sub: {
        // Element-wise in the PEs' arithmetic units: each PE handles its own rows, one per cycle.
        const auto &a = input_of(0), &b = input_of(1);
        std::vector<std::int16_t> y(a.size());
        for (std::size_t k = 0; k < a.size(); ++k) {
            std::int64_t v =
                l.op == Op::add ? std::int64_t(a[k]) + b[k] : std::int64_t(a[k]) - b[k];
            if (relu && v < 0) v = 0;
            y[k] = saturate16(v);
        }
        acts_[i] = std::move(y);
        cycles = elementwise;
        break;
    }
    case Op::relu: {
        auto y = input_of(0);
        for (auto& v : y) v = std::max<std::int16_t>(v, 0);
        acts_[i] = std::move(y);
        cycles = elementwise;
        break;
    }
    default: // flatten: the same vector
        acts_[i] = input_of(0);
        break;
    }
    r.cycles += cycles;
    if (i + 1 == g_.layers.size()) {
        if (!p_.keep_outputs) outputs_.clear();
        outputs_.push_back(acts_[i]);
    }
    return cycles;
}

} // namespace accsim::eie
