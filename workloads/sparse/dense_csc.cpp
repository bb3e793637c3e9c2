#include "workloads/sparse/dense_csc.hpp"

#include "common/cpu.hpp"
#include "common/parallel.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

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

// The smallest and largest order key (float_order_key) of the non-zero weights, whether any
// weight is not finite as a 32-bit float, and the distinct non-zero values while at most 15.
struct KeyRange {
    std::int32_t lo = std::numeric_limits<std::int32_t>::max();
    std::int32_t hi = std::numeric_limits<std::int32_t>::min();
    std::int32_t bad = 0;
    DistinctValues distinct;
};

// Bit k set when w[k] is not zero (64 values; NaN is not zero): SSE2, which every x86-64 has, and
// AVX2.
inline std::uint64_t nonzero_mask(const float* w) {
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
#if defined(__x86_64__)
#define ACCSIM_DENSE_AVX2 1
__attribute__((target("avx2"))) std::uint64_t nonzero_mask_avx2(const float* w) {
    std::uint64_t bits = 0;
    const __m256 zero = _mm256_setzero_ps();
    for (int k = 0; k < 64; k += 8)
        bits |= std::uint64_t(unsigned(
                    _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(w + k), zero, _CMP_NEQ_UQ))))
                << k;
    return bits;
}
#endif

// Rows [row0, row1) of the rows x cols matrix of T at `data`: their range, and each row's mask of
// non-zero weights, 64 columns to a word (bit k of word c: column 64c + k), at
// mask + row * words. The range is taken on order-preserving integer keys, with masks rather than
// branches or float comparisons, so that the loop over a word's 64 weights vectorises. The
// distinct values are looked for only until there are more than 15 (a layer's weights are
// either shared values, or soon that many).
template <class T, bool avx2>
[[gnu::always_inline]] inline KeyRange scan_rows_of(const unsigned char* data, std::size_t cols,
                                                    std::size_t row0, std::size_t row1,
                                                    std::uint64_t* mask) {
    const std::size_t words = (cols + 63) / 64;
    std::int32_t lo = std::numeric_limits<std::int32_t>::max(),
                 hi = std::numeric_limits<std::int32_t>::min(), bad = 0;
    DistinctValues distinct;
    alignas(32) float chunk[64];
    for (std::size_t i = row0; i < row1; ++i) {
        const unsigned char* row = data + i * cols * sizeof(T);
        for (std::size_t c = 0; c < words; ++c) {
            const std::size_t n = std::min<std::size_t>(64, cols - 64 * c);
            const float* w = chunk;
            // A float32 file's rows are read in place when aligned (an .npy header may leave
            // them unaligned).
            if (std::is_same_v<T, float> && n == 64 &&
                reinterpret_cast<std::uintptr_t>(row) % alignof(float) == 0) {
                w = reinterpret_cast<const float*>(row) + 64 * c;
            } else {
                for (std::size_t k = 0; k < n; ++k)
                    chunk[k] = load<T>(row + (64 * c + k) * sizeof(T));
                for (std::size_t k = n; k < 64; ++k) chunk[k] = 0;
            }
            for (int k = 0; k < 64; ++k) {
                std::int32_t bits;
                std::memcpy(&bits, w + k, sizeof bits);
                // inf or NaN as a 32-bit float: the exponent bits all ones.
                bad |= std::int32_t((bits & 0x7f800000) == 0x7f800000);
                const std::int32_t key = float_order_key(bits);
                const std::int32_t kept = -std::int32_t((bits & 0x7fffffff) != 0);
                lo =
                    std::min(lo, (key & kept) | (std::numeric_limits<std::int32_t>::max() & ~kept));
                hi =
                    std::max(hi, (key & kept) | (std::numeric_limits<std::int32_t>::min() & ~kept));
            }
            std::uint64_t bits;
#ifdef ACCSIM_DENSE_AVX2
            if constexpr (avx2)
                bits = nonzero_mask_avx2(w);
            else
#endif
                bits = nonzero_mask(w);
            mask[i * words + c] = bits;
            if (distinct.few)
                for (; bits != 0; bits &= bits - 1) distinct.add(w[__builtin_ctzll(bits)]);
        }
    }
    return {lo, hi, bad, std::move(distinct)};
}

