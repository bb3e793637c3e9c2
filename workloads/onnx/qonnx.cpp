// QONNX's quantizers (qonnx.custom_op.general, and FINN's older finn.custom_op.general): Quant,
// BipolarQuant, Trunc and MultiThreshold. On constant weights they give the weights' values as
// quantized and their width; on activations, the width of the layers that read them.
#include "workloads/onnx/importer.hpp"
#include "workloads/onnx/onnx.hpp"

#include <cmath>
#include <cstdlib>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace accsim::onnx_import {

bool is_qonnx_domain(const std::string& domain) {
    return domain == "qonnx.custom_op.general" || domain == "finn.custom_op.general" ||
           domain == "finn";
}

void map_qonnx_op(Importer& im) {
    const std::string& op = im.node->op_type();
    int bits = 0;
    // A bit width given as a number: checked to be 1..32 before it becomes an int (a float
    // beyond int's range does not convert).
    auto width = [&](float v, const char* what) {
        if (!(v >= 1 && v <= 32) || v != std::round(v))
            im.fail(fmt::format("{} {:g} is not a whole number of bits from 1 to 32", what, v));
        return int(v);
    };
    if (op == "Quant") {
        const Constant& b = im.weights(3);
        if (b.values.size() != 1) im.fail("bitwidth must be one whole number");
        bits = width(b.values[0], "bitwidth");
    } else if (op == "BipolarQuant") {
        bits = 1;
    } else if (op == "Trunc") {
        const Constant& b = im.weights(4);
        if (b.values.size() != 1) im.fail("output_bit_width must be one number");
        bits = width(b.values[0], "output_bit_width");
    } else if (op == "MultiThreshold") {
        // out_dtype: BIPOLAR, BINARY, UINTn or INTn (FINN's DataType names).
        const std::string t = im.attr_string("out_dtype", "");
        long n = 0;
        if (t == "BIPOLAR" || t == "BINARY")
            n = 1;
        else if (t.rfind("UINT", 0) == 0 || t.rfind("INT", 0) == 0) {
            const std::string digits = t.substr(t[0] == 'U' ? 4 : 3);
            if (!digits.empty() && digits.size() <= 3 &&
                digits.find_first_not_of("0123456789") == std::string::npos)
                n = std::strtol(digits.c_str(), nullptr, 10);
        }
        if (n < 1) im.fail(fmt::format("out_dtype '{}' is not BIPOLAR, BINARY, UINTn or INTn", t));
        bits = int(n);
    } else {
        im.fail(fmt::format("QONNX op {} is not modelled; accsim reads: {}", op,
                            fmt::join(onnx_supported_ops(), ", ")));
    }
    if (bits < 1 || bits > 32) im.fail(fmt::format("bit width {} is outside 1..32", bits));
    if (const Constant* x = im.constant(0)) {
        // Quantized weights: their values as the quantizer leaves them (its zeros are pruned
        // weights), and their width.
        Constant q;
        try {
            if (op == "Quant") {
                q = quantize(*x, im.weights(1), im.weights(2), bits, im.attr_int("signed", 1) != 0,
                             im.attr_int("narrow", 0) != 0,
                             im.attr_string("rounding_mode", "ROUND"));
            } else if (op == "BipolarQuant") {
                q = *x;
                const float s = im.weights(1).values.empty() ? 1.0f : im.weights(1).values[0];
                for (auto& v : q.values) v = v >= 0 ? s : -s;
            } else {
                im.fail("quantizes a constant; accsim models it on activations only");
            }
        } catch (const std::runtime_error& e) {
            im.fail(e.what());
        }
        q.bits = bits;
        im.constants[im.node->output(0)] = std::move(q);
        return;
    }
    Value v = im.value(0);
    v.bits = bits; // the width of the activations the next layers read
    im.set_output(v);
}

} // namespace accsim::onnx_import
