// accsim run --trace FILE.vcd|FILE.json: the waveform of a run, read back with a small VCD reader
// and as Chrome / Perfetto trace events, against a waveform known by hand.
#include "tests/support.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace accsim::test;

namespace {

// One 3x3 'same' conv of a 5x5x1 input into 2 channels at reuse factor 2 and 1 MHz (a cycle is a
// microsecond), one image. By hand (tests/dataflow/dataflow_test.cpp has the same conv): the
// conv walks the 7x7 padded grid, position i starting at cycle 2i, never waiting: busy from 0
// to 98. The source writes pixel k at cycle k + 1 (its iteration k ends then); the conv reads
// pixel (y, x) at position (y+1)*7 + x+1, i.e. row 0's five pixels at cycles 16, 18, ..., 24.
// The input FIFO so holds t pixels at cycle t up to 16, then t - (pops before t): 20 at cycle 24
// (24 written, 4 read), its peak, as at 25; row 1 is read from cycle 30 on.
std::string conv_config() {
    const std::string trace = temp_file(
        "name,op,inputs,in_h,in_w,in_c,out_h,out_w,out_c,kernel_h,kernel_w,stride,padding,pool,"
        "activation,weight_bits,act_bits,weight_density,act_density,skip_path\n"
        "conv,conv,,5,5,1,5,5,2,3,3,1,same,max,relu,8,8,1,1,0\n",
        ".csv");
    return temp_file("[run]\narch = dataflow\nworkload = " + trace +
                     "\nbatch = 1\n[dataflow]\nclock_mhz = 1\nreuse_factor = 2\n");
}

struct Vcd {
    std::string timescale;
    // "scope/name" -> its (time, value) changes, the $dumpvars values first.
    std::map<std::string, std::vector<std::pair<long long, long long>>> signals;
    std::map<std::string, int> width;
};

// Reads the subset of VCD that accsim writes: scopes, wire vars, #time, $dumpvars, bNNN id.
Vcd read_vcd(const std::string& path) {
    Vcd v;
    std::ifstream in(path);
    std::string tok;
    std::vector<std::string> scope;
    std::map<std::string, std::string> id_name;
    long long now = 0;
    while (in >> tok) {
        if (tok == "$comment" || tok == "$version" || tok == "$date") {
            while (in >> tok && tok != "$end") {
            }
        } else if (tok == "$timescale") {
            std::string a, b;
            in >> a >> b;
            v.timescale = a + " " + b;
        } else if (tok == "$scope") {
            std::string kind, name;
            in >> kind >> name;
            scope.push_back(name);
        } else if (tok == "$upscope") {
            REQUIRE(!scope.empty());
            scope.pop_back();
        } else if (tok == "$var") {
            std::string kind, id, name;
            int bits = 0;
            in >> kind >> bits >> id >> name;
            REQUIRE(kind == "wire");
            const std::string full = scope.back() + "/" + name;
            id_name[id] = full;
            v.width[full] = bits;
        } else if (tok[0] == '#') {
            now = std::stoll(tok.substr(1));
        } else if (tok[0] == 'b') {
            std::string id;
            in >> id;
            REQUIRE(id_name.count(id));
            v.signals[id_name[id]].push_back({now, std::stoll(tok.substr(1), nullptr, 2)});
        }
    }
    return v;
}

long long peak(const std::vector<std::pair<long long, long long>>& changes) {
    long long m = 0;
    for (const auto& [t, value] : changes) m = std::max(m, value);
    return m;
}

} // namespace

