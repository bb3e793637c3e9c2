#include "arch/pe_array/scalesim_matrices.hpp"

#include <algorithm>

namespace accsim::pe_array::scalesim {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
    return (a + b - 1) / b;
}

namespace {

Mat transpose(const Mat& m) {
    Mat t(m.cols, m.rows);
    for (std::int64_t r = 0; r < m.rows; ++r)
        for (std::int64_t c = 0; c < m.cols; ++c) t.at(c, r) = m.at(r, c);
    return t;
}

// m[r0:r1, c0:c1], padded with empty requests to `width` columns (and `height` rows when > 0).
Mat block(const Mat& m, std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1,
          std::int64_t width, std::int64_t height = 0) {
    Mat b(std::max(height, r1 - r0), width);
    for (std::int64_t r = r0; r < r1; ++r)
        for (std::int64_t c = c0; c < c1; ++c) b.at(r - r0, c - c0) = m.at(r, c);
    return b;
}

void append_rows(Mat& to, const Mat& m) {
    if (to.cols == 0) to.cols = m.cols;
    to.v.insert(to.v.end(), m.v.begin(), m.v.end());
    to.rows += m.rows;
}

void append_empty_rows(Mat& to, std::int64_t rows, std::int64_t cols) {
    append_rows(to, Mat(rows, cols));
}

Mat flip_rows(const Mat& m) {
    Mat f(m.rows, m.cols);
    for (std::int64_t r = 0; r < m.rows; ++r)
        for (std::int64_t c = 0; c < m.cols; ++c) f.at(r, c) = m.at(m.rows - 1 - r, c);
    return f;
}

// skew_matrix: column c moves down by c rows.
Mat skew(const Mat& m) {
    Mat s(m.rows + m.cols - 1, m.cols);
    for (std::int64_t c = 0; c < m.cols; ++c)
        for (std::int64_t r = 0; r < m.rows; ++r) s.at(r + c, c) = m.at(r, c);
    return s;
}

// The prefetch matrices' "roll out along the diagonal" (create_*_prefetch_mat): anti-diagonals
// in order, each from its bottom row up; one row of M * N elements.
Mat diagonal_rollout(const Mat& m) {
    Mat out(1, m.rows * m.cols);
    std::int64_t idx = 0;
    for (std::int64_t d = 0; d < m.rows + m.cols; ++d) {
        const std::int64_t max_row = std::min(d, m.rows - 1),
                           min_row = std::max<std::int64_t>(0, d - m.cols + 1);
        for (std::int64_t r = max_row; r >= min_row; --r)
            out.v[std::size_t(idx++)] = m.at(r, d - r);
    }
    return out;
}

} // namespace

// compute/operand_matrix.py

Operands operand_matrices(const ScaleSimLayer& l, const ScaleSimMemoryConfig& c) {
    const std::int64_t oh = ceil_div(l.ifmap_h - l.filter_h + l.stride_h, l.stride_h);
    const std::int64_t ow = ceil_div(l.ifmap_w - l.filter_w + l.stride_w, l.stride_w);
    const std::int64_t pixels = oh * ow, window = l.filter_h * l.filter_w * l.channels;
    Operands o;
    o.ifmap = Mat(pixels, window);
    std::int64_t* out = o.ifmap.v.data();
    for (std::int64_t i = 0; i < pixels; ++i) {
        const std::int64_t i_row = (i / ow) * l.stride_h, i_col = (i % ow) * l.stride_w;
        const std::int64_t window_addr = (i_row * l.ifmap_w + i_col) * l.channels;
        // Window position j = (c_row * filter_w + c_col) * channels + c_ch.
        for (std::int64_t c_row = 0; c_row < l.filter_h; ++c_row)
            for (std::int64_t c_col = 0; c_col < l.filter_w; ++c_col) {
                const bool inside = c_row + i_row < l.ifmap_h && c_col + i_col < l.ifmap_w;
                const std::int64_t base =
                    (c_row * l.ifmap_w + c_col) * l.channels + window_addr + c.ifmap_offset;
                for (std::int64_t c_ch = 0; c_ch < l.channels; ++c_ch)
                    *out++ = inside ? base + c_ch : none;
            }
    }
    o.filter = Mat(window, l.filters);
    for (std::int64_t i = 0; i < window; ++i)
        for (std::int64_t j = 0; j < l.filters; ++j)
            o.filter.at(i, j) = j * window + i + c.filter_offset;
    o.ofmap = Mat(pixels, l.filters);
    for (std::int64_t i = 0; i < pixels; ++i)
        for (std::int64_t j = 0; j < l.filters; ++j)
            o.ofmap.at(i, j) = l.filters * i + j + c.ofmap_offset;
    return o;
}

