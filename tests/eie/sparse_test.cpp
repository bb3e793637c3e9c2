#include "arch/eie/inputs.hpp"
#include "arch/eie/layer.hpp"
#include "common/error.hpp"
#include "workloads/sparse/codebook.hpp"
#include "workloads/sparse/csc.hpp"
#include "workloads/sparse/random.hpp"
#include "workloads/sparse/sparse_matrix.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <set>

using namespace accsim;

namespace {

// A matrix given column by column as (row, weight) pairs.
SparseColumns columns(int rows, const std::vector<std::vector<std::pair<int, float>>>& cols) {
    SparseColumns m;
    m.rows = rows;
    m.cols = int(cols.size());
    m.col_start.push_back(0);
    for (const auto& c : cols) {
        for (auto [r, w] : c) {
            m.row.push_back(std::uint32_t(r));
            m.value.push_back(w);
        }
        m.col_start.push_back(m.row.size());
    }
    return m;
}

std::vector<int> bytes_of(const PeSlices& s) {
    std::vector<int> b;
    for (auto e : s.entries) b.push_back(e.bits);
    return b;
}

} // namespace

TEST_CASE("a run of more than 15 zeros gets a padding entry") {
    // One PE, 40 rows. Hand encoding, (value index v, zeros z) as the byte z << 4 | v:
    //   col 0: rows 0, 20  -> (3, 0); padding (0, 15) for rows 1..16; (5, 3) at 17 + 3 = 20
    //   col 1: row 16      -> padding (0, 15) for rows 0..15; (7, 0)
    //   col 2: row 15      -> (2, 15): exactly 15 zeros need no padding
    //   col 3: empty
    //   col 4: row 35      -> two paddings (rows 0..31); (9, 3) at 32 + 3 = 35
    SparseColumns m =
        columns(40, {{{0, 0.f}, {20, 0.f}}, {{16, 0.f}}, {{15, 0.f}}, {}, {{35, 0.f}}});
    std::vector<std::uint8_t> codes = {3, 5, 7, 2, 9};
    InterleavedCsc c = encode_interleaved(m, codes, 1, 0, 1 << 20);
    REQUIRE(c.pe.size() == 1);
    CHECK(bytes_of(c.pe[0]) ==
          std::vector<int>{0x03, 0xf0, 0x35, 0xf0, 0x07, 0xf2, 0xf0, 0xf0, 0x39});
    CHECK(c.pe[0].ptr == std::vector<std::uint32_t>{0, 3, 5, 6, 6, 9});
    CHECK(c.padding_entries() == 4);
    std::vector<std::pair<int, int>> col4;
    for_each_in_slice(c.pe[0], 4, [&](int row, int v) { col4.emplace_back(row, v); });
    CHECK(col4 == std::vector<std::pair<int, int>>{{35, 9}});
}

TEST_CASE("interleaved CSC gives row i to PE i mod N as local row i / N") {
    // 8 rows on 4 PEs; column 0 has rows 1, 5, 6; column 1 row 7.
    SparseColumns m = columns(8, {{{1, 0.f}, {5, 0.f}, {6, 0.f}}, {{7, 0.f}}});
    InterleavedCsc c = encode_interleaved(m, {1, 2, 3, 4}, 4, 0, 1 << 20);
    CHECK(bytes_of(c.pe[0]).empty());
    CHECK(bytes_of(c.pe[1]) == std::vector<int>{0x01, 0x02}); // local rows 0 and 1
    CHECK(bytes_of(c.pe[2]) == std::vector<int>{0x13});       // local row 1: one zero before
    CHECK(bytes_of(c.pe[3]) == std::vector<int>{0x14});       // row 7 = local row 1
    CHECK(c.pe[1].ptr == std::vector<std::uint32_t>{0, 2, 2});
    CHECK(c.pe[3].ptr == std::vector<std::uint32_t>{0, 0, 1});
    // A pass over local rows [1, 2) keeps only rows 5, 6, 7, renumbered from 0.
    InterleavedCsc pass = encode_interleaved(m, {1, 2, 3, 4}, 4, 1, 2);
    CHECK(bytes_of(pass.pe[1]) == std::vector<int>{0x02});
    CHECK(bytes_of(pass.pe[2]) == std::vector<int>{0x03});
    CHECK(pass.pe[1].local_rows == 1);
}

