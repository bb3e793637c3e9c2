#include "sim/jobs.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "sim/cli.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace accsim {

namespace {

constexpr const char* manifest_name = "manifest.json";

// The options that decide how and where points run rather than what they are: left out of the
// command line a manifest records, so that `gather` replays only what shapes the output.
const std::vector<std::string> with_value{"--results",      "--point-timeout", "--emit-jobs",
                                          "--from-results", "--jobs",          "--out"};
const std::vector<std::string> flags{"--resume", "--no-plot"};

std::vector<std::string> defining_args(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const std::string name = a.substr(0, a.find('='));
        if (std::find(flags.begin(), flags.end(), a) != flags.end()) continue;
        if (std::find(with_value.begin(), with_value.end(), name) != with_value.end()) {
            if (a.find('=') == std::string::npos) ++i; // "--out FILE"
            continue;
        }
        out.push_back(a);
    }
    return out;
}

std::string absolute(const std::string& path) {
    return fs::absolute(path).lexically_normal().string();
}

void write_manifest(const std::string& dir, const std::string& command,
                    const std::vector<std::string>& args, std::size_t points) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir, ec) || ec)
        throw InputError(fmt::format("--results {}: cannot create the folder", dir));
    ojson m;
    m["accsim_results"] = 1;
    m["command"] = command;
    m["args"] = defining_args(args);
    m["cwd"] = fs::current_path().string();
    m["points"] = points;
    const std::string path = (fs::path(dir) / manifest_name).string();
    std::ofstream out(path);
    if (!out) throw InputError(fmt::format("{}: cannot write the manifest", path));
    out << m.dump(2) << '\n';
    check_written(out, path);
}

} // namespace

ojson read_results_manifest(const std::string& dir) {
    const std::string path = (fs::path(dir) / manifest_name).string();
    if (!path_exists(path))
        throw InputError(fmt::format("{}: no {} (a results folder is written by sweep or study "
                                     "with --results DIR or --emit-jobs FILE --results DIR)",
                                     dir, manifest_name));
    std::ifstream in = open_input_file(path, max_config_bytes);
    ojson m;
    try {
        m = ojson::parse(in);
    } catch (const std::exception& e) {
        throw InputError(fmt::format("{}: not a results manifest: {}", path, e.what()));
    }
    if (!m.is_object() || !m.contains("accsim_results") || m["accsim_results"] != 1 ||
        !m.contains("command") || !m["command"].is_string() || !m.contains("args") ||
        !m["args"].is_array() || !m.contains("points"))
        throw InputError(fmt::format("{}: not a results manifest (accsim_results, command, args, "
                                     "points)",
                                     path));
    for (const auto& a : m["args"])
        if (!a.is_string()) throw InputError(fmt::format("{}: args must be strings", path));
    return m;
}

namespace {

std::vector<PointResult> read_results(const std::vector<Point>& points, const std::string& dir) {
    std::vector<PointResult> res;
    std::vector<std::string> missing;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const std::string path = (fs::path(dir) / point_result_name(i)).string();
        auto r = read_point_result(path, run_args(points[i]));
        if (!r) {
            missing.push_back(point_result_name(i));
            res.emplace_back();
            continue;
        }
        res.push_back(std::move(*r));
    }
    if (!missing.empty()) {
        const std::size_t shown = std::min<std::size_t>(missing.size(), 5);
        std::string list;
        for (std::size_t i = 0; i < shown; ++i) list += (i ? ", " : "") + missing[i];
        throw InputError(fmt::format("{}: {} of {} points have no result of this {} ({}{}); run "
                                     "their jobs, or the {} again with --results {} --resume",
                                     dir, missing.size(), points.size(),
                                     missing.size() == points.size() ? "run" : "run yet", list,
                                     missing.size() > shown ? ", ..." : "", "sweep or study", dir));
    }
    return res;
}

} // namespace

void add_point_options(po::options_description& desc) {
    desc.add_options()("results", po::value<std::string>(),
                       "folder for each point's result, written as the point finishes")(
        "resume", "do not run the points whose result is in --results already")(
        "point-timeout", po::value<double>(), "seconds a point may run before it is stopped")(
        "emit-jobs", po::value<std::string>(),
        "write one shell command per point to FILE (each writes its result into --results "
        "DIR) and run nothing")("from-results", po::value<std::string>(),
                                "(used by accsim gather) read the points' results from DIR");
}

PointPlan point_plan(const po::variables_map& vm, int jobs, const std::string& label,
                     const std::string& default_results) {
    PointPlan p;
    p.run.jobs = jobs;
    p.run.label = label;
    p.run.results_dir = vm.count("results") ? vm["results"].as<std::string>() : default_results;
    p.run.resume = vm.count("resume") > 0;
    if (vm.count("point-timeout")) {
        p.run.point_timeout_s = vm["point-timeout"].as<double>();
        if (!(p.run.point_timeout_s > 0)) throw InputError("--point-timeout: seconds above 0");
    }
    if (vm.count("emit-jobs")) {
        p.emit_jobs = vm["emit-jobs"].as<std::string>();
        if (!vm.count("results"))
            throw InputError("--emit-jobs: needs --results DIR, the folder each job writes its "
                             "result into");
        if (p.run.resume) throw InputError("--resume: runs points; --emit-jobs runs none");
    }
    if (vm.count("from-results")) p.from_results = vm["from-results"].as<std::string>();
    if (p.run.resume && !vm.count("results") && default_results.empty())
        throw InputError("--resume: needs --results DIR, the folder of the earlier run");
    return p;
}

