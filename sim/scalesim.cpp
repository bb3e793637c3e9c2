// accsim scalesim -c SCALE.cfg -t TOPOLOGY.csv [-i conv|gemm] [-p OUTDIR] [--dram PRESET]
// [--traces]: reads SCALE-Sim v2's files unchanged, runs them on the pe_array architecture with
// SCALE-Sim's own memory (its bandwidth-limited memory in USER mode, its ideal memory and bandwidth
// estimate in CALC mode) unless --dram names one of accsim's DRAM presets, and writes
// COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv, DETAILED_ACCESS_REPORT.csv (with SCALE-Sim's memory)
// and, with --traces (SCALE-Sim's memory), the per-layer traces in SCALE-Sim's format under
// OUTDIR/<run_name>/.
#include "sim/scalesim.hpp"
#include "arch/pe_array/scalesim_memory.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/options.hpp"
#include "common/text.hpp"
#include "sim/cli.hpp"
#include "sim/run.hpp"
#include "workloads/workload.hpp"

#include <boost/program_options.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <map>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace accsim {

namespace {

// SCALE-Sim's .cfg is read by Python's configparser: `key = value` or `key : value`, comments
// with # or ;, keys case-insensitive.
std::vector<IniEntry> read_configparser(const std::string& path) {
    std::ifstream in = open_input_file(path, max_config_bytes);
    std::vector<IniEntry> out;
    std::string line, section;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (!valid_utf8(line)) throw InputError(fmt::format("{}:{}: not valid UTF-8", path, n));
        std::string t = trim(line);
        if (t.empty() || t[0] == '#' || t[0] == ';') continue;
        if (t.front() == '[') {
            if (t.back() != ']')
                throw InputError(fmt::format("{}:{}: expected '[section]'", path, n));
            section = trim(t.substr(1, t.size() - 2));
            continue;
        }
        auto sep = t.find_first_of("=:");
        if (sep == std::string::npos)
            throw InputError(fmt::format(
                "{}:{}: expected 'key = value' or 'key: value', found '{}'", path, n, t));
        if (section.empty())
            throw InputError(fmt::format("{}:{}: '{}' is outside any [section]", path, n, t));
        out.push_back({section + "." + trim(t.substr(0, sep)), trim(t.substr(sep + 1)), n});
    }
    return out;
}

// The .cfg's three trace-address offsets, in the order of ScaleSimConfig::offset_lines.
const char* const offset_names[3] = {"IfmapOffset", "FilterOffset", "OfmapOffset"};

// A float as SCALE-Sim's reports print it (Python's repr: the shortest text that reads back the
// same, with ".0" on a whole number: 2.0, 97.30065156686317, 1e-05).
std::string num(double x) {
    std::string s = fmt::format("{}", x);
    if (s.find_first_not_of("-0123456789") == std::string::npos) s += ".0";
    return s;
}

// A trace as SCALE-Sim's numpy.savetxt writes it: SRAM traces as integers ('%i'), DRAM traces as
// Python floats ('%s' of float64).
void write_trace(const fs::path& path, const pe_array::TraceRows& rows, bool as_floats) {
    std::ofstream out(path);
    if (!out) throw InputError(fmt::format("{}: cannot write file", path.string()));
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t k = 0; k < row.size(); ++k) {
            if (k) line += ',';
            line += as_floats ? num(double(row[k])) : std::to_string(row[k]);
        }
        out << line << '\n';
    }
    check_written(out, path.string());
}

// single_layer_sim.save_traces: OUTDIR/run_name/layerN/{IFMAP,FILTER,OFMAP}_{SRAM,DRAM}_TRACE.csv.
void write_traces(const fs::path& dir, const pe_array::ScaleSimTraces& t) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw InputError(fmt::format("{}: cannot create folder: {}", dir.string(), ec.message()));
    write_trace(dir / "IFMAP_SRAM_TRACE.csv", t.ifmap_sram, false);
    write_trace(dir / "FILTER_SRAM_TRACE.csv", t.filter_sram, false);
    write_trace(dir / "OFMAP_SRAM_TRACE.csv", t.ofmap_sram, false);
    write_trace(dir / "IFMAP_DRAM_TRACE.csv", t.ifmap_dram, true);
    write_trace(dir / "FILTER_DRAM_TRACE.csv", t.filter_dram, true);
    write_trace(dir / "OFMAP_DRAM_TRACE.csv", t.ofmap_dram, true);
}

} // namespace