TEST_CASE("a dense row-major matrix becomes its columns' non-zeros, rows ascending") {
    // 7 x 700: wider than one placing block, so columns of every block are checked; 45 x 3001
    // (135,045 elements) is built in two halves on two threads. W[i][j] is non-zero exactly when
    // (i * cols + j) % 5 == 0 and then equals 1 + i + j / 1000.
    for (auto [rows, cols] : {std::pair{7, 700}, std::pair{45, 3001}}) {
        CAPTURE(cols);
        std::vector<double> dense(std::size_t(rows) * std::size_t(cols), 0.0);
        for (int i = 0; i < rows; ++i)
            for (int j = 0; j < cols; ++j)
                if ((i * cols + j) % 5 == 0) dense[std::size_t(i * cols + j)] = 1 + i + j / 1000.0;
        const SparseColumns m = from_dense(dense, rows, cols);
        REQUIRE(m.nonzeros() == std::uint64_t(rows * cols / 5));
        for (int j = 0; j < cols; ++j) {
            std::vector<std::uint32_t> want;
            for (int i = 0; i < rows; ++i)
                if ((i * cols + j) % 5 == 0) want.push_back(std::uint32_t(i));
            const auto b = m.col_start[std::size_t(j)], e = m.col_start[std::size_t(j) + 1];
            REQUIRE(std::vector<std::uint32_t>(m.row.begin() + long(b), m.row.begin() + long(e)) ==
                    want);
            for (auto k = b; k < e; ++k) REQUIRE(m.value[k] == float(1 + m.row[k] + j / 1000.0));
        }
    }
}

TEST_CASE("all passes encoded in one walk hold every non-zero in its pass, PE and row") {
    // 300 rows on 3 PEs: 100 local rows each, in passes of 16 (the last has 4). 84,000
    // non-zeros, so the columns are encoded in two halves on two threads. Decoding pass q's slice
    // of PE p must give exactly the rows (16 q + local) * 3 + p of each column, with their codes,
    // and the same tiles as encoding each pass on its own.
    const int pes = 3, per_pass = 16, passes = 7;
    const SparseColumns m = random_pruned(300, 700, 0.4, 1.0, 11);
    REQUIRE(m.nonzeros() == 84000);
    std::vector<std::uint8_t> codes(m.nonzeros());
    for (std::size_t k = 0; k < codes.size(); ++k) codes[k] = std::uint8_t(1 + (k * 7) % 15);
    const std::vector<InterleavedCsc> tiles =
        encode_interleaved_passes(m, codes, pes, per_pass, passes, 100, 650);
    REQUIRE(tiles.size() == std::size_t(passes));
    for (int q = 0; q < passes; ++q) {
        CAPTURE(q);
        const InterleavedCsc one =
            encode_interleaved(m, codes, pes, q * per_pass, (q + 1) * per_pass, 100, 650);
        for (int p = 0; p < pes; ++p) {
            const PeSlices& s = tiles[std::size_t(q)].pe[std::size_t(p)];
            CHECK(s.local_rows == std::min(per_pass, 100 - q * per_pass));
            CHECK(bytes_of(s) == bytes_of(one.pe[std::size_t(p)]));
            CHECK(s.ptr == one.pe[std::size_t(p)].ptr);
        }
    }
    for (int j = 100; j < 650; ++j) {
        std::vector<std::pair<int, int>> got, want;
        for (int q = 0; q < passes; ++q)
            for (int p = 0; p < pes; ++p)
                for_each_in_slice(tiles[std::size_t(q)].pe[std::size_t(p)], j - 100,
                                  [&](int local, int v) {
                                      got.emplace_back((q * per_pass + local) * pes + p, v);
                                  });
        for (auto k = m.col_start[std::size_t(j)]; k < m.col_start[std::size_t(j) + 1]; ++k)
            want.emplace_back(int(m.row[k]), int(codes[k]));
        std::sort(got.begin(), got.end());
        REQUIRE(got == want);
    }
}

