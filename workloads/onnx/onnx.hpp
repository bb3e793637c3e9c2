// ONNX and QONNX models as workload graphs, read with Debian's libonnx (ONNX's own protobuf
// classes, checker and shape inference). docs/workloads.md lists the operators and how each maps.
#pragma once

#include "workloads/graph.hpp"

#include <string>
#include <vector>

namespace accsim {

// Reads `path`. Anything accsim cannot honour (an unknown op, a dynamic weight, an attribute it
// cannot model, a shape it cannot infer) throws InputError naming the file, the node and its op.
// The reader lives in its own module, libaccsim_onnx.so (workloads/onnx_loader.cpp), loaded on the
// first call, so that a run without an ONNX file does not load libonnx and libprotobuf; a program
// linked with the reader's objects (the tests, the fuzzers) calls it directly.
Graph read_onnx(const std::string& path);

// The reader itself (reader.cpp), inside the module.
Graph read_onnx_model(const std::string& path);

// The op types read_onnx maps, standard and QONNX.
const std::vector<std::string>& onnx_supported_ops();

} // namespace accsim
