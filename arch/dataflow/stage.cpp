#include "arch/dataflow/stage.hpp"

#include <algorithm>

namespace accsim::dataflow {

PixelStage::PixelStage(std::string name, std::vector<std::uint8_t> iterations,
                       std::uint64_t idle_cycles, std::uint64_t output_cycles)
    : name_(std::move(name)), iterations_(std::move(iterations)), idle_cycles_(idle_cycles),
      output_cycles_(output_cycles) {}

std::uint64_t PixelStage::busy_cycles_per_image() const {
    std::uint64_t c = 0;
    for (auto f : iterations_) c += (f & writes_output) ? output_cycles_ : idle_cycles_;
    return c;
}

void PixelStage::reset(std::uint64_t images, std::uint64_t image_interval_cycles) {
    images_ = images;
    image_interval_ = image_interval_cycles;
    image_ = 0;
    position_ = 0;
    writing_ = false;
    free_cycle_ = start_cycle_ = end_cycle_ = 0;
    waits_on_ = nullptr;
    busy_cycles = input_stall_cycles = output_stall_cycles = 0;
    first_start_cycle = last_end_cycle = 0;
    started = false;
    last_iteration_start.assign(images, 0);
}

Progress PixelStage::advance(sc_core::sc_event* wake) {
    while (image_ < images_) {
        const std::uint8_t flags = iterations_[position_];
        if (!writing_) {
            std::uint64_t start = free_cycle_;
            if (position_ == 0) start = std::max(start, image_ * image_interval_);
            if (flags & reads_input) {
                for (StreamFifo* in : inputs)
                    if (!in->data_known()) {
                        in->wait_for_data(wake);
                        waits_on_ = in;
                        waits_for_space_ = false;
                        return {Progress::blocked, free_cycle_};
                    }
                for (StreamFifo* in : inputs) start = std::max(start, in->ready_cycle());
                for (StreamFifo* in : inputs) in->pop(start);
            }
            input_stall_cycles += start - free_cycle_;
            if (trace) {
                if (start > free_cycle_) trace->change(free_cycle_, TraceState::input_stall);
                trace->change(start, TraceState::busy);
            }
            if (!started) {
                started = true;
                first_start_cycle = start;
            }
            const std::uint64_t cost = (flags & writes_output) ? output_cycles_ : idle_cycles_;
            busy_cycles += cost;
            start_cycle_ = start;
            end_cycle_ = start + cost;
            writing_ = true;
        }
        std::uint64_t done = end_cycle_;
        if (flags & writes_output) {
            for (StreamFifo* out : outputs)
                if (!out->space_known()) {
                    out->wait_for_space(wake);
                    waits_on_ = out;
                    waits_for_space_ = true;
                    return {Progress::blocked, end_cycle_};
                }
            for (StreamFifo* out : outputs) done = std::max(done, out->free_cycle());
            for (StreamFifo* out : outputs) out->push(done);
            output_stall_cycles += done - end_cycle_;
            if (trace && done > end_cycle_) trace->change(end_cycle_, TraceState::output_stall);
        }
        waits_on_ = nullptr;
        writing_ = false;
        free_cycle_ = last_end_cycle = done;
        if (++position_ == iterations_.size()) {
            last_iteration_start[image_] = start_cycle_;
            position_ = 0;
            ++image_;
            if (trace && image_ == images_) trace->change(free_cycle_, TraceState::idle);
            return {image_ < images_ ? Progress::image_done : Progress::finished, free_cycle_};
        }
    }
    return {Progress::finished, free_cycle_};
}

} // namespace accsim::dataflow
