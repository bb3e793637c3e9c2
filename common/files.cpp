#include "common/files.hpp"

#include "common/error.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace accsim {

std::ifstream open_input_file(const std::string& path, std::uintmax_t max_bytes,
                              std::ios::openmode mode) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        if (!fs::exists(path, ec)) throw InputError(fmt::format("{}: cannot open file", path));
        throw InputError(fmt::format("{}: not a regular file", path));
    }
    const std::uintmax_t size = fs::file_size(path, ec);
    if (!ec && size > max_bytes)
        throw InputError(fmt::format("{}: {} MiB is larger than accsim reads for this kind of "
                                     "file ({} MiB)",
                                     path, size >> 20, max_bytes >> 20));
    std::ifstream in(path, mode);
    if (!in) throw InputError(fmt::format("{}: cannot open file", path));
    return in;
}

void check_written(std::ofstream& out, const std::string& what) {
    out.flush();
    if (!out) throw std::runtime_error(fmt::format("{}: writing failed", what));
}

bool path_exists(const std::string& path) {
    std::error_code ec;
    return std::filesystem::exists(path, ec) && !ec;
}

} // namespace accsim
