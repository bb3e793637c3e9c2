#include "sim/study_file.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/options.hpp"
#include "common/text.hpp"
#include "sim/points.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <set>

namespace fs = std::filesystem;

namespace accsim {

std::vector<std::string> assignments(const std::string& text, const std::string& place) {
    std::vector<std::string> out;
    for (const auto& part : split(text, ',')) {
        if (part.empty()) continue;
        auto [k, v] = split_assignment(part, place);
        out.push_back(k + "=" + v);
    }
    return out;
}

Study read_study(const std::string& path) {
    Study s;
    s.path = path;
    s.name = fs::path(path).stem().string();
    std::string dir = fs::path(path).parent_path().string();
    std::map<std::string, Sweep> sweeps;
    std::vector<std::string> sweep_order;
    std::map<std::string, Published> pubs;
    std::vector<std::string> pub_order;
    std::map<std::string, std::string> pub_value_text;

    for (const auto& e : read_ini(path)) {
        std::string place = fmt::format("{}:{}", path, e.line);
        auto dot = e.key.rfind('.');
        std::string section = e.key.substr(0, dot), key = e.key.substr(dot + 1);
        auto unknown = [&](const std::vector<std::string>& keys) {
            throw InputError(fmt::format("{}: unknown key '{}' in [{}]{}", place, key, section,
                                         did_you_mean(key, keys)));
        };
        if (section == "study") {
            if (key == "name") {
                s.name = e.value;
                // The name becomes NAME.csv, NAME.json and NAME.png in the output folder.
                if (s.name.empty() || s.name == "." || s.name == ".." ||
                    s.name.find_first_of("/\\") != std::string::npos)
                    throw InputError(fmt::format("{}: name '{}' must be a plain file name (no "
                                                 "'/', not '..'): the study writes NAME.csv, "
                                                 "NAME.json and NAME.png",
                                                 place, s.name));
            } else if (key == "title")
                s.title = e.value;
            else if (key == "metrics") {
                s.metrics = split(e.value, ',');
                s.metrics_line = e.line;
            } else
                unknown({"name", "title", "metrics"});
        } else if (section.rfind("sweep.", 0) == 0) {
            std::string n = section.substr(6);
            if (!sweeps.count(n)) sweep_order.push_back(n);
            Sweep& w = sweeps[n];
            w.name = n;
            if (key == "config") {
                w.config = (fs::path(dir) / e.value).lexically_normal().string();
                if (!path_exists(w.config))
                    throw InputError(fmt::format("{}: config '{}' not found", place, w.config));
            } else if (key == "set") {
                for (auto& a : assignments(e.value, place)) {
                    w.sets.push_back(a);
                    w.set_origins.push_back(place);
                }
            } else if (key == "vary") {
                try {
                    w.axes.push_back(parse_axis(e.value));
                    w.axis_origins.push_back(place);
                } catch (const InputError& err) {
                    throw InputError(fmt::format("{}: {}", place, err.what()));
                }
            } else
                unknown({"config", "set", "vary"});
        } else if (section.rfind("published.", 0) == 0) {
            std::string n = section.substr(10);
            if (!pubs.count(n)) pub_order.push_back(n);
            Published& p = pubs[n];
            p.name = n;
            if (key == "metric") {
                p.metric = e.value;
                p.metric_line = e.line;
            } else if (key == "where") {
                p.where = assignments(e.value, place);
                p.where_text = e.value;
                p.where_line = e.line;
            } else if (key == "baseline") {
                p.baseline = assignments(e.value, place);
                p.baseline_text = e.value;
                p.baseline_line = e.line;
            } else if (key == "kind") {
                if (e.value != "value" && e.value != "change" && e.value != "ratio" &&
                    e.value != "difference")
                    throw InputError(
                        fmt::format("{}: kind must be value, change, ratio or difference", place));
                p.kind = e.value;
            } else if (key == "value") {
                auto v = parse_real(e.value);
                if (!v)
                    throw InputError(fmt::format("{}: value '{}' is not a number", place, e.value));
                p.value = *v;
                pub_value_text[n] = e.value;
            } else if (key == "tolerance") {
                auto v = parse_real(e.value);
                if (!v || *v < 0)
                    throw InputError(fmt::format("{}: tolerance must be a number >= 0", place));
                p.tolerance = *v;
            } else if (key == "source")
                p.source = e.value;
            else
                unknown({"metric", "where", "baseline", "kind", "value", "tolerance", "source"});
        } else if (section == "plot") {
            static const std::vector<std::string> keys{"x",      "y",     "series", "logx", "logy",
                                                       "hlines", "title", "where",  "flat"};
            if (std::find(keys.begin(), keys.end(), key) == keys.end()) unknown(keys);
            s.plot[key] = e.value;
            s.plot_lines[key] = e.line;
        } else {
            throw InputError(
                fmt::format("{}: unknown section [{}] (study, sweep.NAME, published.NAME, plot)",
                            place, section));
        }
    }
    for (const auto& n : sweep_order) {
        if (sweeps[n].config.empty())
            throw InputError(fmt::format("{}: [sweep.{}] has no config", path, n));
        s.sweeps.push_back(sweeps[n]);
    }
    if (s.sweeps.empty())
        throw InputError(fmt::format("{}: a study needs at least one [sweep.NAME]", path));
    for (const auto& n : pub_order) {
        Published p = pubs[n];
        if (p.metric.empty() || p.where.empty() || !pub_value_text.count(n))
            throw InputError(
                fmt::format("{}: [published.{}] needs metric, where and value", path, n));
        if (p.kind.empty()) p.kind = p.baseline.empty() ? "value" : "change";
        if (p.kind != "value" && p.baseline.empty())
            throw InputError(
                fmt::format("{}: [published.{}] kind {} needs a baseline", path, n, p.kind));
        s.published.push_back(p);
    }
    if (s.metrics.empty()) s.metrics = {"summary.cycles", "summary.latency_us"};
    return s;
}

std::string study_place(const Study& st, int line) {
    return line > 0 ? fmt::format("{}:{}", st.path, line) : st.path;
}

namespace {

// Each `where` (and `baseline`) entry names a sweep or one of `keys`, the keys some point sets.
void check_where(const Study& st, const std::vector<std::string>& want, int line,
                 const std::set<std::string>& keys, const std::vector<std::string>& sweep_of) {
    for (const auto& w : want) {
        const std::string key = w.substr(0, w.find('=')), value = w.substr(w.find('=') + 1);
        if (!keys.count(key))
            throw InputError(fmt::format("{}: '{}' is not a key any point of the study sets{}",
                                         study_place(st, line), key,
                                         did_you_mean(key, {keys.begin(), keys.end()})));
        if (key == "sweep" &&
            std::find(sweep_of.begin(), sweep_of.end(), value) == sweep_of.end()) {
            std::vector<std::string> names;
            for (const auto& sw : st.sweeps) names.push_back(sw.name);
            throw InputError(fmt::format("{}: no [sweep.{}] in the study{}", study_place(st, line),
                                         value, did_you_mean(value, names)));
        }
    }
}

} // namespace

StudyPoints study_points(const Study& st) {
    StudyPoints out;
    auto& points = out.points;
    auto& sweep_of = out.sweep_of;
    for (const auto& w : st.sweeps)
        for (auto& varied : grid(w.axes)) {
            Point p{w.config, w.sets, varied, w.set_origins};
            p.sets.insert(p.sets.end(), varied.begin(), varied.end());
            p.origins.insert(p.origins.end(), w.axis_origins.begin(), w.axis_origins.end());
            points.push_back(std::move(p));
            sweep_of.push_back(w.name);
        }
    // The keys the points set: every sweep's fixed ones and its axes' (a point sets exactly
    // those of its sweep).
    std::set<std::string> keys{"sweep"};
    for (const auto& w : st.sweeps) {
        for (const auto& a : w.sets) keys.insert(a.substr(0, a.find('=')));
        for (const auto& a : w.axes) keys.insert(a.first);
    }
    for (const auto& p : st.published) {
        check_where(st, p.where, p.where_line, keys, sweep_of);
        check_where(st, p.baseline, p.baseline_line, keys, sweep_of);
    }
    for (const char* key : {"where", "flat"})
        if (st.plot.count(key))
            check_where(st, assignments(st.plot.at(key), study_place(st, st.plot_lines.at(key))),
                        st.plot_lines.at(key), keys, sweep_of);
    return out;
}

} // namespace accsim
