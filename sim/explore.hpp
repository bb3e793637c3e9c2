// Shared by compare, sweep and study: a set of points, each a config plus --set overrides, run in
// child processes.
#pragma once

#include "common/options.hpp"
#include "sim/points.hpp"

#include <string>
#include <vector>

namespace accsim {

struct Point {
    std::string config;
    std::vector<std::string> sets;   // "section.key=value", fixed ones first, then the varied ones
    std::vector<std::string> varied; // the varied subset, for labels
    // Where each of `sets` was given ("--set", "--vary", "study.ini:12"); missing ones: "--set".
    std::vector<std::string> origins;
    std::string label() const;
    std::vector<Override> overrides() const;
};

// Checks every point's config in this process first (so a typo fails fast, once): every key and
// value, and that each key the user set is read by at least one point's architecture.
void check_points(const std::vector<Point>& points);
// Checks the points, then runs them.
std::vector<PointResult> run_all(const std::vector<Point>& points, const PointRunOptions& o);
std::vector<std::string> run_args(const Point& p);
// Looks up a dotted path ("summary.cycles", "config.eie.pes") in a report.
ojson lookup_path(const ojson& report, const std::string& dotted);
// Exit code of a set of points: 0 when all succeeded, else the first failing point's.
int combined_exit(const std::vector<PointResult>& results);

} // namespace accsim
