#include "workloads/onnx/tensors.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <stdexcept>

namespace accsim::onnx_import {

std::int64_t Constant::elements() const {
    std::int64_t n = 1;
    for (auto d : dims) n *= d;
    return n;
}

namespace {

// Little-endian raw_data of `count` elements of type T.
template <typename T>
void from_raw(const std::string& raw, std::size_t count, std::vector<float>& out) {
    if (raw.size() != count * sizeof(T))
        throw std::runtime_error(fmt::format("raw data holds {} bytes, its dims need {}",
                                             raw.size(), count * sizeof(T)));
    out.resize(count);
    for (std::size_t k = 0; k < count; ++k) {
        T v;
        std::memcpy(&v, raw.data() + k * sizeof(T), sizeof(T));
        out[k] = float(v);
    }
}

template <typename Field>
void from_field(const Field& f, std::size_t count, std::vector<float>& out) {
    if (std::size_t(f.size()) != count)
        throw std::runtime_error(fmt::format("holds {} values, its dims need {}", f.size(), count));
    out.assign(f.begin(), f.end());
}

} // namespace

Constant constant_of(const onnx::TensorProto& t) {
    Constant c;
    std::int64_t count = 1;
    for (auto d : t.dims()) {
        if (d < 0 || d > (std::int64_t(1) << 31) || (d != 0 && count > (std::int64_t(1) << 40) / d))
            throw std::runtime_error(fmt::format("tensor '{}' has dims too large", t.name()));
        c.dims.push_back(d);
        count *= d;
    }
    if (t.data_location() == onnx::TensorProto::EXTERNAL)
        throw std::runtime_error(fmt::format(
            "tensor '{}' keeps its data in an external file, which accsim does not read; save "
            "the model with its data inside (onnx.save_model(..., save_as_external_data=False))",
            t.name()));
    const auto n = std::size_t(count);
    const std::string& raw = t.raw_data();
    using TP = onnx::TensorProto;
    switch (t.data_type()) {
    case TP::FLOAT:
        raw.empty() ? from_field(t.float_data(), n, c.values) : from_raw<float>(raw, n, c.values);
        break;
    case TP::DOUBLE:
        raw.empty() ? from_field(t.double_data(), n, c.values) : from_raw<double>(raw, n, c.values);
        break;
    case TP::INT64:
        raw.empty() ? from_field(t.int64_data(), n, c.values)
                    : from_raw<std::int64_t>(raw, n, c.values);
        break;
    case TP::INT32:
        raw.empty() ? from_field(t.int32_data(), n, c.values)
                    : from_raw<std::int32_t>(raw, n, c.values);
        break;
    case TP::INT8:
        raw.empty() ? from_field(t.int32_data(), n, c.values)
                    : from_raw<std::int8_t>(raw, n, c.values);
        break;
    case TP::UINT8:
        raw.empty() ? from_field(t.int32_data(), n, c.values)
                    : from_raw<std::uint8_t>(raw, n, c.values);
        break;
    default:
        throw std::runtime_error(fmt::format("tensor '{}' has data type {}, which accsim does not "
                                             "read (float, double, int8/32/64, uint8)",
                                             t.name(), t.data_type()));
    }
    return c;
}

Constant quantize(const Constant& x, const Constant& scale, const Constant& zeropt, int bits,
                  bool is_signed, bool narrow, const std::string& rounding_mode) {
    if (bits < 1 || bits > 32)
        throw std::runtime_error(fmt::format("bit width {} is outside 1..32", bits));
    if (rounding_mode != "ROUND" && rounding_mode != "FLOOR" && rounding_mode != "CEIL" &&
        rounding_mode != "ROUND_TO_ZERO")
        throw std::runtime_error(fmt::format("rounding_mode '{}' is not one of ROUND, FLOOR, "
                                             "CEIL, ROUND_TO_ZERO",
                                             rounding_mode));
    const double half = std::ldexp(1.0, bits - 1), full = std::ldexp(1.0, bits);
    const double lo = is_signed ? -half + (narrow ? 1 : 0) : 0.0;
    const double hi = is_signed ? half - 1 : full - 1 - (narrow ? 1 : 0);
    const std::int64_t n = x.elements();
    const std::int64_t channels = x.dims.empty() ? 1 : x.dims[0];
    auto per = [&](const Constant& p, const char* what) {
        const std::int64_t e = p.elements();
        if (e != 1 && e != channels)
            throw std::runtime_error(
                fmt::format("{} has {} values; accsim takes one, or one per output channel ({})",
                            what, e, channels));
        return e;
    };
    const std::int64_t ns = per(scale, "scale"), nz = per(zeropt, "zeropt");
    const std::int64_t per_channel = channels > 0 ? n / channels : 0;
    Constant y;
    y.dims = x.dims;
    y.bits = bits;
    y.values.resize(std::size_t(n));
    for (std::int64_t k = 0; k < n; ++k) {
        const std::int64_t ch = per_channel ? k / per_channel : 0;
        const double s = scale.values[std::size_t(ns == 1 ? 0 : ch)];
        const double z = zeropt.values[std::size_t(nz == 1 ? 0 : ch)];
        if (!(s > 0) || !std::isfinite(s))
            throw std::runtime_error(fmt::format("scale {} is not a positive number", s));
        const double v = double(x.values[std::size_t(k)]) / s + z;
        double q = rounding_mode == "ROUND"   ? std::nearbyint(v) // half to even by default
                   : rounding_mode == "FLOOR" ? std::floor(v)
                   : rounding_mode == "CEIL"  ? std::ceil(v)
                                              : std::trunc(v);
        q = std::clamp(q, lo, hi);
        y.values[std::size_t(k)] = float((q - z) * s);
    }
    return y;
}

} // namespace accsim::onnx_import
