#include "models/trace/trace.hpp"

#include "common/memory_budget.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>

namespace accsim {

namespace {

Trace* g_active = nullptr;

// Changes between two claims on the memory budget (16 bytes each).
constexpr std::size_t claim_every = 4096;

std::string vcd_name(const std::string& s) {
    std::string out;
    for (char c : s) out += std::isspace(static_cast<unsigned char>(c)) || c == '$' ? '_' : c;
    return out.empty() ? "_" : out;
}

// VCD identifier codes: printable characters '!' to '~' without '$' (which starts a keyword),
// base 93.
std::string vcd_id(std::size_t i) {
    std::string id;
    do {
        const char c = char('!' + i % 93);
        id += c >= '$' ? char(c + 1) : c;
        i /= 93;
    } while (i);
    return id;
}

std::string binary(std::int64_t v, int bits) {
    std::string s;
    for (int b = bits - 1; b >= 0; --b) s += ((std::uint64_t(v) >> b) & 1) ? '1' : '0';
    const auto first = s.find('1');
    return first == std::string::npos ? "0" : s.substr(first);
}

} // namespace

const char* to_string(TraceState s) {
    switch (s) {
    case TraceState::idle:
        return "idle";
    case TraceState::busy:
        return "busy";
    case TraceState::input_stall:
        return "input stall";
    case TraceState::output_stall:
        return "output stall";
    }
    return "idle";
}

void TraceSignal::change(std::uint64_t cycle, std::int64_t value) {
    if (any_ && value == last_) return; // a value change only
    any_ = true;
    last_ = value;
    if (cycle < trace_->from()) {
        have_before_ = true;
        before_ = value;
        return;
    }
    if (cycle > trace_->to()) return;
    changes_.push_back({cycle, value});
    if (changes_.size() % claim_every == 0)
        memory_budget().claim(double(claim_every * sizeof(Change)),
                              fmt::format("the trace (--trace): {} changes of {} {}; bound it "
                                          "with --trace-window FROM:TO",
                                          changes_.size(), track_, name_));
}

Trace::Trace(std::uint64_t from, std::uint64_t to) : from_(from), to_(to) {}

TraceSignal* Trace::counter(const std::string& track, const std::string& name,
                            const std::string& unit, double clock_mhz) {
    signals_.push_back(TraceSignal(this, TraceSignal::counter, track, name, unit, clock_mhz));
    return &signals_.back();
}

TraceSignal* Trace::state(const std::string& track, const std::string& name, double clock_mhz) {
    signals_.push_back(TraceSignal(this, TraceSignal::state, track, name, "", clock_mhz));
    return &signals_.back();
}

TraceSpans* Trace::spans(const std::string& track, double clock_mhz) {
    spans_.push_back(TraceSpans(this, track, clock_mhz));
    return &spans_.back();
}

void TraceSpans::add(std::uint64_t begin, std::uint64_t end, std::string name) {
    if (end < trace_->from() || begin > trace_->to()) return;
    spans_.push_back({begin, end, std::move(name)});
    if (spans_.size() % claim_every == 0)
        memory_budget().claim(double(claim_every * (sizeof(Span) + 16)),
                              fmt::format("the trace (--trace): {} spans of {}; bound it with "
                                          "--trace-window FROM:TO",
                                          spans_.size(), track_));
}

std::vector<TraceSignal::Change> Trace::window(const TraceSignal& s) const {
    // The value before the window's start (0 when none: empty, idle), then every change inside it.
    std::vector<TraceSignal::Change> w;
    w.push_back({from_, s.have_before_ ? s.before_ : 0});
    w.insert(w.end(), s.changes_.begin(), s.changes_.end());
    return w;
}

void Trace::write_vcd(std::ostream& out) const {
    const double ps_per_cycle = 1e6 / clock_of(0);
    auto ps_of = [&](std::uint64_t cycle, double clock_mhz) {
        return std::llround(double(cycle) * 1e6 / clock_of(clock_mhz));
    };
    auto ps = [&](std::uint64_t cycle) { return ps_of(cycle, 0); };
    out << "$version accsim $end\n";
    out << fmt::format("$comment clock {} MHz: one cycle is {} ps; states: 0 idle, 1 busy, 2 "
                       "input stall, 3 output stall $end\n",
                       clock_of(0), ps_per_cycle);
    out << "$timescale 1 ps $end\n$scope module accsim $end\n";
    // Signals grouped by track, tracks in the order they were first named.
    std::vector<std::string> tracks;
    std::map<std::string, std::vector<std::size_t>> by_track;
    std::vector<int> bits(signals_.size(), 1);
    std::vector<std::vector<TraceSignal::Change>> windows;
    for (std::size_t i = 0; i < signals_.size(); ++i) {
        const TraceSignal& s = signals_[i];
        if (!by_track.count(s.track_)) tracks.push_back(s.track_);
        by_track[s.track_].push_back(i);
        windows.push_back(window(s));
        std::int64_t peak = 1;
        for (const auto& c : windows.back()) peak = std::max(peak, c.value);
        bits[i] = s.kind_ == TraceSignal::state ? 2 : int(std::floor(std::log2(double(peak)))) + 1;
    }
    for (const auto& t : tracks) {
        out << "$scope module " << vcd_name(t) << " $end\n";
        for (std::size_t i : by_track[t]) {
            const TraceSignal& s = signals_[i];
            const std::string name =
                s.unit_.empty() ? s.name_ : fmt::format("{}_{}", s.name_, s.unit_);
            out << fmt::format("$var wire {} {} {} $end\n", bits[i], vcd_id(i), vcd_name(name));
        }
        out << "$upscope $end\n";
    }
    out << "$upscope $end\n$enddefinitions $end\n";
    // Every change in time order; a signal's own changes keep their order within a time.
    struct Event {
        long long ps;
        std::size_t signal, order;
    };
    std::vector<Event> events;
    for (std::size_t i = 0; i < windows.size(); ++i)
        for (std::size_t k = 1; k < windows[i].size(); ++k)
            events.push_back({ps_of(windows[i][k].cycle, signals_[i].clock_mhz_), i, k});
    std::stable_sort(events.begin(), events.end(),
                     [](const Event& a, const Event& b) { return a.ps < b.ps; });
    out << fmt::format("#{}\n$dumpvars\n", ps(from_));
    for (std::size_t i = 0; i < windows.size(); ++i)
        out << fmt::format("b{} {}\n", binary(windows[i].front().value, bits[i]), vcd_id(i));
    out << "$end\n";
    long long now = ps(from_);
    for (const auto& e : events) {
        const long long t = e.ps;
        if (t != now) {
            out << '#' << t << '\n';
            now = t;
        }
        out << fmt::format("b{} {}\n", binary(windows[e.signal][e.order].value, bits[e.signal]),
                           vcd_id(e.signal));
    }
}

void Trace::write_perfetto(std::ostream& out) const {
    // The end of the last state span: the last change of any signal, in microseconds.
    double end_us = double(from_) / clock_of(0);
    std::vector<std::vector<TraceSignal::Change>> windows;
    for (const auto& s : signals_) {
        windows.push_back(window(s));
        end_us = std::max(end_us, double(windows.back().back().cycle) / clock_of(s.clock_mhz_));
    }
    out << "{\"displayTimeUnit\": \"ns\", \"otherData\": {\"clock_mhz\": " << clock_mhz_
        << "}, \"traceEvents\": [\n";
    out << R"({"ph": "M", "pid": 1, "name": "process_name", "args": {"name": "accsim"}})";
    std::map<std::string, int> tid;
    std::vector<std::string> track_names;
    for (const auto& s : signals_) track_names.push_back(s.track_);
    for (const auto& s : spans_) track_names.push_back(s.track_);
    for (const auto& track : track_names)
        if (!tid.count(track)) {
            const int t = int(tid.size()) + 1;
            tid[track] = t;
            out << fmt::format(
                ",\n{{\"ph\": \"M\", \"pid\": 1, \"tid\": {}, \"name\": \"thread_name\", "
                "\"args\": {{\"name\": {}}}}}",
                t, nlohmann::json(track).dump());
        }
    for (std::size_t i = 0; i < signals_.size(); ++i) {
        const TraceSignal& s = signals_[i];
        const auto& w = windows[i];
        const double clock = clock_of(s.clock_mhz_);
        auto us = [&](std::uint64_t cycle) { return double(cycle) / clock; };
        if (s.kind_ == TraceSignal::counter) {
            const std::string name = nlohmann::json(fmt::format("{} {}", s.track_, s.name_)).dump();
            const std::string unit = nlohmann::json(s.unit_.empty() ? "value" : s.unit_).dump();
            for (const auto& c : w)
                out << fmt::format(",\n{{\"ph\": \"C\", \"pid\": 1, \"name\": {}, \"ts\": {}, "
                                   "\"args\": {{{}: {}}}}}",
                                   name, us(c.cycle), unit, c.value);
            continue;
        }
        // A state: one complete event ("X") per span that is not idle.
        for (std::size_t k = 0; k < w.size(); ++k) {
            if (w[k].value == std::int64_t(TraceState::idle)) continue;
            const double stop = k + 1 < w.size() ? us(w[k + 1].cycle) : end_us;
            if (stop <= us(w[k].cycle)) continue;
            const std::uint64_t cycles =
                k + 1 < w.size() ? w[k + 1].cycle - w[k].cycle
                                 : std::uint64_t(std::llround((stop - us(w[k].cycle)) * clock));
            out << fmt::format(",\n{{\"ph\": \"X\", \"pid\": 1, \"tid\": {}, \"name\": \"{}\", "
                               "\"ts\": {}, \"dur\": {}, \"args\": {{\"cycles\": {}}}}}",
                               tid[s.track_], to_string(TraceState(w[k].value)), us(w[k].cycle),
                               stop - us(w[k].cycle), cycles);
        }
    }
    // Overlapping intervals: async begin / end pairs, one id each.
    std::uint64_t id = 0;
    for (const auto& sp : spans_) {
        const double clock = clock_of(sp.clock_mhz_);
        const std::string cat = nlohmann::json(sp.track_).dump();
        for (const auto& x : sp.spans_) {
            const std::string name = nlohmann::json(x.name).dump();
            ++id;
            out << fmt::format(",\n{{\"ph\": \"b\", \"pid\": 1, \"tid\": {}, \"cat\": {}, "
                               "\"id\": {}, \"name\": {}, \"ts\": {}}}",
                               tid[sp.track_], cat, id, name, double(x.begin) / clock);
            out << fmt::format(",\n{{\"ph\": \"e\", \"pid\": 1, \"tid\": {}, \"cat\": {}, "
                               "\"id\": {}, \"name\": {}, \"ts\": {}}}",
                               tid[sp.track_], cat, id, name, double(x.end) / clock);
        }
    }
    out << "\n]}\n";
}

Trace* active_trace() {
    return g_active;
}

TraceScope::TraceScope(Trace* t) : previous_(g_active) {
    g_active = t;
}

TraceScope::~TraceScope() {
    g_active = previous_;
}

} // namespace accsim
