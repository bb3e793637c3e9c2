#include "workloads/sparse/dense_csc.hpp"

#include "common/parallel.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace accsim {

namespace {

template <class T>
float load(const unsigned char* at) {
    T v;
    std::memcpy(&v, at, sizeof v);
    return float(v);
}

// Calls f(element) with a value of the C++ type of `type`.
template <class F>
void with_type(DenseType type, F f) {
    switch (type) {
    case DenseType::float32:
        f(float{});
        break;
    case DenseType::float64:
        f(double{});
        break;
    case DenseType::int16:
        f(std::int16_t{});
        break;
    }
}

// Bit k set when w[k] is not zero (64 values).
std::uint64_t nonzero_mask(const float* w) {
    std::uint64_t bits = 0;
#if defined(__SSE2__)
    const __m128 zero = _mm_setzero_ps();
    for (int k = 0; k < 64; k += 4)
        bits |= std::uint64_t(_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(w + k), zero))) << k;
#else
    for (int k = 0; k < 64; ++k) bits |= std::uint64_t(w[k] != 0) << k;
#endif
    return bits;
}

// The rows of the matrix restricted to columns [c0, c1), each PE's rows (i = p, p + pes, ...) in
// order, PE after PE: for each row i, ctx = begin(i), then add(ctx, column, weight) for each kept
// weight, ascending by column, the bias column (cols - 1 of the shape) last. Returns how many
// weights were kept. The columns go 64 at a time: a mask of their non-zeros, then one step per set
// bit (the zeros of a pruned matrix fall at random, so a branch per weight would often be
// mispredicted). The row's context is a value of this function, not a reference shared with the
// caller, so that the compiler keeps it in registers across the stores of add.
template <class T, class Begin, class Add>
std::uint64_t for_rows(const unsigned char* data, const std::vector<float>& bias,
                       const TileShape& sh, int c0, int c1, Begin begin, Add add) {
    const int data_cols = sh.cols - (bias.empty() ? 0 : 1);
    const std::size_t w = std::size_t(std::max(0, std::min(c1, data_cols) - c0));
    const bool with_bias = !bias.empty() && c0 <= data_cols && data_cols < c1;
    if (w == 0 && !with_bias) return 0;
    const std::size_t stride = std::size_t(data_cols) * sizeof(T);
    const unsigned char* first_col = data + std::size_t(std::max(0, c0)) * sizeof(T);
    alignas(16) float chunk[64];
    std::uint64_t kept = 0;
    // PE by PE, each PE's rows in order: what the rows of one PE update (its slices' counts and
    // last rows) then stays in the cache from one row to the next.
    for (int p = 0; p < sh.pes; ++p)
        for (int i = p; i < sh.rows; i += sh.pes) {
            const unsigned char* src = first_col + std::size_t(i) * stride;
            auto ctx = begin(i);
            for (std::size_t k0 = 0; k0 < w; k0 += 64) {
                const std::size_t n = std::min<std::size_t>(64, w - k0);
                for (std::size_t k = 0; k < n; ++k) chunk[k] = load<T>(src + (k0 + k) * sizeof(T));
                for (std::size_t k = n; k < 64; ++k) chunk[k] = 0;
                const auto first = std::uint32_t(c0) + std::uint32_t(k0);
                std::uint64_t bits = nonzero_mask(chunk);
                kept += std::uint64_t(__builtin_popcountll(bits));
                for (; bits != 0; bits &= bits - 1) {
                    const int k = __builtin_ctzll(bits);
                    add(ctx, first + std::uint32_t(k), chunk[k]);
                }
            }
            if (with_bias && bias[std::size_t(i)] != 0) {
                add(ctx, std::uint32_t(data_cols), bias[std::size_t(i)]);
                ++kept;
            }
        }
    return kept;
}

// Row i -> its cell row (pass x PEs + PE) and its row within the pass.
struct RowPlace {
    std::vector<std::uint32_t> slot;
    std::vector<int> row;
    explicit RowPlace(const TileShape& sh) : slot(std::size_t(sh.rows)), row(std::size_t(sh.rows)) {
        const int rpp = std::max(1, sh.rows_per_pass);
        for (int i = 0; i < sh.rows; ++i) {
            const int local = i / sh.pes, q = local / rpp;
            slot[std::size_t(i)] = std::uint32_t(q * sh.pes + i % sh.pes);
            row[std::size_t(i)] = local - q * rpp;
        }
    }
};

} // namespace

