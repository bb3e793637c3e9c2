#include "workloads/onnx/onnx.hpp"

#include <dlfcn.h>
#include <filesystem>
#include <fmt/format.h>
#include <mutex>
#include <stdexcept>
#include <vector>

// Defined by workloads/onnx/entry.cpp: in this program when the reader's objects are linked in,
// else null (weak), and then looked up in the module.
extern "C" void accsim_onnx_read(const std::string& path, accsim::Graph& out) __attribute__((weak));

namespace accsim {

namespace {

using Reader = void (*)(const std::string&, Graph&);

// libaccsim_onnx.so beside the executable (the build tree) or where cmake --install puts it
// (ACCSIM_ONNX_MODULE_DIR, relative to the executable's folder).
Reader load_reader() {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path exe_dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
    std::vector<fs::path> candidates{exe_dir / "libaccsim_onnx.so"};
#ifdef ACCSIM_ONNX_MODULE_DIR
    candidates.push_back(exe_dir / ACCSIM_ONNX_MODULE_DIR / "libaccsim_onnx.so");
#endif
    std::string why;
    for (const auto& path : candidates) {
        if (!fs::exists(path, ec)) continue;
        void* module = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!module) {
            why = dlerror();
            continue;
        }
        if (void* f = dlsym(module, "accsim_onnx_read")) return reinterpret_cast<Reader>(f);
        why = fmt::format("{}: no accsim_onnx_read", path.string());
    }
    throw std::runtime_error(fmt::format(
        "cannot load accsim's ONNX reader (libaccsim_onnx.so, looked for beside the executable "
        "in {}{}){}",
        exe_dir.string(),
#ifdef ACCSIM_ONNX_MODULE_DIR
        fmt::format(" and in {}", (exe_dir / ACCSIM_ONNX_MODULE_DIR).string()),
#else
        "",
#endif
        why.empty() ? "" : ": " + why));
}

} // namespace

Graph read_onnx(const std::string& path) {
    static std::once_flag once;
    static Reader reader = nullptr;
    std::call_once(once, [] { reader = accsim_onnx_read ? &accsim_onnx_read : load_reader(); });
    Graph g;
    reader(path, g);
    return g;
}

} // namespace accsim
