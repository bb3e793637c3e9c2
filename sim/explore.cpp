#include "sim/explore.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "sim/cli.hpp"
#include "sim/jobs.hpp"
#include "sim/report_format.hpp"
#include "sim/run.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

namespace po = boost::program_options;

namespace accsim {

std::string Point::label() const {
    std::string s;
    for (const auto& v : varied) s += (s.empty() ? "" : " ") + v;
    return s.empty() ? "base" : s;
}

std::vector<Override> Point::overrides() const {
    std::vector<Override> out;
    for (std::size_t i = 0; i < sets.size(); ++i)
        out.push_back({sets[i], i < origins.size() ? origins[i] : "--set"});
    return out;
}

std::vector<std::string> run_args(const Point& p) {
    // The keys were checked over all points (check_points): a point need not read every one.
    std::vector<std::string> a{"run", p.config, "--keys-checked"};
    for (const auto& s : p.sets) {
        a.push_back("--set");
        a.push_back(s);
    }
    a.push_back("--format");
    a.push_back("json");
    return a;
}

void check_points(const std::vector<Point>& points) {
    // Every key and value is checked here first, so a typo in --vary is one clear error, not N.
    // A key is an error only when no point reads it (compare may vary run.arch itself).
    std::map<std::string, std::size_t> unread_by; // key -> points that set it and do not read it
    std::map<std::string, std::size_t> set_by;
    std::map<std::string, std::size_t> first_setter; // key -> the first point that sets it
    std::set<std::string> archs;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const Config c = load_run_config(points[i].config, points[i].overrides());
        archs.insert(c.get_string("run.arch"));
        for (const auto& [k, v] : c.values()) {
            if (!v.user_set()) continue;
            ++set_by[k];
            first_setter.emplace(k, i);
            if (!key_is_read(c, k)) ++unread_by[k];
        }
    }
    for (const auto& [k, n] : unread_by)
        if (n == set_by[k]) {
            const Point& p = points[first_setter[k]];
            const Config c = load_run_config(p.config, p.overrides());
            throw InputError(unread_key_message(
                c, k, fmt::format("by any point (run.arch = {})", fmt::join(archs, ", "))));
        }
}

std::vector<PointResult> run_all(const std::vector<Point>& points, const PointRunOptions& o) {
    check_points(points);
    std::vector<std::vector<std::string>> argvs;
    for (const auto& p : points) argvs.push_back(run_args(p));
    return run_points(argvs, o);
}

ojson lookup_path(const ojson& report, const std::string& dotted) {
    // Config keys contain dots themselves: "config.eie.pes" is config["eie.pes"].
    if (dotted.rfind("config.", 0) == 0) {
        std::string key = dotted.substr(7);
        return report.contains("config") && report["config"].contains(key) ? report["config"][key]
                                                                           : ojson();
    }
    return lookup(report, dotted);
}

int combined_exit(const std::vector<PointResult>& results) {
    for (const auto& r : results)
        if (r.exit_code != 0) return r.exit_code;
    return exit_ok;
}

