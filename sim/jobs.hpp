// Points beyond one process's run: results folders (a file per point, written as it finishes),
// --resume, --point-timeout, --emit-jobs (one self-contained shell command per point, for GNU
// parallel or a Slurm array), the hidden `point` subcommand those commands run, and `accsim
// gather`, which turns a results folder into exactly what the local sweep or study writes.
// docs/cli.md, "Sweeps beyond one machine".
#pragma once

#include "sim/explore.hpp"

#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace accsim {

// --results DIR, --resume, --point-timeout S, --emit-jobs FILE and the hidden --from-results DIR.
void add_point_options(boost::program_options::options_description& desc);

// What sweep and study do with their points, from those options.
struct PointPlan {
    PointRunOptions run;
    std::string emit_jobs;    // write the commands here and run nothing
    std::string from_results; // read every point's result from here and run nothing
};
// `default_results`: the folder used without --results ("" for none).
PointPlan point_plan(const boost::program_options::variables_map& vm, int jobs,
                     const std::string& label, const std::string& default_results);

// The points' results as the plan says: run here (writing the folder's manifest first when there
// is a results folder), or read from a results folder. `command` and `args` are the sweep's or
// study's own command line, recorded in the manifest for `accsim gather`.
std::vector<PointResult> obtain_results(const std::vector<Point>& points, const PointPlan& plan,
                                        const std::string& command,
                                        const std::vector<std::string>& args);

// Writes one command per point to plan.emit_jobs and the manifest to the results folder.
void emit_jobs(const std::vector<Point>& points, const PointPlan& plan, const std::string& command,
               const std::vector<std::string>& args);

// The manifest of a results folder (DIR/manifest.json), checked: InputError when it is missing or
// not one.
ojson read_results_manifest(const std::string& dir);

// accsim point --result FILE [--point-timeout S] -- ARGS...: runs one point and writes its result.
int cmd_point(const std::vector<std::string>& args);
// accsim gather DIR [--study STUDY.ini] [--out ...] [--no-plot]
int cmd_gather(const std::vector<std::string>& args);

} // namespace accsim
