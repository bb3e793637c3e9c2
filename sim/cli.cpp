#include "sim/cli.hpp"

#include "sim/jobs.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/text.hpp"
#include "models/trace/trace.hpp"
#include "sim/registry.hpp"
#include "sim/report_format.hpp"
#include "sim/run.hpp"
#include "workloads/workload.hpp"

#include <boost/program_options.hpp>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <sys/ioctl.h>
#include <systemc>
#include <unistd.h>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace accsim {

namespace {

const char* usage_text = R"(usage:
  accsim run CONFIG [--set SECTION.KEY=VALUE]... [--format text|json|csv] [--out FILE]
  accsim run --help-config [ARCH|SECTION]
  accsim validate CONFIG [--set ...] | --list-keys [--markdown]
  accsim compare CONFIG --vary SECTION.KEY=V1,V2[,...] [--set ...] [--format text|json|csv] [--jobs N]
  accsim sweep CONFIG --vary K=V1,V2 [--vary ...]... [--set ...] [--jobs N] [--out FILE.csv|FILE.json]
               [--results DIR [--resume]] [--point-timeout S] [--emit-jobs FILE --results DIR]
  accsim study STUDY.ini [--jobs N] [--out DIR] [--no-plot] [--results DIR] [--resume]
               [--point-timeout S] [--emit-jobs FILE --results DIR]
  accsim gather DIR [--study STUDY.ini] [--out FILE|DIR] [--no-plot]
  accsim workloads list | show NAME|FILE [--skip S] [--format text|json] | export NAME|FILE [--skip S] [--out FILE]
  accsim scalesim -c SCALE.cfg -t TOPOLOGY.csv [-i conv|gemm] [-p OUTDIR] [--dram PRESET] [--traces]
  accsim dram [CONFIG] [--set dram.KEY=V]... --pattern sequential|random --requests N --bytes B
              --outstanding K [--write-fraction F] [--seed S] [--format text|json|csv]

exit codes: 0 success, 2 bad usage or input, 3 the simulated design failed, 1 anything else
)";

} // namespace

// Parses one subcommand's arguments; a bad option is an InputError with the usage hint.
po::variables_map parse_command_line(const std::string& cmd, const std::vector<std::string>& args,
                                     const po::options_description& desc,
                                     const po::positional_options_description& pos) {
    // `accsim CMD --help` (or -h): the command's usage lines and its options, exit 0.
    if (std::find(args.begin(), args.end(), "--help") != args.end() ||
        std::find(args.begin(), args.end(), "-h") != args.end()) {
        std::istringstream in(usage_text);
        std::string line;
        bool mine = false;
        std::cout << "usage:\n";
        while (std::getline(in, line)) {
            if (line.rfind("  accsim ", 0) == 0)
                mine = line.rfind("  accsim " + cmd + " ", 0) == 0;
            else if (line.rfind("    ", 0) != 0)
                mine = false; // not a continuation line
            if (mine) std::cout << line << '\n';
        }
        std::cout << '\n' << desc << '\n';
        throw HelpShown{};
    }
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw InputError(fmt::format("accsim {}: {} (see accsim --help)", cmd, e.what()));
    }
    return vm;
}

