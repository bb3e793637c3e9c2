// SCALE-Sim v2's address matrices, as its numpy code builds them: the operand matrices
// (compute/operand_matrix.py) and, per dataflow, the prefetch and demand matrices
// (compute/systolic_compute_{os,ws,is}.py). Internal to scalesim_memory.cpp.
#pragma once

#include "arch/pe_array/scalesim_memory.hpp"

#include <cstdint>
#include <vector>

namespace accsim::pe_array::scalesim {

constexpr std::int64_t none = -1; // SCALE-Sim's empty request

std::int64_t ceil_div(std::int64_t a, std::int64_t b);

// A row-major matrix of addresses, as SCALE-Sim's numpy arrays.
struct Mat {
    std::int64_t rows = 0, cols = 0;
    std::vector<std::int64_t> v;
    Mat() = default;
    Mat(std::int64_t r, std::int64_t c, std::int64_t fill = none)
        : rows(r), cols(c), v(std::size_t(r * c), fill) {}
    std::int64_t& at(std::int64_t r, std::int64_t c) { return v[std::size_t(r * cols + c)]; }
    std::int64_t at(std::int64_t r, std::int64_t c) const { return v[std::size_t(r * cols + c)]; }
};

struct Operands {
    Mat ifmap, filter, ofmap; // pixels x window, window x filters, pixels x filters
};
Operands operand_matrices(const ScaleSimLayer& l, const ScaleSimMemoryConfig& c);

// The prefetch matrices of the two read operands and the demand matrices (one row per cycle) of
// all three.
struct Matrices {
    Mat ifmap_prefetch, filter_prefetch, ifmap_demand, filter_demand, ofmap_demand;
};
Matrices compute_matrices(const Operands& o, const ScaleSimMemoryConfig& c);

// The same demand matrices one line (row) at a time, without building them or the operand
// matrices (each address is operand_matrices' formula): for layers whose matrices would be too
// large to hold (CALC mode reads each line once).
class DemandStream {
public:
    DemandStream(const ScaleSimLayer& l, const ScaleSimMemoryConfig& c);
    std::int64_t lines() const { return folds_ * fold_lines_; }
    // Widths of the three matrices' rows.
    std::int64_t ifmap_cols() const { return ifmap_cols_; }
    std::int64_t filter_cols() const { return filter_cols_; }
    std::int64_t ofmap_cols() const { return ofmap_cols_; }
    // Writes the next line's three rows (the ofmap's only when `ofmap` is given), and when `words`
    // is given how many words each holds; false once every line has been given.
    bool next(std::int64_t* ifmap, std::int64_t* filter, std::int64_t* ofmap,
              std::int64_t* words = nullptr);

private:
    // operand_matrices' addresses: the ifmap's of pixel p and window position w is
    // pix_base_[p] + win_off_[w] when the window position lies inside the ifmap.
    std::int64_t ifmap_addr(std::int64_t p, std::int64_t w) const {
        const std::size_t i = std::size_t(p), j = std::size_t(w);
        return whole_[i] || (win_row_[j] + pix_row_[i] < ifmap_h_ &&
                             win_col_[j] + pix_col_[i] < ifmap_w_)
                   ? pix_base_[i] + win_off_[j]
                   : none;
    }
    std::int64_t filter_addr(std::int64_t w, std::int64_t f) const {
        return f * window_ + w + filter_offset_;
    }
    std::int64_t ofmap_addr(std::int64_t p, std::int64_t f) const {
        return filters_ * p + f + ofmap_offset_;
    }
    std::vector<std::int64_t> pix_row_, pix_col_, pix_base_, win_row_, win_col_, win_off_;
    std::vector<std::uint8_t> whole_; // per pixel: its whole window lies inside the ifmap
    std::int64_t ifmap_h_, ifmap_w_, window_, filters_, filter_offset_, ofmap_offset_;
    Dataflow df_;
    std::int64_t R_, C_, Sr_, Sc_, T_, row_fold_, col_fold_, folds_, fold_lines_;
    std::int64_t ifmap_cols_, filter_cols_, ofmap_cols_;
    std::int64_t fc_ = 0, fr_ = 0, line_ = 0; // the next line: fold (fc outer, fr inner), line
};

} // namespace accsim::pe_array::scalesim
