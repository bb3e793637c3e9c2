#include "models/cost/cost_table.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/text.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace accsim {

CostTable CostTable::load(const std::string& path) {
    CostTable t;
    t.path_ = path;
    for (const auto& e : read_ini(path)) {
        const std::string place = fmt::format("{}:{}", path, e.line);
        auto dot = e.key.rfind('.');
        std::string section = e.key.substr(0, dot), key = e.key.substr(dot + 1);
        auto number = [&]() {
            auto v = parse_real(e.value);
            if (!v || *v < 0)
                throw InputError(
                    fmt::format("{}: {} = '{}' must be a number >= 0", place, key, e.value));
            return *v;
        };
        if (section.rfind("action.", 0) == 0) {
            Action& a = t.actions_[section.substr(7)];
            if (key == "energy_pj")
                a.energy_pj = number();
            else if (key == "source")
                a.source = e.value;
            else
                throw InputError(fmt::format("{}: unknown key '{}' in [{}] (energy_pj, source)",
                                             place, key, section));
        } else if (section.rfind("unit.", 0) == 0) {
            Unit& u = t.units_[section.substr(5)];
            if (key == "area_um2")
                u.area_um2 = number();
            else if (key == "leakage_uw")
                u.leakage_uw = number();
            else if (key == "source")
                u.source = e.value;
            else
                throw InputError(
                    fmt::format("{}: unknown key '{}' in [{}] (area_um2, leakage_uw, source)",
                                place, key, section));
        } else {
            throw InputError(fmt::format(
                "{}: unknown section [{}] (a cost table has [action.NAME] and [unit.NAME])", place,
                section));
        }
    }
    return t;
}

double CostTable::energy_pj(const std::string& action) const {
    auto it = actions_.find(action);
    if (it == actions_.end()) {
        std::vector<std::string> names;
        for (const auto& [n, a] : actions_) names.push_back(n);
        throw InputError(fmt::format("{}: no [action.{}] in the cost table{}", path_, action,
                                     did_you_mean(action, names)));
    }
    return it->second.energy_pj;
}

const CostTable::Unit& CostTable::unit(const std::string& name) const {
    auto it = units_.find(name);
    if (it == units_.end()) {
        std::vector<std::string> names;
        for (const auto& [n, u] : units_) names.push_back(n);
        throw InputError(fmt::format("{}: no [unit.{}] in the cost table{}", path_, name,
                                     did_you_mean(name, names)));
    }
    return it->second;
}

void register_tech_options(OptionRegistry& reg) {
    reg.add("tech.cost_table", OptType::string, "", "",
            "cost table of energies per action and areas per unit (default "
            "configs/tech/45nm.ini)")
        .path();
}

CostTable load_cost_table(const Config& cfg) {
    std::string path = cfg.get_path("tech.cost_table");
    if (cfg.get_string("tech.cost_table").empty())
        path = (std::filesystem::path(data_dir()) / "configs" / "tech" / "45nm.ini").string();
    if (!path_exists(path))
        throw InputError(fmt::format("{}: tech.cost_table: file '{}' not found",
                                     cfg.at("tech.cost_table").origin, path));
    return CostTable::load(path);
}

} // namespace accsim