std::vector<PointResult> obtain_results(const std::vector<Point>& points, const PointPlan& plan,
                                        const std::string& command,
                                        const std::vector<std::string>& args) {
    if (!plan.from_results.empty()) return read_results(points, plan.from_results);
    if (!plan.run.results_dir.empty())
        write_manifest(plan.run.results_dir, command, args, points.size());
    return run_all(points, plan.run);
}

void emit_jobs(const std::vector<Point>& points, const PointPlan& plan, const std::string& command,
               const std::vector<std::string>& args) {
    check_points(points);
    std::ofstream out(plan.emit_jobs);
    if (!out) throw InputError(fmt::format("--emit-jobs {}: cannot write file", plan.emit_jobs));
    // Self-contained: the folder the paths are relative to, the executable and the result file
    // are absolute.
    const std::string prefix = fmt::format(
        "cd {} && {} point", shell_quote(fs::current_path().string()), shell_quote(self_exe()));
    const std::string dir = absolute(plan.run.results_dir);
    for (std::size_t i = 0; i < points.size(); ++i) {
        std::string line = fmt::format(
            "{} --result {}", prefix, shell_quote((fs::path(dir) / point_result_name(i)).string()));
        if (plan.run.point_timeout_s > 0)
            line += fmt::format(" --point-timeout {}", plan.run.point_timeout_s);
        line += " --";
        for (const auto& s : run_args(points[i])) line += " " + shell_quote(s);
        out << line << '\n';
    }
    check_written(out, "--emit-jobs " + plan.emit_jobs);
    write_manifest(plan.run.results_dir, command, args, points.size());
    std::cerr << fmt::format("wrote {} jobs to {}; each writes its result into {}; then: accsim "
                             "gather {}\n",
                             points.size(), plan.emit_jobs, plan.run.results_dir,
                             plan.run.results_dir);
}

int cmd_point(const std::vector<std::string>& args) {
    std::string result;
    double timeout = 0;
    std::size_t i = 0;
    for (; i < args.size() && args[i] != "--"; ++i) {
        if (args[i] == "--result" && i + 1 < args.size()) {
            result = args[++i];
        } else if (args[i] == "--point-timeout" && i + 1 < args.size()) {
            try {
                timeout = std::stod(args[++i]);
            } catch (const std::exception&) {
                throw InputError(
                    fmt::format("accsim point: --point-timeout '{}': not a number", args[i]));
            }
        } else {
            throw InputError(fmt::format("accsim point: unknown argument '{}' (usage: accsim "
                                         "point --result FILE [--point-timeout S] -- ARGS...)",
                                         args[i]));
        }
    }
    if (result.empty() || i == args.size() || i + 1 == args.size())
        throw InputError("accsim point: usage: accsim point --result FILE [--point-timeout S] -- "
                         "run CONFIG ...");
    const std::vector<std::string> point_args(args.begin() + long(i) + 1, args.end());
    const PointResult r = run_one_point(point_args, timeout);
    write_point_result(result, point_args, r);
    if (r.exit_code != 0) std::cerr << r.error_line() << '\n';
    return r.exit_code;
}

int cmd_gather(const std::vector<std::string>& args) {
    po::options_description desc("gather");
    desc.add_options()("dir", po::value<std::string>(), "results folder")(
        "study", po::value<std::string>(), "the study file, when it has moved")(
        "out", po::value<std::string>(),
        "as sweep's or study's --out")("no-plot", "(study) do not draw the plot");
    po::positional_options_description pos;
    pos.add("dir", 1);
    const po::variables_map vm = parse_command_line("gather", args, desc, pos);
    if (!vm.count("dir")) throw InputError("accsim gather: missing DIR (a results folder)");
    const std::string dir = absolute(vm["dir"].as<std::string>());
    const ojson m = read_results_manifest(dir);
    const std::string command = m["command"].get<std::string>();
    if (command != "sweep" && command != "study")
        throw InputError(fmt::format("{}/{}: command '{}' is neither sweep nor study", dir,
                                     manifest_name, command));
    std::vector<std::string> replay = m["args"].get<std::vector<std::string>>();
    if (vm.count("study")) {
        if (command != "study" || replay.empty())
            throw InputError(fmt::format("--study: {} holds a {}, not a study", dir, command));
        replay[0] = absolute(vm["study"].as<std::string>());
    }
    if (vm.count("no-plot")) {
        if (command != "study") throw InputError("--no-plot: only a study draws a plot");
        replay.push_back("--no-plot");
    }
    if (vm.count("out")) {
        replay.push_back("--out");
        replay.push_back(absolute(vm["out"].as<std::string>()));
    }
    replay.push_back("--from-results");
    replay.push_back(dir);
    // The recorded paths are relative to the folder the sweep or study was started in.
    const std::string cwd =
        m.contains("cwd") && m["cwd"].is_string() ? m["cwd"].get<std::string>() : std::string();
    std::error_code ec;
    if (!cwd.empty() && fs::is_directory(cwd, ec) && !ec) fs::current_path(cwd, ec);
    return command == "sweep" ? cmd_sweep(replay) : cmd_study(replay);
}

} // namespace accsim