Matrices compute_matrices(const Operands& o, const ScaleSimMemoryConfig& c) {
    const std::int64_t R = c.rows, C = c.cols;
    Matrices m;
    if (c.dataflow == Dataflow::os) {
        const Mat it = transpose(o.ifmap); // window x pixels
        const std::int64_t Sr = o.ifmap.rows, Sc = o.filter.cols, T = o.ifmap.cols;
        const std::int64_t row_fold = ceil_div(Sr, R), col_fold = ceil_div(Sc, C);
        Mat ip, fp;
        for (std::int64_t fr = 0; fr < row_fold; ++fr)
            append_rows(ip, block(it, 0, T, fr * R, std::min(fr * R + R, Sr), R));
        for (std::int64_t fc = 0; fc < col_fold; ++fc)
            append_rows(fp, block(o.filter, 0, T, fc * C, std::min(fc * C + C, Sc), C));
        m.ifmap_prefetch = diagonal_rollout(ip);
        m.filter_prefetch = diagonal_rollout(fp);
        for (std::int64_t fc = 0; fc < col_fold; ++fc)
            for (std::int64_t fr = 0; fr < row_fold; ++fr) {
                const std::int64_t r0 = fr * R, r1 = std::min(r0 + R, Sr);
                const std::int64_t c0 = fc * C, c1 = std::min(c0 + C, Sc);
                Mat id = block(it, 0, T, r0, r1, R);
                append_empty_rows(id, C - 1, R);
                append_rows(m.ifmap_demand, skew(id));
                Mat fd = block(o.filter, 0, T, c0, c1, C);
                append_empty_rows(fd, R - 1, C);
                append_rows(m.filter_demand, skew(fd));
                Mat od(T - 1, C);
                append_rows(od, flip_rows(block(o.ofmap, r0, r1, c0, c1, C, R)));
                append_rows(m.ofmap_demand, skew(od));
            }
    } else if (c.dataflow == Dataflow::ws) {
        const std::int64_t Sr = o.ifmap.cols, Sc = o.filter.cols, T = o.ifmap.rows;
        const std::int64_t row_fold = ceil_div(Sr, R), col_fold = ceil_div(Sc, C);
        Mat ip, fp;
        for (std::int64_t fr = 0; fr < row_fold; ++fr)
            append_rows(ip, block(o.ifmap, 0, T, fr * R, std::min(fr * R + R, Sr), R));
        for (std::int64_t fc = 0; fc < col_fold; ++fc)
            append_rows(fp, block(o.filter, 0, Sr, fc * C, std::min(fc * C + C, Sc), C));
        m.ifmap_prefetch = diagonal_rollout(ip);
        m.filter_prefetch = fp;
        for (std::int64_t fc = 0; fc < col_fold; ++fc)
            for (std::int64_t fr = 0; fr < row_fold; ++fr) {
                const std::int64_t r0 = fr * R, r1 = std::min(r0 + R, Sr);
                const std::int64_t c0 = fc * C, c1 = std::min(c0 + C, Sc);
                Mat id(R, R);
                append_rows(id, block(o.ifmap, 0, T, r0, r1, R));
                append_empty_rows(id, C - 1, R);
                append_rows(m.ifmap_demand, skew(id));
                Mat fd = flip_rows(block(o.filter, r0, r1, c0, c1, C, R));
                append_empty_rows(fd, R + C + T - 2, C);
                append_rows(m.filter_demand, fd);
                Mat od(2 * R - 1, C);
                append_rows(od, block(o.ofmap, 0, T, c0, c1, C));
                append_rows(m.ofmap_demand, skew(od));
            }
    } else {                               // is
        const Mat it = transpose(o.ifmap); // window x pixels
        const std::int64_t Sr = o.ifmap.cols, Sc = o.ifmap.rows, T = o.filter.cols;
        const std::int64_t row_fold = ceil_div(Sr, R), col_fold = ceil_div(Sc, C);
        const Mat ft = transpose(o.filter); // filters x window
        const Mat ot = transpose(o.ofmap);  // filters x pixels
        Mat ip, fp;
        for (std::int64_t fc = 0; fc < col_fold; ++fc)
            append_rows(ip, block(it, 0, Sr, fc * C, std::min(fc * C + C, Sc), C));
        for (std::int64_t fr = 0; fr < row_fold; ++fr)
            append_rows(fp, block(ft, 0, T, fr * R, std::min(fr * R + R, Sr), R));
        m.ifmap_prefetch = ip;
        m.filter_prefetch = diagonal_rollout(fp);
        for (std::int64_t fc = 0; fc < col_fold; ++fc)
            for (std::int64_t fr = 0; fr < row_fold; ++fr) {
                const std::int64_t r0 = fr * R, r1 = std::min(r0 + R, Sr);
                const std::int64_t c0 = fc * C, c1 = std::min(c0 + C, Sc);
                Mat id = flip_rows(block(it, r0, r1, c0, c1, C, R));
                append_empty_rows(id, R + C + T - 2, C);
                append_rows(m.ifmap_demand, id);
                Mat fd(R, R);
                append_rows(fd, block(ft, 0, T, r0, r1, R));
                append_empty_rows(fd, C - 1, R);
                append_rows(m.filter_demand, skew(fd));
                Mat od(2 * R - 1, C);
                append_rows(od, block(ot, 0, T, c0, c1, C));
                append_rows(m.ofmap_demand, skew(od));
            }
    }
    return m;
}

