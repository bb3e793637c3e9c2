#include "arch/eie/layer.hpp"
#include "common/cpu.hpp"
#include "workloads/sparse/codebook.hpp"
#include "workloads/sparse/csc.hpp"
#include "workloads/sparse/dense_csc.hpp"
#include "workloads/sparse/random.hpp"
#include "workloads/sparse/sparse_matrix.hpp"

#include <algorithm>
#include <cstring>
#include <doctest/doctest.h>
#include <set>

using namespace accsim;

namespace {

std::vector<int> bytes_of(const PeSlices& s) {
    std::vector<int> b;
    for (auto e : s.entries) b.push_back(e.bits);
    return b;
}

// A rows x cols matrix of T, row-major, a fraction `density` of it non-zero, drawn from `values`
// when given (a pre-quantized layer), else uniform in (-1, 1); `tail` zero rows at the bottom of
// every column's first PE rows make long zero runs (padding).
template <class T>
std::vector<T> matrix(int rows, int cols, double density, std::uint64_t seed,
                      const std::vector<float>& values = {}) {
    SplitMix64 g(seed);
    std::vector<T> w(std::size_t(rows) * std::size_t(cols), T(0));
    for (auto& v : w) {
        if (g.uniform() >= density) continue;
        if (!values.empty())
            v = T(values[g.below(values.size())]);
        else if constexpr (std::is_integral_v<T>)
            v = T(int(g.below(200)) - 100);
        else
            v = T(2 * g.uniform() - 1);
    }
    return w;
}

// The same layer through the plain columns (from_dense_rows, the bias appended as a column) and
// encode_interleaved_passes, batch by batch, with the codes of `book`: the reference.
template <class T>
std::vector<std::vector<InterleavedCsc>> reference(const std::vector<T>& w,
                                                   const std::vector<float>& bias,
                                                   const TileShape& sh, const Codebook& book) {
    const int data_cols = sh.cols - (bias.empty() ? 0 : 1);
    SparseColumns m = from_dense_rows(sh.rows, data_cols, [&](std::size_t k) {
        return float(w[k]); // kept when non-zero as a 32-bit float, as the encoder keeps them
    });
    if (!bias.empty()) {
        for (std::size_t i = 0; i < bias.size(); ++i)
            if (bias[i] != 0) {
                m.row.push_back(std::uint32_t(i));
                m.value.push_back(bias[i]);
            }
        m.col_start.push_back(m.row.size());
        ++m.cols;
    }
    std::vector<std::uint8_t> codes;
    for (float v : m.value) codes.push_back(book.index_of(v));
    std::vector<std::vector<InterleavedCsc>> out(std::size_t(sh.passes));
    for (int b = 0; b < sh.batches; ++b) {
        auto tiles =
            encode_interleaved_passes(m, codes, sh.pes, sh.rows_per_pass, sh.passes,
                                      b * sh.batch_cols, std::min(m.cols, (b + 1) * sh.batch_cols));
        for (int q = 0; q < sh.passes; ++q) out[std::size_t(q)].push_back(tiles[std::size_t(q)]);
    }
    return out;
}

DenseType type_of(float) {
    return DenseType::float32;
}
DenseType type_of(double) {
    return DenseType::float64;
}
DenseType type_of(std::int16_t) {
    return DenseType::int16;
}

template <class T>
void check_same_tiles(int rows, int cols, int pes, int regs, double density,
                      const std::vector<float>& bias, std::uint64_t seed) {
    CAPTURE(rows);
    CAPTURE(cols);
    CAPTURE(pes);
    CAPTURE(regs);
    const std::vector<T> w = matrix<T>(rows, cols, density, seed);
    const TileShape sh = eie::tile_shape(rows, cols + (bias.empty() ? 0 : 1), pes, regs);
    DenseEncoder enc(reinterpret_cast<const unsigned char*>(w.data()), type_of(T{}), bias, sh);
    // A codebook of 15 values over (-100, 100): every code is used.
    Codebook book;
    for (int c = 1; c < Codebook::entries; ++c) book.value[std::size_t(c)] = -98 + 14.0 * c;
    if constexpr (!std::is_integral_v<T>)
        for (auto& v : book.value) v /= 100;
    book.value[0] = 0;
    const auto want = reference(w, bias, sh, book);
    const auto got = enc.encode(book);
    REQUIRE(got.size() == want.size());
    for (std::size_t q = 0; q < got.size(); ++q) {
        REQUIRE(got[q].size() == want[q].size());
        for (std::size_t b = 0; b < got[q].size(); ++b) {
            CAPTURE(q);
            CAPTURE(b);
            CHECK(got[q][b].cols == want[q][b].cols);
            for (int p = 0; p < pes; ++p) {
                const PeSlices &g = got[q][b].pe[std::size_t(p)],
                               &r = want[q][b].pe[std::size_t(p)];
                CHECK(g.local_rows == r.local_rows);
                CHECK(g.ptr == r.ptr);
                CHECK(bytes_of(g) == bytes_of(r));
            }
        }
    }
}

} // namespace

