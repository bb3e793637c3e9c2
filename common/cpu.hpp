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

inline bool have_avx2() {
#if defined(__x86_64__) || defined(__i386__)
    static const bool yes = __builtin_cpu_supports("avx2");
    return yes && !baseline_only();
#else
    return false;
#endif
}

inline bool have_avx512f() {
#if defined(__x86_64__) || defined(__i386__)
    static const bool yes = __builtin_cpu_supports("avx512f");
    return yes && !baseline_only();
#else
    return false;
#endif
}

} // namespace accsim
