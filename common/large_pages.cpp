#include "common/large_pages.hpp"

#include <cstdint>
#include <mutex>

#include <sys/mman.h>

namespace accsim::large_pages {
namespace {

struct Slot {
    void* p;
    std::size_t len;
    bool cached;
};

// Constant-initialised: allocate() runs during other libraries' static initialisation.
std::mutex lock;
Slot slots[kSlots];
std::size_t cached_total = 0;

void unmap(Slot& s) noexcept {
    munmap(s.p, s.len);
    if (s.cached) cached_total -= s.len;
    s = Slot{};
}

void* map(std::size_t len) noexcept {
    // Over-map by one page and trim both ends to a 2 MiB-aligned block.
    void* raw =
        mmap(nullptr, len + kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return nullptr;
    auto begin = reinterpret_cast<std::uintptr_t>(raw);
    std::uintptr_t aligned = (begin + kPage - 1) & ~(kPage - 1);
    if (aligned > begin) munmap(raw, aligned - begin);
    std::uintptr_t end = begin + len + kPage;
    if (end > aligned + len) munmap(reinterpret_cast<void*>(aligned + len), end - aligned - len);
    void* p = reinterpret_cast<void*>(aligned);
#ifdef MADV_HUGEPAGE
    madvise(p, len, MADV_HUGEPAGE); // advice only: without it the block is ordinary pages
#endif
    return p;
}

} // namespace

void* allocate(std::size_t bytes) noexcept {
    if (bytes < kMinBytes || bytes > SIZE_MAX / 2) return nullptr;
    // Whole huge pages when that adds at most a third of the request (SystemC's 3 MiB: 4 MiB); else
    // whole small pages, the 2 MiB-aligned stretches inside the block huge and the tail small.
    constexpr std::size_t small = 4096;
    const std::size_t huge = (bytes + kPage - 1) & ~(kPage - 1);
    const std::size_t len = huge - bytes <= bytes / 3 ? huge : (bytes + small - 1) & ~(small - 1);
    std::lock_guard<std::mutex> hold(lock);
    // The smallest cached block that fits without wasting more than the request itself.
    Slot* reuse = nullptr;
    Slot* empty = nullptr;
    for (Slot& s : slots) {
        if (s.p == nullptr) {
            if (empty == nullptr) empty = &s;
        } else if (s.cached && s.len >= len && s.len <= 2 * len &&
                   (reuse == nullptr || s.len < reuse->len)) {
            reuse = &s;
        }
    }
    if (reuse != nullptr) {
        reuse->cached = false;
        cached_total -= reuse->len;
        return reuse->p;
    }
    if (empty == nullptr) {
        // Every slot is taken: give up a cached block's slot, if there is one.
        for (Slot& s : slots)
            if (s.cached) {
                unmap(s);
                empty = &s;
                break;
            }
        if (empty == nullptr) return nullptr;
    }
    void* p = map(len);
    if (p != nullptr) *empty = Slot{p, len, false};
    return p;
}

bool release(void* p) noexcept {
    // malloc's blocks are rarely 2 MiB-aligned; only those need the table.
    if ((reinterpret_cast<std::uintptr_t>(p) & (kPage - 1)) != 0 || p == nullptr) return false;
    std::lock_guard<std::mutex> hold(lock);
    for (Slot& s : slots) {
        if (s.p != p || s.cached) continue;
        if (cached_total + s.len <= kCacheBytes) {
            s.cached = true;
            cached_total += s.len;
        } else {
            unmap(s);
        }
        return true;
    }
    return false;
}

std::size_t block_bytes(const void* p) noexcept {
    std::lock_guard<std::mutex> hold(lock);
    for (const Slot& s : slots)
        if (s.p == p && !s.cached) return s.len;
    return 0;
}

void drop_cached() noexcept {
    std::lock_guard<std::mutex> hold(lock);
    for (Slot& s : slots)
        if (s.cached) unmap(s);
}

std::size_t cached_bytes() noexcept {
    std::lock_guard<std::mutex> hold(lock);
    return cached_total;
}

} // namespace accsim::large_pages
