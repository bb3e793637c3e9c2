#include "common/memory_budget.hpp"

#include "common/error.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace accsim {

void MemoryBudget::start(double limit_bytes, std::string origin) {
    limit_ = limit_bytes;
    claimed_ = 0;
    origin_ = std::move(origin);
}

void MemoryBudget::claim(double bytes, const std::string& what) {
    claimed_ += bytes;
    if (limit_ > 0 && claimed_ > limit_)
        throw InputError(fmt::format(
            "{}: needs about {:.0f} MiB, which takes the run to {:.0f} MiB, above "
            "run.max_memory_mib = {:.0f} ({}); raise it if this machine has the memory",
            what, bytes / 1048576.0, claimed_ / 1048576.0, limit_ / 1048576.0, origin_));
}

MemoryBudget& memory_budget() {
    static MemoryBudget budget;
    return budget;
}

namespace {
double g_default_limit = 0; // 0: from the machine
} // namespace

void set_default_memory_limit(double bytes) {
    g_default_limit = bytes;
}

double default_memory_limit() {
    if (g_default_limit > 0) return g_default_limit;
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page <= 0) return 4.0 * 1024 * 1024 * 1024; // unknown: 4 GiB
    return double(pages) * double(page) / 2;
}

} // namespace accsim
