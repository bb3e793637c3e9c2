#include "workloads/sparse/random.hpp"
#include "workloads/sparse/sparse_matrix.hpp"

#include <algorithm>
#include <cmath>

namespace accsim {

SparseColumns random_pruned(int rows, int cols, double density, double limit, std::uint64_t seed) {
    SparseColumns m;
    m.rows = rows;
    m.cols = cols;
    const std::uint64_t n = std::uint64_t(rows) * std::uint64_t(cols);
    const auto k = static_cast<std::uint64_t>(std::llround(double(n) * density));
    SplitMix64 pick(stream_seed(seed, 1)), val(stream_seed(seed, 2));

    // Bitmap over column-major positions (j * rows + i): set = kept.
    const bool invert = k > n / 2;
    const std::uint64_t draws = invert ? n - k : k;
    std::vector<std::uint64_t> bits((n + 63) / 64, 0);
    // Draws are grouped by 2^18-position block before their bits are set, so that each block's
    // 32 KiB of bitmap is touched while it is in cache; duplicates are drawn again.
    constexpr int block_bits = 18;
    const std::size_t blocks = std::size_t(n >> block_bits) + 1;
    std::vector<std::uint32_t> grouped; // positions fit 32 bits (checked by the caller)
    std::vector<std::size_t> start(blocks + 1);
    for (std::uint64_t missing = draws; missing > 0;) {
        // Two passes over the same draws (a copy of the generator): count per block, then place.
        SplitMix64 replay = pick;
        std::fill(start.begin(), start.end(), 0);
        for (std::uint64_t d = 0; d < missing; ++d)
            ++start[std::size_t(pick.below(n) >> block_bits) + 1];
        for (std::size_t b = 0; b < blocks; ++b) start[b + 1] += start[b];
        grouped.resize(missing);
        for (std::uint64_t d = 0; d < missing; ++d) {
            const std::uint64_t p = replay.below(n);
            grouped[start[std::size_t(p >> block_bits)]++] = std::uint32_t(p);
        }
        missing = 0;
        for (std::uint64_t p : grouped) {
            std::uint64_t& w = bits[p >> 6];
            const std::uint64_t b = std::uint64_t(1) << (p & 63);
            missing += (w & b) != 0;
            w |= b;
        }
    }
    if (invert) {
        for (auto& w : bits) w = ~w;
        if (n % 64) bits.back() &= (std::uint64_t(1) << (n % 64)) - 1;
    }

    m.row.resize(k);
    m.value.resize(k);
    m.col_start.assign(std::size_t(cols) + 1, 0);
    const double threshold = limit * (1.0 - density);
    const double span = (limit - threshold) * 0x1.0p-53;
    int col = 0;
    std::uint64_t col_end = std::uint64_t(rows), kept = 0;
    for (std::uint64_t wi = 0; wi < bits.size(); ++wi) {
        std::uint64_t w = bits[wi];
        while (w) {
            const std::uint64_t p = wi * 64 + std::uint64_t(__builtin_ctzll(w));
            w &= w - 1;
            while (p >= col_end) {
                m.col_start[std::size_t(++col)] = kept;
                col_end += std::uint64_t(rows);
            }
            const std::uint64_t r = val.next();
            // Bit 0 is the sign, bits 11-63 the magnitude; no branch on the random sign.
            const double magnitude = threshold + span * double(r >> 11);
            m.row[kept] = std::uint32_t(p - (col_end - std::uint64_t(rows)));
            m.value[kept] = float(magnitude * (1.0 - 2.0 * double(r & 1)));
            ++kept;
        }
    }
    while (col < cols) m.col_start[std::size_t(++col)] = kept;
    return m;
}

SparseColumns from_dense(const std::vector<double>& dense, int rows, int cols) {
    return from_dense_rows(rows, cols, [&](std::size_t k) { return dense[k]; });
}

} // namespace accsim
