// accsim study STUDY.ini: runs a study's points and prints accsim's figures beside the published
// ones. The file format is documented in docs/studies.md.
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/options.hpp"
#include "common/text.hpp"
#include "sim/cli.hpp"
#include "sim/explore.hpp"
#include "sim/jobs.hpp"
#include "sim/registry.hpp"
#include "sim/report_format.hpp"
#include "sim/study_file.hpp"

#include <boost/program_options.hpp>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace accsim {

namespace {

// The report paths a study may name: every scalar of the points' reports ("summary.cycles",
// "summary.fpga.bram18", "workload.macs"), and config.KEY for every key.
std::set<std::string> report_paths(const std::vector<PointResult>& res) {
    std::set<std::string> paths;
    for (const auto& r : res) {
        if (r.exit_code != 0) continue;
        for (const auto& [k, v] : flatten(r.report())) paths.insert(k);
        if (r.report().contains("config"))
            for (const auto& [k, v] : r.report()["config"].items()) paths.insert("config." + k);
    }
    return paths;
}

// A path the study reads from the reports must be in at least one of them.
void check_path(const Study& st, const std::string& path, int line, const char* what,
                const std::set<std::string>& paths) {
    if (paths.empty() || paths.count(path)) return; // no point ran: its failure says why
    throw InputError(fmt::format("{}: {} '{}' is in no point's report{}", study_place(st, line),
                                 what, path, did_you_mean(path, {paths.begin(), paths.end()})));
}

bool matches(const Point& p, const std::string& sweep, const std::vector<std::string>& want) {
    for (const auto& w : want) {
        if (w == "sweep=" + sweep) continue;
        if (std::find(p.sets.begin(), p.sets.end(), w) == p.sets.end()) return false;
    }
    return true;
}

// "config.eie.queue_depth" -> "eie queue depth (entries)"; "summary.latency_us" -> "latency
// (us)"; "summary.fpga.bram18" -> "FPGA BRAM18"; "sweep" -> "sweep".
std::string axis_label(const std::string& path) {
    std::string unit, name = path;
    if (path.rfind("config.", 0) == 0) {
        name = path.substr(7);
        if (const Option* o = option_registry().find(name)) unit = o->unit;
    } else {
        if (name.rfind("summary.", 0) == 0) name = name.substr(8);
        static const std::vector<std::pair<std::string, std::string>> suffixes{
            {"_gb_per_s", "GB/s"}, {"_per_s", "1/s"},   {"_us", "us"},        {"_ns", "ns"},
            {"_mm2", "mm^2"},      {"_uj", "uJ"},       {"_mj", "mJ"},        {"_w", "W"},
            {"_mhz", "MHz"},       {"_bytes", "bytes"}, {"_cycles", "cycles"}};
        for (const auto& [suffix, u] : suffixes)
            if (name.size() > suffix.size() &&
                name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
                name = name.substr(0, name.size() - suffix.size());
                unit = u;
                break;
            }
        if (name == "cycles") unit = "cycles";
    }
    std::string words;
    for (char c : name) words += c == '_' || c == '.' ? ' ' : c;
    if (words.rfind("fpga ", 0) == 0) words = "FPGA " + words.substr(5);
    return unit.empty() ? words : fmt::format("{} ({})", words, unit);
}

double number(const ojson& v) {
    return v.is_number() ? v.get<double>() : std::nan("");
}

} // namespace