// SCALE-Sim's [architecture_presets] keys that accsim maps onto pe_array options.
ScaleSimConfig read_scalesim_cfg(const std::string& path) {
    if (!path_exists(path)) throw InputError(fmt::format("-c {}: file not found", path));
    ScaleSimConfig out;
    std::map<std::string, std::pair<std::string, int>> v; // lower-case key -> value, line
    std::vector<std::string> warnings;
    for (const auto& e : read_configparser(path)) {
        auto dot = e.key.rfind('.');
        std::string section = to_lower(e.key.substr(0, dot)), key = e.key.substr(dot + 1);
        std::string k = section + "." + to_lower(key);
        v[k] = {e.value, e.line};
        static const std::map<std::string, std::string> ignored = {
            {"architecture_presets.memorybanks", "SRAM banking is not modelled"},
        };
        static const std::vector<std::string> used = {"general.run_name",
                                                      "architecture_presets.arrayheight",
                                                      "architecture_presets.arraywidth",
                                                      "architecture_presets.ifmapsramszkb",
                                                      "architecture_presets.filtersramszkb",
                                                      "architecture_presets.ofmapsramszkb",
                                                      "architecture_presets.dataflow",
                                                      "run_presets.interfacebandwidth",
                                                      "architecture_presets.bandwidth",
                                                      "architecture_presets.ifmapoffset",
                                                      "architecture_presets.filteroffset",
                                                      "architecture_presets.ofmapoffset"};
        if (auto it = ignored.find(k); it != ignored.end())
            warnings.push_back(fmt::format("{}:{}: [{}] {} is not used: {}", path, e.line, section,
                                           key, it->second));
        else if (std::find(used.begin(), used.end(), k) == used.end())
            warnings.push_back(fmt::format("{}:{}: [{}] {} is not supported by accsim and is "
                                           "ignored",
                                           path, e.line, section, key));
    }
    for (const auto& w : warnings) std::cerr << "warning: " << w << '\n';
    auto need = [&](const std::string& k, const char* name) {
        auto it = v.find(k);
        if (it == v.end())
            throw InputError(fmt::format("{}: [architecture_presets] {} is missing", path, name));
        return it->second;
    };
    auto integer = [&](const std::string& k, const char* name) {
        auto [text, line] = need(k, name);
        auto x = parse_int(text);
        if (!x || *x <= 0)
            throw InputError(
                fmt::format("{}:{}: {} = '{}' must be a positive integer", path, line, name, text));
        return *x;
    };
    if (auto it = v.find("general.run_name"); it != v.end()) {
        out.run_name = trim(it->second.first);
        // The reports go to OUTDIR/run_name: a name that leaves OUTDIR is refused.
        if (out.run_name.empty() || out.run_name == "." || out.run_name == ".." ||
            out.run_name.find_first_of("/\\") != std::string::npos)
            throw InputError(fmt::format("{}:{}: run_name '{}' must be a plain folder name (no "
                                         "'/', not '..'): the reports are written to "
                                         "OUTDIR/run_name",
                                         path, it->second.second, out.run_name));
    }
    auto set = [&](const std::string& key, const std::string& k, const char* name,
                   const std::string& value) {
        out.sets.push_back({fmt::format("{}={}", key, value),
                            fmt::format("{}:{}: {}", path, v.at(k).second, name)});
    };
    pe_array::ScaleSimMemoryConfig& mem = out.memory;
    mem.rows = int(integer("architecture_presets.arrayheight", "ArrayHeight"));
    mem.cols = int(integer("architecture_presets.arraywidth", "ArrayWidth"));
    mem.ifmap_sram_kb = integer("architecture_presets.ifmapsramszkb", "IfmapSramSzkB");
    mem.filter_sram_kb = integer("architecture_presets.filtersramszkb", "FilterSramSzkB");
    mem.ofmap_sram_kb = integer("architecture_presets.ofmapsramszkb", "OfmapSramSzkB");
    set("pe_array.rows", "architecture_presets.arrayheight", "ArrayHeight",
        std::to_string(mem.rows));
    set("pe_array.cols", "architecture_presets.arraywidth", "ArrayWidth", std::to_string(mem.cols));
    set("pe_array.ifmap_sram_kib", "architecture_presets.ifmapsramszkb", "IfmapSramSzkB",
        std::to_string(mem.ifmap_sram_kb));
    set("pe_array.filter_sram_kib", "architecture_presets.filtersramszkb", "FilterSramSzkB",
        std::to_string(mem.filter_sram_kb));
    set("pe_array.ofmap_sram_kib", "architecture_presets.ofmapsramszkb", "OfmapSramSzkB",
        std::to_string(mem.ofmap_sram_kb));
    auto [df, df_line] = need("architecture_presets.dataflow", "Dataflow");
    std::string d = trim(df);
    // SCALE-Sim v2 compares the value with ['os', 'ws', 'is'] as written (scale_config.py):
    // 'WS' only prints "WARNING: Invalid dataflow", and single_layer_sim.py, matching none of
    // the three, keeps the output-stationary compute system it starts with. The run is os,
    // not the one the file asks for.
    if ((d != "os" && d != "ws" && d != "is") &&
        (to_lower(d) == "os" || to_lower(d) == "ws" || to_lower(d) == "is"))
        throw InputError(fmt::format("{}:{}: Dataflow = '{}': SCALE-Sim v2 reads the dataflow "
                                     "case-sensitively: it warns that '{}' is invalid and runs "
                                     "every layer output stationary (os); write '{}'",
                                     path, df_line, df, d, to_lower(d)));
    if (d != "os" && d != "ws" && d != "is")
        throw InputError(
            fmt::format("{}:{}: Dataflow = '{}' must be os, ws or is", path, df_line, df));
    set("pe_array.dataflow", "architecture_presets.dataflow", "Dataflow", d);
    mem.dataflow = pe_array::parse_dataflow(d);
    std::int64_t* offsets[3] = {&mem.ifmap_offset, &mem.filter_offset, &mem.ofmap_offset};
    for (int k = 0; k < 3; ++k) {
        auto it = v.find("architecture_presets." + to_lower(offset_names[k]));
        if (it == v.end()) continue;
        const auto& [text, line] = it->second;
        auto x = parse_int(text);
        if (!x || *x < 0 || *x > (std::int64_t(1) << 40))
            throw InputError(fmt::format("{}:{}: {} = '{}' must be a whole number from 0 to 2^40",
                                         path, line, offset_names[k], text));
        *offsets[k] = *x;
        out.offset_lines[k] = fmt::format("{}:{}", path, line);
    }
    // SCALE-Sim v2 (scale_config.py) takes InterfaceBandwidth as written: USER or CALC.
    if (auto it = v.find("run_presets.interfacebandwidth"); it != v.end()) {
        const auto& [mode, line] = it->second;
        out.mode_origin = fmt::format("{}:{}", path, line);
        if (mode != "USER" && mode != "CALC")
            throw InputError(fmt::format("{}: InterfaceBandwidth = '{}' must be USER or CALC (as "
                                         "SCALE-Sim v2 reads it, case-sensitively)",
                                         out.mode_origin, mode));
        out.user_bandwidth = mode == "USER";
    }
    auto bw = v.find("architecture_presets.bandwidth");
    if (out.user_bandwidth) {
        if (bw == v.end())
            throw InputError(
                fmt::format("{}: InterfaceBandwidth is USER but [architecture_presets] "
                            "Bandwidth is missing",
                            out.mode_origin));
        // A comma-separated list of integers; SCALE-Sim uses the first for every buffer.
        const auto& [text, line] = bw->second;
        const auto parts = split(text, ',');
        for (std::size_t k = 0; k < parts.size(); ++k) {
            auto x = parse_int(parts[k]);
            if (!x || *x <= 0 || *x > (1 << 20))
                throw InputError(fmt::format("{}:{}: Bandwidth = '{}': each value must be a "
                                             "whole number of words per cycle from 1 to 2^20",
                                             path, line, text));
            if (k == 0) mem.bandwidth = *x;
        }
    } else if (bw != v.end()) {
        std::cerr << fmt::format("warning: {}:{}: [architecture_presets] Bandwidth is not used: "
                                 "InterfaceBandwidth is not USER, so SCALE-Sim's memory is ideal "
                                 "(CALC) and so is accsim's unless --dram names a preset\n",
                                 path, bw->second.second);
    }
    return out;
}