// The same for the x86-64 baseline and for AVX2 (eight lanes, and the 32-bit minima the baseline
// lacks), chosen by the processor.
template <class T>
KeyRange scan_rows_plain(const unsigned char* data, std::size_t cols, std::size_t row0,
                         std::size_t row1, std::uint64_t* mask) {
    return scan_rows_of<T, false>(data, cols, row0, row1, mask);
}
#ifdef ACCSIM_DENSE_AVX2
template <class T>
__attribute__((target("avx2"))) KeyRange scan_rows_avx2(const unsigned char* data, std::size_t cols,
                                                        std::size_t row0, std::size_t row1,
                                                        std::uint64_t* mask) {
    return scan_rows_of<T, true>(data, cols, row0, row1, mask);
}
#endif
template <class T>
KeyRange scan_rows(const unsigned char* data, std::size_t cols, std::size_t row0, std::size_t row1,
                   std::uint64_t* mask) {
#ifdef ACCSIM_DENSE_AVX2
    if (have_avx2()) return scan_rows_avx2<T>(data, cols, row0, row1, mask);
#endif
    return scan_rows_plain<T>(data, cols, row0, row1, mask);
}

// PE p's rows of the matrix (i = p, p + pes, ...), restricted to columns [c0, c1), in order: for
// each row i, ctx = begin(i / pes), its local row, then add(ctx, column, weight) for each kept
// weight, ascending by column, the bias column (cols - 1 of the shape) last. Returns how many
// weights were kept. The weights kept are the set bits of the rows' masks (scan_rows): the zeros
// of a pruned matrix fall at random, so a branch per weight would often be mispredicted. The row's
// context is a value of this function, not a reference shared with the caller, so that the
// compiler keeps it in registers across the stores of add.
template <class T, class Begin, class Add>
std::uint64_t for_pe_rows(const unsigned char* data, const std::uint64_t* mask,
                          const std::vector<float>& bias, const TileShape& sh, int p, int c0,
                          int c1, Begin begin, Add add) {
    const int data_cols = sh.cols - (bias.empty() ? 0 : 1);
    const std::size_t words = std::size_t(data_cols + 63) / 64;
    const int end = std::min(c1, data_cols);
    const bool with_bias = !bias.empty() && c0 <= data_cols && data_cols < c1;
    if (end <= c0 && !with_bias) return 0;
    // The words of [c0, end), the first and last of them masked.
    const std::size_t w0 = std::size_t(c0) / 64, w1 = end > c0 ? std::size_t(end - 1) / 64 + 1 : w0;
    const std::uint64_t first_keep = ~std::uint64_t(0) << (c0 % 64),
                        last_keep = end > c0 ? ~std::uint64_t(0) >> (63 - (end - 1) % 64) : 0;
    std::uint64_t kept = 0;
    for (int i = p; i < sh.rows; i += sh.pes) {
        const unsigned char* row = data + std::size_t(i) * std::size_t(data_cols) * sizeof(T);
        const std::uint64_t* m = mask + std::size_t(i) * words;
        auto ctx = begin(i / sh.pes);
        for (std::size_t c = w0; c < w1; ++c) {
            std::uint64_t bits = m[c];
            if (c == w0) bits &= first_keep;
            if (c + 1 == w1) bits &= last_keep;
            const auto first = std::uint32_t(64 * c);
            for (; bits != 0; bits &= bits - 1) {
                const std::uint32_t j = first + std::uint32_t(__builtin_ctzll(bits));
                add(ctx, j, load<T>(row + std::size_t(j) * sizeof(T)));
                ++kept;
            }
        }
        if (with_bias && bias[std::size_t(i)] != 0) {
            add(ctx, std::uint32_t(data_cols), bias[std::size_t(i)]);
            ++kept;
        }
    }
    return kept;
}

} // namespace