int cmd_study(const std::vector<std::string>& args) {
    po::options_description desc("study");
    desc.add_options()("study", po::value<std::string>(), "study file")(
        "jobs", po::value<int>()->default_value(0), "points run at once (0: one per core)")(
        "out", po::value<std::string>(),
        "output folder (default study-out/NAME)")("no-plot", "do not draw the plot");
    add_point_options(desc);
    po::positional_options_description pos;
    pos.add("study", 1);
    const po::variables_map vm = parse_command_line("study", args, desc, pos);
    if (!vm.count("study")) throw InputError("accsim study: missing STUDY.ini");
    Study st = read_study(vm["study"].as<std::string>());

    StudyPoints laid_out = study_points(st);
    const auto& points = laid_out.points;
    const auto& sweep_of = laid_out.sweep_of;
    // Each point's result goes to OUT/points as it finishes (unless --results says elsewhere).
    const std::string out_dir =
        vm.count("out") ? vm["out"].as<std::string>() : (fs::path("study-out") / st.name).string();
    const PointPlan plan =
        point_plan(vm, vm["jobs"].as<int>(), st.name, (fs::path(out_dir) / "points").string());
    if (!plan.emit_jobs.empty()) {
        emit_jobs(points, plan, "study", args);
        return exit_ok;
    }
    auto res = obtain_results(points, plan, "study", args);
    {
        const std::set<std::string> paths = report_paths(res);
        for (const auto& m : st.metrics) check_path(st, m, st.metrics_line, "metric", paths);
        for (const auto& p : st.published) check_path(st, p.metric, p.metric_line, "metric", paths);
        for (const char* axis : {"x", "y", "series"})
            if (st.plot.count(axis) && st.plot.at(axis) != "sweep")
                check_path(st, st.plot.at(axis), st.plot_lines.at(axis),
                           axis == std::string("series") ? "plot series" : "plot axis", paths);
    }
    // The plot reads its axes from each point's metrics: collect them with the study's.
    std::vector<std::string> json_metrics = st.metrics;
    for (const char* axis : {"x", "y", "series"})
        if (st.plot.count(axis) && st.plot.at(axis) != "sweep" &&
            std::find(json_metrics.begin(), json_metrics.end(), st.plot.at(axis)) ==
                json_metrics.end())
            json_metrics.push_back(st.plot.at(axis));

    fmt::print("{}\n", st.title.empty() ? st.name : st.title);
    // Points table.
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header{"sweep", "point"};
    for (const auto& m : st.metrics)
        header.push_back(m.rfind("summary.", 0) == 0 ? m.substr(8) : m);
    rows.push_back(header);
    ojson jpoints = ojson::array();
    for (std::size_t i = 0; i < points.size(); ++i) {
        std::vector<std::string> row{sweep_of[i], points[i].label()};
        ojson jp;
        jp["sweep"] = sweep_of[i];
        jp["set"] = points[i].sets;
        jp["exit_code"] = res[i].exit_code;
        for (const auto& m : st.metrics) {
            ojson v = res[i].exit_code == 0 ? lookup_path(res[i].report(), m) : ojson();
            row.push_back(res[i].exit_code == 0 ? format_value(v)
                                                : fmt::format("failed ({})", res[i].exit_code));
        }
        for (const auto& m : json_metrics)
            jp["metrics"][m] = res[i].exit_code == 0 ? lookup_path(res[i].report(), m) : ojson();
        if (res[i].exit_code != 0) jp["error"] = res[i].error_line();
        rows.push_back(std::move(row));
        jpoints.push_back(std::move(jp));
    }
    fmt::print("\npoints\n");
    print_table(std::cout, rows);
    for (std::size_t i = 0; i < points.size(); ++i)
        if (res[i].exit_code != 0)
            fmt::print(stderr, "point {} ({}) failed with exit code {}: {}\n", i + 1,
                       points[i].label(), res[i].exit_code, res[i].error_line());

    // Published figures beside accsim's.
    ojson jpub = ojson::array();
    struct FigureResult {
        int point = -1;
        double accsim = 0, ratio = 0;
    };
    std::vector<FigureResult> figures;
    if (!st.published.empty()) {
        auto find_point = [&](const Published& p, const std::vector<std::string>& where) -> int {
            for (std::size_t i = 0; i < points.size(); ++i)
                if (matches(points[i], sweep_of[i], where)) return int(i);
            throw InputError(
                fmt::format("{}: [published.{}]: no point matches '{}'",
                            study_place(st, &where == &p.where ? p.where_line : p.baseline_line),
                            p.name, fmt::join(where, ", ")));
        };
        std::vector<std::vector<std::string>> t{
            {"figure", "metric", "published", "accsim", "accsim/published", "", "source"}};
        for (const auto& p : st.published) {
            int i = find_point(p, p.where);
            double ours = res[i].exit_code == 0 ? number(lookup_path(res[i].report(), p.metric))
                                                : std::nan("");
            if (p.kind != "value") {
                int b = find_point(p, p.baseline);
                double base = res[b].exit_code == 0 ? number(lookup_path(res[b].report(), p.metric))
                                                    : std::nan("");
                ours = p.kind == "change"       ? ours / base - 1.0
                       : p.kind == "difference" ? ours - base
                                                : ours / base;
            }
            double r = ours / p.value;
            figures.push_back({i, ours, r});
            std::string verdict;
            if (p.tolerance)
                verdict =
                    std::isfinite(r) && std::fabs(r - 1.0) <= *p.tolerance ? "within" : "outside";
            auto show = [&](double v) {
                if (!std::isfinite(v)) return std::string("-");
                return p.kind == "change" ? fmt::format("{:+.1f} %", v * 100)
                                          : format_value(ojson(v));
            };
            t.push_back(
                {p.name, p.metric + (p.kind == "value" ? "" : " (" + p.kind + ")"), show(p.value),
                 show(ours), std::isfinite(r) ? fmt::format("{:.3f}", r) : "-",
                 verdict.empty() ? "" : verdict + fmt::format(" {:g} %", *p.tolerance * 100),
                 p.source});
            ojson j;
            j["name"] = p.name;
            j["metric"] = p.metric;
            j["kind"] = p.kind;
            j["where"] = p.where;
            if (!p.baseline.empty()) j["baseline"] = p.baseline;
            j["published"] = p.value;
            j["accsim"] = std::isfinite(ours) ? ojson(ours) : ojson();
            j["ratio"] = std::isfinite(r) ? ojson(r) : ojson();
            if (p.tolerance) j["tolerance"] = *p.tolerance;
            j["source"] = p.source;
            jpub.push_back(std::move(j));
        }
        fmt::print("\naccsim beside the published figures\n");
        print_table(std::cout, t);
    }

    // out_dir: above (the points' results are in its points/ folder).
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    if (ec)
        throw InputError(fmt::format("--out {}: cannot create folder: {}", out_dir, ec.message()));
    // Every file is checked once written (check_written): a study that says "wrote" has written.
    {
        // The CSV is for loading as numbers: one column per varied key, every metric at full
        // precision (empty where a point has none or failed), and each published figure's value,
        // accsim's, their ratio and the tolerance on the row of the point it is compared at.
        std::vector<std::string> axes;
        for (const auto& w : st.sweeps)
            for (const auto& a : w.axes)
                if (std::find(axes.begin(), axes.end(), a.first) == axes.end())
                    axes.push_back(a.first);
        std::vector<std::string> head{"sweep"};
        head.insert(head.end(), axes.begin(), axes.end());
        head.push_back("exit_code");
        head.insert(head.end(), st.metrics.begin(), st.metrics.end());
        for (const auto& p : st.published)
            for (const char* part : {".published", ".accsim", ".ratio", ".tolerance"})
                head.push_back(p.name + part);
        auto plain = [](double x) { return std::isfinite(x) ? fmt::format("{}", x) : ""; };
        auto raw = [](const ojson& v) -> std::string {
            if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
            if (v.is_number()) return fmt::format("{}", v.get<double>());
            if (v.is_string()) return v.get<std::string>();
            if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
            return "";
        };
        const std::string csv_path = (fs::path(out_dir) / (st.name + ".csv")).string();
        std::ofstream csv(csv_path);
        auto write = [&](const std::vector<std::string>& r) {
            std::string line;
            for (std::size_t i = 0; i < r.size(); ++i) line += (i ? "," : "") + csv_escape(r[i]);
            csv << line << '\n';
        };
        write(head);
        for (std::size_t i = 0; i < points.size(); ++i) {
            std::vector<std::string> row{sweep_of[i]};
            for (const auto& key : axes) {
                std::string value;
                for (const auto& a : points[i].sets)
                    if (a.rfind(key + "=", 0) == 0) value = a.substr(key.size() + 1);
                row.push_back(value);
            }
            row.push_back(std::to_string(res[i].exit_code));
            for (const auto& m : st.metrics)
                row.push_back(res[i].exit_code == 0 ? raw(lookup_path(res[i].report(), m)) : "");
            for (std::size_t f = 0; f < figures.size(); ++f) {
                const bool here = figures[f].point == int(i);
                const auto& p = st.published[f];
                row.push_back(here ? plain(p.value) : "");
                row.push_back(here ? plain(figures[f].accsim) : "");
                row.push_back(here ? plain(figures[f].ratio) : "");
                row.push_back(here && p.tolerance ? plain(*p.tolerance) : "");
            }
            write(row);
        }
        check_written(csv, csv_path);
    }
    ojson j;
    j["study"] = st.name;
    j["title"] = st.title;
    j["metrics"] = st.metrics;
    j["points"] = jpoints;
    j["published"] = jpub;
    j["plot"] = st.plot;
    // The plot's axes and series in words with their units: a config key's from its
    // registration, a report path's from its name (docs/architecture.md: *_us, *_per_s, ...).
    for (const char* axis : {"x", "y", "series"}) {
        if (!st.plot.count(axis)) continue;
        const std::string& path = st.plot.at(axis);
        j["labels"][path] = axis_label(path);
    }
    std::string json_path = (fs::path(out_dir) / (st.name + ".json")).string();
    {
        std::ofstream json(json_path);
        json << j.dump(2) << '\n';
        check_written(json, json_path);
    }
    fmt::print("\nwrote {}/{}.csv and .json\n", out_dir, st.name);

    if (!st.plot.empty() && !vm.count("no-plot")) {
        std::string script = (fs::path(data_dir()) / "scripts" / "plot_study.py").string();
        std::string png = (fs::path(out_dir) / (st.name + ".png")).string();
        // Debian's python3 has python3-matplotlib; another python3 first on PATH may not.
        std::string python = fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        std::string cmd = fmt::format("{} {} {} {} 1>&2", python, shell_quote(script),
                                      shell_quote(json_path), shell_quote(png));
        std::fflush(stdout);
        std::cout.flush();
        // A study with a [plot] that cannot draw it has failed to write one of its outputs.
        if (std::system(cmd.c_str()) != 0)
            throw std::runtime_error(fmt::format("{}: the plot was not drawn (see the message "
                                                 "above)",
                                                 png));
        fmt::print("wrote {}\n", png);
    }
    return combined_exit(res);
}

} // namespace accsim
