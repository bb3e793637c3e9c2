// ONNX and QONNX models as workload graphs, read with Debian's libonnx (ONNX's own protobuf
// classes, checker and shape inference). docs/workloads.md lists the operators and how each maps.
#pragma once

#include "workloads/graph.hpp"

#include <string>
#include <vector>

namespace accsim {

// Reads `path`. Anything accsim cannot honour (an unknown op, a dynamic weight, an attribute it
// cannot model, a shape it cannot infer) throws InputError naming the file, the node and its op.
Graph read_onnx(const std::string& path);

// The op types read_onnx maps, standard and QONNX.
const std::vector<std::string>& onnx_supported_ops();

} // namespace accsim