int cmd_scalesim(const std::vector<std::string>& args) {
    po::options_description desc("scalesim");
    desc.add_options()("config,c", po::value<std::string>(), "SCALE-Sim .cfg")(
        "topology,t", po::value<std::string>(),
        "SCALE-Sim topology .csv")("input-type,i", po::value<std::string>()->default_value("conv"),
                                   "topology kind: conv or gemm (M, N, K), as SCALE-Sim's -i")(
        "path,p", po::value<std::string>()->default_value("."),
        "output folder")("dram", po::value<std::string>()->default_value("ideal"),
                         "DRAM preset (configs/dram/NAME.ini); SCALE-Sim assumes ideal")(
        "traces", "write SCALE-Sim's SRAM and DRAM trace CSVs per layer");
    const po::variables_map vm = parse_command_line("scalesim", args, desc);
    if (!vm.count("config") || !vm.count("topology"))
        throw InputError("accsim scalesim: needs -c SCALE.cfg and -t TOPOLOGY.csv");
    ScaleSimConfig sc = read_scalesim_cfg(vm["config"].as<std::string>());
    const std::string topo = vm["topology"].as<std::string>();
    if (!path_exists(topo)) throw InputError(fmt::format("-t {}: file not found", topo));
    const std::string kind = vm["input-type"].as<std::string>();
    if (kind != "conv" && kind != "gemm")
        throw InputError(fmt::format("-i {}: must be conv or gemm", kind));
    // Read as a SCALE-Sim topology whatever its first line holds, so that a missing header is
    // named as such (a run would take a headerless file for a native trace).
    const Graph graph = read_scalesim_topology(topo);
    // The header says which kind a topology is; -i must agree, as SCALE-Sim would misread it.
    if ((kind == "gemm") != is_scalesim_gemm_topology(topo))
        throw InputError(fmt::format(
            "-t {}: the header is {} topology's but -i is {}", topo,
            is_scalesim_gemm_topology(topo) ? "a GEMM (Layer, M, N, K)" : "a conv", kind));

    std::vector<Override> sets = as_overrides(
        {"run.arch=pe_array", "run.workload=" + fs::absolute(topo).string(), "run.batch=1",
         "pe_array.add_unit=output_path", "pe_array.ofmap_size=scalesim"});
    if (sc.user_bandwidth && !vm["dram"].defaulted())
        throw InputError(fmt::format("--dram {}: {} asks for SCALE-Sim's own bandwidth-limited "
                                     "memory (InterfaceBandwidth: USER); --dram would replace it "
                                     "with accsim's DRAM model: give one or the other",
                                     vm["dram"].as<std::string>(), sc.mode_origin));
    const bool traces = vm.count("traces") != 0;
    // The offsets place trace addresses only: without traces they change nothing.
    if (!traces)
        for (int k = 0; k < 3; ++k)
            if (!sc.offset_lines[k].empty())
                std::cerr << fmt::format("warning: {}: [architecture_presets] {} is not used: it "
                                         "places the addresses of SCALE-Sim's traces, and no "
                                         "trace is written (--traces)\n",
                                         sc.offset_lines[k], offset_names[k]);
    if (traces && !sc.user_bandwidth && vm["dram"].as<std::string>() != "ideal")
        throw InputError(fmt::format(
            "--traces: SCALE-Sim's traces come from its own memory, which --dram {} replaces "
            "with accsim's DRAM model: give one or the other",
            vm["dram"].as<std::string>()));
    sets.push_back({"dram.preset=" + vm["dram"].as<std::string>(), "--dram"});
    sets.insert(sets.end(), sc.sets.begin(), sc.sets.end());
    Config cfg = load_run_config("", sets);
    Report r = run_simulation(cfg);

    const fs::path dir = fs::path(vm["path"].as<std::string>()) / sc.run_name;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw InputError(
            fmt::format("-p {}: cannot create folder: {}", dir.string(), ec.message()));
    std::ofstream compute(dir / "COMPUTE_REPORT.csv"), bandwidth(dir / "BANDWIDTH_REPORT.csv");
    if (!compute || !bandwidth)
        throw InputError(fmt::format("-p {}: cannot write the reports", dir.string()));
    compute << "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute "
               "Util %,\n";
    bandwidth << "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP "
                 "DRAM BW, Avg FILTER DRAM BW, Avg OFMAP DRAM BW,\n";
    // SCALE-Sim's own memory decides the cycles and the DRAM columns in USER mode, and in CALC
    // mode unless --dram replaces its ideal memory with one of accsim's; DETAILED_ACCESS_REPORT.csv
    // comes from it.
    const bool scalesim_memory = sc.user_bandwidth || vm["dram"].as<std::string>() == "ideal";
    std::ofstream detail;
    if (scalesim_memory) {
        detail.open(dir / "DETAILED_ACCESS_REPORT.csv");
        if (!detail) throw InputError(fmt::format("-p {}: cannot write the reports", dir.string()));
        detail << "LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, SRAM "
                  "Filter Start Cycle, SRAM Filter Stop Cycle, SRAM Filter Reads, SRAM OFMAP Start "
                  "Cycle, SRAM OFMAP Stop Cycle, SRAM OFMAP Writes, DRAM IFMAP Start Cycle, DRAM "
                  "IFMAP Stop Cycle, DRAM IFMAP Reads, DRAM Filter Start Cycle, DRAM Filter Stop "
                  "Cycle, DRAM Filter Reads, DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM "
                  "OFMAP Writes,\n";
    }
    const double pes = double(cfg.get_int("pe_array.rows") * cfg.get_int("pe_array.cols"));
    std::uint64_t total = 0;
    int id = 0;
    for (const auto& l : r.doc()["layers"]) {
        std::uint64_t cycles = l["cycles"].get<std::uint64_t>();
        std::uint64_t stalls = l["stall_cycles"].get<std::uint64_t>();
        double dram[3] = {l["dram_ifmap_read_bytes"].get<double>(),
                          l["dram_filter_read_bytes"].get<double>(),
                          l["dram_write_bytes"].get<double>()};
        double dram_cycles[3] = {0, 0, 0}; // 0: per cycle of the layer
        if (scalesim_memory) {
            // SCALE-Sim's memory decides the cycles, the stalls and the DRAM words of each buffer
            // over the span of its own DRAM trace.
            const Layer& g = graph.layers[std::size_t(id)];
            pe_array::ScaleSimLayer sl;
            sl.ifmap_h = g.in.h;
            sl.ifmap_w = g.in.w;
            sl.filter_h = g.kernel_h;
            sl.filter_w = g.kernel_w;
            sl.channels = g.in.c;
            sl.filters = g.out.c;
            sl.stride_h = g.stride;
            sl.stride_w = g.stride_width();
            pe_array::ScaleSimTraces t;
            pe_array::ScaleSimMemoryResult m;
            try {
                m = sc.user_bandwidth
                        ? pe_array::scalesim_user_memory(sl, sc.memory, traces ? &t : nullptr)
                        : pe_array::scalesim_calc_memory(sl, sc.memory, traces ? &t : nullptr);
            } catch (const InputError& e) {
                throw InputError(fmt::format("-t {}: layer {}: {}", topo, g.name, e.what()));
            }
            if (traces) write_traces(dir / fmt::format("layer{}", id), t);
            cycles = std::uint64_t(m.total_cycles);
            stalls = std::uint64_t(m.stall_cycles);
            dram[0] = double(m.ifmap_dram_reads);
            dram[1] = double(m.filter_dram_reads);
            dram[2] = double(m.ofmap_dram_writes);
            dram_cycles[0] = double(m.ifmap_dram_stop - m.ifmap_dram_start + 1);
            dram_cycles[1] = double(m.filter_dram_stop - m.filter_dram_start + 1);
            dram_cycles[2] = double(m.ofmap_dram_stop - m.ofmap_dram_start + 1);
            // SCALE-Sim's start and stop cycles are numpy floats, its counts ints.
            auto f = [](std::int64_t x) { return num(double(x)); };
            detail << fmt::format(
                "{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {},\n", id,
                f(m.ifmap_sram_start), f(m.ifmap_sram_stop),
                l["ifmap_sram_reads"].get<std::uint64_t>(), f(m.filter_sram_start),
                f(m.filter_sram_stop), l["filter_sram_reads"].get<std::uint64_t>(),
                f(m.ofmap_sram_start), f(m.ofmap_sram_stop),
                l["ofmap_sram_writes"].get<std::uint64_t>(), f(m.ifmap_dram_start),
                f(m.ifmap_dram_stop), m.ifmap_dram_reads, f(m.filter_dram_start),
                f(m.filter_dram_stop), m.filter_dram_reads, f(m.ofmap_dram_start),
                f(m.ofmap_dram_stop), m.ofmap_dram_writes);
        }
        const double c = cycles > 0 ? double(cycles) : 1;
        for (double& d : dram_cycles)
            if (d <= 0) d = c;
        total += cycles;
        // SCALE-Sim's words are bytes (word_size = 1).
        compute << fmt::format("{}, {}, {}, {}, {}, {},\n", id, cycles, stalls,
                               num(l.value("array_macs", 0.0) * 100 / (c * pes)),
                               num(l["mapping_efficiency"].get<double>() * 100),
                               num(l["compute_utilization"].get<double>() * 100));
        bandwidth << fmt::format(
            "{}, {}, {}, {}, {}, {}, {},\n", id, num(l["ifmap_sram_reads"].get<double>() / c),
            num(l["filter_sram_reads"].get<double>() / c),
            num(l["ofmap_sram_writes"].get<double>() / c), num(dram[0] / dram_cycles[0]),
            num(dram[1] / dram_cycles[1]), num(dram[2] / dram_cycles[2]));
        ++id;
    }
    check_written(compute, (dir / "COMPUTE_REPORT.csv").string());
    check_written(bandwidth, (dir / "BANDWIDTH_REPORT.csv").string());
    if (scalesim_memory) check_written(detail, (dir / "DETAILED_ACCESS_REPORT.csv").string());
    std::string wrote =
        (dir / "COMPUTE_REPORT.csv").string() + ", " + (dir / "BANDWIDTH_REPORT.csv").string();
    if (scalesim_memory) wrote += ", " + (dir / "DETAILED_ACCESS_REPORT.csv").string();
    if (traces) wrote += fmt::format(" and the traces of each layer in {}/layerN/", dir.string());
    std::cout << fmt::format(
        "accsim scalesim: {} layer{}, {} cycles in total ({})\nwrote {}\n", id, id == 1 ? "" : "s",
        total,
        sc.user_bandwidth
            ? fmt::format("SCALE-Sim's USER memory, {} words per cycle", sc.memory.bandwidth)
        : scalesim_memory ? std::string("SCALE-Sim's CALC memory and bandwidth estimate")
                          : vm["dram"].as<std::string>() + " DRAM",
        wrote);
    return exit_ok;
}

} // namespace accsim
