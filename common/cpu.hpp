// What the processor running accsim offers beyond the x86-64 baseline the build targets, for the
// few loops that have a faster form (compiled with __attribute__((target(...))) and chosen at run
// time). Results never depend on the form taken.
#pragma once

namespace accsim {

// Set (by tests) to run the baseline forms whatever the processor has.
inline bool& baseline_only() {
    static bool yes = false;
    return yes;
}

// Whether the processor has an x86 feature (a string literal, as __builtin_cpu_supports takes).
#if defined(__x86_64__) || defined(__i386__)
#define ACCSIM_CPU_HAS(feature) __builtin_cpu_supports(feature)
#else
#define ACCSIM_CPU_HAS(feature) false
#endif

inline bool have_avx2() {
    static const bool yes = ACCSIM_CPU_HAS("avx2");
    return yes && !baseline_only();
}

inline bool have_avx512f() {
    static const bool yes = ACCSIM_CPU_HAS("avx512f");
    return yes && !baseline_only();
}

} // namespace accsim