DemandStream::DemandStream(const ScaleSimLayer& l, const ScaleSimMemoryConfig& c)
    : ifmap_h_(l.ifmap_h), ifmap_w_(l.ifmap_w), window_(l.filter_h * l.filter_w * l.channels),
      filters_(l.filters), filter_offset_(c.filter_offset), ofmap_offset_(c.ofmap_offset),
      df_(c.dataflow), R_(c.rows), C_(c.cols) {
    const std::int64_t oh = ceil_div(l.ifmap_h - l.filter_h + l.stride_h, l.stride_h);
    const std::int64_t ow = ceil_div(l.ifmap_w - l.filter_w + l.stride_w, l.stride_w);
    const std::int64_t pixels = oh * ow;
    for (std::int64_t i = 0; i < pixels; ++i) {
        pix_row_.push_back((i / ow) * l.stride_h);
        pix_col_.push_back((i % ow) * l.stride_w);
        pix_base_.push_back((pix_row_.back() * l.ifmap_w + pix_col_.back()) * l.channels +
                            c.ifmap_offset);
        whole_.push_back(pix_row_.back() + l.filter_h <= l.ifmap_h &&
                         pix_col_.back() + l.filter_w <= l.ifmap_w);
    }
    for (std::int64_t j = 0; j < window_; ++j) {
        const std::int64_t k = j % (l.filter_w * l.channels);
        win_row_.push_back(j / (l.filter_w * l.channels));
        win_col_.push_back(k / l.channels);
        win_off_.push_back((win_row_.back() * l.ifmap_w + win_col_.back()) * l.channels +
                           k % l.channels);
    }
    // Sr folds over the array's rows, Sc over its columns, T runs in time (compute_matrices).
    if (df_ == Dataflow::os) {
        Sr_ = pixels, Sc_ = filters_, T_ = window_;
        fold_lines_ = T_ + R_ + C_ - 2;
        ifmap_cols_ = R_, filter_cols_ = C_;
    } else if (df_ == Dataflow::ws) {
        Sr_ = window_, Sc_ = filters_, T_ = pixels;
        fold_lines_ = 2 * R_ + T_ + C_ - 2;
        ifmap_cols_ = R_, filter_cols_ = C_;
    } else {
        Sr_ = window_, Sc_ = pixels, T_ = filters_;
        fold_lines_ = 2 * R_ + T_ + C_ - 2;
        ifmap_cols_ = C_, filter_cols_ = R_;
    }
    ofmap_cols_ = C_;
    row_fold_ = ceil_div(Sr_, R_);
    col_fold_ = ceil_div(Sc_, C_);
    folds_ = row_fold_ * col_fold_;
}

