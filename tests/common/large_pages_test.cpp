#include "common/large_pages.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <doctest/doctest.h>
#include <fstream>
#include <string>
#include <vector>

#include <sys/mman.h>

using namespace accsim;
namespace lp = accsim::large_pages;

namespace {

constexpr std::size_t MiB = std::size_t{1} << 20;

bool aligned(void* p) {
    return (reinterpret_cast<std::uintptr_t>(p) & (lp::kPage - 1)) == 0;
}

// The VmFlags line of the mapping that starts at p, from /proc/self/smaps ("" if none starts
// there).
std::string vm_flags_of(void* p) {
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool in = false;
    const auto start = reinterpret_cast<std::uintptr_t>(p);
    while (std::getline(smaps, line)) {
        unsigned long long from = 0, to = 0;
        if (std::sscanf(line.c_str(), "%llx-%llx ", &from, &to) == 2) { // a mapping's first line
            in = from == start;
        } else if (in && line.rfind("VmFlags:", 0) == 0) {
            return line;
        }
    }
    return "";
}

} // namespace

TEST_CASE("small requests and other allocators' blocks are left alone") {
    CHECK(lp::allocate(lp::kMinBytes - 1) == nullptr);
    CHECK(lp::allocate(0) == nullptr);
    // malloc's block, even when it happens to be 2 MiB-aligned, is not released.
    void* m = std::malloc(64);
    CHECK_FALSE(lp::release(m));
    std::free(m);
    CHECK_FALSE(lp::release(nullptr));
}

TEST_CASE("a large block is 2 MiB-aligned, advised huge pages and kept for reuse") {
    // SystemC's temporary heap: 3 MiB, rounded up to two whole 2 MiB pages (1 MiB more is at
    // most a third of the request).
    lp::drop_cached(); // a fresh mapping, whatever ran before in this process
    void* p = lp::allocate(3 * MiB);
    REQUIRE(p != nullptr);
    CHECK(aligned(p));
    CHECK(lp::block_bytes(p) == 4 * MiB);
    std::memset(p, 0xA5, 4 * MiB); // the rounding is the caller's to use: no fault, no neighbour
    CHECK(static_cast<unsigned char*>(p)[4 * MiB - 1] == 0xA5);
#ifdef MADV_HUGEPAGE
    std::ifstream thp("/sys/kernel/mm/transparent_hugepage/enabled");
    if (thp) CHECK(vm_flags_of(p).find(" hg") != std::string::npos); // VM_HUGEPAGE
#endif
    const std::size_t before = lp::cached_bytes();
    CHECK(lp::release(p));
    CHECK(lp::cached_bytes() == before + 4 * MiB);
    CHECK_FALSE(lp::release(p)); // freed twice: not a live block any more

    // Reused by a request it fits without wasting more than the request: here 2 MiB + 4 KiB,
    // which is not rounded up (to 4 MiB would add nearly all of it again).
    void* q = lp::allocate(2 * MiB + 4096);
    CHECK(q == p);
    CHECK(lp::cached_bytes() == before);
    CHECK(lp::release(q));
    void* big = lp::allocate(5 * MiB); // 6 MiB: the 4 MiB block is too small
    CHECK(big != p);
    CHECK(aligned(big));
    CHECK(lp::release(big));
    CHECK(lp::cached_bytes() == before + 10 * MiB);
    void* exact = lp::allocate(6 * MiB); // the 6 MiB block, not a new mapping
    CHECK(exact == big);
    CHECK(lp::release(exact));
}

TEST_CASE("a block is rounded up to whole huge pages only when that adds at most a third of it") {
    const std::size_t small = 4096;
    lp::drop_cached(); // fresh mappings, whatever ran before in this process
    // SystemC's 3 MiB heap: 4 MiB. 5 MiB: 6. ResNet-50's 3x3 initializers of 256 channels,
    // 2.25 MiB: 4 MiB would add more than a third, so whole small pages. 1 MiB + 1 and 4 MiB + 1:
    // likewise. 4.5 MiB: 6, a third exactly.
    for (const auto& [request, mapped] : {std::pair{3 * MiB, 4 * MiB},
                                          {5 * MiB, 6 * MiB},
                                          {9 * MiB / 4, 9 * MiB / 4},
                                          {MiB + 1, MiB + small},
                                          {4 * MiB, 4 * MiB},
                                          {4 * MiB + 1, 4 * MiB + small},
                                          {9 * MiB / 2, 6 * MiB}}) {
        CAPTURE(request);
        void* p = lp::allocate(request);
        REQUIRE(p != nullptr);
        CHECK(aligned(p));
        CHECK(lp::block_bytes(p) == mapped);
        CHECK(lp::release(p));
        CHECK(lp::block_bytes(p) == 0); // freed: not live, whether kept or not
        lp::drop_cached();
    }
}

TEST_CASE("the blocks kept for reuse never exceed the cache's bound") {
    lp::drop_cached();
    std::vector<void*> blocks;
    const std::size_t n = lp::kCacheBytes / (4 * MiB) + 3;
    for (std::size_t k = 0; k < n; ++k) {
        void* p = lp::allocate(4 * MiB);
        REQUIRE(p != nullptr);
        static_cast<char*>(p)[0] = 1;
        blocks.push_back(p);
    }
    for (void* p : blocks) CHECK(lp::release(p));
    // kCacheBytes / 4 MiB blocks kept, the last 3 unmapped.
    CHECK(lp::cached_bytes() == lp::kCacheBytes);
}

TEST_CASE("more large blocks than slots: the rest are declined, for malloc to serve") {
    lp::drop_cached();
    std::vector<void*> live;
    for (int k = 0; k < lp::kSlots; ++k) {
        void* p = lp::allocate(lp::kMinBytes);
        REQUIRE(p != nullptr);
        live.push_back(p);
    }
    CHECK(lp::allocate(lp::kMinBytes) == nullptr);
    CHECK(lp::release(live.back()));
    live.pop_back();
    // A cached block's slot is taken over by a request it does not fit.
    void* p = lp::allocate(8 * MiB);
    CHECK(p != nullptr);
    live.push_back(p);
    for (void* q : live) CHECK(lp::release(q));
}
