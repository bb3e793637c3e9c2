#include "workloads/npy.hpp"

#include "common/error.hpp"
#include "common/text.hpp"

#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>
#include <iterator>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace accsim {

std::size_t NpyHeader::elements() const {
    std::size_t n = 1;
    for (auto d : shape) n *= d; // NpyMap has checked that the product fits the file
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

// Parses the header dictionary text, e.g. "{'descr': '<f4', 'fortran_order': False, 'shape': (3,
// 4), }"; `where` prefixes error messages.
void parse_npy_header(const std::string& header, const std::string& where, NpyHeader& out) {
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
    const auto parts = split(shape.substr(1, shape.size() - 2), ',');
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const std::string& part = parts[i];
        // Python's tuples: "()" and "(3,)" have an empty last part, nothing else may be empty.
        if (part.empty() && i + 1 == parts.size() && (i > 0 || shape == "()")) continue;
        auto v = parse_int(part);
        if (!v || *v < 0)
            throw InputError(
                fmt::format("{}: .npy shape '{}' has a bad dimension '{}'", where, shape, part));
        out.shape.push_back(static_cast<std::size_t>(*v));
    }
}

} // namespace

NpyMap::NpyMap(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) throw InputError(fmt::format("{}: cannot open file", path));
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw InputError(fmt::format("{}: not a regular file", path));
    }
    map_bytes_ = std::size_t(st.st_size);
    if (map_bytes_ < 10) {
        ::close(fd);
        throw InputError(fmt::format("{}: not a .npy file (no \\x93NUMPY magic string)", path));
    }
    // Mapped page by page as it is read: each fault maps the cached pages around it too (the
    // kernel's fault-around), which took 0.6 ms for 16 MiB here against 1.0 to 1.1 ms with
    // MAP_POPULATE.
    map_ = mmap(nullptr, map_bytes_, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map_ == MAP_FAILED) {
        map_ = nullptr;
        throw InputError(fmt::format("{}: cannot read file", path));
    }
    const auto* bytes = static_cast<const unsigned char*>(map_);
    static const unsigned char magic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
    // The destructor does not run for a throwing constructor: unmap before every throw.
    auto fail = [&](std::string message) {
        munmap(map_, map_bytes_);
        map_ = nullptr;
        throw InputError(message);
    };
    if (std::memcmp(bytes, magic, 6) != 0)
        fail(fmt::format("{}: not a .npy file (no \\x93NUMPY magic string)", path));
    const int major = bytes[6];
    if (major != 1 && major != 2)
        fail(fmt::format("{}: .npy format version {}.{} is not supported (1.0 and 2.0 are)", path,
                         major, int(bytes[7])));
    // Version 1 stores the header length in 2 bytes, version 2 in 4 (NEP 1).
    const std::size_t len_bytes = major == 1 ? 2 : 4;
    if (map_bytes_ < 8 + len_bytes) fail(fmt::format("{}: .npy file ends inside its header", path));
    const std::size_t header_len = little_endian(bytes + 8, int(len_bytes));
    const std::size_t data_at = 8 + len_bytes + header_len;
    if (map_bytes_ < data_at) fail(fmt::format("{}: .npy file ends inside its header", path));
    // NEP 1: the header ends with a newline (its length field and the text must agree).
    if (header_len == 0 || bytes[data_at - 1] != '\n')
        fail(fmt::format("{}: .npy header does not end with a newline where its length field "
                         "says ({} bytes)",
                         path, header_len));
    try {
        parse_npy_header(std::string(bytes + 8 + len_bytes, bytes + data_at), path, header_);
    } catch (const InputError& e) {
        fail(e.what());
    }
    size_ = header_.type == NpyType::float64 ? 8 : header_.type == NpyType::float32 ? 4 : 2;
    // The shape's product, checked: a shape whose product wraps must not pass for a small one.
    bool wraps = false;
    elements_ = 1;
    for (auto d : header_.shape) wraps = wraps || __builtin_mul_overflow(elements_, d, &elements_);
    std::size_t need = 0;
    wraps = wraps || __builtin_mul_overflow(elements_, size_, &need);
    // Exactly the shape's bytes: more would mean the header and the data disagree.
    if (wraps || map_bytes_ - data_at != need)
        fail(fmt::format("{}: .npy file holds {} bytes of data, its shape needs {}", path,
                         map_bytes_ - data_at, wraps ? "more than 2^64" : std::to_string(need)));
    data_ = bytes + data_at;
}

NpyMap::~NpyMap() {
    if (map_) munmap(map_, map_bytes_);
}

void write_npy(const std::string& path, const std::vector<std::size_t>& shape,
               const std::vector<double>& values) {
    // NumPy's own spelling: "(3,)" but "(2, 3)".
    std::string dims = fmt::format("{}", fmt::join(shape, ", ")) + (shape.size() == 1 ? "," : "");
    std::string header =
        fmt::format("{{'descr': '<f8', 'fortran_order': False, 'shape': ({}), }}", dims);
    // NEP 1: the data starts at a multiple of 64 bytes; the header ends with a newline.
    while ((10 + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    std::ofstream out(path, std::ios::binary);
    const unsigned char prefix[] = {0x93,
                                    'N',
                                    'U',
                                    'M',
                                    'P',
                                    'Y',
                                    1,
                                    0,
                                    static_cast<unsigned char>(header.size() & 0xff),
                                    static_cast<unsigned char>(header.size() >> 8)};
    out.write(reinterpret_cast<const char*>(prefix), sizeof prefix);
    out << header;
    out.write(reinterpret_cast<const char*>(values.data()), std::streamsize(values.size() * 8));
    out.flush();
    if (!out) throw InputError(fmt::format("{}: cannot write file", path));
}

} // namespace accsim
