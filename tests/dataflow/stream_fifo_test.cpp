// The stream FIFO with cycle-stamped pushes and pops (models/stream) and the FPGA memory table.
#include "arch/dataflow/fpga_cost.hpp"
#include "models/stream/stream_fifo.hpp"

#include <doctest/doctest.h>

using accsim::StreamFifo;

TEST_CASE("a full stream FIFO frees a slot the cycle after its oldest pixel is read") {
    StreamFifo f("a->b", 8);
    f.reset(2);
    CHECK(f.space_known());
    CHECK(f.free_cycle() == 0);
    f.push(0);
    f.push(1);
    // Two pixels held in a depth-2 FIFO: the third slot's cycle is unknown until a read.
    CHECK_FALSE(f.space_known());
    CHECK(f.data_known());
    CHECK(f.ready_cycle() == 1); // one cycle of FIFO latency
    f.pop(5);
    REQUIRE(f.space_known());
    CHECK(f.free_cycle() == 6);
    CHECK(f.ready_cycle() == 2);
}

TEST_CASE("stream FIFO occupancy is time-weighted, with a push counted before a same-cycle pop") {
    StreamFifo f("a->b", 8);
    f.reset(0);
    f.push(0);
    f.push(1);
    f.pop(5);
    f.push(5); // same cycle as the pop: three pixels were held in cycle 5
    f.pop(6);
    f.pop(8);
    f.finish(8);
    // Levels by hand: 1 on [0,1), 2 on [1,5), 2 on [5,6) (push then pop), 1 on [6,8).
    CHECK(f.occupancy().peak() == 3);
    CHECK(f.occupancy().mean() == doctest::Approx((1 * 1 + 2 * 4 + 2 * 1 + 1 * 2) / 8.0));
}

TEST_CASE("BRAM18 count of a memory follows FINN's table") {
    using accsim::dataflow::bram18_for;
    CHECK(bram18_for(1024, 128) == 8); // 1K x 18 per RAMB18: ceil(128/18) = 8
    CHECK(bram18_for(1024, 24) == 2);
    CHECK(bram18_for(4096, 4) == 1);  // 4K x 4
    CHECK(bram18_for(2048, 9) == 1);  // 2K x 9
    CHECK(bram18_for(600, 36) == 2);  // deeper than 512: 1K x 18 aspect, ceil(36/18) = 2
    CHECK(bram18_for(512, 72) == 2);  // 512 x 36 aspect
    CHECK(bram18_for(20000, 1) == 2); // 16K x 1
}

TEST_CASE("a shallow FIFO sits in LUTRAM and a deep one in BRAM") {
    using accsim::dataflow::memory_cost;
    auto shallow = memory_cost(64, 128, 256, true);
    CHECK(shallow.bram18 == 0);
    // FINN: 2*ceil(log2 64) + ceil(64/32)*ceil(128/2) = 12 + 128
    CHECK(shallow.lut == doctest::Approx(140));
    auto deep = memory_cost(1024, 128, 256, true);
    CHECK(deep.bram18 == 8);
    CHECK(deep.lut == doctest::Approx(20)); // address logic only
}

TEST_CASE("a URAM288 block holds 4K words of 72 bits") {
    using accsim::dataflow::uram_for;
    CHECK(uram_for(4096, 72) == 1);
    CHECK(uram_for(4097, 72) == 2);
    CHECK(uram_for(4096, 73) == 2);
    CHECK(uram_for(144, 128) == 2); // one block deep, two wide
    CHECK(uram_for(0, 72) == 0);
}