TEST_CASE("the dense encoder gives the tiles of the plain columns") {
    // Passes (rows beyond pes x regs), batches (columns beyond pes x regs), long zero runs at a low
    // density (padding), each element type, with and without a bias column; the larger ones are
    // encoded in two halves of the columns at once, one batch split between the halves.
    check_same_tiles<float>(50, 37, 4, 4, 0.3, {}, 1);
    check_same_tiles<float>(200, 64, 1, 64, 0.05, {}, 2);
    check_same_tiles<float>(33, 90, 8, 64, 0.6, {}, 3);
    check_same_tiles<float>(7, 300, 16, 1, 0.9, {}, 4);
    check_same_tiles<double>(300, 700, 3, 16, 0.4, {}, 5);
    check_same_tiles<std::int16_t>(257, 513, 5, 8, 0.25, {}, 6);
    std::vector<float> bias(300);
    for (std::size_t i = 0; i < bias.size(); ++i) bias[i] = i % 3 ? float(i) / 1000 - 0.1f : 0;
    check_same_tiles<float>(300, 700, 3, 16, 0.4, bias, 7);
    check_same_tiles<float>(300, 96, 4, 8, 0.02, bias, 8);
}

TEST_CASE("the dense encoder's baseline form gives the same tiles") {
    // The first read has an AVX2 form, chosen when the processor has it: the x86-64 baseline's
    // must agree with the reference too.
    struct Baseline {
        Baseline() { baseline_only() = true; }
        ~Baseline() { baseline_only() = false; }
    } baseline;
    check_same_tiles<float>(50, 37, 4, 4, 0.3, {}, 1);
    check_same_tiles<float>(200, 64, 1, 64, 0.05, {}, 2);
    check_same_tiles<double>(300, 700, 3, 16, 0.4, {}, 5);
    check_same_tiles<std::int16_t>(257, 513, 5, 8, 0.25, {}, 6);
}

TEST_CASE("the dense encoder sees the weights the codebook is chosen from") {
    // Uniform weights: the counts per bin equal those of the histogram of the plain columns'
    // values, and the sums agree up to the order of the additions.
    const int rows = 300, cols = 500;
    const std::vector<float> w = matrix<float>(rows, cols, 0.3, 9);
    const TileShape sh = eie::tile_shape(rows, cols, 8, 64);
    DenseEncoder enc(reinterpret_cast<const unsigned char*>(w.data()), DenseType::float32, {}, sh);
    const SparseColumns m = from_dense_rows(rows, cols, [&](std::size_t k) { return w[k]; });
    const WeightHistogram want = weight_histogram(m.value);
    const DenseWeights& got = enc.weights();
    CHECK(got.nonzeros == m.nonzeros());
    CHECK_FALSE(got.distinct.few);
    CHECK(got.histogram.lo == want.lo);
    CHECK(got.histogram.hi == want.hi);
    REQUIRE(got.histogram.total.size() == want.total.size());
    for (std::size_t b = 0; b < want.total.size(); ++b) {
        CHECK(got.histogram.total[b].count == want.total[b].count);
        CHECK(got.histogram.total[b].sum == doctest::Approx(want.total[b].sum).epsilon(1e-12));
    }

    // A pre-quantized layer: its 12 values, found by the encoder as by exact_codebook.
    const std::vector<float> shared{-0.31f,  -0.2f,  -0.11f, -0.0226f, -0.018f, 0.0222f,
                                    0.0269f, 0.095f, 0.104f, 0.17f,    0.26f,   0.41f};
    const std::vector<float> q = matrix<float>(rows, cols, 0.3, 10, shared);
    DenseEncoder few(reinterpret_cast<const unsigned char*>(q.data()), DenseType::float32, {}, sh);
    REQUIRE(few.weights().distinct.few);
    const SparseColumns mq = from_dense_rows(rows, cols, [&](std::size_t k) { return q[k]; });
    CHECK(book_of_distinct(few.weights().distinct.value).value == exact_codebook(mq.value)->value);
    // Sixteen distinct values, eight in each half of the rows (which the first read takes on two
    // threads) and of the columns: too many for an exact book.
    std::vector<float> sixteen(std::size_t(rows) * cols, 0);
    for (int i = 0; i < 16; ++i)
        sixteen[std::size_t(i < 8 ? i : rows - 16 + i) * cols + std::size_t(i % 2 ? 400 : 3)] =
            float(i + 1);
    DenseEncoder many(reinterpret_cast<const unsigned char*>(sixteen.data()), DenseType::float32,
                      {}, sh);
    CHECK_FALSE(many.weights().distinct.few);
    CHECK(many.weights().nonzeros == 16);
}

