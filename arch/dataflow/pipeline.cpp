#include "arch/dataflow/pipeline.hpp"

#include "common/memory_budget.hpp"
#include "models/kernel/simulate.hpp"
#include "models/kernel/time.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <map>

namespace accsim::dataflow {

std::vector<std::uint8_t> layer_iterations(const Layer& l) {
    std::vector<std::uint8_t> it;
    const std::uint8_t rw = reads_input | writes_output;
    switch (l.op) {
    case Op::conv:
    case Op::pool: {
        // The zero-padded grid (hls4ml inserts a ZeroPadding2D layer; folded into the loop here).
        const int pad_top = l.pad_top(), pad_left = l.pad_left();
        const int rows = pad_top + l.in.h + l.pad_bottom();
        const int cols = pad_left + l.in.w + l.pad_right();
        auto completes = [&](int p, int k, int stride, int out) {
            int q = p - (k - 1);
            return q >= 0 && q % stride == 0 && q / stride < out;
        };
        for (int y = 0; y < rows; ++y)
            for (int x = 0; x < cols; ++x) {
                std::uint8_t f = 0;
                if (y >= pad_top && y < pad_top + l.in.h && x >= pad_left && x < pad_left + l.in.w)
                    f |= reads_input;
                if (completes(y, l.kernel_h, l.stride, l.out.h) &&
                    completes(x, l.kernel_w, l.stride_width(), l.out.w))
                    f |= writes_output;
                it.push_back(f);
            }
        break;
    }
    case Op::dense:
    case Op::flatten:
    case Op::global_pool:
        it.assign(std::size_t(l.in.pixels()), reads_input);
        it.back() |= writes_output;
        break;
    case Op::downsample:
        for (int y = 0; y < l.in.h; ++y)
            for (int x = 0; x < l.in.w; ++x)
                it.push_back(y % l.stride == 0 && x % l.stride == 0 ? rw
                                                                    : std::uint8_t(reads_input));
        break;
    case Op::add:
    case Op::sub:
    case Op::mul:
    case Op::concat: // a join: one pixel from every input in lockstep, one out
    case Op::relu:
    case Op::activation:
        it.assign(std::size_t(l.in.pixels()), rw);
        break;
    case Op::upsample:
        // One output pixel per iteration; an input pixel is read where its s x s block starts
        // and the row buffer serves the block's other rows.
        for (int y = 0; y < l.out.h; ++y)
            for (int x = 0; x < l.out.w; ++x)
                it.push_back(y % l.stride == 0 && x % l.stride == 0 ? rw
                                                                    : std::uint8_t(writes_output));
        break;
    }
    return it;
}

namespace {

// SystemC names allow letters, digits and '_'.
std::string process_name(const std::string& s, std::size_t index) {
    std::string out;
    for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return fmt::format("{}_{}", out, index);
}

// One SystemC thread per stage. The stage runs ahead on cycle numbers; the thread waits for the
// stream it is blocked on, and at the end of every image waits until SystemC time reaches the
// stage's own time, so that simulated time is the carrier of the pipeline's progress.
SC_MODULE(StageProcess) {
    PixelStage* stage = nullptr;
    sc_core::sc_event wake;
    const sc_core::sc_time* pass_start = nullptr;
    Clock clock;
    std::size_t* finished = nullptr;

    SC_HAS_PROCESS(StageProcess);
    StageProcess(sc_core::sc_module_name n, PixelStage * s, const sc_core::sc_time* start,
                 const Clock& c, std::size_t* finished_count)
        : sc_module(n), stage(s), pass_start(start), clock(c), finished(finished_count) {
        SC_THREAD(run);
    }

    void catch_up(std::uint64_t cycle) {
        const sc_core::sc_time at = clock.after(*pass_start, double(cycle));
        if (at > sc_core::sc_time_stamp()) wait(at - sc_core::sc_time_stamp());
    }

    void run() {
        for (;;) {
            Progress p = stage->advance(&wake);
            if (p.kind == Progress::blocked) {
                wait(wake);
            } else if (p.kind == Progress::image_done) {
                catch_up(p.cycle);
            } else {
                catch_up(p.cycle);
                ++*finished;
                wait(wake); // until the next pass
            }
        }
    }
};

} // namespace

struct Pipeline::Processes {
    sc_core::sc_time pass_start = sc_core::SC_ZERO_TIME;
    std::size_t finished = 0;
    std::vector<std::unique_ptr<StageProcess>> threads;
};

Pipeline::Pipeline(const Graph& g, const std::vector<StageTiming>& timing,
                   const std::vector<int>& out_bits, double clock_mhz, StageTiming sink_timing)
    : processes_(new Processes), sink_extra_cycles_(sink_timing.idle_cycles - 1) {
    // What grows with the tensors, claimed before anything is built: a byte per iteration of
    // every stage (a pixel of its padded input grid, or of its output for upsample), and the
    // streams, each of which may hold its whole tensor in the unbounded sizing pass (a cycle stamp
    // per pixel in a deque, about 12 bytes).
    memory_budget().claim(double(g.input.pixels()) * 13,
                          fmt::format("the input stream: {} pixels", g.input.pixels()));
    for (const Layer& l : g.layers) {
        const double grid = double(l.in.h + l.pad_top() + l.pad_bottom()) *
                            double(l.in.w + l.pad_left() + l.pad_right());
        const double pixels = std::max({grid, double(l.in.pixels()), double(l.out.pixels())});
        memory_budget().claim(pixels + double(l.out.pixels()) * 12,
                              fmt::format("layer {}: {:.3g} pixel iterations and its output "
                                          "stream",
                                          l.name, pixels));
    }
    auto add_stage = [&](std::string name, std::vector<std::uint8_t> it, StageTiming t, int layer,
                         StageInfo::Kind kind) {
        StageInfo s;
        s.stage.reset(
            new PixelStage(std::move(name), std::move(it), t.idle_cycles, t.output_cycles));
        s.layer = layer;
        s.kind = kind;
        stages.push_back(std::move(s));
        return int(stages.size()) - 1;
    };
    auto connect = [&](int from, int to, const Shape& tensor, int bits, int slot) {
        Stream s;
        s.fifo.reset(new StreamFifo(
            fmt::format("{}->{}", stages[from].stage->name(), stages[to].stage->name()),
            std::uint64_t(tensor.c) * std::uint64_t(bits)));
        s.producer = from;
        s.consumer = to;
        s.tensor_pixels = tensor.pixels();
        const int layer = stages[to].layer;
        s.into_join = layer >= 0 && (g.layers[layer].is_join() || g.layers[layer].op == Op::concat);
        s.port = stages[from].kind == StageInfo::source || stages[to].kind == StageInfo::sink;
        stages[from].stage->outputs.push_back(s.fifo.get());
        auto& ins = stages[to].stage->inputs;
        if (int(ins.size()) <= slot) ins.resize(slot + 1, nullptr);
        ins[slot] = s.fifo.get();
        streams.push_back(std::move(s));
    };

    const int first_bits = g.layers.front().act_bits;
    const std::uint8_t rw = reads_input | writes_output;
    const int source =
        add_stage("input", std::vector<std::uint8_t>(g.input.pixels(), writes_output), {1, 1}, -1,
                  StageInfo::source);
    std::vector<int> layer_stage(g.layers.size());
    for (std::size_t i = 0; i < g.layers.size(); ++i)
        layer_stage[i] = add_stage(g.layers[i].name, layer_iterations(g.layers[i]), timing[i],
                                   int(i), StageInfo::layer_stage);

    // Readers of every tensor: (stage, input slot). Tensor -1 is the graph input.
    struct Reader {
        int stage, slot;
    };
    std::map<int, std::vector<Reader>> readers;
    for (std::size_t i = 0; i < g.layers.size(); ++i) {
        const auto& l = g.layers[i];
        if (l.inputs.empty()) readers[-1].push_back({layer_stage[i], 0});
        for (std::size_t k = 0; k < l.inputs.size(); ++k)
            readers[l.inputs[k]].push_back({layer_stage[i], int(k)});
    }
    for (int out : g.outputs()) {
        int sink =
            add_stage("output", std::vector<std::uint8_t>(g.layers[out].out.pixels(), reads_input),
                      sink_timing, -1, StageInfo::sink);
        readers[out].push_back({sink, 0});
    }
    for (auto& [tensor, list] : readers) {
        const int producer = tensor < 0 ? source : layer_stage[tensor];
        const Shape shape = tensor < 0 ? g.input : g.layers[tensor].out;
        const int bits = tensor < 0 ? first_bits : out_bits[tensor];
        if (list.size() == 1) {
            connect(producer, list[0].stage, shape, bits, list[0].slot);
            continue;
        }
        const int clone =
            add_stage(stages[producer].stage->name() + "_clone",
                      std::vector<std::uint8_t>(shape.pixels(), rw), {1, 1}, -1, StageInfo::clone);
        connect(producer, clone, shape, bits, 0);
        for (const auto& r : list) connect(clone, r.stage, shape, bits, r.slot);
    }

    const Clock clock(clock_mhz, "dataflow.clock_mhz");
    for (std::size_t i = 0; i < stages.size(); ++i)
        processes_->threads.emplace_back(new StageProcess(
            process_name(stages[i].stage->name(), i).c_str(), stages[i].stage.get(),
            &processes_->pass_start, clock, &processes_->finished));
}

Pipeline::~Pipeline() = default;

PassResult Pipeline::run_pass(const std::vector<std::uint64_t>& depths, std::uint64_t images,
                              std::uint64_t source_interval_cycles) {
    for (std::size_t i = 0; i < streams.size(); ++i) streams[i].fifo->reset(depths[i]);
    for (auto& s : stages)
        s.stage->reset(images, s.kind == StageInfo::source ? source_interval_cycles : 0);
    processes_->finished = 0;
    processes_->pass_start = sc_core::sc_time_stamp();
    if (!first_pass_)
        for (auto& t : processes_->threads) t->wake.notify(sc_core::SC_ZERO_TIME);
    first_pass_ = false;
    simulate();

    PassResult r;
    r.images = images;
    if (processes_->finished < stages.size()) {
        r.deadlocked = true;
        r.diagnosis = diagnose();
        return r;
    }
    for (const auto& s : stages)
        r.makespan_cycles = std::max(r.makespan_cycles, s.stage->last_end_cycle);
    for (auto& s : streams) s.fifo->finish(r.makespan_cycles);
    r.done.assign(images, 0);
    for (const auto& s : stages)
        if (s.kind == StageInfo::sink)
            for (std::uint64_t n = 0; n < images; ++n)
                // The host takes a pixel the cycle it is read; a folded LabelSelect has its
                // label out after reading the pixel's channels (its cycles per pixel).
                r.done[n] =
                    std::max(r.done[n], s.stage->last_iteration_start[n] + sink_extra_cycles_);
    r.latency_cycles = r.done[0]; // the source writes image 0's first pixel at cycle 0
    if (images >= 2) {
        r.ii_cycles = r.done[images - 1] - r.done[images - 2];
        r.measured_ii = true;
    } else {
        for (const auto& s : stages)
            r.ii_cycles = std::max(r.ii_cycles, s.stage->busy_cycles_per_image());
    }
    return r;
}

std::string Pipeline::diagnose() const {
    // Every blocked stage waits on one stream, so on the stage at its other end: follow these
    // waits from each stage until one repeats; a deadlock always contains such a cycle.
    std::vector<int> waits_on(stages.size(), -1);
    std::vector<const Stream*> through(stages.size(), nullptr);
    std::uint64_t at = 0;
    for (std::size_t i = 0; i < stages.size(); ++i) {
        const PixelStage& st = *stages[i].stage;
        if (st.done() || !st.waits_on()) continue;
        at = std::max(at, st.local_cycle());
        for (const auto& e : streams)
            if (e.fifo.get() == st.waits_on()) {
                waits_on[i] = st.waits_for_space() ? e.consumer : e.producer;
                through[i] = &e;
            }
    }
    auto describe = [&](std::size_t i) {
        const PixelStage& st = *stages[i].stage;
        const StreamFifo& f = *st.waits_on();
        return fmt::format("{} (image {}) waits for {} '{}' ({} of {} pixels held), which {} "
                           "must {}",
                           st.name(), st.image(),
                           st.waits_for_space() ? "room in full FIFO" : "data from empty FIFO",
                           f.name(), f.held(), f.depth(), stages[waits_on[i]].stage->name(),
                           st.waits_for_space() ? "read" : "fill");
    };
    std::vector<std::size_t> cycle;
    for (std::size_t s0 = 0; s0 < stages.size() && cycle.empty(); ++s0) {
        std::vector<int> seen_at(stages.size(), -1);
        std::vector<std::size_t> path;
        int i = int(s0);
        while (i >= 0 && waits_on[i] >= 0 && seen_at[i] < 0) {
            seen_at[i] = int(path.size());
            path.push_back(std::size_t(i));
            i = waits_on[i];
        }
        if (i >= 0 && seen_at[i] >= 0) cycle.assign(path.begin() + seen_at[i], path.end());
    }
    std::string text = fmt::format(
        "deadlock: no stage of the pipeline can move while work remains (by cycle {} of the "
        "pass).",
        at);
    if (!cycle.empty()) {
        text += "\ncycle of waits:";
        for (std::size_t i : cycle) text += "\n  " + describe(i);
    }
    std::string full, empty;
    for (const auto& e : streams)
        if (e.fifo->full())
            full += fmt::format("\n  {} ({} of {} pixels)", e.fifo->name(), e.fifo->held(),
                                e.fifo->depth());
    for (std::size_t i : cycle)
        if (!stages[i].stage->waits_for_space())
            empty += fmt::format("\n  {} (0 of {} pixels)", through[i]->fifo->name(),
                                 through[i]->fifo->depth());
    text += "\nfull FIFOs:" + (full.empty() ? std::string(" none") : full);
    text += "\nempty FIFOs on the cycle:" + (empty.empty() ? std::string(" none") : empty);
    std::string others;
    for (std::size_t i = 0; i < stages.size(); ++i)
        if (waits_on[i] >= 0 && std::find(cycle.begin(), cycle.end(), i) == cycle.end())
            others += "\n  " + describe(i);
    if (!others.empty()) text += "\nother waiting stages:" + others;
    text += "\nA FIFO shallower than the lag of the branch beside it stops the pipeline (FINN "
            "issue 1094): deepen it (dataflow.fifo_depth = tensor, optimized or minimal, or a "
            "larger number).";
    return text;
}

} // namespace accsim::dataflow
