// The board around a dataflow design, as MLPerf Tiny measures one (Borras et al. 2022): the host's
// software per inference, the data mover between host memory and the design's input and output
// streams, and the whole board's power. A preset (dataflow.board, configs/boards/NAME.ini) sets the
// part and these constants; docs/dataflow.md ("The board around the design") gives the model and
// where each constant comes from.
#pragma once

#include "common/options.hpp"
#include "common/report.hpp"

#include <cstdint>

namespace accsim::dataflow {

void register_board_options(OptionRegistry& reg);

// What crosses the board for one inference: the bytes of the design's input and output streams
// (each pixel a stream word of whole bytes, as AXI4-Stream carries them).
struct BoardTraffic {
    std::uint64_t input_bytes = 0, output_bytes = 0;
};

// Writes summary.fabric_latency_us, and when the config models any part of a board: the board's
// figures (summary.board), summary.latency_us from host memory to host memory, and with a board
// power summary.power_w and summary.energy_per_inference_uj.
void add_board(const Config& cfg, double fabric_latency_us, double clock_mhz,
               const BoardTraffic& traffic, Report& report);

} // namespace accsim::dataflow
