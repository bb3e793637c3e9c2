// Waveforms of a run (`accsim run --trace FILE.vcd|FILE.json`): the models' own change records
// (every OccupancyStats::record, every state change of a stage or PE) kept per signal and written
// at the end as a VCD (GTKWave) or a Chrome / Perfetto trace (ui.perfetto.dev). Nothing is
// recorded, and nothing costs more than a null-pointer test, when no trace is active.
// docs/traces.md describes the files.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace accsim {

// The states of a stage or PE (a 2-bit signal in the VCD; spans in the Perfetto trace).
enum class TraceState : std::int64_t { idle = 0, busy = 1, input_stall = 2, output_stall = 3 };
const char* to_string(TraceState s);

class Trace;

// One signal: its value from each recorded cycle on. Changes come in the signal's own time order
// (signals of different models may run ahead of one another).
class TraceSignal {
public:
    enum Kind { counter, state };
    void change(std::uint64_t cycle, std::int64_t value);
    void change(std::uint64_t cycle, TraceState s) { change(cycle, std::int64_t(s)); }

private:
    friend class Trace;
    TraceSignal(const Trace* t, Kind k, std::string track, std::string name, std::string unit,
                double clock_mhz)
        : trace_(t), kind_(k), track_(std::move(track)), name_(std::move(name)),
          unit_(std::move(unit)), clock_mhz_(clock_mhz) {}
    const Trace* trace_;
    Kind kind_;
    std::string track_, name_, unit_;
    double clock_mhz_; // of its cycles; 0: the trace's
    struct Change {
        std::uint64_t cycle;
        std::int64_t value;
    };
    std::vector<Change> changes_;
    bool have_before_ = false; // a change before the window's start
    std::int64_t before_ = 0;  // the last such value (the value at the window's start)
    std::int64_t last_ = 0;    // the last value recorded
    bool any_ = false;
};

// Intervals that may overlap (DRAM transactions): written as async spans in the Perfetto trace,
// not in the VCD (whose signals hold one value at a time).
class TraceSpans {
public:
    void add(std::uint64_t begin, std::uint64_t end, std::string name);

private:
    friend class Trace;
    TraceSpans(const Trace* t, std::string track, double clock_mhz)
        : trace_(t), track_(std::move(track)), clock_mhz_(clock_mhz) {}
    const Trace* trace_;
    std::string track_;
    double clock_mhz_;
    struct Span {
        std::uint64_t begin, end;
        std::string name;
    };
    std::vector<Span> spans_;
};

class Trace {
public:
    // Records changes at cycles in [from, to] (to = UINT64_MAX: no end).
    Trace(std::uint64_t from, std::uint64_t to);
    // The clock the recorded cycles count (set by the architecture before it runs).
    void set_clock_mhz(double mhz) { clock_mhz_ = mhz; }
    double clock_mhz() const { return clock_mhz_; }
    // A buffer's occupancy (`unit`: pixels, entries, bytes) on `track` (a layer, stage, PE, SRAM).
    // `clock_mhz`: the clock its cycles count, when not the trace's (0).
    TraceSignal* counter(const std::string& track, const std::string& name, const std::string& unit,
                         double clock_mhz = 0);
    // A stage's or PE's state (TraceState) on `track`.
    TraceSignal* state(const std::string& track, const std::string& name, double clock_mhz = 0);
    // Overlapping intervals on `track` (DRAM transactions).
    TraceSpans* spans(const std::string& track, double clock_mhz = 0);

    bool empty() const { return signals_.empty() && spans_.empty(); } // nothing was recorded
    void write_vcd(std::ostream& out) const;
    void write_perfetto(std::ostream& out) const;
    std::uint64_t from() const { return from_; }
    std::uint64_t to() const { return to_; }

private:
    std::uint64_t from_, to_;
    double clock_mhz_ = 0;
    std::deque<TraceSignal> signals_; // stable addresses
    std::deque<TraceSpans> spans_;
    std::vector<TraceSignal::Change> window(const TraceSignal& s) const;
    double clock_of(double signal_clock_mhz) const {
        return signal_clock_mhz > 0 ? signal_clock_mhz : clock_mhz_ > 0 ? clock_mhz_ : 1.0;
    }
};

// The trace of the current run, or nullptr (the default: no trace).
Trace* active_trace();
// Makes `t` the active trace for its lifetime.
class TraceScope {
public:
    explicit TraceScope(Trace* t);
    ~TraceScope();
    TraceScope(const TraceScope&) = delete;
    TraceScope& operator=(const TraceScope&) = delete;

private:
    Trace* previous_;
};

} // namespace accsim