TEST_CASE("a large matrix encoded in two halves holds every non-zero in its PE's slice") {
    // 300,000 non-zeros (two threads): decoding every PE's slice of every column must give back
    // exactly the rows i = p + N * local of that column, with their codes, in order.
    const int pes = 7;
    const SparseColumns m = random_pruned(1000, 1500, 0.2, 1.0, 9);
    REQUIRE(m.nonzeros() == 300000);
    std::vector<std::uint8_t> codes(m.nonzeros());
    for (std::size_t k = 0; k < codes.size(); ++k) codes[k] = std::uint8_t(1 + m.row[k] % 15);
    const InterleavedCsc c = encode_interleaved(m, codes, pes, 0, 1 << 20);
    REQUIRE(c.cols == m.cols);
    for (int j = 0; j < m.cols; ++j) {
        std::vector<std::pair<int, int>> got, want;
        for (int p = 0; p < pes; ++p)
            for_each_in_slice(c.pe[std::size_t(p)], j,
                              [&](int local, int v) { got.emplace_back(local * pes + p, v); });
        for (auto k = m.col_start[std::size_t(j)]; k < m.col_start[std::size_t(j) + 1]; ++k)
            want.emplace_back(int(m.row[k]), int(codes[k]));
        std::sort(got.begin(), got.end());
        REQUIRE(got == want);
    }
    for (const auto& s : c.pe) {
        REQUIRE(s.ptr.size() == std::size_t(m.cols) + 1);
        CHECK(s.ptr.back() == s.entries.size());
        CHECK(std::is_sorted(s.ptr.begin(), s.ptr.end()));
    }
}

TEST_CASE("the codebook keeps 15 evenly spaced weights exactly and reserves index 0 for zero") {
    std::vector<float> w;
    for (int k = -7; k <= 7; ++k)
        for (int rep = 0; rep < 3; ++rep) w.push_back(float(k) / 8);
    Codebook b = fit_codebook(w);
    CHECK(b.value[0] == 0.0);
    for (int c = 1; c < 16; ++c) CHECK(b.value[std::size_t(c)] == doctest::Approx((c - 8) / 8.0));
    CHECK(b.index_of(-7.0 / 8) == 1);
    CHECK(b.index_of(0.3) == 10); // nearest of 0.25 and 0.375
    CHECK(b.index_of(100) == 15);
}

TEST_CASE("magnitude pruning keeps exactly the requested share of weights") {
    for (double d : {0.02, 0.09, 0.5, 0.9, 1.0}) {
        SparseColumns m = random_pruned(130, 77, d, 0.5, 42);
        CHECK(m.nonzeros() == std::uint64_t(std::llround(130 * 77 * d)));
        // Every kept weight is at least the pruning threshold and at most the limit.
        for (float v : m.value) {
            CHECK(std::fabs(v) >= 0.5 * (1 - d) - 1e-6);
            CHECK(std::fabs(v) <= 0.5);
        }
        for (int j = 0; j < m.cols; ++j)
            for (auto k = m.col_start[std::size_t(j)] + 1; k < m.col_start[std::size_t(j) + 1]; ++k)
                CHECK(m.row[k - 1] < m.row[k]);
    }
}

