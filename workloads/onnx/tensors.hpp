// Constant tensors of an ONNX model (initializers and Constant nodes): their values as floats,
// and QONNX's quantizers applied to them. Internal to the ONNX reader.
#pragma once

#include <cstdint>
#include <onnx/onnx_pb.h>
#include <string>
#include <vector>

namespace accsim::onnx_import {

// A constant: its dims (ONNX order) and values as floats, and the bit width a QONNX quantizer
// gave it (0: none).
struct Constant {
    std::vector<std::int64_t> dims;
    std::vector<float> values;
    int bits = 0;
    std::int64_t elements() const;
};

// The values of an initializer or a Constant node's tensor. Throws std::runtime_error (the
// caller adds the file and node) for data kept outside the file or of a type with no numbers.
Constant constant_of(const onnx::TensorProto& t);

// QONNX Quant on constant weights (qonnx.custom_op.general.quant): q = clamp(round(x / s + z))
// within the signed or unsigned range of `bits` (narrow drops one end), y = (q - z) * s, with
// round half to even as numpy's round. `scale` and `zeropt` are scalars or one value per
// output channel (dim 0). Throws std::runtime_error for other broadcasts.
Constant quantize(const Constant& x, const Constant& scale, const Constant& zeropt, int bits,
                  bool is_signed, bool narrow, const std::string& rounding_mode);

} // namespace accsim::onnx_import
