#include "models/stream/stream_fifo.hpp"

namespace accsim {

void StreamFifo::reset(std::uint64_t depth) {
    depth_ = depth;
    pushed_ = popped_ = 0;
    in_fifo_.clear();
    pop_cycles_.assign(depth, 0);
    last_pop_cycle_ = 0;
    reader_wake_ = writer_wake_ = nullptr;
    stat_pushes_.clear();
    stat_pops_.clear();
    stat_level_ = 0;
    stats_ = OccupancyStats();
    stats_.trace = trace_;
}

std::uint64_t StreamFifo::free_cycle() const {
    if (depth_ == 0 || pushed_ < depth_) return 0;
    return pop_cycles_[(pushed_ - depth_) % depth_] + 1;
}

void StreamFifo::push(std::uint64_t cycle) {
    in_fifo_.push_back(cycle);
    ++pushed_;
    stat_pushes_.push_back(cycle);
    settle(false);
    if (reader_wake_) {
        reader_wake_->notify();
        reader_wake_ = nullptr;
    }
}

void StreamFifo::pop(std::uint64_t cycle) {
    in_fifo_.pop_front();
    if (depth_ != 0) pop_cycles_[popped_ % depth_] = cycle;
    ++popped_;
    last_pop_cycle_ = cycle;
    stat_pops_.push_back(cycle);
    settle(false);
    if (writer_wake_) {
        writer_wake_->notify();
        writer_wake_ = nullptr;
    }
}

// Pushes and pops each come in time order, but from two stages that run at different simulated
// times. A pending event can be folded in once nothing earlier can still arrive: a pop no later
// than the next known push, or a push while nothing is held (the next pop reads an entry not yet
// folded, so it comes after that entry's push).
void StreamFifo::settle(bool drain) {
    for (;;) {
        bool have_push = !stat_pushes_.empty(), have_pop = !stat_pops_.empty();
        if (have_push && (!have_pop || stat_pushes_.front() <= stat_pops_.front())) {
            if (!have_pop && stat_level_ != 0 && !drain) return;
            stats_.record(stat_pushes_.front(), ++stat_level_);
            stat_pushes_.pop_front();
        } else if (have_pop) {
            // A push not yet seen may still come at an earlier cycle than this pop.
            if (!have_push && !drain) return;
            stats_.record(stat_pops_.front(), --stat_level_);
            stat_pops_.pop_front();
        } else {
            return;
        }
    }
}

void StreamFifo::finish(std::uint64_t cycle) {
    settle(true);
    stats_.finish(cycle);
}

} // namespace accsim
