// Large blocks on transparent huge pages. Touching a fresh block of ordinary pages costs one page
// fault per 4 KiB (about 2 us each on a virtual machine), which for the few large buffers of a run
// (SystemC's 3 MiB temporary heap, zeroed before main; the EIE encoder's tiles) is a sizeable part
// of a short run. A block of at least kMinBytes is mapped on its own, 2 MiB-aligned, rounded up to
// whole 2 MiB pages and advised MADV_HUGEPAGE, so it faults once per 2 MiB where the kernel allows
// (transparent_hugepage "madvise" or "always"); elsewhere it is an ordinary mapping.
//
// Freed blocks are kept for reuse up to kCacheBytes in all, so that a sweep's repeated runs do not
// fault the same buffers in again. sim/new_delete.cpp routes the executable's operator new and
// delete here; nothing else calls these.
#pragma once

#include <cstddef>

namespace accsim::large_pages {

inline constexpr std::size_t kPage = std::size_t{2} << 20;
inline constexpr std::size_t kMinBytes = std::size_t{1} << 20;
inline constexpr std::size_t kCacheBytes = std::size_t{64} << 20;
// Live and cached blocks tracked at once; a large request beyond them goes to malloc.
inline constexpr int kSlots = 64;

// A block of at least `bytes`, 2 MiB-aligned, or nullptr when `bytes` is below kMinBytes, no slot
// is free or the mapping fails (the caller then uses malloc).
void* allocate(std::size_t bytes) noexcept;

// Frees `p` and returns true if allocate() returned it; false (nothing done) otherwise.
bool release(void* p) noexcept;

// Bytes of freed blocks kept for reuse (tests).
std::size_t cached_bytes() noexcept;

} // namespace accsim::large_pages
