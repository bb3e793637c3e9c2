// The clocks models wait on (models/kernel/time.hpp): SystemC's own arithmetic below the limit
// of 2^62 ps, an input error naming the clock's key at it, and a run stopped cleanly there.
#include "common/error.hpp"
#include "models/kernel/simulate.hpp"
#include "models/kernel/time.hpp"

#include <doctest/doctest.h>
#include <systemc>

using namespace accsim;
using sc_core::SC_NS;
using sc_core::sc_time;

TEST_CASE("a clock's times are SystemC's sums and products of its period") {
    const Clock c(200, "x.clock_mhz");
    CHECK(c.period() == sc_time(5, SC_NS)); // 200 MHz
    CHECK(c.after(sc_time(7, SC_NS), 3) == sc_time(22, SC_NS));
    CHECK(c.after(sc_time(7, SC_NS), 0) == sc_time(7, SC_NS));
}

TEST_CASE("a clock whose period is past 2^62 ps is an input error naming its key") {
    // 2^62 ps = 4.61e18 ps: a period of 1e6 / mhz ps reaches it below 2.17e-13 MHz.
    CHECK_THROWS_WITH_AS(Clock(1e-13, "pe_array.clock_mhz"),
                         doctest::Contains("pe_array.clock_mhz = 1e-13: one clock period is"),
                         InputError);
    CHECK(double(Clock(3e-13, "pe_array.clock_mhz").period().value()) ==
          doctest::Approx(1e6 / 3e-13)); // 3.33e18 ps: within the range
}

namespace {

struct Flag {
    bool* set;
    ~Flag() { *set = true; }
};

SC_MODULE(TwoThreads) {
    Clock clock{1e-6, "slow.clock_mhz"}; // 1 Hz: 1e12 ps per cycle
    bool slow_unwound = false, other_unwound = false, slow_passed = false;
    SC_CTOR(TwoThreads) {
        SC_THREAD(slow);
        SC_THREAD(other);
    }
    void slow() {
        Flag f{&slow_unwound};
        wait(clock.cycles(1e6)); // 1e18 ps
        wait(clock.cycles(4e6)); // to 5e18 ps, past 2^62 = 4.61e18
        slow_passed = true;
    }
    void other() {
        Flag f{&other_unwound};
        wait(sc_time(1e9, sc_core::SC_SEC)); // 1e21 ps: never reached
    }
};

} // namespace

TEST_CASE("a run that would pass 2^62 ps stops with an input error, every thread unwound") {
    TwoThreads m("m");
    CHECK_THROWS_WITH_AS(simulate(), doctest::Contains("slow.clock_mhz = 1e-06: the run reaches"),
                         InputError);
    CHECK(!m.slow_passed);
    CHECK(m.slow_unwound);
    CHECK(m.other_unwound);
    CHECK(sc_core::sc_time_stamp() == sc_time(1e6, sc_core::SC_SEC)); // 1e18 ps: the last wait
}
