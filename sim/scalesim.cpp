// accsim scalesim -c SCALE.cfg -t TOPOLOGY.csv [-i conv|gemm] [-p OUTDIR] [--dram PRESET]: reads
// SCALE-Sim v2's files unchanged, runs them on the pe_array architecture (ideal DRAM unless --dram
// names a preset) and writes COMPUTE_REPORT.csv and BANDWIDTH_REPORT.csv in SCALE-Sim's column
// format under OUTDIR/<run_name>/, as SCALE-Sim does.
#include "sim/scalesim.hpp"
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

std::string num(double x) {
    return fmt::format("{}", x);
}

} // namespace

// SCALE-Sim's [architecture_presets] keys that accsim maps onto pe_array options.
ScaleSimConfig read_scalesim_cfg(const std::string& path) {
    if (!fs::exists(path)) throw InputError(fmt::format("-c {}: file not found", path));
    ScaleSimConfig out;
    std::map<std::string, std::pair<std::string, int>> v; // lower-case key -> value, line
    std::vector<std::string> warnings;
    for (const auto& e : read_configparser(path)) {
        auto dot = e.key.rfind('.');
        std::string section = to_lower(e.key.substr(0, dot)), key = e.key.substr(dot + 1);
        std::string k = section + "." + to_lower(key);
        v[k] = {e.value, e.line};
        static const std::map<std::string, std::string> ignored = {
            {"architecture_presets.ifmapoffset", "DRAM addresses are laid out by accsim"},
            {"architecture_presets.filteroffset", "DRAM addresses are laid out by accsim"},
            {"architecture_presets.ofmapoffset", "DRAM addresses are laid out by accsim"},
            {"architecture_presets.bandwidth",
             "DRAM bandwidth comes from the DRAM model (--dram PRESET; ideal by default)"},
            {"run_presets.interfacebandwidth",
             "DRAM bandwidth comes from the DRAM model (--dram PRESET; ideal by default)"},
            {"architecture_presets.memorybanks", "SRAM banking is not modelled"},
        };
        static const std::vector<std::string> used = {"general.run_name",
                                                      "architecture_presets.arrayheight",
                                                      "architecture_presets.arraywidth",
                                                      "architecture_presets.ifmapsramszkb",
                                                      "architecture_presets.filtersramszkb",
                                                      "architecture_presets.ofmapsramszkb",
                                                      "architecture_presets.dataflow"};
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
    set("pe_array.rows", "architecture_presets.arrayheight", "ArrayHeight",
        std::to_string(integer("architecture_presets.arrayheight", "ArrayHeight")));
    set("pe_array.cols", "architecture_presets.arraywidth", "ArrayWidth",
        std::to_string(integer("architecture_presets.arraywidth", "ArrayWidth")));
    set("pe_array.ifmap_sram_kib", "architecture_presets.ifmapsramszkb", "IfmapSramSzkB",
        std::to_string(integer("architecture_presets.ifmapsramszkb", "IfmapSramSzkB")));
    set("pe_array.filter_sram_kib", "architecture_presets.filtersramszkb", "FilterSramSzkB",
        std::to_string(integer("architecture_presets.filtersramszkb", "FilterSramSzkB")));
    set("pe_array.ofmap_sram_kib", "architecture_presets.ofmapsramszkb", "OfmapSramSzkB",
        std::to_string(integer("architecture_presets.ofmapsramszkb", "OfmapSramSzkB")));
    auto [df, df_line] = need("architecture_presets.dataflow", "Dataflow");
    std::string d = trim(df);
    // SCALE-Sim v2 (scale_config.py) compares the value with ['os', 'ws', 'is'] as written: 'WS'
    // only prints "Invalid dataflow" and the run is not the one the file asks for.
    if ((d != "os" && d != "ws" && d != "is") &&
        (to_lower(d) == "os" || to_lower(d) == "ws" || to_lower(d) == "is"))
        throw InputError(fmt::format("{}:{}: Dataflow = '{}': SCALE-Sim v2 reads the dataflow "
                                     "case-sensitively, calls '{}' invalid and does not run it "
                                     "as {}; write '{}'",
                                     path, df_line, df, d, to_lower(d), to_lower(d)));
    if (d != "os" && d != "ws" && d != "is")
        throw InputError(
            fmt::format("{}:{}: Dataflow = '{}' must be os, ws or is", path, df_line, df));
    set("pe_array.dataflow", "architecture_presets.dataflow", "Dataflow", d);
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
                         "DRAM preset (configs/dram/NAME.ini); SCALE-Sim assumes ideal");
    const po::variables_map vm = parse_command_line("scalesim", args, desc);
    if (!vm.count("config") || !vm.count("topology"))
        throw InputError("accsim scalesim: needs -c SCALE.cfg and -t TOPOLOGY.csv");
    ScaleSimConfig sc = read_scalesim_cfg(vm["config"].as<std::string>());
    const std::string topo = vm["topology"].as<std::string>();
    if (!fs::exists(topo)) throw InputError(fmt::format("-t {}: file not found", topo));
    const std::string kind = vm["input-type"].as<std::string>();
    if (kind != "conv" && kind != "gemm")
        throw InputError(fmt::format("-i {}: must be conv or gemm", kind));
    // Read as a SCALE-Sim topology whatever its first line holds, so that a missing header is
    // named as such (a run would take a headerless file for a native trace).
    read_scalesim_topology(topo);
    // The header says which kind a topology is; -i must agree, as SCALE-Sim would misread it.
    if ((kind == "gemm") != is_scalesim_gemm_topology(topo))
        throw InputError(fmt::format(
            "-t {}: the header is {} topology's but -i is {}", topo,
            is_scalesim_gemm_topology(topo) ? "a GEMM (Layer, M, N, K)" : "a conv", kind));

    std::vector<Override> sets = as_overrides(
        {"run.arch=pe_array", "run.workload=" + fs::absolute(topo).string(), "run.batch=1",
         "pe_array.add_unit=output_path", "pe_array.ofmap_size=scalesim"});
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
    const double pes = double(cfg.get_int("pe_array.rows") * cfg.get_int("pe_array.cols"));
    std::uint64_t total = 0;
    int id = 0;
    for (const auto& l : r.doc()["layers"]) {
        const double cycles = l["cycles"].get<double>();
        const double c = cycles > 0 ? cycles : 1;
        total += l["cycles"].get<std::uint64_t>();
        // SCALE-Sim's words are bytes (word_size = 1).
        compute << fmt::format("{}, {}, {}, {}, {}, {},\n", id, l["cycles"].get<std::uint64_t>(),
                               l["stall_cycles"].get<std::uint64_t>(),
                               num(l.value("array_macs", 0.0) * 100 / (c * pes)),
                               num(l["mapping_efficiency"].get<double>() * 100),
                               num(l["compute_utilization"].get<double>() * 100));
        bandwidth << fmt::format("{}, {}, {}, {}, {}, {}, {},\n", id,
                                 num(l["ifmap_sram_reads"].get<double>() / c),
                                 num(l["filter_sram_reads"].get<double>() / c),
                                 num(l["ofmap_sram_writes"].get<double>() / c),
                                 num(l["dram_ifmap_read_bytes"].get<double>() / c),
                                 num(l["dram_filter_read_bytes"].get<double>() / c),
                                 num(l["dram_write_bytes"].get<double>() / c));
        ++id;
    }
    check_written(compute, (dir / "COMPUTE_REPORT.csv").string());
    check_written(bandwidth, (dir / "BANDWIDTH_REPORT.csv").string());
    std::cout << fmt::format("accsim scalesim: {} layers, {} cycles in total ({} DRAM)\nwrote {} "
                             "and {}\n",
                             id, total, vm["dram"].as<std::string>(),
                             (dir / "COMPUTE_REPORT.csv").string(),
                             (dir / "BANDWIDTH_REPORT.csv").string());
    return exit_ok;
}

} // namespace accsim
