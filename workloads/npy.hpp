// A reader of NumPy's .npy format (format versions 1 and 2): little-endian float32, float64 and
// int16 arrays in C order. Debian ships no .npy library (no libcnpy-dev), and the subset needed for
// weight and activation files is small. Layout: the NumPy enhancement proposal NEP 1 ("A simple
// file format for NumPy arrays").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace accsim {

enum class NpyType { float32, float64, int16 };

struct NpyArray {
    NpyType type = NpyType::float32;
    std::vector<std::size_t> shape; // C order: the last index varies fastest
    // Every element converted to double (int16 values exactly).
    std::vector<double> values;
    std::size_t elements() const;
};

// Reads `path`. Anything else (a missing file, a bad magic string, big-endian or Fortran-order
// data, another dtype, a header that does not parse, a file shorter than its shape) throws
// InputError naming the file and what is wrong.
NpyArray read_npy(const std::string& path);

// Parses the header dictionary text, e.g. "{'descr': '<f4', 'fortran_order': False, 'shape': (3,
// 4), }"; `where` prefixes error messages.
void parse_npy_header(const std::string& header, const std::string& where, NpyArray& out);

} // namespace accsim