namespace {

// row[c] = at(c) for c in [lo, hi] (clipped to the row), `none` elsewhere; returns how many words
// the row holds (an operand may itself be `none`: a window past the ifmap's edge).
template <class At>
std::int64_t fill_row(std::int64_t* row, std::int64_t width, std::int64_t lo, std::int64_t hi,
                      At at) {
    lo = std::max<std::int64_t>(lo, 0);
    hi = std::min(hi, width - 1);
    if (hi < lo) {
        std::fill(row, row + width, none);
        return 0;
    }
    std::fill(row, row + lo, none);
    std::fill(row + hi + 1, row + width, none);
    std::int64_t words = 0;
    for (std::int64_t c = lo; c <= hi; ++c) words += (row[c] = at(c)) != none;
    return words;
}

// fill_row's count alone, for a row that is not wanted.
template <class At>
std::int64_t count_row(std::int64_t width, std::int64_t lo, std::int64_t hi, At at) {
    lo = std::max<std::int64_t>(lo, 0);
    hi = std::min(hi, width - 1);
    std::int64_t words = 0;
    for (std::int64_t c = lo; c <= hi; ++c) words += at(c) != none;
    return words;
}

} // namespace

bool DemandStream::next(std::int64_t* ifmap, std::int64_t* filter, std::int64_t* ofmap,
                        std::int64_t* words) {
    if (fc_ == col_fold_) return false;
    const std::int64_t L = line_, R = R_, C = C_, T = T_;
    const std::int64_t r0 = fr_ * R, rn = std::min(r0 + R, Sr_) - r0; // rows used in this fold
    const std::int64_t c0 = fc_ * C, cn = std::min(c0 + C, Sc_) - c0; // columns used
    auto I = [this](std::int64_t p, std::int64_t w) { return ifmap_addr(p, w); };
    auto F = [this](std::int64_t w, std::int64_t f) { return filter_addr(w, f); };
    auto O = [this](std::int64_t p, std::int64_t f) { return ofmap_addr(p, f); };
    // Each row is compute_matrices' row L of that fold: a skewed column c holds its source row
    // L - c (valid for c in a range), a flipped block row k its row R - 1 - k.
    std::int64_t n[3];
    auto out_row = [&](std::int64_t lo, std::int64_t hi, auto at) {
        return ofmap ? fill_row(ofmap, C, lo, hi, at) : count_row(C, lo, hi, at);
    };
    if (df_ == Dataflow::os) {
        n[0] = fill_row(ifmap, R, L - T + 1, std::min(L, rn - 1),
                        [&](std::int64_t c) { return I(r0 + c, L - c); });
        n[1] = fill_row(filter, C, L - T + 1, std::min(L, cn - 1),
                        [&](std::int64_t c) { return F(L - c, c0 + c); });
        // Output row k = L - c - (T - 1) of the flipped block: block row R - 1 - k < rn.
        const std::int64_t base = L - (T - 1);
        n[2] = out_row(base - (R - 1), std::min(base - (R - rn), cn - 1),
                       [&](std::int64_t c) { return O(r0 + R - 1 - (base - c), c0 + c); });
    } else if (df_ == Dataflow::ws) {
        n[0] = fill_row(ifmap, R, L - R - T + 1, std::min(L - R, rn - 1),
                        [&](std::int64_t c) { return I(L - c - R, r0 + c); });
        const std::int64_t frow = R - 1 - L; // within the fold
        n[1] = fill_row(filter, C, 0, L < R && frow < rn ? cn - 1 : -1,
                        [&](std::int64_t c) { return F(r0 + frow, c0 + c); });
        const std::int64_t j0 = L - (2 * R - 1);
        n[2] = out_row(j0 - T + 1, std::min(j0, cn - 1),
                       [&](std::int64_t c) { return O(j0 - c, c0 + c); });
    } else {
        const std::int64_t irow = R - 1 - L; // a window position within the fold
        n[0] = fill_row(ifmap, C, 0, L < R && irow < rn ? cn - 1 : -1,
                        [&](std::int64_t c) { return I(c0 + c, r0 + irow); });
        n[1] = fill_row(filter, R, L - R - T + 1, std::min(L - R, rn - 1),
                        [&](std::int64_t c) { return F(r0 + c, L - c - R); });
        const std::int64_t j0 = L - (2 * R - 1);
        n[2] = out_row(j0 - T + 1, std::min(j0, cn - 1),
                       [&](std::int64_t c) { return O(c0 + c, j0 - c); });
    }
    if (words) std::copy(n, n + 3, words);
    if (++line_ == fold_lines_) {
        line_ = 0;
        if (++fr_ == row_fold_) {
            fr_ = 0;
            ++fc_;
        }
    }
    return true;
}

} // namespace accsim::pe_array::scalesim
