// Large blocks on transparent huge pages. Touching a fresh block of ordinary pages costs one page
// fault per 4 KiB (1.4 to 2 us each on the development machine, a virtual machine), which for a
// short run's large buffers (SystemC's 3 MiB temporary heap, zeroed before main: about 2 ms) is
// a sizeable part of it. A block of at least kMinBytes is mapped on its own, 2 MiB-aligned, and
// advised MADV_HUGEPAGE, so that each whole 2 MiB of it faults once where the kernel allows
// (transparent_hugepage "madvise" or "always"); the rest of it, and the whole block elsewhere, is
// ordinary pages. A block is rounded up to whole huge pages only when that adds at most a third
// of its size (SystemC's 3 MiB: 4). ResNet-50's ONNX import peaked at 179 MB with every block
// rounded up, 153 MB with at most half added, 143 MB with at most a third (131 MB with none).
//
// Freed blocks are kept for reuse up to kCacheBytes in all: a vector that grows frees its old
// block, and a run repeats such buffers (Alex-6 on the EIE, series in different minutes: 0.097 s
// without the cache, 0.074 to 0.085 s with it; 16 MiB did as well as 64 in two alternating
// series and kept 4 MB less at the ONNX import's peak). sim/new_delete.cpp routes the
// executable's operator new and delete here; nothing else calls these but tests.
#pragma once

#include <cstddef>

namespace accsim::large_pages {

inline constexpr std::size_t kPage = std::size_t{2} << 20;
inline constexpr std::size_t kMinBytes = std::size_t{1} << 20;
inline constexpr std::size_t kCacheBytes = std::size_t{16} << 20;
// Live and cached blocks tracked at once; a large request beyond them goes to malloc.
inline constexpr int kSlots = 64;

// A block of at least `bytes`, 2 MiB-aligned, or nullptr when `bytes` is below kMinBytes, no slot
// is free or the mapping fails (the caller then uses malloc).
void* allocate(std::size_t bytes) noexcept;

// Frees `p` and returns true if allocate() returned it; false (nothing done) otherwise.
bool release(void* p) noexcept;

// For tests: the bytes of freed blocks kept for reuse; the length of live block p (0 if p is
// none); unmapping every kept block.
std::size_t cached_bytes() noexcept;
std::size_t block_bytes(const void* p) noexcept;
void drop_cached() noexcept;

} // namespace accsim::large_pages