TEST_CASE("a VCD trace shows a stage's busy span and a FIFO rising to its measured peak") {
    const std::string vcd = temp_path(".vcd");
    auto r = run_accsim({"run", conv_config(), "--trace", vcd, "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const Vcd v = read_vcd(vcd);
    CHECK(v.timescale == "1 ps");
    // The conv's state: idle (0) in $dumpvars, as before anything ran; busy (1) from cycle 0;
    // idle from cycle 98 = 98,000,000 ps.
    REQUIRE(v.signals.count("conv/state"));
    const auto& state = v.signals.at("conv/state");
    REQUIRE(state.size() == 3);
    CHECK(state[0] == std::pair<long long, long long>{0, 0});
    CHECK(state[1] == std::pair<long long, long long>{0, 1});
    CHECK(state[2] == std::pair<long long, long long>{98000000, 0});
    // The input FIFO: one pixel more each cycle from cycle 1, 16 at cycle 16, peak 20 (by hand),
    // the report's peak.
    const auto& fifo = v.signals.at("input->conv/occupancy_pixels");
    CHECK(std::find(fifo.begin(), fifo.end(), std::pair<long long, long long>{1000000, 1}) !=
          fifo.end());
    CHECK(std::find(fifo.begin(), fifo.end(), std::pair<long long, long long>{16000000, 16}) !=
          fifo.end());
    CHECK(peak(fifo) == 20);
    const auto j = r.json();
    for (const auto& b : j["buffers"])
        if (b["name"] == "input->conv") CHECK(b["peak"].get<double>() == 20);
    // Times never go back.
    for (const auto& [name, changes] : v.signals)
        for (std::size_t k = 1; k < changes.size(); ++k)
            CHECK(changes[k].first >= changes[k - 1].first);
}

TEST_CASE("a Perfetto trace has the stage's busy span and the FIFO's counter track") {
    const std::string path = temp_path(".json");
    REQUIRE(run_accsim({"run", conv_config(), "--trace", path}).exit_code == 0);
    const auto t = nlohmann::json::parse(slurp_file(path));
    REQUIRE(t["traceEvents"].is_array());
    std::map<int, std::string> threads;
    long long fifo_peak = 0;
    int spans = 0;
    for (const auto& e : t["traceEvents"]) {
        // Chrome's trace event format: every event has ph and pid; all but metadata have ts.
        REQUIRE(e.contains("ph"));
        REQUIRE(e.contains("pid"));
        const std::string ph = e["ph"];
        if (ph == "M") {
            if (e["name"] == "thread_name") threads[e["tid"]] = e["args"]["name"];
            continue;
        }
        REQUIRE(e.contains("ts"));
        if (ph == "C" && e["name"] == "input->conv occupancy")
            fifo_peak = std::max(fifo_peak, e["args"]["pixels"].get<long long>());
        if (ph == "X") {
            REQUIRE(threads.count(e["tid"]));
            CHECK(threads[e["tid"]] == "conv");
            CHECK(e["name"] == "busy");
            CHECK(e["ts"].get<double>() == 0);   // microseconds: a cycle at 1 MHz
            CHECK(e["dur"].get<double>() == 98); // 49 positions x RF 2
            ++spans;
        }
    }
    CHECK(spans == 1);
    CHECK(fifo_peak == 20);
}

TEST_CASE("--trace-window keeps the cycles asked for, starting from the values then") {
    const std::string vcd = temp_path(".vcd");
    REQUIRE(
        run_accsim({"run", conv_config(), "--trace", vcd, "--trace-window", "20:40"}).exit_code ==
        0);
    const Vcd v = read_vcd(vcd);
    for (const auto& [name, changes] : v.signals)
        for (const auto& [time, value] : changes) {
            CAPTURE(name);
            CHECK(time >= 20000000);
            CHECK(time <= 40000000);
        }
    // The window opens on the values of cycle 19 (by hand, above): the conv busy, the FIFO
    // holding 19 - 2 = 17 pixels; at cycle 20 pixel 19 arrives (18) and pixel 2 leaves (17).
    CHECK(v.signals.at("conv/state").front() == std::pair<long long, long long>{20000000, 1});
    const auto& fifo = v.signals.at("input->conv/occupancy_pixels");
    REQUIRE(fifo.size() >= 3);
    CHECK(fifo[0] == std::pair<long long, long long>{20000000, 17});
    CHECK(fifo[1] == std::pair<long long, long long>{20000000, 18});
    CHECK(fifo[2] == std::pair<long long, long long>{20000000, 17});
}

TEST_CASE("EIE's activation queues and the PE array's SRAMs trace to their reported peaks") {
    struct Case {
        const char* config;
        const char* buffer; // the report's
        const char* signal; // the VCD's
    } cases[] = {
        {"configs/eie/alex8.ini", "act_queue (each PE)", "PE_0/activation_queue_entries"},
        {"configs/pe_array/resnet8.ini", "ifmap_sram", "ifmap_sram/occupancy_bytes"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.config);
        const std::string vcd = temp_path(".vcd");
        auto r = run_accsim({"run", c.config, "--trace", vcd, "--format", "json"});
        REQUIRE(r.exit_code == 0);
        const Vcd v = read_vcd(vcd);
        REQUIRE(v.signals.count(c.signal));
        long long traced = peak(v.signals.at(c.signal));
        // EIE reports the largest peak of any PE's queue.
        if (std::string(c.buffer) == "act_queue (each PE)")
            for (const auto& [name, changes] : v.signals)
                if (name.find("activation_queue") != std::string::npos)
                    traced = std::max(traced, peak(changes));
        const auto report = r.json(); // kept: the loop must not outlive it
        for (const auto& b : report["buffers"])
            if (b["name"] == c.buffer) CHECK(b["peak"].get<double>() == double(traced));
    }
}

TEST_CASE("a deadlocked design still writes its trace, and exits 3") {
    const std::string vcd = temp_path(".vcd");
    auto r = run_accsim(
        {"run", "configs/dataflow/resnet8.ini", "--set", "dataflow.fifo_depth=2", "--trace", vcd});
    CHECK(r.exit_code == 3);
    const Vcd v = read_vcd(vcd);
    CHECK(v.signals.count("conv1_clone->s1_add/occupancy_pixels"));
}

TEST_CASE("a PE array trace: DRAM transactions as spans, queues, and the array busy or stalled") {
    const std::string path = temp_path(".json");
    auto r = run_accsim({"run", "configs/pe_array/rda_resnet50.ini", "--set",
                         "run.workload=resnet8", "--trace", path, "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const auto t = nlohmann::json::parse(slurp_file(path));
    std::map<long long, double> begins;
    long long ends = 0, last_in_flight = -1, last_queued = -1;
    double busy = 0, stall = 0;
    for (const auto& e : t["traceEvents"]) {
        if (e["ph"] == "X" && e["name"] == "busy") busy += e["args"]["cycles"].get<double>();
        if (e["ph"] == "X" && e["name"] == "input stall")
            stall += e["args"]["cycles"].get<double>();
        if (e["ph"] == "C" && e["name"] == "DRAM channel 0 queued")
            last_queued = e["args"]["bursts"].get<long long>();
        if (e["ph"] == "b") begins[e["id"].get<long long>()] = e["ts"].get<double>();
        if (e["ph"] == "e") {
            const long long id = e["id"].get<long long>();
            REQUIRE(begins.count(id));
            CHECK(e["ts"].get<double>() >= begins[id]); // a response after its request
            ++ends;
        }
        if (e["ph"] == "C" && e["name"] == "DRAM in flight")
            last_in_flight = e["args"]["transactions"].get<long long>();
    }
    // One span per transaction the DRAM served, and none left in flight or queued at the end.
    const auto j = r.json();
    CHECK(double(begins.size()) == j["dram"]["transactions"].get<double>());
    CHECK(double(ends) == double(begins.size()));
    CHECK(last_in_flight == 0);
    CHECK(last_queued == 0);
    // The array's state: busy for the run's compute cycles, stalled for its stall cycles.
    CHECK(busy == j["summary"]["compute_cycles"].get<double>());
    CHECK(stall == j["summary"]["stall_cycles"].get<double>());
}
