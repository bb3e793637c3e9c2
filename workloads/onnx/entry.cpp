// The ONNX reader's entry point, found by name: dlsym in the module accsim loads, or a direct call
// where the reader's objects are linked in (workloads/onnx_loader.cpp).
#include "workloads/onnx/onnx.hpp"

extern "C" void accsim_onnx_read(const std::string& path, accsim::Graph& out) {
    out = accsim::read_onnx_model(path);
}
