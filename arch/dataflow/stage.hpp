// One process of the dataflow pipeline: a loop over the pixel positions of an image, as hls4ml and
// FINN write a layer (one loop iteration per input position, pipelined at a fixed interval).
//
// Every iteration may read one pixel from each input stream (all in the same cycle: an add reads
// its two operands in lockstep), costs a fixed number of cycles, and may write one pixel to every
// output stream (all in the same cycle: a clone stalls until every copy has room). A blocking
// write stalls the loop. The stage runs ahead of SystemC time on cycle numbers carried by the
// streams and stops only when it needs a cycle number not yet known, or at the end of an image.
#pragma once

#include "models/stream/stream_fifo.hpp"
#include "models/trace/trace.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace accsim::dataflow {

// What one iteration of the loop does.
enum IterationFlags : std::uint8_t { reads_input = 1, writes_output = 2 };

struct Progress {
    enum Kind { blocked, image_done, finished } kind;
    std::uint64_t cycle = 0; // the stage's own time: the cycle its next iteration may start
};

class PixelStage {
public:
    // `iterations`: the flags of every iteration of one image, in loop order. `idle_cycles` is the
    // cost of an iteration that writes nothing, `output_cycles` of one that writes a pixel.
    PixelStage(std::string name, std::vector<std::uint8_t> iterations, std::uint64_t idle_cycles,
               std::uint64_t output_cycles);

    std::vector<StreamFifo*> inputs, outputs;

    const std::string& name() const { return name_; }
    std::uint64_t idle_cycles() const { return idle_cycles_; }
    std::uint64_t output_cycles() const { return output_cycles_; }
    // Cycles of one image's iterations without any stall.
    std::uint64_t busy_cycles_per_image() const;

    // Starts over for `images` images back to back; with `image_interval_cycles` > 0, image n's
    // first iteration starts no earlier than cycle n * image_interval_cycles (a paced source).
    void reset(std::uint64_t images, std::uint64_t image_interval_cycles = 0);
    // Runs iterations until the stage must wait (it then registers `wake` with the stream it waits
    // on), finishes an image, or has finished every image.
    Progress advance(sc_core::sc_event* wake);

    bool done() const { return image_ >= images_; }
    // Where the stage waits when it returns `blocked`.
    StreamFifo* waits_on() const { return waits_on_; }
    bool waits_for_space() const { return waits_for_space_; }
    std::uint64_t image() const { return image_; }
    std::uint64_t local_cycle() const { return free_cycle_; }

    // Statistics of the run.
    std::uint64_t busy_cycles = 0;
    std::uint64_t input_stall_cycles = 0;  // waiting for an input pixel
    std::uint64_t output_stall_cycles = 0; // waiting for room in an output stream
    std::uint64_t first_start_cycle = 0, last_end_cycle = 0;
    bool started = false;
    // Per image: the start cycle of its last iteration (for a sink: when the last pixel left).
    std::vector<std::uint64_t> last_iteration_start;
    // Where its state changes go when the run is traced (--trace); nullptr: nowhere.
    TraceSignal* trace = nullptr;

private:
    std::string name_;
    std::vector<std::uint8_t> iterations_;
    std::uint64_t idle_cycles_, output_cycles_;
    std::uint64_t images_ = 0, image_ = 0, image_interval_ = 0;
    std::size_t position_ = 0;
    bool writing_ = false; // read phase done, the write is pending
    std::uint64_t free_cycle_ = 0, start_cycle_ = 0, end_cycle_ = 0;
    StreamFifo* waits_on_ = nullptr;
    bool waits_for_space_ = false;
};

} // namespace accsim::dataflow
