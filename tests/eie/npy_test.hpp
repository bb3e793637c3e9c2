// Writes .npy files byte by byte for the tests (NEP 1 layout), so that the reader is checked
// against an independent encoder.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace accsim::test {

// A .npy file of `major` version 1 or 2 with the given header dictionary and raw data bytes.
inline void write_npy_bytes(const std::string& path, int major, const std::string& dict,
                            const std::vector<unsigned char>& data) {
    const std::size_t prefix = major == 1 ? 10 : 12;
    std::string header = dict;
    // Pad with spaces and end with a newline so that the data starts 64-byte aligned.
    while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    std::vector<unsigned char> out = {0x93, 'N', 'U', 'M', 'P', 'Y', (unsigned char)major, 0};
    const std::size_t n = header.size();
    for (std::size_t b = 0; b < (major == 1 ? 2u : 4u); ++b)
        out.push_back((unsigned char)((n >> (8 * b)) & 0xff));
    out.insert(out.end(), header.begin(), header.end());
    out.insert(out.end(), data.begin(), data.end());
    std::ofstream(path, std::ios::binary).write((const char*)out.data(), long(out.size()));
}

template <typename T>
std::vector<unsigned char> le_bytes(const std::vector<T>& v) {
    std::vector<unsigned char> b(v.size() * sizeof(T));
    std::memcpy(b.data(), v.data(), b.size()); // the test machines are little-endian (x86, arm64)
    return b;
}

inline std::string shape_dict(const std::string& descr, const std::string& shape) {
    return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
}

} // namespace accsim::test
