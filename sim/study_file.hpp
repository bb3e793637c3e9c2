// A study file (docs/studies.md): its sweeps, published figures and plot, read and checked
// before any point runs.
#pragma once

#include "sim/explore.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace accsim {

struct Sweep {
    std::string name, config;
    std::vector<std::string> sets, set_origins; // origins: "study.ini:LINE" of each
    std::vector<Axis> axes;
    std::vector<std::string> axis_origins;
};

struct Published {
    std::string name, metric, kind, source, where_text, baseline_text;
    std::vector<std::string> where, baseline;
    int metric_line = 0, where_line = 0, baseline_line = 0;
    double value = 0;
    std::optional<double> tolerance;
};

struct Study {
    std::string path, name, title;
    std::vector<std::string> metrics;
    std::vector<Sweep> sweeps;
    std::vector<Published> published;
    std::map<std::string, std::string> plot;
    int metrics_line = 0;
    std::map<std::string, int> plot_lines;
};

// Reads and checks a study file; throws InputError naming the file and line.
Study read_study(const std::string& path);

// "FILE:LINE" of a study line (FILE alone for line 0).
std::string study_place(const Study& st, int line);

// The comma-separated KEY=VALUE assignments of a study line at `place`.
std::vector<std::string> assignments(const std::string& text, const std::string& place);

// Every point of every sweep (its sets: the sweep's, then its axes'), and the sweep each belongs
// to. Checks that each published `where` and `baseline` and the plot's `where` select a sweep or
// a key that some point sets.
struct StudyPoints {
    std::vector<Point> points;
    std::vector<std::string> sweep_of;
};
StudyPoints study_points(const Study& st);

} // namespace accsim