DenseEncoder::DenseEncoder(const unsigned char* data, DenseType type, std::vector<float> bias,
                           const TileShape& shape)
    : data_(data), type_(type), bias_(std::move(bias)), shape_(shape) {
    const std::size_t cols = std::size_t(shape.cols);
    const std::size_t cells = std::size_t(shape.passes) * std::size_t(shape.pes) * cols;
    const int data_cols = shape.cols - (bias_.empty() ? 0 : 1);
    const std::size_t elements = std::size_t(shape.rows) * std::size_t(data_cols);
    const bool parallel = elements >= parallel_min_items;
    split_ = parallel ? shape.cols / 2 : shape.cols;

    // First read: the smallest and largest non-zero (for the histogram's bins).
    std::array<std::pair<std::int32_t, std::int32_t>, 2> range{};
    std::array<std::int32_t, 2> non_finite{};
    with_type(type_, [&](auto element) {
        using T = decltype(element);
        run_in_two(0, elements / 2, elements, [&](int h, std::size_t first, std::size_t last) {
            // On order-preserving integer keys of the floats, with masks rather than branches or
            // float comparisons, so that the loop vectorises.
            std::int32_t lo = std::numeric_limits<std::int32_t>::max(),
                         hi = std::numeric_limits<std::int32_t>::min(), bad = 0;
            for (std::size_t k = first; k < last; ++k) {
                const float v = load<T>(data_ + k * sizeof(T));
                std::int32_t bits;
                std::memcpy(&bits, &v, sizeof bits);
                // inf or NaN as a 32-bit float: the exponent bits all ones.
                bad |= std::int32_t((bits & 0x7f800000) == 0x7f800000);
                const std::int32_t key = float_order_key(bits);
                const std::int32_t kept = -std::int32_t((bits & 0x7fffffff) != 0);
                lo =
                    std::min(lo, (key & kept) | (std::numeric_limits<std::int32_t>::max() & ~kept));
                hi =
                    std::max(hi, (key & kept) | (std::numeric_limits<std::int32_t>::min() & ~kept));
            }
            range[std::size_t(h)] = {lo, hi};
            non_finite[std::size_t(h)] = bad;
        });
    });
    finite_ = !(non_finite[0] | non_finite[1]);
    for (float b : bias_) finite_ = finite_ && std::isfinite(b);
    if (!finite_) return;
    const std::int32_t lo_key = std::min(range[0].first, range[1].first),
                       hi_key = std::max(range[0].second, range[1].second);
    float lo = 0, hi = 0;
    bool any = lo_key <= hi_key;
    if (any) {
        lo = float_of_order_key(lo_key);
        hi = float_of_order_key(hi_key);
    }
    for (float b : bias_)
        if (b != 0) {
            lo = any ? std::min(lo, b) : b;
            hi = any ? std::max(hi, b) : b;
            any = true;
        }

    // Second read: each slice's entries, and the weights the codebook is chosen from.
    cell_.assign(cells, Cell{});
    const RowPlace place(shape_);
    std::array<DenseWeights, 2> half;
    auto count_half = [&](int h, int c0, int c1) {
        DenseWeights& d = half[std::size_t(h)];
        d.histogram = WeightHistogram(lo, hi);
        const bool binned = !d.histogram.total.empty();
        const WeightHistogram::Tally tally = d.histogram.tally();
        with_type(type_, [&](auto element) {
            using T = decltype(element);
            struct Row {
                Cell* cell; // the row's PE and pass, column 0
                int row;    // its row in the pass
            };
            d.nonzeros = for_rows<T>(
                data_, bias_, shape_, c0, c1,
                [&](int i) {
                    return Row{cell_.data() + place.slot[std::size_t(i)] * cols,
                               place.row[std::size_t(i)]};
                },
                [&, tally, binned](const Row& r, std::uint32_t column, float w) {
                    Cell& c = r.cell[column];
                    // A padding entry stands for 16 positions: 15 zeros and itself.
                    c.count += 1 + std::uint32_t(r.row - c.last - 1) / 16;
                    c.last = r.row;
                    if (binned) tally.add(w);
                    d.distinct.add(w);
                });
        });
    };
    run_both(
        parallel, [&] { count_half(0, 0, split_); }, [&] { count_half(1, split_, shape.cols); });
    weights_ = std::move(half[0]);
    weights_.nonzeros += half[1].nonzeros;
    weights_.histogram.merge(half[1].histogram);
    weights_.distinct.merge(half[1].distinct);
}

