#include "workloads/sparse/codebook.hpp"

#include "common/parallel.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace accsim {

namespace {

// The smallest and largest of `w` (not empty), the halves at once.
std::pair<float, float> min_max(FloatView w) {
    std::array<std::pair<float, float>, 2> part{};
    run_in_two(0, w.size() / 2, w.size(), [&](int half, std::size_t first, std::size_t last) {
        // Written so that it vectorises (the values are finite).
        float lo = w.front(), hi = w.front();
        for (std::size_t k = first; k < last; ++k) {
            const float v = w[k];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        part[std::size_t(half)] = {lo, hi};
    });
    return {std::min(part[0].first, part[1].first), std::max(part[0].second, part[1].second)};
}

} // namespace

std::uint8_t Codebook::index_of(double w) const {
    // Centroids 1..15 are ascending: the index is 1 + the number of midpoints between neighbours
    // that w lies above (branch-free: weights arrive in random order).
    int index = 1;
    for (std::size_t c = 1; c + 1 < std::size_t(entries); ++c)
        index += w > (value[c] + value[c + 1]) / 2;
    return std::uint8_t(index);
}

std::vector<std::uint8_t> Codebook::index_all(FloatView w) const {
    std::vector<std::uint8_t> out(w.size());
    if (w.empty()) return out;
    const auto [lo_f, hi_f] = min_max(w);
    const double lo = lo_f, range = double(hi_f) - lo;
    constexpr int bins = 4096;
    const double per_bin = range > 0 ? bins / range : 0;
    // A bin whose two ends map to the same centroid maps every value inside it there
    // (index_of is monotonic); 0 marks bins that straddle a midpoint.
    std::vector<std::uint8_t> table(bins);
    for (int b = 0; b < bins; ++b) {
        // Ends widened by 1 % of a bin, against rounding in the bin arithmetic below.
        const std::uint8_t first = index_of(lo + (b - 0.01) / per_bin),
                           last = index_of(lo + (b + 1.01) / per_bin);
        table[std::size_t(b)] = per_bin > 0 && first == last ? first : 0;
    }
    run_in_two(0, w.size() / 2, w.size(), [&](int, std::size_t first, std::size_t last) {
        for (std::size_t k = first; k < last; ++k) {
            const int b = std::min(bins - 1, int((double(w[k]) - lo) * per_bin));
            const std::uint8_t t = table[std::size_t(b)];
            out[k] = t ? t : index_of(w[k]);
        }
    });
    return out;
}

std::optional<Codebook> exact_codebook(FloatView values) {
    constexpr std::size_t most = Codebook::entries - 1;
    std::array<float, most> seen{};
    std::size_t n = 0;
    for (float v : values) {
        // Most weights repeat the last value found or an early one: a short linear search.
        std::size_t k = 0;
        while (k < n && seen[k] != v) ++k;
        if (k < n) continue;
        if (n == most) return std::nullopt;
        seen[n++] = v;
    }
    std::sort(seen.begin(), seen.begin() + long(n));
    Codebook book;
    for (std::size_t c = 0; c < most; ++c)
        book.value[c + 1] = n == 0 ? 0.0 : double(seen[std::min(c, n - 1)]);
    return book;
}

Codebook fit_codebook(FloatView values) {
    constexpr int clusters = Codebook::entries - 1;
    Codebook book;
    if (values.empty()) {
        for (int c = 1; c <= clusters; ++c) book.value[std::size_t(c)] = 0;
        return book;
    }
    const auto [lo_f, hi_f] = min_max(values);
    const double lo = lo_f, hi = hi_f, range = hi - lo;
    std::array<double, clusters> centroid{};
    for (int c = 0; c < clusters; ++c) centroid[std::size_t(c)] = lo + range * c / (clusters - 1);
    if (range > 0) {
        // Histogram: bin b covers [lo + b*w, lo + (b+1)*w); its weights count at their mean.
        // Each half of the values in a histogram of its own; the second's sums are added to the
        // first's.
        constexpr int bins = 4096;
        std::array<std::vector<double>, 2> sums, counts;
        const double per_bin = bins / range;
        run_in_two(0, values.size() / 2, values.size(),
                   [&](int half, std::size_t first, std::size_t last) {
                       std::vector<double>& s = sums[std::size_t(half)];
                       std::vector<double>& n = counts[std::size_t(half)];
                       s.assign(bins, 0.0);
                       n.assign(bins, 0.0);
                       for (std::size_t k = first; k < last; ++k) {
                           const float v = values[k];
                           const int b = std::min(bins - 1, int((double(v) - lo) * per_bin));
                           s[std::size_t(b)] += v;
                           n[std::size_t(b)] += 1;
                       }
                   });
        std::vector<double>& sum = sums[0];
        std::vector<double>& count = counts[0];
        for (int b = 0; b < bins; ++b) {
            sum[std::size_t(b)] += sums[1][std::size_t(b)];
            count[std::size_t(b)] += counts[1][std::size_t(b)];
        }
        for (int iter = 0; iter < 50; ++iter) {
            std::array<double, clusters> s{}, n{};
            int c = 0;
            for (int b = 0; b < bins; ++b) {
                if (count[std::size_t(b)] == 0) continue;
                const double x = sum[std::size_t(b)] / count[std::size_t(b)];
                while (c + 1 < clusters &&
                       x > (centroid[std::size_t(c)] + centroid[std::size_t(c) + 1]) / 2)
                    ++c;
                s[std::size_t(c)] += sum[std::size_t(b)];
                n[std::size_t(c)] += count[std::size_t(b)];
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
    }
    for (int c = 0; c < clusters; ++c) book.value[std::size_t(c) + 1] = centroid[std::size_t(c)];
    return book;
}

} // namespace accsim
