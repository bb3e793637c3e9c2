#include "workloads/npy.hpp"

#include "common/error.hpp"
#include "common/text.hpp"

#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <iterator>

namespace accsim {

std::size_t NpyArray::elements() const {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}

namespace {

// The text after `'key':` in the header dictionary, up to the end of its value.
std::string dict_value(const std::string& header, const std::string& key,
                       const std::string& where) {
    for (const char* quote : {"'", "\""}) {
        std::string k = std::string(quote) + key + quote;
        auto p = header.find(k);
        if (p == std::string::npos) continue;
        p = header.find(':', p + k.size());
        if (p == std::string::npos) break;
        ++p;
        while (p < header.size() && header[p] == ' ') ++p;
        std::size_t end = p;
        if (p < header.size() && header[p] == '(') {
            end = header.find(')', p);
            if (end == std::string::npos) break;
            return header.substr(p, end - p + 1);
        }
        while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
        return trim(header.substr(p, end - p));
    }
    throw InputError(fmt::format("{}: .npy header has no '{}' entry", where, key));
}

std::uint32_t little_endian(const unsigned char* b, int bytes) {
    std::uint32_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | b[i];
    return v;
}

} // namespace

void parse_npy_header(const std::string& header, const std::string& where, NpyArray& out) {
    std::string descr = dict_value(header, "descr", where);
    if (descr.size() >= 2 && (descr.front() == '\'' || descr.front() == '"'))
        descr = descr.substr(1, descr.size() - 2);
    if (descr == "<f4")
        out.type = NpyType::float32;
    else if (descr == "<f8")
        out.type = NpyType::float64;
    else if (descr == "<i2")
        out.type = NpyType::int16;
    else
        throw InputError(fmt::format("{}: .npy dtype '{}' is not supported: expected "
                                     "little-endian float32 ('<f4'), float64 ('<f8') or int16 "
                                     "('<i2')",
                                     where, descr));
    std::string fortran = dict_value(header, "fortran_order", where);
    if (fortran == "True")
        throw InputError(fmt::format("{}: .npy array is in Fortran order; save it in C order "
                                     "(numpy.ascontiguousarray)",
                                     where));
    if (fortran != "False")
        throw InputError(
            fmt::format("{}: .npy fortran_order '{}' is neither True nor False", where, fortran));
    std::string shape = dict_value(header, "shape", where);
    if (shape.size() < 2 || shape.front() != '(' || shape.back() != ')')
        throw InputError(fmt::format("{}: .npy shape '{}' is not a tuple", where, shape));
    out.shape.clear();
    for (const auto& part : split(shape.substr(1, shape.size() - 2), ',')) {
        if (part.empty()) continue; // "(3,)"
        auto v = parse_int(part);
        if (!v || *v < 0)
            throw InputError(
                fmt::format("{}: .npy shape '{}' has a bad dimension '{}'", where, shape, part));
        out.shape.push_back(static_cast<std::size_t>(*v));
    }
}

NpyArray read_npy(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(fmt::format("{}: cannot open file", path));
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
    static const unsigned char magic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
    if (bytes.size() < 10 || std::memcmp(bytes.data(), magic, 6) != 0)
        throw InputError(fmt::format("{}: not a .npy file (no \\x93NUMPY magic string)", path));
    const int major = bytes[6];
    if (major != 1 && major != 2)
        throw InputError(
            fmt::format("{}: .npy format version {}.{} is not supported (1.0 and 2.0 are)", path,
                        major, int(bytes[7])));
    // Version 1 stores the header length in 2 bytes, version 2 in 4 (NEP 1).
    const std::size_t len_bytes = major == 1 ? 2 : 4;
    if (bytes.size() < 8 + len_bytes)
        throw InputError(fmt::format("{}: .npy file ends inside its header", path));
    const std::size_t header_len = little_endian(bytes.data() + 8, int(len_bytes));
    const std::size_t data_at = 8 + len_bytes + header_len;
    if (bytes.size() < data_at)
        throw InputError(fmt::format("{}: .npy file ends inside its header", path));
    std::string header(bytes.begin() + 8 + long(len_bytes), bytes.begin() + long(data_at));

    NpyArray a;
    parse_npy_header(header, path, a);
    const std::size_t n = a.elements();
    const std::size_t size = a.type == NpyType::float64 ? 8 : a.type == NpyType::float32 ? 4 : 2;
    if ((bytes.size() - data_at) / size < n)
        throw InputError(fmt::format("{}: .npy file holds {} bytes of data, its shape needs {}",
                                     path, bytes.size() - data_at, n * size));
    a.values.resize(n);
    const unsigned char* d = bytes.data() + data_at;
    for (std::size_t i = 0; i < n; ++i, d += size) {
        if (a.type == NpyType::float32) {
            std::uint32_t u = little_endian(d, 4);
            float f;
            std::memcpy(&f, &u, 4);
            a.values[i] = f;
        } else if (a.type == NpyType::float64) {
            std::uint64_t u = std::uint64_t(little_endian(d + 4, 4)) << 32 | little_endian(d, 4);
            double f;
            std::memcpy(&f, &u, 8);
            a.values[i] = f;
        } else {
            a.values[i] = static_cast<std::int16_t>(little_endian(d, 2));
        }
    }
    return a;
}

} // namespace accsim