TEST_CASE("pruning a large matrix keeps the exact share, rows in order, weights in range") {
    // 500 x 400 = 200,000 positions with 60,000 and 160,000 kept. Density 0.3 draws the
    // kept positions; 0.8 draws the pruned ones and inverts the bitmap.
    for (double d : {0.3, 0.8}) {
        CAPTURE(d);
        const SparseColumns m = random_pruned(500, 400, d, 0.5, 21);
        REQUIRE(m.nonzeros() == std::uint64_t(std::llround(500 * 400 * d)));
        REQUIRE(m.col_start.front() == 0);
        REQUIRE(m.col_start.back() == m.nonzeros());
        std::uint64_t out_of_order = 0, out_of_range = 0;
        for (int j = 0; j < m.cols; ++j) {
            REQUIRE(m.col_start[std::size_t(j)] <= m.col_start[std::size_t(j) + 1]);
            for (auto k = m.col_start[std::size_t(j)]; k < m.col_start[std::size_t(j) + 1]; ++k)
                out_of_order += m.row[k] >= 500u ||
                                (k > m.col_start[std::size_t(j)] && m.row[k - 1] >= m.row[k]);
        }
        for (float v : m.value)
            out_of_range += std::fabs(v) < 0.5 * (1 - d) - 1e-6 || std::fabs(v) > 0.5;
        CHECK(out_of_order == 0);
        CHECK(out_of_range == 0);
        // The same seed gives the same matrix.
        const SparseColumns again = random_pruned(500, 400, d, 0.5, 21);
        CHECK(again.row == m.row);
        CHECK(again.value == m.value);
        CHECK(again.col_start == m.col_start);
    }
}

namespace {

// The dense fixed-point product the PEs must reproduce: y_i = sum_j W_ij x_j with the decoded
// 16-bit weights, rounded half up back to the activation format, ReLU, saturated to int16.
std::vector<std::int16_t> dense_reference(const SparseColumns& m, const eie::LayerImage& img,
                                          const std::vector<std::int16_t>& x, int frac, bool relu) {
    std::vector<std::vector<std::int64_t>> w(std::size_t(m.rows),
                                             std::vector<std::int64_t>(std::size_t(m.cols), 0));
    for (int j = 0; j < m.cols; ++j)
        for (auto k = m.col_start[std::size_t(j)]; k < m.col_start[std::size_t(j) + 1]; ++k)
            w[m.row[k]][std::size_t(j)] = img.weight_code[img.book.index_of(m.value[k])];
    std::vector<std::int16_t> y;
    for (int i = 0; i < m.rows; ++i) {
        std::int64_t acc = 0;
        for (int j = 0; j < m.cols; ++j)
            acc += w[std::size_t(i)][std::size_t(j)] * x[std::size_t(j)];
        double v = std::floor(double(acc) / double(1 << frac) + 0.5);
        if (relu) v = std::max(v, 0.0);
        y.push_back(std::int16_t(std::min(32767.0, std::max(-32768.0, v))));
    }
    return y;
}

std::vector<std::int16_t> random_input(int n, double zero_share, std::uint64_t seed) {
    SplitMix64 g(seed);
    std::vector<std::int16_t> x(static_cast<std::size_t>(n));
    for (auto& v : x) v = g.uniform() < zero_share ? 0 : std::int16_t(int(g.below(2001)) - 1000);
    return x;
}

} // namespace

TEST_CASE("outputs equal a dense fixed-point reference") {
    struct Case {
        int rows, cols, pes, regs;
        double density;
        bool relu;
    };
    // Several passes and PEs; one PE with long zero runs (padding); ReLU and saturation.
    for (const Case& c : {Case{50, 37, 4, 4, 0.3, false}, Case{200, 64, 1, 64, 0.05, true},
                          Case{33, 90, 8, 64, 0.6, true}, Case{7, 300, 16, 1, 0.9, false}}) {
        CAPTURE(c.rows);
        SparseColumns m = random_pruned(c.rows, c.cols, c.density, 1.5, 7);
        eie::LayerImage img = eie::build_layer_image(m, c.pes, c.regs, 12, "test");
        auto x = random_input(c.cols, 0.4, 99);
        CHECK(eie::compute_layer(img, x, 12, c.relu) == dense_reference(m, img, x, 12, c.relu));
        if (c.pes == 1) CHECK(img.padding_entries() > 0);
        // Inputs longer than pes * regs source registers run in batches.
        CHECK(img.batches() == std::size_t((c.cols + c.pes * c.regs - 1) / (c.pes * c.regs)));
    }
    CHECK(eie::build_layer_image(random_pruned(7, 300, 0.9, 1.5, 7), 16, 1, 12, "t").batches() ==
          19);
}

