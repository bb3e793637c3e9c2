// Two parts of a loop run at once: the preparation of large inputs (reading a weight file,
// building its columns, fitting and applying a codebook) is split in two halves, one on a second
// thread. Where the split falls depends on the input alone, never on the machine, so results are
// the same everywhere; small inputs run both halves in the calling thread, in order (starting a
// thread costs tens of microseconds).
#pragma once

#include <cstddef>
#include <exception>
#include <thread>

namespace accsim {

// Items from which a split pays for its thread.
inline constexpr std::size_t parallel_min_items = std::size_t(1) << 16;

// Calls a() and b(), a on a new thread when `parallel` (else a first, then b, in the caller);
// returns when both are done. An exception of either reaches the caller (a's when both throw).
template <class A, class B>
void run_both(bool parallel, A&& a, B&& b) {
    if (!parallel) {
        a();
        b();
        return;
    }
    std::exception_ptr a_error, b_error;
    std::thread other([&] {
        try {
            a();
        } catch (...) {
            a_error = std::current_exception();
        }
    });
    try {
        b();
    } catch (...) {
        b_error = std::current_exception();
    }
    other.join();
    if (a_error) std::rethrow_exception(a_error);
    if (b_error) std::rethrow_exception(b_error);
}

// Calls part(0, begin, split) and part(1, split, end), the first on a new thread when
// end - begin >= parallel_min_items; returns when both are done (exceptions as run_both's).
template <class Part>
void run_in_two(std::size_t begin, std::size_t split, std::size_t end, Part&& part) {
    run_both(
        end - begin >= parallel_min_items, [&] { part(0, begin, split); },
        [&] { part(1, split, end); });
}

} // namespace accsim