std::vector<std::vector<InterleavedCsc>> DenseEncoder::encode(const Codebook& book) {
    const TileShape& sh = shape_;
    const std::size_t cols = std::size_t(sh.cols), pes = std::size_t(sh.pes);
    const std::size_t batches = std::size_t(sh.batches);
    const int rpp = std::max(1, sh.rows_per_pass);
    std::vector<std::vector<InterleavedCsc>> out(std::size_t(sh.passes),
                                                 std::vector<InterleavedCsc>(batches));
    for (std::size_t q = 0; q < out.size(); ++q)
        for (std::size_t b = 0; b < batches; ++b) {
            InterleavedCsc& t = out[q][b];
            const std::size_t j0 = b * std::size_t(sh.batch_cols);
            t.pes = sh.pes;
            t.cols = int(std::min(cols, j0 + std::size_t(sh.batch_cols)) - j0);
            t.pe.resize(pes);
        }
    // Each slice's first entry in its tile (a cell's count becomes where its next entry goes), and
    // the tiles' pointers and entries, for the two halves of the PEs and passes at once.
    const std::size_t slots = out.size() * pes;
    std::vector<CscEntry*> entries(slots * batches);
    auto lay_out = [&](std::size_t first, std::size_t last) {
        for (std::size_t slot = first; slot < last; ++slot) {
            const std::size_t q = slot / pes, p = slot % pes;
            Cell* n = cell_.data() + slot * cols;
            for (std::size_t b = 0; b < batches; ++b) {
                PeSlices& s = out[q][b].pe[p];
                const std::size_t j0 = b * std::size_t(sh.batch_cols),
                                  j1 = j0 + std::size_t(out[q][b].cols);
                s.local_rows = pass_rows(sh.rows, sh.pes, int(p), int(q) * rpp, rpp);
                s.ptr.resize(j1 - j0 + 1);
                std::uint32_t at = 0;
                for (std::size_t j = j0; j < j1; ++j) {
                    s.ptr[j - j0] = at;
                    const std::uint32_t c = n[j].count;
                    n[j] = Cell{at, -1};
                    at += c;
                }
                s.ptr[j1 - j0] = at;
                s.entries.resize(at);
                entries[slot * batches + b] = s.entries.data();
            }
        }
    };
    run_both(
        cell_.size() >= parallel_min_items, [&] { lay_out(0, slots / 2); },
        [&] { lay_out(slots / 2, slots); });
    std::vector<std::uint32_t> batch_of(cols);
    for (std::size_t j = 0; j < cols; ++j)
        batch_of[j] = std::uint32_t(j / std::size_t(sh.batch_cols));

    // Third read: the entries, coded.
    const CodeTable code(book, float(weights_.histogram.lo), float(weights_.histogram.hi));
    const RowPlace place(sh);
    auto fill_half = [&](int c0, int c1) {
        with_type(type_, [&](auto element) {
            using T = decltype(element);
            struct Row {
                Cell* cell;            // the row's PE and pass, column 0
                CscEntry* const* tile; // its PE and pass, batch 0
                int row;               // its row in the pass
            };
            for_rows<T>(
                data_, bias_, sh, c0, c1,
                [&](int i) {
                    const std::size_t slot = place.slot[std::size_t(i)];
                    return Row{cell_.data() + slot * cols, entries.data() + slot * batches,
                               place.row[std::size_t(i)]};
                },
                [code, batch = batch_of.data()](const Row& r, std::uint32_t column, float w) {
                    Cell& c = r.cell[column];
                    const int zeros = r.row - c.last - 1;
                    c.last = r.row;
                    CscEntry* e = r.tile[batch[column]] + c.count;
                    const std::uint32_t paddings = std::uint32_t(zeros) / 16;
                    for (std::uint32_t m = 0; m < paddings; ++m) e[m] = CscEntry::make(0, 15);
                    e[paddings] = CscEntry::make(code(w), zeros & 15);
                    c.count += paddings + 1;
                });
        });
    };
    run_both(
        split_ < sh.cols, [&] { fill_half(0, split_); }, [&] { fill_half(split_, sh.cols); });
    cell_ = {};
    return out;
}

} // namespace accsim
