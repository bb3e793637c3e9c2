#include "arch/dataflow/board.hpp"

#include <algorithm>
#include <cmath>

namespace accsim::dataflow {

void register_board_options(OptionRegistry& reg) {
    reg.add("dataflow.board", OptType::string, "none", "",
            "the board around the design (configs/boards/NAME.ini: its part, data mover, host "
            "overhead and power); none: the fabric alone")
        .presets("boards");
    reg.add("dataflow.host_overhead_us", OptType::real, "0", "us",
            "the host's software per inference (driver calls, cache maintenance, polling), added "
            "to summary.latency_us")
        .at_least(0);
    reg.add("dataflow.mover_bytes_per_cycle", OptType::real, "ideal", "bytes",
            "the data mover between host memory and the design's input and output streams, bytes "
            "per fabric clock; ideal: it takes no time")
        .above(0)
        .one_of({"ideal"});
    reg.add("dataflow.board_power_w", OptType::real, "none", "W",
            "the whole board's power while it runs inferences (what MLPerf Tiny measures); "
            "summary.energy_per_inference_uj is this times summary.latency_us; none: not modelled")
        .at_least(0)
        .one_of({"none"});
}

void add_board(const Config& cfg, double fabric_latency_us, double clock_mhz,
               const BoardTraffic& traffic, Report& report) {
    auto& sm = report.summary();
    sm["fabric_latency_us"] = fabric_latency_us;
    const std::string& board = cfg.get_string("dataflow.board");
    const double host_us = cfg.get_real("dataflow.host_overhead_us");
    const bool ideal_mover = cfg.is_word("dataflow.mover_bytes_per_cycle", "ideal");
    const bool power = !cfg.is_word("dataflow.board_power_w", "none");
    if (board == "none" && host_us == 0 && ideal_mover && !power) return;

    // The input streams in while the fabric computes: the fabric waits for it only when the mover
    // is the slower (a first-order bound: the last input word cannot be used before it arrives).
    // The output moves after the fabric's last word.
    double in_us = 0, out_us = 0;
    if (!ideal_mover) {
        const double per_cycle = cfg.get_real("dataflow.mover_bytes_per_cycle");
        in_us = std::ceil(double(traffic.input_bytes) / per_cycle) / clock_mhz;
        out_us = std::ceil(double(traffic.output_bytes) / per_cycle) / clock_mhz;
    }
    const double latency_us = host_us + std::max(fabric_latency_us, in_us) + out_us;
    ojson b;
    b["name"] = board;
    b["host_overhead_us"] = host_us;
    b["input_bytes"] = traffic.input_bytes;
    b["output_bytes"] = traffic.output_bytes;
    b["data_mover_us"] = std::max(fabric_latency_us, in_us) - fabric_latency_us + out_us;
    sm["board"] = b;
    sm["latency_us"] = latency_us;
    if (power) {
        const double watts = cfg.get_real("dataflow.board_power_w");
        sm["power_w"] = watts;
        sm["energy_per_inference_uj"] = watts * latency_us;
    }
}

} // namespace accsim::dataflow
