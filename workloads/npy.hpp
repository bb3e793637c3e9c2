// A reader of NumPy's .npy format (format versions 1 and 2): little-endian float32, float64 and
// int16 arrays in C order (values are read as little-endian: accsim runs on x86-64 and arm64).
// Debian ships no .npy library (no libcnpy-dev), and the subset needed for weight and activation
// files is small. Layout: the NumPy enhancement proposal NEP 1 ("A simple file format for NumPy
// arrays").
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace accsim {

enum class NpyType { float32, float64, int16 };

// What a .npy header says.
struct NpyHeader {
    NpyType type = NpyType::float32;
    std::vector<std::size_t> shape; // C order: the last index varies fastest
    std::size_t elements() const;
};

// A .npy file mapped into memory, read element by element: large weight files are neither copied
// nor converted as a whole. Anything else than the format above (a missing file, a bad magic
// string, big-endian or Fortran-order data, another dtype, a header that does not parse, a file
// shorter than its shape) throws InputError naming the file and what is wrong. The mapping lives
// as long as the object.
class NpyMap {
public:
    explicit NpyMap(const std::string& path);
    ~NpyMap();
    NpyMap(const NpyMap&) = delete;
    NpyMap& operator=(const NpyMap&) = delete;

    NpyType type() const { return header_.type; }
    const std::vector<std::size_t>& shape() const { return header_.shape; }
    std::size_t elements() const { return elements_; }
    // The raw little-endian elements, C order (elements() of them).
    const unsigned char* data() const { return data_; }
    // Element i (C order) as a double; int16 exactly.
    double value(std::size_t i) const {
        const unsigned char* d = data_ + i * size_;
        switch (header_.type) {
        case NpyType::float32: {
            float f;
            std::memcpy(&f, d, 4);
            return f;
        }
        case NpyType::float64: {
            double f;
            std::memcpy(&f, d, 8);
            return f;
        }
        case NpyType::int16: {
            std::int16_t v;
            std::memcpy(&v, d, 2);
            return v;
        }
        }
        return 0;
    }

private:
    NpyHeader header_;
    std::size_t elements_ = 0, size_ = 4;
    void* map_ = nullptr;
    std::size_t map_bytes_ = 0;
    const unsigned char* data_ = nullptr;
};

// Writes `values` (C order) as a little-endian float64 .npy (format 1.0) of the given shape;
// throws InputError naming the file when it cannot be written completely.
void write_npy(const std::string& path, const std::vector<std::size_t>& shape,
               const std::vector<double>& values);

} // namespace accsim
