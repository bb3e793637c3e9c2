#include "workloads/sparse/codebook.hpp"

#include "common/parallel.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

namespace accsim {

std::pair<float, float> min_max(FloatView w) {
    std::array<std::pair<std::int32_t, std::int32_t>, 2> part{};
    run_in_two(0, w.size() / 2, w.size(), [&](int half, std::size_t first, std::size_t last) {
        std::int32_t lo = std::numeric_limits<std::int32_t>::max(),
                     hi = std::numeric_limits<std::int32_t>::min();
        for (std::size_t k = first; k < last; ++k) {
            std::int32_t bits;
            std::memcpy(&bits, w.begin() + k, sizeof bits);
            const std::int32_t key = float_order_key(bits);
            lo = std::min(lo, key);
            hi = std::max(hi, key);
        }
        part[std::size_t(half)] = {lo, hi};
    });
    return {float_of_order_key(std::min(part[0].first, part[1].first)),
            float_of_order_key(std::max(part[0].second, part[1].second))};
}

std::uint8_t Codebook::index_of(double w) const {
    // Centroids 1..15 are ascending: the index is 1 + the number of midpoints between neighbours
    // that w lies above (branch-free: weights arrive in random order).
    int index = 1;
    for (std::size_t c = 1; c + 1 < std::size_t(entries); ++c)
        index += w > (value[c] + value[c + 1]) / 2;
    return std::uint8_t(index);
}

CodeTable::CodeTable(const Codebook& book, float lo, float hi)
    : book_(book), lo_(lo), table_(std::size_t(bins)) {
    const double range = double(hi) - lo_;
    per_bin_ = range > 0 ? bins / range : 0;
    for (int b = 0; b < bins; ++b) {
        // Ends widened by 1 % of a bin, against rounding in the bin arithmetic of operator().
        const std::uint8_t first = book.index_of(lo_ + (b - 0.01) / per_bin_),
                           last = book.index_of(lo_ + (b + 1.01) / per_bin_);
        table_[std::size_t(b)] = per_bin_ > 0 && first == last ? first : 0;
    }
}

std::uint8_t CodeTable::straddling(float w) const {
    return book_.index_of(w);
}

std::vector<std::uint8_t> Codebook::index_all(FloatView w) const {
    std::vector<std::uint8_t> out(w.size());
    if (w.empty()) return out;
    const auto [lo, hi] = min_max(w);
    const CodeTable code(*this, lo, hi);
    run_in_two(0, w.size() / 2, w.size(), [&](int, std::size_t first, std::size_t last) {
        for (std::size_t k = first; k < last; ++k) out[k] = code(w[k]);
    });
    return out;
}

Codebook book_of_distinct(std::vector<float> distinct) {
    std::sort(distinct.begin(), distinct.end());
    const std::size_t n = distinct.size();
    Codebook book;
    for (std::size_t c = 0; c + 1 < std::size_t(Codebook::entries); ++c)
        book.value[c + 1] = n == 0 ? 0.0 : double(distinct[std::min(c, n - 1)]);
    return book;
}

std::optional<Codebook> exact_codebook(FloatView values) {
    DistinctValues seen;
    for (std::size_t k = 0; k < values.size() && seen.few; ++k) seen.add(values[k]);
    if (!seen.few) return std::nullopt;
    return book_of_distinct(std::move(seen.value));
}

WeightHistogram::WeightHistogram(double lo_, double hi_) : lo(lo_), hi(hi_) {
    const double range = hi - lo;
    if (range <= 0) return;
    per_bin = bins / range;
    total.assign(bins, Bin{});
}

void WeightHistogram::merge(const WeightHistogram& other) {
    for (std::size_t b = 0; b < total.size(); ++b) {
        total[b].sum += other.total[b].sum;
        total[b].count += other.total[b].count;
    }
}

WeightHistogram weight_histogram(FloatView values) {
    const auto [lo, hi] = min_max(values);
    // Each half of the values in a histogram of its own; the second's sums are added to the
    // first's.
    std::array<WeightHistogram, 2> half{WeightHistogram(lo, hi), WeightHistogram(lo, hi)};
    if (half[0].total.empty()) return half[0];
    run_in_two(0, values.size() / 2, values.size(),
               [&](int h, std::size_t first, std::size_t last) {
                   for (std::size_t k = first; k < last; ++k) half[std::size_t(h)].add(values[k]);
               });
    half[0].merge(half[1]);
    return half[0];
}

Codebook fit_codebook(FloatView values) {
    if (values.empty()) return fit_codebook(WeightHistogram());
    return fit_codebook(weight_histogram(values));
}

Codebook fit_codebook(const WeightHistogram& h) {
    constexpr int clusters = Codebook::entries - 1;
    const double lo = h.lo, range = h.hi - h.lo;
    std::array<double, clusters> centroid{};
    for (int c = 0; c < clusters; ++c) centroid[std::size_t(c)] = lo + range * c / (clusters - 1);
    // Lloyd iterations over the bins, each bin's weights counted at their mean.
    for (int iter = 0; iter < 50 && !h.total.empty(); ++iter) {
        std::array<double, clusters> s{}, n{};
        int c = 0;
        for (int b = 0; b < WeightHistogram::bins; ++b) {
            const double count = h.total[std::size_t(b)].count, sum = h.total[std::size_t(b)].sum;
            if (count == 0) continue;
            const double x = sum / count;
            while (c + 1 < clusters &&
                   x > (centroid[std::size_t(c)] + centroid[std::size_t(c) + 1]) / 2)
                ++c;
            s[std::size_t(c)] += sum;
            n[std::size_t(c)] += count;
        }
        double moved = 0;
        for (int k = 0; k < clusters; ++k) {
            if (n[std::size_t(k)] == 0) continue;
            const double next = s[std::size_t(k)] / n[std::size_t(k)];
            moved = std::max(moved, std::fabs(next - centroid[std::size_t(k)]));
            centroid[std::size_t(k)] = next;
        }
        std::sort(centroid.begin(), centroid.end());
        if (moved <= range * 1e-6) break;
    }
    Codebook book;
    for (int c = 0; c < clusters; ++c) book.value[std::size_t(c) + 1] = centroid[std::size_t(c)];
    return book;
}

} // namespace accsim
