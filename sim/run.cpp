#include "sim/run.hpp"

#include "common/text.hpp"
#include "sim/registry.hpp"
#include "workloads/workload.hpp"

namespace accsim {

Config load_run_config(const std::string& path, const std::vector<std::string>& overrides) {
    return load_config(option_registry(), path, overrides);
}

namespace {

ojson typed_value(const Option* opt, const std::string& v) {
    if (opt) {
        if (opt->type == OptType::integer)
            if (auto i = parse_int(v)) return *i;
        if (opt->type == OptType::real)
            if (auto r = parse_real(v)) return *r;
        if (opt->type == OptType::boolean)
            if (auto b = parse_bool(v)) return *b;
    }
    return v;
}

} // namespace

Report run_simulation(const Config& cfg) {
    const ArchInfo& arch = find_architecture(cfg.get_string("run.arch"));
    Graph graph = load_workload(cfg);

    Report report;
    auto& doc = report.doc();
    for (const auto& [k, v] : cfg.values())
        doc["config"][k] = typed_value(cfg.registry().find(k), v.value);
    doc["arch"] = arch.key;
    doc["workload"]["name"] = graph.name;
    doc["workload"]["skip"] = cfg.get_string("run.skip");
    doc["workload"]["layers"] = graph.layers.size();
    doc["workload"]["macs"] = graph.macs();
    doc["workload"]["weights"] = graph.weights();

    auto model = arch.make();
    model->run(cfg, graph, report);
    return report;
}

} // namespace accsim
