// A small, fast, portable random number generator (SplitMix64, Steele, Lea and Flood, OOPSLA 2014)
// with the few conversions the weight and input generators need. The standard library's
// distributions differ between implementations; these do not, so a seed gives the same weights
// everywhere.
#pragma once

#include <cstdint>

namespace accsim {

class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }
    // Uniform integer in [0, n) (n > 0), by Lemire's multiply-shift; the bias is below 2^-32 for
    // the sizes used here.
    std::uint64_t below(std::uint64_t n) { return ((next() >> 32) * n) >> 32; }

private:
    std::uint64_t state_;
};

// An independent stream for one purpose (`salt`) of one seed.
inline std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t salt) {
    SplitMix64 g(seed ^ (salt * 0xd1b54a32d192ed03ULL));
    return g.next();
}

} // namespace accsim
