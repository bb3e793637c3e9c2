// The `dataflow` architecture: hls4ml (io_stream) or FINN style FPGA pipelines, one process per
// layer connected by bounded pixel streams, with FIFO sizing, deadlock diagnosis and FPGA resource
// estimates. docs/dataflow.md describes the model, its formulas and its limits.
#pragma once

#include "arch/architecture.hpp"

namespace accsim::dataflow {

ArchInfo info();

} // namespace accsim::dataflow
