#include "fuzz/fuzz_support.hpp"

#include "common/memory_budget.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <systemc>
#include <unistd.h>

// SystemC's library refers to sc_main; the fuzz targets never start the kernel.
int sc_main(int, char*[]) {
    return 0;
}

// libFuzzer stops a target above its RSS limit (scripts/fuzz: 2 GB, ASan's shadow memory
// included): accsim's own memory bounds (`auto`, a study's grid) take 512 MiB here instead of
// half of the machine, as on a machine of 1 GiB.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    accsim::set_default_memory_limit(512.0 * 1024 * 1024);
    return 0;
}

namespace accsim::fuzz {

std::string input_file(const std::uint8_t* data, std::size_t size, const std::string& suffix) {
    // <scratch>/fuzzed/input<suffix>, beside links to every folder of configs/: a study's or a
    // config's relative paths ("../eie/alex8.ini") find the shipped files.
    // Removed (links and all, never what they point to) when the process exits.
    struct Scratch {
        std::filesystem::path path;
        ~Scratch() {
            std::error_code ec;
            std::filesystem::remove_all(path, ec);
        }
    };
    static Scratch scratch_dir;
    static const std::string dir = [] {
        namespace fs = std::filesystem;
        const char* t = std::getenv("TMPDIR");
        const fs::path scratch =
            fs::path(t && *t ? t : "/tmp") / ("accsim_fuzz_" + std::to_string(getpid()));
        scratch_dir.path = scratch;
        fs::create_directories(scratch / "fuzzed");
        for (const auto& e : fs::directory_iterator(fs::path(ACCSIM_SOURCE_DIR) / "configs")) {
            std::error_code ec;
            fs::create_directory_symlink(e.path(), scratch / e.path().filename(), ec);
        }
        return (scratch / "fuzzed").string();
    }();
    const std::string path = dir + "/input" + suffix;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
    return path;
}

} // namespace accsim::fuzz
