#include "sim/registry.hpp"

#include "arch/dataflow/dataflow.hpp"
#include "arch/eie/eie.hpp"
#include "arch/pe_array/pe_array.hpp"
#include "arch/roofline/roofline.hpp"
#include "common/error.hpp"
#include "common/text.hpp"
#include "models/cost/cost_table.hpp"
#include "models/dram/dram_config.hpp"
#include "workloads/workload.hpp"

#include <fmt/format.h>

namespace accsim {

const std::vector<ArchInfo>& architectures() {
    static const std::vector<ArchInfo> list{
        roofline::info(),
        dataflow::info(),
        pe_array::info(),
        eie::info(),
    };
    return list;
}

const ArchInfo& find_architecture(const std::string& key) {
    std::vector<std::string> keys;
    for (const auto& a : architectures()) {
        if (a.key == key) return a;
        keys.push_back(a.key);
    }
    throw InputError(
        fmt::format("run.arch: unknown architecture '{}'{}", key, did_you_mean(key, keys)));
}

namespace {

void register_run_options(OptionRegistry& reg) {
    std::vector<std::string> arch_keys;
    for (const auto& a : architectures()) arch_keys.push_back(a.key);
    reg.add("run.arch", OptType::string, "roofline", "", "architecture to simulate")
        .one_of(arch_keys);
    reg.add("run.workload", OptType::string, "resnet8", "",
            "built-in workload name (accsim workloads list) or path to a .csv trace, a SCALE-Sim "
            "topology or an .onnx model (ONNX or QONNX)")
        .path();
    reg.add("run.skip", OptType::string, "keep", "",
            "skip connections: keep, remove or shorten (Tailor)")
        .one_of({"keep", "remove", "shorten"});
    reg.add("run.seed", OptType::integer, "1", "", "seed of every random choice (weights, inputs)")
        .range(0, 4294967295.0);
    reg.add("run.batch", OptType::integer, "1", "inputs",
            "inputs (images, vectors) run back to back")
        .range(1, 1e6);
    reg.add("run.max_memory_mib", OptType::real, "auto", "MiB",
            "memory a run may take; a run that would need more is refused before it allocates "
            "(auto: half of this machine's memory)")
        .range(1, 1e9)
        .one_of({"auto"});
}

OptionRegistry build_registry() {
    OptionRegistry reg;
    register_run_options(reg);
    register_workload_options(reg);
    register_dram_options(reg);
    register_tech_options(reg);
    for (const auto& a : architectures()) a.register_options(reg);
    // Ranges in which the models' arithmetic is exact: clock periods of at least 1 ps (SystemC's
    // time resolution), memories whose byte counts fit 64 bits with room to spare.
    for (const auto& o : reg.all()) {
        Option& opt = *reg.find(o.key);
        const double ceiling = o.unit == "MHz" ? 1e6 : o.unit == "KiB" ? 1e9 : 0;
        if (ceiling > 0 && (!opt.max || *opt.max > ceiling)) opt.max = ceiling;
    }
    // Who reads each key: an architecture reads its own section and the shared keys it names.
    for (const auto& o : reg.all()) {
        const std::string head = o.key.substr(0, o.key.find('.'));
        std::vector<std::string> readers;
        for (const auto& a : architectures()) {
            bool reads = a.key == head;
            for (const auto& pattern : a.shared_keys)
                reads = reads || key_matches_pattern(pattern, o.key);
            if (reads) readers.push_back(a.key);
        }
        if (readers.empty()) throw std::logic_error("no architecture reads option " + o.key);
        reg.find(o.key)->readers = readers;
    }
    return reg;
}

} // namespace

const OptionRegistry& option_registry() {
    static const OptionRegistry reg = build_registry();
    return reg;
}

} // namespace accsim