DenseEncoder::DenseEncoder(const unsigned char* data, DenseType type, std::vector<float> bias,
                           const TileShape& shape)
    : data_(data), type_(type), bias_(std::move(bias)), shape_(shape) {
    const int data_cols = shape.cols - (bias_.empty() ? 0 : 1);
    const std::size_t elements = std::size_t(shape.rows) * std::size_t(data_cols);
    const bool parallel = elements >= parallel_min_items;
    split_ = parallel ? shape.cols / 2 : shape.cols;

    // First read: the smallest and largest non-zero (for the histogram's bins), and the masks of
    // the weights kept, the two halves of the rows at once.
    std::array<KeyRange, 2> range{};
    const std::size_t rows = std::size_t(shape.rows), half_rows = parallel ? rows / 2 : rows;
    mask_.resize(rows * ((std::size_t(data_cols) + 63) / 64));
    with_type(type_, [&](auto element) {
        using T = decltype(element);
        run_both(
            parallel,
            [&] {
                range[0] = scan_rows<T>(data_, std::size_t(data_cols), 0, half_rows, mask_.data());
            },
            [&] {
                range[1] =
                    scan_rows<T>(data_, std::size_t(data_cols), half_rows, rows, mask_.data());
            });
    });
    finite_ = !(range[0].bad | range[1].bad);
    for (float b : bias_) finite_ = finite_ && std::isfinite(b);
    if (!finite_) return;
    const std::int32_t lo_key = std::min(range[0].lo, range[1].lo),
                       hi_key = std::max(range[0].hi, range[1].hi);
    float lo = 0, hi = 0;
    bool any = lo_key <= hi_key;
    if (any) {
        lo = float_of_order_key(lo_key);
        hi = float_of_order_key(hi_key);
    }
    DistinctValues distinct = std::move(range[0].distinct);
    distinct.merge(range[1].distinct);
    for (float b : bias_)
        if (b != 0) {
            lo = any ? std::min(lo, b) : b;
            hi = any ? std::max(hi, b) : b;
            any = true;
            distinct.add(b);
        }

    // The tiles, each slice's pointers zero.
    const int rpp = std::max(1, shape.rows_per_pass);
    tiles_.assign(std::size_t(shape.passes),
                  std::vector<InterleavedCsc>(std::size_t(shape.batches)));
    for (int q = 0; q < shape.passes; ++q)
        for (int b = 0; b < shape.batches; ++b) {
            InterleavedCsc& t = tiles_[std::size_t(q)][std::size_t(b)];
            t.pes = shape.pes;
            t.cols = std::min(shape.cols, (b + 1) * shape.batch_cols) - b * shape.batch_cols;
            t.pe.resize(std::size_t(shape.pes));
            for (int p = 0; p < shape.pes; ++p) {
                PeSlices& s = t.pe[std::size_t(p)];
                s.local_rows = pass_rows(shape.rows, shape.pes, p, long(q) * rpp, rpp);
                s.ptr.assign(std::size_t(t.cols) + 1, 0);
            }
        }

    // Second read: each slice's entries, and the weights the codebook is chosen from. PE by PE,
    // counted in cells of its own that stay in the cache, then handed to its pointers.
    std::array<DenseWeights, 2> half;
    auto count_half = [&](int h, int c0, int c1) {
        DenseWeights& d = half[std::size_t(h)];
        d.histogram = WeightHistogram(lo, hi);
        const bool binned = !d.histogram.total.empty();
        const WeightHistogram::Tally tally = d.histogram.tally();
        std::vector<Cell> cell(std::size_t(shape_.passes) * std::size_t(shape_.cols));
        with_type(type_, [&](auto element) {
            using T = decltype(element);
            struct Row {
                Cell* cell; // the row's pass, column 0
                int row;    // its row in the pass
            };
            auto count_pes = [&](auto may_pad) {
                for (int p = 0; p < shape_.pes; ++p) {
                    d.nonzeros += for_pe_rows<T>(
                        data_, mask_.data(), bias_, shape_, p, c0, c1,
                        [&](int local) {
                            const int q = local / rpp;
                            return Row{cell.data() + std::size_t(q) * std::size_t(shape_.cols),
                                       local - q * rpp};
                        },
                        [&, tally, binned](const Row& r, std::uint32_t column, float w) {
                            Cell& c = r.cell[column];
                            if constexpr (decltype(may_pad)::value) {
                                // A padding entry stands for 16 positions: 15 zeros and itself.
                                c.count += 1 + std::uint32_t(r.row - c.last - 1) / 16;
                                c.last = r.row;
                            } else {
                                ++c.count;
                            }
                            if (binned) tally.add(w);
                        });
                    for_slices(p, c0, c1, [&](int q, int j, std::uint32_t* ptr) {
                        Cell& c = cell[std::size_t(q) * std::size_t(shape_.cols) + std::size_t(j)];
                        ptr[1] = c.count;
                        c = Cell{};
                    });
                }
            };
            // In a pass of at most 16 rows no run of zeros is long enough for a padding entry:
            // a slice's entries are its non-zeros.
            if (rpp > 16)
                count_pes(std::true_type{});
            else
                count_pes(std::false_type{});
        });
    };
    run_both(
        parallel, [&] { count_half(0, 0, split_); }, [&] { count_half(1, split_, shape.cols); });
    weights_ = std::move(half[0]);
    weights_.nonzeros += half[1].nonzeros;
    weights_.histogram.merge(half[1].histogram);
    weights_.distinct = std::move(distinct);
}