namespace {

struct ExploreArgs {
    std::string config;
    std::vector<std::string> sets;
    std::vector<Axis> axes;
    int jobs = 0;
    po::variables_map vm;
};

ExploreArgs parse_explore(const std::string& cmd, const std::vector<std::string>& args,
                          po::options_description& desc) {
    desc.add_options()("config", po::value<std::string>(), "config file")(
        "vary", po::value<std::vector<std::string>>()->composing(), "SECTION.KEY=V1,V2,...")(
        "set", po::value<std::vector<std::string>>()->composing(),
        "SECTION.KEY=VALUE for every point")("jobs", po::value<int>()->default_value(0),
                                             "points run at once (0: one per core)");
    po::positional_options_description pos;
    pos.add("config", 1);
    ExploreArgs a;
    a.vm = parse_command_line(cmd, args, desc, pos);
    if (!a.vm.count("config")) throw InputError(fmt::format("accsim {}: missing CONFIG", cmd));
    if (!a.vm.count("vary"))
        throw InputError(fmt::format("accsim {}: needs at least one --vary", cmd));
    a.config = a.vm["config"].as<std::string>();
    if (a.vm.count("set")) a.sets = a.vm["set"].as<std::vector<std::string>>();
    for (const auto& v : a.vm["vary"].as<std::vector<std::string>>())
        a.axes.push_back(parse_axis(v));
    a.jobs = a.vm["jobs"].as<int>();
    if (a.jobs < 0) throw InputError("--jobs: must be 0 (one per core) or more");
    return a;
}

std::vector<Point> points_of(const ExploreArgs& a) {
    std::vector<Point> pts;
    for (auto& varied : grid(a.axes)) {
        Point p{a.config, a.sets, varied, {}};
        p.origins.assign(a.sets.size(), "--set");
        p.origins.resize(a.sets.size() + varied.size(), "--vary");
        p.sets.insert(p.sets.end(), varied.begin(), varied.end());
        pts.push_back(std::move(p));
    }
    return pts;
}

void report_failures(const std::vector<Point>& pts, const std::vector<PointResult>& res) {
    for (std::size_t i = 0; i < res.size(); ++i)
        if (res[i].exit_code != 0)
            std::cerr << fmt::format("point {} ({}) failed with exit code {}: {}\n", i + 1,
                                     pts[i].label(), res[i].exit_code, res[i].error_line());
}

// Each point's summary (null for a failed point).
std::vector<ojson> summaries_of(const std::vector<PointResult>& res) {
    std::vector<ojson> out;
    out.reserve(res.size());
    for (const auto& r : res) out.push_back(r.summary());
    return out;
}

// Summary field names over all points, in first-seen order.
std::vector<std::string> field_names(const std::vector<ojson>& summaries) {
    std::vector<std::string> names;
    std::set<std::string> seen;
    for (const auto& s : summaries) {
        if (!s.is_object()) continue;
        for (const auto& [k, v] : flatten(s))
            if (seen.insert(k).second) names.push_back(k);
    }
    return names;
}

ojson points_json(const std::vector<Point>& pts, const std::vector<PointResult>& res) {
    ojson arr = ojson::array();
    for (std::size_t i = 0; i < pts.size(); ++i) {
        ojson p;
        p["set"] = ojson::object();
        for (const auto& v : pts[i].varied) {
            auto eq = v.find('=');
            p["set"][v.substr(0, eq)] = v.substr(eq + 1);
        }
        p["exit_code"] = res[i].exit_code;
        if (res[i].exit_code == 0)
            p["report"] = res[i].report();
        else
            p["error"] = res[i].error_line();
        arr.push_back(std::move(p));
    }
    return arr;
}

std::string ratio(const ojson& v, const ojson& base) {
    if (!v.is_number() || !base.is_number()) return "";
    double b = base.get<double>();
    if (b == 0) return "";
    return fmt::format("{:.3f}", v.get<double>() / b);
}

} // namespace