namespace {

template <class T>
T get_or(const po::variables_map& vm, const char* key, T fallback) {
    return vm.count(key) ? vm[key].as<T>() : fallback;
}

// "all" or the architectures that read the option, comma-separated.
std::string readers(const Option& o) {
    if (o.readers.size() == architectures().size()) return "all";
    std::string s;
    for (const auto& r : o.readers) s += (s.empty() ? "" : ",") + r;
    return s;
}

// The keys `filter` selects: all (""), an architecture's (every key it reads) or a section's.
std::vector<const Option*> selected_keys(const std::string& filter) {
    std::vector<const Option*> keys;
    bool arch = false;
    for (const auto& a : architectures()) arch = arch || a.key == filter;
    for (const auto& o : option_registry().all()) {
        const bool take = filter.empty() || (arch ? std::find(o.readers.begin(), o.readers.end(),
                                                              filter) != o.readers.end()
                                                  : o.key.substr(0, o.key.find('.')) == filter);
        if (take) keys.push_back(&o);
    }
    if (keys.empty()) {
        std::vector<std::string> names;
        for (const auto& a : architectures()) names.push_back(a.key);
        for (const auto& s : option_registry().sections())
            if (std::find(names.begin(), names.end(), s) == names.end()) names.push_back(s);
        throw InputError(fmt::format("--help-config {}: not an architecture or a section{}", filter,
                                     did_you_mean(filter, names)));
    }
    return keys;
}

// Width of the terminal standard output is, or 0 when it is not one.
std::size_t terminal_columns() {
    winsize w{};
    if (!isatty(1) || ioctl(1, TIOCGWINSZ, &w) != 0) return 0;
    return w.ws_col;
}

void print_keys(std::ostream& out, bool markdown, const std::string& filter = "") {
    if (markdown) {
        // docs/config.md's tables, one per section (scripts/gen-config-doc).
        std::string section;
        for (const auto& o : option_registry().all()) {
            std::string sec = o.key.substr(0, o.key.rfind('.'));
            if (sec != section) {
                section = sec;
                out << fmt::format(
                    "\n### [{}]\n\n| key | type | default | unit | allowed | read by | meaning "
                    "|\n|---|---|---|---|---|---|---|\n",
                    section);
            }
            auto cell = [](std::string t) {
                for (std::size_t p = t.find('|'); p != std::string::npos; p = t.find('|', p + 2))
                    t.replace(p, 1, "\\|");
                return t;
            };
            out << fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |\n", o.key, o.type_name(),
                               o.default_value.empty() ? "(empty)" : "`" + o.default_value + "`",
                               o.unit, cell(o.describe_range()), readers(o), cell(o.help));
        }
        return;
    }
    std::vector<std::vector<std::string>> rows{
        {"key", "type", "default", "unit", "range", "read by", "help"}};
    for (const Option* o : selected_keys(filter))
        rows.push_back({o->key, o->type_name(),
                        o->default_value.empty() ? "\"\"" : o->default_value, o->unit,
                        o->describe_range(), readers(*o), o->help});
    // Left-align every column: help text reads better that way.
    std::vector<std::size_t> width(rows[0].size(), 0);
    for (const auto& r : rows)
        for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
    // On a terminal the help column wraps to its width, continuing under itself.
    std::size_t indent = 0;
    for (std::size_t i = 0; i + 1 < width.size(); ++i) indent += width[i] + 2;
    const std::size_t columns = terminal_columns();
    // Too narrow for the help beside the table: the help goes under each row, indented by 4.
    const bool below = columns && columns < indent + 20;
    if (below) indent = 4;
    const std::size_t help_width = columns > indent + 20 ? columns - indent : 0;
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t i = 0; i + 1 < r.size(); ++i)
            line += fmt::format("{:<{}}", r[i], width[i] + 2);
        auto rtrim = [](std::string t) { return t.erase(t.find_last_not_of(' ') + 1); };
        std::string help = r.back(), prefix = line;
        if (below) {
            out << rtrim(line) << '\n';
            prefix = std::string(indent, ' ');
        }
        do {
            std::string piece = help;
            help.clear();
            if (help_width && piece.size() > help_width) {
                std::size_t cut = piece.rfind(' ', help_width);
                if (cut == std::string::npos || cut == 0) cut = help_width;
                help = trim(piece.substr(cut));
                piece = piece.substr(0, cut);
            }
            out << rtrim(prefix + piece) << '\n';
            prefix = std::string(indent, ' ');
        } while (!help.empty());
    }
}

void emit(const std::string& text, const std::string& out_path) {
    if (out_path.empty()) {
        std::cout << text;
        return;
    }
    std::ofstream f(out_path);
    if (!f) throw InputError(fmt::format("--out {}: cannot write file", out_path));
    f << text;
    // A report that did not reach the file is a failure, not a silent loss (exit 1).
    check_written(f, fmt::format("--out {}: the report", out_path));
}

