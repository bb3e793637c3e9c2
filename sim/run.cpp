#include "sim/run.hpp"

#include "common/error.hpp"
#include "common/memory_budget.hpp"
#include "common/text.hpp"
#include "sim/registry.hpp"
#include "workloads/workload.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace accsim {

Config load_run_config(const std::string& path, const std::vector<std::string>& overrides) {
    return load_config(option_registry(), path, overrides);
}

Config load_run_config(const std::string& path, const std::vector<Override>& overrides) {
    return load_config(option_registry(), path, overrides);
}

bool key_is_read(const Config& cfg, const std::string& key) {
    const Option* opt = cfg.registry().find(key);
    if (!opt) return false;
    const auto& r = opt->readers;
    return std::find(r.begin(), r.end(), cfg.get_string("run.arch")) != r.end();
}

std::vector<std::string> unread_keys(const Config& cfg) {
    std::vector<std::string> out;
    for (const auto& [k, v] : cfg.values())
        if (v.user_set() && !key_is_read(cfg, k)) out.push_back(k);
    return out;
}

std::string unread_key_message(const Config& cfg, const std::string& key,
                               const std::string& context) {
    const auto& v = cfg.at(key);
    const Option* opt = cfg.registry().find(key);
    return fmt::format("{}: {} = {} is not read {} (run.arch = {} read{} it): remove it, or run "
                       "an architecture that reads it",
                       v.origin, key, v.value, context, fmt::join(opt->readers, ", "),
                       opt->readers.size() == 1 ? "s" : "");
}

void require_keys_read(const Config& cfg) {
    std::vector<std::string> messages;
    for (const auto& k : unread_keys(cfg))
        messages.push_back(unread_key_message(
            cfg, k, fmt::format("by run.arch = {}", cfg.get_string("run.arch"))));
    if (!messages.empty()) throw InputError(fmt::format("{}", fmt::join(messages, "; ")));
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
    {
        const ConfigValue& m = cfg.at("run.max_memory_mib");
        memory_budget().start(cfg.is_word("run.max_memory_mib", "auto")
                                  ? default_memory_limit()
                                  : cfg.get_real("run.max_memory_mib") * 1048576.0,
                              m.user_set() ? m.origin : "auto: half of this machine's memory");
    }
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
