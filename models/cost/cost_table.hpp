// A technology cost table (configs/tech/*.ini): named actions with an energy per action and named
// units with an area (and optional leakage). Architectures multiply their action counts by these
// energies and their unit counts by these areas; the table itself knows nothing of any
// architecture. Format:
//   [action.NAME]  energy_pj = 0.3   source = ...
//   [unit.NAME]    area_um2 = 417    leakage_uw = 0   source = ...
#pragma once

#include "common/options.hpp"

#include <map>
#include <string>

namespace accsim {

class CostTable {
public:
    struct Action {
        double energy_pj = 0;
        std::string source;
    };
    struct Unit {
        double area_um2 = 0;
        double leakage_uw = 0;
        std::string source;
    };

    // Reads and checks the file: unknown sections or keys, non-numbers and negative values throw
    // InputError naming the file and line.
    static CostTable load(const std::string& path);

    // Throw InputError naming the table and the missing name.
    double energy_pj(const std::string& action) const;
    const Unit& unit(const std::string& name) const;
    bool has_action(const std::string& name) const { return actions_.count(name) != 0; }
    const std::string& path() const { return path_; }

private:
    std::string path_;
    std::map<std::string, Action> actions_;
    std::map<std::string, Unit> units_;
};

// [tech] cost_table (registered from sim/registry.cpp).
void register_tech_options(OptionRegistry& reg);
// The table a config names (tech.cost_table, default configs/tech/45nm.ini).
CostTable load_cost_table(const Config& cfg);

} // namespace accsim