// The trace --trace asks for (nullptr without it), its format checked before the run.
std::unique_ptr<Trace> make_trace(const po::variables_map& vm) {
    if (!vm.count("trace")) {
        if (vm.count("trace-window"))
            throw InputError("--trace-window: bounds a trace; give --trace FILE.vcd or FILE.json");
        return nullptr;
    }
    const fs::path path = vm["trace"].as<std::string>();
    if (path.extension() != ".vcd" && path.extension() != ".json")
        throw InputError(fmt::format("--trace {}: the file's extension says its format: .vcd "
                                     "(GTKWave) or .json (Perfetto, Chrome)",
                                     path.string()));
    std::uint64_t from = 0, to = std::numeric_limits<std::uint64_t>::max();
    if (vm.count("trace-window")) {
        const std::string w = vm["trace-window"].as<std::string>();
        const auto colon = w.find(':');
        auto cycle = [&](const std::string& t) {
            std::size_t used = 0;
            unsigned long long v = 0;
            try {
                v = std::stoull(t, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (t.empty() || used != t.size() || t[0] == '-')
                throw InputError(fmt::format("--trace-window '{}': expected FROM:TO, two cycle "
                                             "numbers",
                                             printable(w)));
            return std::uint64_t(v);
        };
        if (colon == std::string::npos)
            throw InputError(fmt::format("--trace-window '{}': expected FROM:TO, two cycle numbers",
                                         printable(w)));
        from = cycle(w.substr(0, colon));
        to = cycle(w.substr(colon + 1));
        if (to < from)
            throw InputError(fmt::format("--trace-window '{}': TO is before FROM", printable(w)));
    }
    return std::make_unique<Trace>(from, to);
}

void write_trace(const Trace& t, const std::string& path) {
    std::ofstream out(path);
    if (!out) throw InputError(fmt::format("--trace {}: cannot write file", path));
    if (fs::path(path).extension() == ".vcd")
        t.write_vcd(out);
    else
        t.write_perfetto(out);
    check_written(out, fmt::format("--trace {}", path));
}

int cmd_run(const std::vector<std::string>& args) {
    po::options_description desc("run");
    desc.add_options()("config", po::value<std::string>(), "config file")(
        "set", po::value<std::vector<std::string>>()->composing(), "SECTION.KEY=VALUE")(
        "format", po::value<std::string>(),
        "text|json|csv (default: from --out's extension, .json or .csv, else text)")(
        "out", po::value<std::string>(), "write the report to FILE")(
        "help-config", po::value<std::string>()->implicit_value(""),
        "list the config keys: all, an architecture's (the keys it reads) or a section's")(
        "keys-checked", "for compare, sweep and study: they check that each key the user set is "
                        "read by some point, so one point need not read them all")(
        "trace", po::value<std::string>(),
        "write a waveform of the run: FILE.vcd (GTKWave) or FILE.json (Perfetto, Chrome)")(
        "trace-window", po::value<std::string>(), "FROM:TO: only the cycles FROM to TO");
    po::positional_options_description pos;
    pos.add("config", 1);
    auto vm = parse_command_line("run", args, desc, pos);
    if (vm.count("help-config")) {
        print_keys(std::cout, false, vm["help-config"].as<std::string>());
        return exit_ok;
    }
    if (!vm.count("config")) throw InputError("accsim run: missing CONFIG (see accsim --help)");
    // Without --format, a report file's extension says which format it wants.
    const std::string out = get_or(vm, "out", std::string());
    auto ends_with = [&](const char* ext) {
        const std::string e = ext;
        return out.size() > e.size() && out.compare(out.size() - e.size(), e.size(), e) == 0;
    };
    const std::string format = vm.count("format")   ? vm["format"].as<std::string>()
                               : ends_with(".json") ? "json"
                               : ends_with(".csv")  ? "csv"
                                                    : "text";
    Format f = parse_format(format);
    std::unique_ptr<Trace> trace = make_trace(vm);
    Config cfg = load_run_config(vm["config"].as<std::string>(),
                                 get_or(vm, "set", std::vector<std::string>{}));
    if (!vm.count("keys-checked")) require_keys_read(cfg);
    if (trace && cfg.get_string("run.arch") == "roofline")
        throw InputError(fmt::format("--trace: run.arch = roofline is an analytic bound with no "
                                     "cycle-level state to trace (dataflow, pe_array and eie "
                                     "have)"));
    if (trace) {
        // Opened before the run, so that a folder that is not there fails now, not after it.
        const std::string path = vm["trace"].as<std::string>();
        if (!std::ofstream(path))
            throw InputError(fmt::format("--trace {}: cannot write file", path));
    }
    TraceScope scope(trace.get());
    std::optional<Report> report;
    try {
        report = run_simulation(cfg);
    } catch (const DesignFailure&) {
        // A deadlock's waveform is the one a user most wants to see.
        if (trace) write_trace(*trace, vm["trace"].as<std::string>());
        throw;
    }
    if (trace) write_trace(*trace, vm["trace"].as<std::string>());
    const Report& r = *report;
    std::ostringstream s;
    write_report(r, f, s);
    emit(s.str(), out);
    return exit_ok;
}

int cmd_validate(const std::vector<std::string>& args) {
    po::options_description desc("validate");
    desc.add_options()("config", po::value<std::string>(),
                       "config file")("set", po::value<std::vector<std::string>>()->composing(),
                                      "SECTION.KEY=VALUE")("list-keys", "list every config key")(
        "markdown", "with --list-keys: as docs/config.md's tables");
    po::positional_options_description pos;
    pos.add("config", 1);
    auto vm = parse_command_line("validate", args, desc, pos);
    if (vm.count("list-keys")) {
        print_keys(std::cout, vm.count("markdown") != 0);
        return exit_ok;
    }
    if (!vm.count("config"))
        throw InputError("accsim validate: missing CONFIG (see accsim --help)");
    Config cfg = load_run_config(vm["config"].as<std::string>(),
                                 get_or(vm, "set", std::vector<std::string>{}));
    // The workload and the architecture key are part of what a config must get right.
    find_architecture(cfg.get_string("run.arch"));
    Graph g = load_workload(cfg);
    const std::string arch = cfg.get_string("run.arch");
    std::vector<std::vector<std::string>> rows{{"key", "value", "read by " + arch, "from"}};
    for (const auto& [k, v] : cfg.values())
        rows.push_back({k, v.value, key_is_read(cfg, k) ? "read" : "not read", v.origin});
    std::vector<std::size_t> w(3, 0);
    for (const auto& r : rows)
        for (std::size_t i = 0; i < w.size(); ++i) w[i] = std::max(w[i], r[i].size());
    for (const auto& r : rows)
        std::cout << trim(fmt::format("{:<{}}  {:<{}}  {:<{}}  {}", r[0], w[0], r[1], w[1], r[2],
                                      w[2], r[3]))
                  << '\n';
    require_keys_read(cfg);
    std::cout << fmt::format("ok: {} keys; workload {} with {} layers, {} MACs, {} weights\n",
                             cfg.values().size(), g.name, g.layers.size(), g.macs(), g.weights());
    return exit_ok;
}

int cmd_workloads(const std::vector<std::string>& args) {
    po::options_description desc("workloads");
    desc.add_options()("action", po::value<std::string>(),
                       "list|show|export")("name", po::value<std::string>(), "workload")(
        "skip", po::value<std::string>()->default_value("keep"),
        "keep|remove|shorten")("format", po::value<std::string>()->default_value("text"),
                               "text|json")("out", po::value<std::string>(), "file");
    po::positional_options_description pos;
    pos.add("action", 1).add("name", 1);
    auto vm = parse_command_line("workloads", args, desc, pos);
    std::string action = get_or(vm, "action", std::string("list"));
    if (action == "list") {
        std::vector<std::vector<std::string>> rows;
        for (const auto& b : builtin_workloads()) rows.push_back({b.name, b.description});
        std::size_t w = 0;
        for (const auto& r : rows) w = std::max(w, r[0].size());
        for (const auto& r : rows) std::cout << fmt::format("{:<{}}  {}\n", r[0], w, r[1]);
        return exit_ok;
    }
    if (action != "show" && action != "export")
        throw InputError(
            fmt::format("accsim workloads: unknown action '{}' (list, show or export)", action));
    if (!vm.count("name"))
        throw InputError(fmt::format("accsim workloads {}: missing NAME", action));
    const std::string name = vm["name"].as<std::string>();
    Graph g = workload_graph(name, parse_skip(vm["skip"].as<std::string>()), name, "--skip");
    g.validate(name);
    std::ostringstream s;
    if (action == "export") {
        write_trace_csv(g, s);
    } else {
        std::string f = vm["format"].as<std::string>();
        if (f == "json")
            s << graph_to_json(g).dump(2) << '\n';
        else if (f == "text")
            print_graph_table(g, s);
        else
            throw InputError(fmt::format("--format: unknown format '{}' (text or json)", f));
    }
    emit(s.str(), get_or(vm, "out", std::string()));
    return exit_ok;
}

} // namespace

int cli_main(const std::vector<std::string>& args) {
    try {
        if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
            std::cout << usage_text;
            return args.empty() ? exit_input : exit_ok;
        }
        if (args[0] == "--version") {
            std::cout << "accsim " << ACCSIM_VERSION << '\n';
            return exit_ok;
        }
        const std::string& cmd = args[0];
        std::vector<std::string> rest(args.begin() + 1, args.end());
        if (cmd == "run") return cmd_run(rest);
        if (cmd == "validate") return cmd_validate(rest);
        if (cmd == "compare") return cmd_compare(rest);
        if (cmd == "sweep") return cmd_sweep(rest);
        if (cmd == "study") return cmd_study(rest);
        if (cmd == "workloads") return cmd_workloads(rest);
        if (cmd == "scalesim") return cmd_scalesim(rest);
        if (cmd == "dram") return cmd_dram(rest);
        if (cmd == "gather") return cmd_gather(rest);
        if (cmd == "point") return cmd_point(rest); // the command of an emitted job
        std::vector<std::string> cmds{"run",       "validate", "compare", "sweep", "study",
                                      "workloads", "scalesim", "dram",    "gather"};
        throw InputError(fmt::format("unknown command '{}'{} (see accsim --help)", cmd,
                                     did_you_mean(cmd, cmds)));
    } catch (const HelpShown&) {
        return exit_ok;
    } catch (const Interrupted& e) {
        std::cerr << fmt::format("stopped by signal {}: the running points were stopped; the "
                                 "finished ones are in their results folder\n",
                                 e.signal);
        return 128 + e.signal;
    } catch (const InputError& e) {
        std::cerr << "error: " << e.what() << '\n';
        return exit_input;
    } catch (const DesignFailure& e) {
        std::cerr << "design failure: " << e.what() << '\n';
        return exit_design;
    } catch (const std::exception& e) {
        std::cerr << "internal error: " << e.what() << '\n';
        return exit_other;
    }
}

} // namespace accsim
