// accsim dram: a traffic generator that drives the DRAM model through the same TLM-2.0 socket as
// the PE array, keeping K requests in flight, and reports the bandwidth, row-buffer outcomes and
// latencies it measured. This is how a memory preset is checked against a user's own reference.
#include "common/error.hpp"
#include "common/percentile.hpp"
#include "common/report.hpp"
#include "common/text.hpp"
#include "models/dram/dram_controller.hpp"
#include "models/dram/dram_port.hpp"
#include "models/kernel/simulate.hpp"
#include "models/kernel/time.hpp"
#include "sim/cli.hpp"
#include "sim/registry.hpp"
#include "sim/report_format.hpp"
#include "workloads/sparse/random.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <fmt/format.h>
#include <iostream>

namespace po = boost::program_options;

namespace accsim {

namespace {

struct Traffic {
    bool random = false;
    std::uint64_t requests = 0, bytes = 64, outstanding = 1, seed = 1;
    double write_fraction = 0;
};

// Each request's latency, in ticks of the kernel's time resolution (exact: picoseconds by
// default), 32 bits each while every one fits (4.29 ms at 1 ps), 64 bits from the first that does
// not. Half the memory of a double per request: a long run's list is its largest allocation.
class Latencies {
public:
    explicit Latencies(std::size_t n) : narrow_(n, 0) {}
    void set(std::size_t i, std::uint64_t ticks) {
        if (wide_.empty() && ticks <= UINT32_MAX)
            narrow_[i] = std::uint32_t(ticks);
        else
            set_wide(i, ticks);
    }
    // Nearest-rank percentiles, in ticks.
    std::vector<std::uint64_t> percentiles(const std::vector<double>& ps) const {
        if (!wide_.empty()) return nearest_rank_percentiles(wide_, ps);
        return nearest_rank_percentiles(narrow_, ps);
    }
    // The mean, in ticks: the sum is exact (128 bits, as two halves).
    double mean() const {
        std::uint64_t low = 0, high = 0;
        auto add = [&](std::uint64_t x) { high += (low += x) < x; };
        if (!wide_.empty())
            for (std::uint64_t x : wide_) add(x);
        else
            for (std::uint32_t x : narrow_) add(x);
        const std::size_t n = narrow_.size();
        return n ? (double(high) * 0x1p64 + double(low)) / double(n) : 0.0;
    }

private:
    void set_wide(std::size_t i, std::uint64_t ticks) {
        if (wide_.empty()) wide_.assign(narrow_.begin(), narrow_.end());
        wide_[i] = ticks;
    }
    std::vector<std::uint32_t> narrow_;
    std::vector<std::uint64_t> wide_;
};

SC_MODULE(TrafficGenerator) {
    DramPort port;
    DramController dram;
    Traffic t;
    std::uint64_t capacity_bytes = 0;
    Latencies latency; // per request, in issue order
    double first_issue_ns = 0;
    sc_core::sc_time last_done;

    SC_HAS_PROCESS(TrafficGenerator);
    TrafficGenerator(sc_core::sc_module_name n, const DramConfig& cfg, const Traffic& traffic)
        : sc_module(n), port("port"), dram("dram", cfg), t(traffic), latency(traffic.requests) {
        port.iSocket.bind(dram.tSocket);
        capacity_bytes = std::uint64_t(cfg.channels) * std::uint64_t(cfg.ranks) *
                         std::uint64_t(cfg.banks()) * std::uint64_t(cfg.rows) *
                         std::uint64_t(cfg.columns) * std::uint64_t(cfg.bus_width_bits / 8);
        // A method, not a thread, that keeps the time itself: it runs once at the start and
        // then whenever the DRAM answers. An answer carries the completion time, possibly still
        // to come; the request that takes the place of a completed one is issued then (annotated
        // with the delay to that time), so nothing wakes at each completion.
        SC_METHOD(run);
        sensitive << port.response_event();
        port.list_completions();
        slots = std::max<std::uint64_t>(1, capacity_bytes / t.bytes);
    }

    SplitMix64 rng{stream_seed(t.seed, 0x64726d)};
    std::uint64_t slots = 1, next = 0;
    struct InFlight {
        std::uint64_t index;
        sc_core::sc_time issued;
    };
    std::vector<InFlight> flying; // by ticket
    std::vector<DramPort::Completion> answers;

    const bool ps = ps_resolution();
    double ns(const sc_core::sc_time& t) const {
        return seconds_of(t, ps) * 1e9;
    }
    // A latency in ticks of the time resolution, in ns (exact to the last bit at 1 ps).
    double ns_of_ticks(double ticks) const {
        return ps ? ticks / 1000.0 : ticks * sc_core::sc_get_time_resolution().to_seconds() * 1e9;
    }

    void issue_at(const sc_core::sc_time& at, const sc_core::sc_time& now) {
        const std::uint64_t slot = t.random ? rng.below(slots) : next % slots;
        const bool write = t.write_fraction > 0 && rng.uniform() < t.write_fraction;
        const DramPort::Ticket ticket = port.issue(slot * t.bytes, t.bytes, write, at - now);
        if (ticket >= flying.size()) flying.resize(ticket + 1);
        flying[ticket] = {next, at};
        ++next;
    }

    void run() {
        const sc_core::sc_time now = sc_core::sc_time_stamp();
        if (next == 0) {
            first_issue_ns = ns(now);
            while (next < std::min(t.requests, t.outstanding)) issue_at(now, now);
            return;
        }
        // In the order they complete (those at one time in the order answered): they come nearly
        // in that order, so an insertion sort, which is stable and allocates nothing.
        port.take_completed(answers);
        for (std::size_t i = 1; i < answers.size(); ++i)
            for (std::size_t j = i; j > 0 && answers[j].at < answers[j - 1].at; --j)
                std::swap(answers[j], answers[j - 1]);
        for (const DramPort::Completion& c : answers) {
            port.release(c.ticket);
            const InFlight& f = flying[c.ticket];
            latency.set(f.index, c.at.value() - f.issued.value());
            last_done = std::max(last_done, c.at);
            if (next < t.requests) issue_at(c.at, now);
        }
    }
};

} // namespace

int cmd_dram(const std::vector<std::string>& args) {
    po::options_description desc("dram");
    desc.add_options()("config", po::value<std::string>(), "config file ([dram] keys)")(
        "set", po::value<std::vector<std::string>>()->composing(),
        "dram.KEY=VALUE")("pattern", po::value<std::string>(), "sequential|random")(
        "requests", po::value<std::uint64_t>(),
        "requests in all")("bytes", po::value<std::uint64_t>(), "bytes per request")(
        "outstanding", po::value<std::uint64_t>(), "requests kept in flight")(
        "write-fraction", po::value<double>()->default_value(0), "share of writes, 0..1")(
        "seed", po::value<std::uint64_t>()->default_value(1), "seed of addresses and writes")(
        "format", po::value<std::string>()->default_value("text"), "text|json|csv");
    po::positional_options_description pos;
    pos.add("config", 1);
    const po::variables_map vm = parse_command_line("dram", args, desc, pos);
    for (const char* k : {"pattern", "requests", "bytes", "outstanding"})
        if (!vm.count(k)) throw InputError(fmt::format("accsim dram: missing --{}", k));
    Traffic t;
    const std::string pattern = vm["pattern"].as<std::string>();
    if (pattern != "sequential" && pattern != "random")
        throw InputError(fmt::format("--pattern: '{}' is not sequential or random", pattern));
    t.random = pattern == "random";
    t.requests = vm["requests"].as<std::uint64_t>();
    t.bytes = vm["bytes"].as<std::uint64_t>();
    t.outstanding = vm["outstanding"].as<std::uint64_t>();
    t.write_fraction = vm["write-fraction"].as<double>();
    t.seed = vm["seed"].as<std::uint64_t>();
    if (t.requests < 1 || t.requests > 100'000'000)
        throw InputError("--requests: must be from 1 to 100,000,000");
    if (t.bytes < 1 || t.bytes > (1u << 20)) throw InputError("--bytes: must be from 1 to 1 MiB");
    if (t.outstanding < 1 || t.outstanding > 4096)
        throw InputError("--outstanding: must be from 1 to 4096");
    if (!(t.write_fraction >= 0 && t.write_fraction <= 1))
        throw InputError("--write-fraction: must be from 0 to 1");
    const Format format = parse_format(vm["format"].as<std::string>());

    const std::vector<std::string> sets =
        vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    const Config cfg =
        load_config(option_registry(),
                    vm.count("config") ? vm["config"].as<std::string>() : std::string(), sets);
    // The [dram] section of CONFIG (a PE array's config serves); an override of anything else
    // would change nothing.
    for (const auto& [k, v] : cfg.values())
        if (v.origin == "--set" && k.rfind("dram.", 0) != 0)
            throw InputError(fmt::format("--set: {} is not read by accsim dram, which reads [dram] "
                                         "keys only; remove it",
                                         k));
    const DramConfig dc = dram_config_from(cfg);
    TrafficGenerator gen("traffic", dc, t);
    simulate();
    const DramStats& st = gen.dram.finish(gen.last_done);

    ojson doc;
    doc["accsim_version"] = ACCSIM_VERSION;
    for (const auto& [k, v] : cfg.values())
        if (k.rfind("dram.", 0) == 0) doc["config"][k] = v.value;
    ojson traffic;
    traffic["pattern"] = pattern;
    traffic["requests"] = t.requests;
    traffic["bytes"] = t.bytes;
    traffic["outstanding"] = t.outstanding;
    traffic["write_fraction"] = t.write_fraction;
    traffic["seed"] = t.seed;
    doc["traffic"] = traffic;
    const double elapsed_ns = gen.ns(gen.last_done) - gen.first_issue_ns;
    const double seconds = elapsed_ns * 1e-9;
    const double moved = double(st.read_bytes + st.write_bytes);
    ojson s;
    s["bandwidth_gb_per_s"] = seconds > 0 ? moved / seconds / 1e9 : 0.0;
    if (dc.model == DramModel::timing) {
        s["peak_gb_per_s"] = dc.peak_gb_per_s();
        s["efficiency"] = seconds > 0 ? moved / seconds / 1e9 / dc.peak_gb_per_s() : 0.0;
        s["row_hits"] = st.bursts.row_hits;
        s["row_misses"] = st.bursts.row_misses;
        s["row_conflicts"] = st.bursts.row_conflicts;
        s["refreshes"] = st.bursts.refreshes;
    }
    s["latency_mean_ns"] = gen.ns_of_ticks(gen.latency.mean());
    const std::vector<std::uint64_t> p = gen.latency.percentiles({0.5, 0.99});
    s["latency_p50_ns"] = gen.ns_of_ticks(double(p[0]));
    s["latency_p99_ns"] = gen.ns_of_ticks(double(p[1]));
    s["elapsed_ns"] = elapsed_ns;
    s["read_bytes"] = st.read_bytes;
    s["write_bytes"] = st.write_bytes;
    doc["summary"] = s;
    if (format == Format::json) {
        std::cout << doc.dump(2) << '\n';
    } else if (format == Format::csv) {
        std::cout << "section,field,value\n";
        for (const auto& [k, v] : flatten(traffic))
            std::cout << "traffic," << k << ',' << csv_value(v) << '\n';
        for (const auto& [k, v] : flatten(s))
            std::cout << "summary," << k << ',' << csv_value(v) << '\n';
    } else {
        std::cout << fmt::format("accsim {}: dram {} ({:.1f} GB/s peak), {} {} requests of {} "
                                 "bytes, {} in flight\n\nsummary\n",
                                 ACCSIM_VERSION, cfg.get_string("dram.preset"), dc.peak_gb_per_s(),
                                 t.requests, pattern, t.bytes, t.outstanding);
        std::vector<std::vector<std::string>> rows;
        for (const auto& [k, v] : flatten(s)) rows.push_back({k, format_value(v)});
        print_table(std::cout, rows);
    }
    return exit_ok;
}

} // namespace accsim
