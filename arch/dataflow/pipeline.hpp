// The dataflow pipeline of a workload graph: a source streaming the input images, one stage per
// layer, a clone stage wherever a tensor has several readers (hls4ml's clone_stream), a sink per
// graph output, and one StreamFifo per edge. Each stage is one SystemC thread; a pass simulates a
// number of images back to back with given FIFO depths, and several passes (FIFO sizing) share the
// one elaboration SystemC allows per process: each pass restarts the stages from the current
// simulation time and counts cycles from there.
#pragma once

#include "arch/dataflow/stage.hpp"
#include "workloads/graph.hpp"

#include <memory>
#include <string>
#include <systemc>
#include <vector>

namespace accsim::dataflow {

// Cycles of one loop iteration of a layer's stage (see stage.hpp).
struct StageTiming {
    std::uint64_t idle_cycles = 1;
    std::uint64_t output_cycles = 1;
};

// The iterations of one image of `l`'s loop: conv and pool walk the zero-padded input (hls4ml
// inserts a ZeroPadding2D layer for "same"; it is folded into the conv's loop here) and write an
// output pixel where a window completes; dense, flatten and global pool read every pixel and write
// one; relu, add and sub write a pixel per pixel read; downsample keeps every stride-th pixel.
std::vector<std::uint8_t> layer_iterations(const Layer& l);

struct PassResult {
    bool deadlocked = false;
    std::string diagnosis; // who waits on what, when deadlocked
    std::uint64_t images = 0;
    std::vector<std::uint64_t> done;   // per image: cycle its last output pixel left the pipeline
    std::uint64_t makespan_cycles = 0; // last cycle any stage was busy
    std::uint64_t ii_cycles = 0;       // steady-state cycles per image (see measured_ii)
    bool measured_ii = false;          // false: one image, ii is the busiest stage's cycles
    std::uint64_t latency_cycles = 0;  // image 0: first input pixel to its last output pixel
};

class Pipeline {
public:
    // `out_bits[i]`: bits per channel of layer i's output stream.
    // `sink_timing`: cycles per pixel of the output port (1: the host takes a pixel a cycle).
    Pipeline(const Graph& g, const std::vector<StageTiming>& timing,
             const std::vector<int>& out_bits, double clock_mhz,
             StageTiming sink_timing = StageTiming{});
    ~Pipeline();

    struct Stream {
        std::unique_ptr<StreamFifo> fifo;
        int producer = -1, consumer = -1; // stage indices
        std::int64_t tensor_pixels = 0;   // H*W of the tensor it carries (hls4ml's default depth)
        bool into_join = false;           // read by an add or sub
        // The design's input or output port (AXI stream from and to the host): not sized by the
        // FIFO policies that measure, not counted in the design's resources.
        bool port = false;
    };
    struct StageInfo {
        std::unique_ptr<PixelStage> stage;
        int layer = -1; // graph layer, or -1
        enum Kind { source, layer_stage, clone, sink } kind = layer_stage;
    };

    std::vector<Stream> streams;
    std::vector<StageInfo> stages;

    // Simulates `images` images with FIFO depths `depths` (one per stream; 0 = unbounded). With
    // `source_interval_cycles` > 0 the source starts image n at cycle n * source_interval_cycles
    // (inputs arriving at the design's rate) instead of as soon as the input port has room.
    PassResult run_pass(const std::vector<std::uint64_t>& depths, std::uint64_t images,
                        std::uint64_t source_interval_cycles = 0);

private:
    struct Processes;
    std::unique_ptr<Processes> processes_;
    bool first_pass_ = true;
    std::uint64_t sink_extra_cycles_ = 0; // of an output port slower than a pixel a cycle
    std::string diagnose() const;
};

} // namespace accsim::dataflow
