// The one place that knows every architecture and every model's options.
#pragma once

#include "arch/architecture.hpp"

#include <vector>

namespace accsim {

const std::vector<ArchInfo>& architectures();
// The architecture for a run.arch key; throws InputError naming the key when unknown.
const ArchInfo& find_architecture(const std::string& key);
// Every option: [run], [workload], each architecture's and each model's.
const OptionRegistry& option_registry();

} // namespace accsim