TEST_CASE("a layer image from dense weights equals the one from its plain columns") {
    // The whole path, codebook included (k-means and exact): the same book, codes and tiles.
    const int rows = 200, cols = 300, pes = 4, regs = 16;
    const std::vector<float> w = matrix<float>(rows, cols, 0.35, 11);
    const SparseColumns m = from_dense_rows(rows, cols, [&](std::size_t k) { return w[k]; });
    const TileShape sh = eie::tile_shape(rows, cols, pes, regs);
    for (auto mode : {eie::CodebookMode::kmeans, eie::CodebookMode::automatic}) {
        const eie::LayerImage want = eie::build_layer_image(m, pes, regs, 12, "t", mode);
        const eie::LayerImage got =
            eie::build_layer_image(DenseEncoder(reinterpret_cast<const unsigned char*>(w.data()),
                                                DenseType::float32, {}, sh),
                                   sh, 12, "t", mode);
        CHECK(got.nonzero_weights == want.nonzero_weights);
        for (int c = 0; c < Codebook::entries; ++c)
            CHECK(got.book.value[std::size_t(c)] ==
                  doctest::Approx(want.book.value[std::size_t(c)]).epsilon(1e-12));
        CHECK(got.weight_code == want.weight_code);
        CHECK(got.padding_entries() == want.padding_entries());
        REQUIRE(got.passes() == want.passes());
        for (std::size_t k = 0; k < got.passes(); ++k)
            for (int p = 0; p < pes; ++p)
                CHECK(bytes_of(got.tiles[k][0].pe[std::size_t(p)]) ==
                      bytes_of(want.tiles[k][0].pe[std::size_t(p)]));
    }
}

TEST_CASE("the dense encoder reads float32 rows at any alignment") {
    // An .npy header of any length may leave the data unaligned: the tiles are the same.
    const int rows = 300, cols = 640;
    const std::vector<float> w = matrix<float>(rows, cols, 0.3, 11);
    const TileShape sh = eie::tile_shape(rows, cols, 8, 16);
    std::vector<unsigned char> shifted(w.size() * sizeof(float) + 1);
    std::memcpy(shifted.data() + 1, w.data(), w.size() * sizeof(float));
    DenseEncoder aligned(reinterpret_cast<const unsigned char*>(w.data()), DenseType::float32, {},
                         sh);
    DenseEncoder unaligned(shifted.data() + 1, DenseType::float32, {}, sh);
    CHECK(unaligned.weights().nonzeros == aligned.weights().nonzeros);
    const Codebook book = fit_codebook(aligned.weights().histogram);
    const auto want = aligned.encode(book), got = unaligned.encode(book);
    REQUIRE(got.size() == want.size());
    for (std::size_t q = 0; q < got.size(); ++q)
        for (std::size_t b = 0; b < got[q].size(); ++b)
            for (std::size_t p = 0; p < got[q][b].pe.size(); ++p) {
                CHECK(got[q][b].pe[p].ptr == want[q][b].pe[p].ptr);
                CHECK(bytes_of(got[q][b].pe[p]) == bytes_of(want[q][b].pe[p]));
            }
}
