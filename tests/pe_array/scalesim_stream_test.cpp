// SCALE-Sim's demand matrices one line at a time (DemandStream, from the operands' formula) against
// the whole matrices
// (compute_matrices, checked byte for byte against SCALE-Sim v2 through the USER-mode reports):
// every line of every fold, on partial folds, strides, one-row windows and all three dataflows.
#include "arch/pe_array/scalesim_matrices.hpp"
#include "arch/pe_array/scalesim_pyset.hpp"

#include <doctest/doctest.h>
#include <vector>

using namespace accsim::pe_array;
using namespace accsim::pe_array::scalesim;

TEST_CASE("SCALE-Sim's demand matrices streamed line by line equal the whole matrices") {
    const std::vector<ScaleSimLayer> layers = {
        {8, 8, 3, 3, 4, 10, 1, 1}, // 36 pixels, window 36, 10 filters
        {7, 9, 3, 2, 2, 5, 2, 3},  // strides 2 x 3, partial folds
        {1, 1, 1, 1, 7, 3, 1, 1},  // one pixel
        {5, 5, 1, 1, 1, 1, 1, 1},  // a window of one (T = 1 on os)
        {6, 7, 4, 3, 2, 3, 3, 2},  // windows past the ifmap's edge: empty operands
    };
    for (Dataflow df : {Dataflow::os, Dataflow::ws, Dataflow::is})
        for (auto [rows, cols] : {std::pair{2, 2}, std::pair{3, 5}, std::pair{4, 3}})
            for (std::size_t k = 0; k < layers.size(); ++k) {
                ScaleSimMemoryConfig c;
                c.rows = rows;
                c.cols = cols;
                c.dataflow = df;
                CAPTURE(int(df));
                CAPTURE(rows);
                CAPTURE(cols);
                CAPTURE(k);
                const Operands o = operand_matrices(layers[k], c);
                const Matrices m = compute_matrices(o, c);
                DemandStream s(layers[k], c);
                REQUIRE(s.lines() == m.ofmap_demand.rows);
                REQUIRE(s.ifmap_cols() == m.ifmap_demand.cols);
                REQUIRE(s.filter_cols() == m.filter_demand.cols);
                REQUIRE(s.ofmap_cols() == m.ofmap_demand.cols);
                std::vector<std::int64_t> i(std::size_t(s.ifmap_cols())),
                    f(std::size_t(s.filter_cols())), w(std::size_t(s.ofmap_cols()));
                bool same = true;
                auto words = [](const Mat& mat, std::int64_t line) {
                    std::int64_t n = 0;
                    for (std::int64_t col = 0; col < mat.cols; ++col)
                        n += mat.at(line, col) != none;
                    return n;
                };
                for (std::int64_t line = 0; line < s.lines(); ++line) {
                    std::int64_t n[3];
                    REQUIRE(s.next(i.data(), f.data(), w.data(), n));
                    same &= n[0] == words(m.ifmap_demand, line) &&
                            n[1] == words(m.filter_demand, line) &&
                            n[2] == words(m.ofmap_demand, line);
                    for (std::int64_t col = 0; col < s.ifmap_cols(); ++col)
                        same &= i[std::size_t(col)] == m.ifmap_demand.at(line, col);
                    for (std::int64_t col = 0; col < s.filter_cols(); ++col)
                        same &= f[std::size_t(col)] == m.filter_demand.at(line, col);
                    for (std::int64_t col = 0; col < s.ofmap_cols(); ++col)
                        same &= w[std::size_t(col)] == m.ofmap_demand.at(line, col);
                }
                CHECK(same);
                CHECK_FALSE(s.next(i.data(), f.data(), w.data()));
            }
}

TEST_CASE("Python's set order of integers, traced by hand through CPython's table") {
    // Each case: the insertion order and the order list(set) gives in CPython (3.7 to 3.13 print
    // the same). A table of 8 slots (mask 7) holds up to 4 keys; a key goes to slot key & 7, or
    // when that is taken (the 9 slots after it lie outside so small a table) to slot
    // (i * 5 + 1 + (key >> 5)) & 7.
    auto order = [](std::vector<std::int64_t> keys) {
        scalesim::PySetOrder s;
        for (auto k : keys) s.add(k);
        std::vector<std::int64_t> out;
        s.append_to(out);
        return out;
    };
    // Slots 2, 3 and 1.
    CHECK(order({10, 3, 17}) == std::vector<std::int64_t>{17, 10, 3});
    // 9 takes slot 1; 1 finds it taken and goes to (1 * 5 + 1) & 7 = 6.
    CHECK(order({9, 1}) == std::vector<std::int64_t>{9, 1});
    // 14 takes slot 6; 6 goes to (6 * 5 + 1) & 7 = 7.
    CHECK(order({14, 6}) == std::vector<std::int64_t>{14, 6});
    // 40 -> 0, 8 -> 1 (0 taken), 3 -> 3, 1 -> 6 (1 taken), 2 -> 2. The fifth key makes
    // 5 x 5 >= 3 x 7: the table grows to the smallest power of two above 4 x 5, 32 slots, and the
    // keys are placed again in slot order 40, 8, 2, 3, 1: 40 -> 8, 8 -> 9 (8 taken, the next slot
    // within the table), 2, 3 and 1 to their own slots.
    CHECK(order({40, 8, 3, 1, 2}) == std::vector<std::int64_t>{1, 2, 3, 40, 8});
}
