// Weight sharing (Deep Compression, Han et al., ICLR 2016, section 3; EIE section III): every
// non-zero weight of a layer is replaced by the nearest of 15 shared values, so a 4-bit index
// stores it. Index 0 is reserved for the value 0 of EIE's padding entries.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

namespace accsim {

// The weights a codebook is fitted to or applied to: any vector of floats, read only.
struct FloatView {
    template <class Allocator>
    FloatView(const std::vector<float, Allocator>& v) : data(v.data()), n(v.size()) {}
    const float* data;
    std::size_t n;
    std::size_t size() const { return n; }
    bool empty() const { return n == 0; }
    float operator[](std::size_t k) const { return data[k]; }
    float front() const { return data[0]; }
    const float* begin() const { return data; }
    const float* end() const { return data + n; }
};

struct Codebook {
    static constexpr int entries = 16;   // 4-bit indices
    std::array<double, entries> value{}; // value[0] = 0; value[1..15] ascending
    // The index (1..15) of the centroid nearest to w (ties to the lower one).
    std::uint8_t index_of(double w) const;
    // index_of for every value (equal results; a bin table settles most values without the
    // comparisons).
    std::vector<std::uint8_t> index_all(FloatView w) const;
};

// index_of through a table of 4096 equal bins over [lo, hi], the range of the weights it is
// applied to: a bin whose two ends map to the same centroid maps every weight inside it there
// (index_of is monotonic); only weights in the few bins that straddle a midpoint are compared.
class CodeTable {
public:
    CodeTable(const Codebook& book, float lo, float hi);
    // book.index_of(w) for w in [lo, hi].
    std::uint8_t operator()(float w) const {
        const int b = std::min(bins - 1, int((double(w) - lo_) * per_bin_));
        const std::uint8_t t = table_[std::size_t(b)];
        return t ? t : straddling(w);
    }

private:
    // book_.index_of(w), kept out of line: the callers' loops then keep their own values in
    // registers rather than the book's.
    [[gnu::noinline]] std::uint8_t straddling(float w) const;
    static constexpr int bins = 4096;
    Codebook book_;
    double lo_, per_bin_;
    std::vector<std::uint8_t> table_;
};

// The smallest and largest of `w` (not empty, finite; two halves at once).
std::pair<float, float> min_max(FloatView w);

// A key of a finite float's bits whose integer order is the floats' order (negative floats have
// their magnitude bits flipped); its own inverse. Minima and maxima of keys vectorise where those
// of floats do not (a float compare and select is not a min without -ffast-math).
inline std::int32_t float_order_key(std::int32_t bits) {
    return bits ^ ((bits >> 31) & 0x7fffffff);
}
// The float whose key is `key`.
inline float float_of_order_key(std::int32_t key) {
    const std::int32_t bits = float_order_key(key);
    float v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
}

// The weights counted in 4096 equal bins over [lo, hi] (none when lo = hi): bin b covers
// [lo + b * width, lo + (b + 1) * width), the last one closed; each bin keeps its weights' sum and
// count (side by side: one cache line per weight added).
struct WeightHistogram {
    static constexpr int bins = 4096;
    struct Bin {
        double sum = 0, count = 0;
    };
    double lo = 0, hi = 0, per_bin = 0;
    std::vector<Bin> total; // per bin; empty when lo = hi
    WeightHistogram() = default;
    WeightHistogram(double lo_, double hi_);
    void add(float w) { tally().add(w); }
    // The histogram's adder with its range in registers: in a loop, the histogram's own members
    // would be read again after every store to a bin, which might alias them.
    struct Tally {
        double lo, per_bin;
        Bin* total;
        void add(float w) const {
            Bin& b = total[std::size_t(bin_of(w, lo, per_bin))];
            b.sum += w;
            b.count += 1;
        }
    };
    Tally tally() { return {lo, per_bin, total.data()}; }
    static int bin_of(float w, double lo, double per_bin) {
        return std::min(bins - 1, int((double(w) - lo) * per_bin));
    }
    // Adds another histogram of the same range.
    void merge(const WeightHistogram& other);
};

// The histogram of `values` (not empty, no zeros), its two halves at once.
WeightHistogram weight_histogram(FloatView values);

// Linear initialisation over [min, max] of the non-zero weights (Deep Compression found it the
// best of random, density-based and linear initialisation, section 3.2), then Lloyd iterations of
// one-dimensional k-means on a 4096-bin histogram of the weights until no centroid moves by more
// than a millionth of the range (at most 50). All 15 centroids stay in the book even when a
// cluster is empty, so that the book always has 16 entries. `values` must not contain zeros.
Codebook fit_codebook(FloatView values);
// The same from the weights' histogram.
Codebook fit_codebook(const WeightHistogram& h);

// The distinct values seen, while there are at most 15 (Codebook::entries - 1): what an exact
// book is made of. Most weights repeat the last value found or an early one, so the search is a
// short linear one.
struct DistinctValues {
    bool few = true;          // at most 15 so far
    std::vector<float> value; // those values, in order found, while few; empty otherwise
    void add(float v) {
        if (!few || std::find(value.begin(), value.end(), v) != value.end()) return;
        if (value.size() == Codebook::entries - 1) {
            few = false;
            value.clear();
        } else {
            value.push_back(v);
        }
    }
    void merge(const DistinctValues& other) {
        if (!other.few) {
            few = false;
            value.clear();
        }
        for (float v : other.value) add(v);
    }
};

// The book of weights that are already shared (a pre-quantized layer): when the non-zeros take at
// most 15 distinct values, those values exactly, ascending, the largest repeated to fill the book
// (so that index_of maps each value to itself). std::nullopt when there are more than 15.
std::optional<Codebook> exact_codebook(FloatView values);
// The same book from the distinct non-zero values themselves (at most 15, any order).
Codebook book_of_distinct(std::vector<float> distinct);

} // namespace accsim