int cmd_compare(const std::vector<std::string>& args) {
    po::options_description desc("compare");
    desc.add_options()("format", po::value<std::string>()->default_value("text"), "text|json|csv");
    ExploreArgs a = parse_explore("compare", args, desc);
    Format f = parse_format(a.vm["format"].as<std::string>());
    auto pts = points_of(a);
    PointRunOptions o;
    o.jobs = a.jobs;
    o.label = "compare";
    auto res = run_all(pts, o);
    report_failures(pts, res);

    if (f == Format::json) {
        ojson j;
        j["config"] = a.config;
        j["points"] = points_json(pts, res);
        std::cout << j.dump(2) << '\n';
        return combined_exit(res);
    }
    // One column per point, then a ratio column per later point against the first.
    std::vector<std::string> header{"field"};
    for (const auto& p : pts) header.push_back(p.label());
    for (std::size_t i = 1; i < pts.size(); ++i) header.push_back(fmt::format("ratio {}/1", i + 1));
    std::vector<std::vector<std::string>> rows{header};
    const std::vector<ojson> summaries = summaries_of(res);
    for (const auto& name : field_names(summaries)) {
        std::vector<ojson> vals;
        for (std::size_t i = 0; i < res.size(); ++i)
            vals.push_back(res[i].exit_code == 0 ? lookup_path(summaries[i], name) : ojson());
        std::vector<std::string> row{name};
        for (const auto& v : vals) row.push_back(f == Format::csv ? csv_value(v) : format_value(v));
        for (std::size_t i = 1; i < vals.size(); ++i) row.push_back(ratio(vals[i], vals[0]));
        rows.push_back(std::move(row));
    }
    if (f == Format::csv) {
        for (const auto& r : rows) {
            std::string line;
            for (std::size_t i = 0; i < r.size(); ++i) line += (i ? "," : "") + csv_escape(r[i]);
            std::cout << line << '\n';
        }
    } else {
        print_table(std::cout, rows, 0);
    }
    return combined_exit(res);
}

int cmd_sweep(const std::vector<std::string>& args) {
    po::options_description desc("sweep");
    desc.add_options()("out", po::value<std::string>(), "FILE.csv or FILE.json");
    add_point_options(desc);
    ExploreArgs a = parse_explore("sweep", args, desc);
    auto pts = points_of(a);
    const PointPlan plan = point_plan(a.vm, a.jobs, "sweep", "");
    if (!plan.emit_jobs.empty()) {
        emit_jobs(pts, plan, "sweep", args);
        return exit_ok;
    }
    std::string out_path = a.vm.count("out") ? a.vm["out"].as<std::string>() : "";
    bool json = out_path.size() >= 5 && out_path.substr(out_path.size() - 5) == ".json";
    if (!out_path.empty() && !json &&
        (out_path.size() < 4 || out_path.substr(out_path.size() - 4) != ".csv"))
        throw InputError(fmt::format("--out {}: must end in .csv or .json", out_path));
    auto res = obtain_results(pts, plan, "sweep", args);
    report_failures(pts, res);

    std::ostringstream s;
    if (json) {
        ojson j;
        j["config"] = a.config;
        j["axes"] = ojson::object();
        for (const auto& [k, vals] : a.axes) j["axes"][k] = vals;
        j["points"] = points_json(pts, res);
        s << j.dump(2) << '\n';
    } else {
        const std::vector<ojson> summaries = summaries_of(res);
        auto names = field_names(summaries);
        std::vector<std::string> header;
        for (const auto& [k, vals] : a.axes) header.push_back(k);
        header.push_back("exit_code");
        for (const auto& n : names) header.push_back("summary." + n);
        std::vector<std::vector<std::string>> rows{header};
        for (std::size_t i = 0; i < pts.size(); ++i) {
            std::vector<std::string> row;
            for (const auto& v : pts[i].varied) row.push_back(v.substr(v.find('=') + 1));
            row.push_back(std::to_string(res[i].exit_code));
            for (const auto& n : names)
                row.push_back(res[i].exit_code == 0 ? csv_value(lookup_path(summaries[i], n)) : "");
            rows.push_back(std::move(row));
        }
        if (out_path.empty()) {
            print_table(std::cout, rows, 0);
            return combined_exit(res);
        }
        for (const auto& r : rows) {
            std::string line;
            for (std::size_t i = 0; i < r.size(); ++i) line += (i ? "," : "") + csv_escape(r[i]);
            s << line << '\n';
        }
    }
    if (out_path.empty()) {
        std::cout << s.str();
    } else {
        std::ofstream f(out_path);
        if (!f) throw InputError(fmt::format("--out {}: cannot write file", out_path));
        f << s.str();
        check_written(f, "--out " + out_path);
        std::cerr << fmt::format("wrote {} points to {}\n", pts.size(), out_path);
    }
    return combined_exit(res);
}

} // namespace accsim
