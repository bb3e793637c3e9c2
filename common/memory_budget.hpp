// The memory a run may take: run.max_memory_mib (default `auto`, half of this machine's memory).
// Whatever a run allocates in proportion to its input (sparse weights, tiles, a sweep's points)
// claims its bytes before it allocates them; a claim that takes the run above the limit throws
// InputError naming what claimed and the key, so an absurd layer is exit 2 at once instead of
// minutes of swapping and a bad_alloc. Small, fixed-size data is not claimed.
#pragma once

#include <algorithm>
#include <string>

namespace accsim {

class MemoryBudget {
public:
    // Starts a run with a limit in bytes; `origin` says where the limit was set (for messages).
    void start(double limit_bytes, std::string origin);
    // Claims `bytes` for `what` ("layer fc1: 3.2e9 non-zero weights"); throws InputError when the
    // run's claims exceed the limit.
    void claim(double bytes, const std::string& what);
    // Gives back what a claim took once its data is freed.
    void release(double bytes) { claimed_ = std::max(0.0, claimed_ - bytes); }
    double claimed() const { return claimed_; }

private:
    double limit_ = 0, claimed_ = 0; // limit 0: no run started, nothing is checked
    std::string origin_;
};

// The process's budget (one run at a time per process).
MemoryBudget& memory_budget();

// Claims of data that lives only while a function runs, given back when it returns.
class ScopedClaim {
public:
    ScopedClaim() = default;
    ScopedClaim(double bytes, const std::string& what) { take(bytes, what); }
    ScopedClaim(const ScopedClaim&) = delete;
    ScopedClaim& operator=(const ScopedClaim&) = delete;
    ~ScopedClaim() { memory_budget().release(bytes_); }
    // Claims `bytes` more (memory_budget().claim: throws InputError above the limit).
    void take(double bytes, const std::string& what) {
        memory_budget().claim(bytes, what);
        bytes_ += bytes;
    }

private:
    double bytes_ = 0;
};

// Half of the machine's physical memory, in bytes (run.max_memory_mib = auto, and the bound of a
// sweep's or study's grid).
double default_memory_limit();
// Makes default_memory_limit() `bytes` instead (0: the machine's again): for a process that may
// use less than the machine has, as a fuzz target under its RSS limit.
void set_default_memory_limit(double bytes);

} // namespace accsim