template <class F>
void DenseEncoder::for_slices(int p, int c0, int c1, F f) {
    const int bc = shape_.batch_cols;
    for (int q = 0; q < shape_.passes; ++q)
        for (int b = c0 / bc; b < shape_.batches && b * bc < c1; ++b) {
            std::uint32_t* ptr =
                tiles_[std::size_t(q)][std::size_t(b)].pe[std::size_t(p)].ptr.data();
            const int j0 = b * bc, j1 = std::min(c1, std::min(shape_.cols, j0 + bc));
            for (int j = std::max(c0, j0); j < j1; ++j) f(q, j, ptr + (j - j0));
        }
}

std::vector<std::vector<InterleavedCsc>> DenseEncoder::encode(const Codebook& book) {
    const TileShape& sh = shape_;
    const std::size_t cols = std::size_t(sh.cols), pes = std::size_t(sh.pes);
    const std::size_t batches = std::size_t(sh.batches);
    const int rpp = std::max(1, sh.rows_per_pass);
    // Each slice's count becomes its first entry (pointers as prefix sums), and each tile its
    // entries, for the two halves of the PEs and passes at once.
    const std::size_t slots = tiles_.size() * pes;
    auto lay_out = [&](std::size_t first, std::size_t last) {
        for (std::size_t slot = first; slot < last; ++slot) {
            const std::size_t q = slot / pes, p = slot % pes;
            for (std::size_t b = 0; b < batches; ++b) {
                PeSlices& s = tiles_[q][b].pe[p];
                std::uint32_t at = 0;
                for (auto& x : s.ptr) {
                    at += x;
                    x = at;
                }
                // Padding entries where no weight goes: the third read writes the rest.
                s.entries.resize(at, CscEntry::make(0, 15));
            }
        }
    };
    run_both(
        slots * cols >= parallel_min_items, [&] { lay_out(0, slots / 2); },
        [&] { lay_out(slots / 2, slots); });

    // Third read: the entries, coded, PE by PE, each slice's next entry and last row in cells of
    // the PE's own.
    const CodeTable code(book, float(weights_.histogram.lo), float(weights_.histogram.hi));
    auto fill_half = [&](int c0, int c1) {
        std::vector<Cell> cell(std::size_t(sh.passes) * cols);
        with_type(type_, [&](auto element) {
            using T = decltype(element);
            struct Row {
                Cell* cell;     // the row's pass, column 0
                CscEntry* tile; // its PE's entries in the pass and batch
                int row;        // its row in the pass
            };
            const int bc = sh.batch_cols;
            for (int p = 0; p < sh.pes; ++p) {
                for_slices(p, c0, c1, [&](int q, int j, const std::uint32_t* ptr) {
                    cell[std::size_t(q) * cols + std::size_t(j)] = Cell{ptr[0], -1};
                });
                // Batch by batch, so that a row's entries go to one array.
                for (int b = c0 / bc; b < sh.batches && b * bc < c1; ++b)
                    for_pe_rows<T>(
                        data_, mask_.data(), bias_, sh, p, std::max(c0, b * bc),
                        std::min(c1, (b + 1) * bc),
                        [&](int local) {
                            const int q = local / rpp;
                            return Row{cell.data() + std::size_t(q) * cols,
                                       tiles_[std::size_t(q)][std::size_t(b)]
                                           .pe[std::size_t(p)]
                                           .entries.data(),
                                       local - q * rpp};
                        },
                        [code](const Row& r, std::uint32_t column, float w) {
                            Cell& c = r.cell[column];
                            const int zeros = r.row - c.last - 1;
                            c.last = r.row;
                            // After the padding entries laid out before it.
                            const std::uint32_t at = c.count + std::uint32_t(zeros) / 16;
                            r.tile[at] = CscEntry::make(code(w), zeros & 15);
                            c.count = at + 1;
                        });
            }
        });
    };
    run_both(
        split_ < sh.cols, [&] { fill_half(0, split_); }, [&] { fill_half(split_, sh.cols); });
    mask_ = {};
    return std::move(tiles_);
}

} // namespace accsim