TEST_CASE("pre-quantized weights keep their values: the exact codebook") {
    // A codebooked layer whose shared values include close pairs (-0.0226 / -0.0180 and
    // +0.0222 / +0.0269) among far ones: k-means over them merges the close pairs, exact keeps
    // all 12.
    const std::vector<float> shared{-0.31f,  -0.2f,  -0.11f, -0.0226f, -0.018f, 0.0222f,
                                    0.0269f, 0.095f, 0.104f, 0.17f,    0.26f,   0.41f};
    std::vector<std::vector<std::pair<int, float>>> cols(40);
    SplitMix64 g(3);
    for (auto& c : cols)
        for (int r = 0; r < 30; ++r)
            if (g.uniform() < 0.5) c.push_back({r, shared[g.below(shared.size())]});
    SparseColumns m = columns(30, cols);
    const auto book = exact_codebook(m.value);
    REQUIRE(book.has_value());
    const auto codes = book->index_all(m.value);
    for (std::size_t k = 0; k < codes.size(); ++k)
        CHECK(book->value[codes[k]] == double(m.value[k]));
    for (float v : shared)
        CHECK(std::count(book->value.begin(), book->value.end(), double(v)) >= 1);

    auto changed = [&](eie::CodebookMode mode) {
        auto img = eie::build_layer_image(m, 4, 64, 15, "t", mode);
        std::size_t n = 0;
        for (std::size_t k = 0; k < m.value.size(); ++k)
            n += img.book.value[img.book.index_of(m.value[k])] != double(m.value[k]);
        return n;
    };
    CHECK(changed(eie::CodebookMode::automatic) == 0);
    CHECK(changed(eie::CodebookMode::exact) == 0);
    CHECK(changed(eie::CodebookMode::kmeans) > 0);

    // Sixteen distinct non-zero values do not fit 4-bit indices with 0 reserved.
    std::vector<float> sixteen;
    for (int v = 1; v <= 16; ++v) sixteen.push_back(float(v));
    CHECK_FALSE(exact_codebook(sixteen).has_value());
    SparseColumns wide = columns(16, {{}});
    for (int r = 0; r < 16; ++r) {
        wide.row.push_back(std::uint32_t(r));
        wide.value.push_back(float(r + 1) / 16);
    }
    wide.col_start = {0, 16};
    CHECK_THROWS_AS(eie::build_layer_image(wide, 4, 64, 8, "t", eie::CodebookMode::exact),
                    InputError);
    CHECK_FALSE(eie::build_layer_image(wide, 4, 64, 8, "t").exact_book);
}

TEST_CASE("values outside 16-bit fixed point saturate keeping their sign") {
    // Q7.8: 1.0 is 256; the range is [-128, 127.996].
    CHECK(eie::to_fixed(1.0, 8) == 256);
    CHECK(eie::to_fixed(-1.5, 8) == -384);
    CHECK(eie::to_fixed(127.99, 8) == 32765);
    CHECK(eie::to_fixed(1e6, 8) == 32767);
    CHECK(eie::to_fixed(3.7e16, 8) == 32767);
    CHECK(eie::to_fixed(1e39, 8) == 32767);
    CHECK(eie::to_fixed(-1e39, 8) == -32768);
    CHECK(eie::to_fixed(-1e300, 0) == -32768);
}

TEST_CASE("the codebook's table lookup gives every weight its nearest centroid") {
    // 72,000 weights: fitted and looked up in two halves on two threads.
    SparseColumns m = random_pruned(600, 400, 0.3, 0.7, 5);
    Codebook b = fit_codebook(m.value);
    const auto codes = b.index_all(m.value);
    REQUIRE(codes.size() == m.value.size());
    for (std::size_t k = 0; k < codes.size(); ++k) {
        // Nearest by exhaustive search over the 15 centroids (ties to the lower index).
        int best = 1;
        for (int c = 2; c < 16; ++c)
            if (std::fabs(m.value[k] - b.value[std::size_t(c)]) <
                std::fabs(m.value[k] - b.value[std::size_t(best)]))
                best = c;
        CHECK(int(codes[k]) == best);
    }
}
