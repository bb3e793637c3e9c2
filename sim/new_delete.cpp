// The executable's global operator new and delete (replaceable allocation functions, C++17
// [new.delete]): large blocks on huge pages (common/large_pages.hpp), the rest from malloc, as
// libstdc++'s own operators do. The aligned forms stay libstdc++'s; they never see a large-page
// block. Sanitizer builds keep their own operators, which check every new against its delete.
#include "common/large_pages.hpp"

#include <cstdlib>
#include <new>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define ACCSIM_SANITIZED_NEW 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ACCSIM_SANITIZED_NEW 1
#endif

#ifndef ACCSIM_SANITIZED_NEW

namespace {

void* allocate(std::size_t bytes) {
    if (void* p = accsim::large_pages::allocate(bytes)) return p;
    if (bytes == 0) bytes = 1;
    for (;;) {
        if (void* p = std::malloc(bytes)) return p;
        std::new_handler handler = std::get_new_handler();
        if (handler == nullptr) throw std::bad_alloc();
        handler();
    }
}

void* allocate(std::size_t bytes, const std::nothrow_t&) noexcept {
    try {
        return allocate(bytes);
    } catch (...) {
        return nullptr;
    }
}

void deallocate(void* p) noexcept {
    if (!accsim::large_pages::release(p)) std::free(p);
}

} // namespace

void* operator new(std::size_t bytes) {
    return allocate(bytes);
}
void* operator new[](std::size_t bytes) {
    return allocate(bytes);
}
void* operator new(std::size_t bytes, const std::nothrow_t& tag) noexcept {
    return allocate(bytes, tag);
}
void* operator new[](std::size_t bytes, const std::nothrow_t& tag) noexcept {
    return allocate(bytes, tag);
}
void operator delete(void* p) noexcept {
    deallocate(p);
}
void operator delete[](void* p) noexcept {
    deallocate(p);
}
void operator delete(void* p, std::size_t) noexcept {
    deallocate(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    deallocate(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
    deallocate(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
    deallocate(p);
}

#endif
