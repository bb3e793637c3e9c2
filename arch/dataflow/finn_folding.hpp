// FINN folding files (`dataflow.folding`): FINN's own JSON format, its node names mapped onto the
// workload's layers. docs/dataflow.md, "FINN folding files".
#pragma once

#include "common/report.hpp"
#include "workloads/graph.hpp"

#include <map>
#include <string>
#include <utility>

namespace accsim::dataflow {

// FINN folding files. FINN names its hardware nodes <op type>_<k>, k counting the nodes of that op
// type in graph order (GiveUniqueNodeNames); a folding file sets node attributes by those names
// and, under "Defaults", by op type (qonnx, transformation/general.py, ApplyConfig). The op types
// of FINN's generations (StreamingFCLayer_Batch up to 0.7, MatrixVectorActivation in 0.8 and 0.9,
// MVAU_hls / MVAU_rtl from 0.10) map to one family each, and the k-th node of a family to the
// k-th layer of the workload that FINN implements with it.
enum class Family { mvau, vvau, window, threshold, label_select };

// What a folding file sets for one layer (or the output port, layer -1).
struct FileFolding {
    std::map<std::string, ojson> attrs;        // "PE", "SIMD", "ram_style" -> value
    std::map<std::string, std::string> origin; // attribute -> "file:line: node ..."
};

struct FoldingFile {
    // Per family and layer index: node entries and Defaults.
    std::map<std::pair<Family, int>, FileFolding> set;
};

// Reads and checks `path` (set at `origin`) against workload `g`; InputError names the file, line
// and node of anything it cannot map.
FoldingFile read_folding_file(const std::string& path, const std::string& origin, const Graph& g);

// Folding attribute `attr` of layer `layer` (family f) from the file, or nullptr when unset (or
// when there is no file).
const ojson* file_value(const FoldingFile* file, Family f, int layer, const std::string& attr,
                        std::string* origin = nullptr);

} // namespace accsim::dataflow
