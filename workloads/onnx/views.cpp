// The ops that need no hardware: a new view of the same numbers (Identity, Dropout, Flatten of a
// vector, Reshape, Transpose, Squeeze, Unsqueeze), a Pad folded into the next conv or pool, and
// Constant nodes. A Flatten of an image of more than one pixel is a flatten layer.
#include "workloads/onnx/importer.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace accsim::onnx_import {

void map_alias(Importer& im, std::vector<std::int64_t> dims) {
    Value v = im.value(0);
    if (product(dims) != product(v.dims)) im.fail("changes the number of values");
    if (v.padded) im.fail("a Pad must be followed by the conv or pool it pads");
    v.dims = std::move(dims);
    im.set_output(v);
}

void map_flatten(Importer& im) {
    if (im.attr_int("axis", 1) != 1) im.fail("only axis = 1 is modelled");
    const Value& x = im.value(0);
    if (x.dims.size() == 3 && (x.dims[1] != 1 || x.dims[2] != 1)) {
        // A real flatten of an image: the stream of pixels becomes one vector.
        Layer l;
        l.op = Op::flatten;
        l.in = im.image_shape(x, "Flatten");
        l.out = {1, 1, int(l.in.elements())};
        Value v;
        v.layer = im.add_layer(l, x);
        v.dims = {l.out.c};
        im.set_output(v);
        return;
    }
    map_alias(im, {product(x.dims)});
}

void map_reshape(Importer& im) {
    const Value& x = im.value(0);
    const Constant& s = im.weights(1);
    std::vector<std::int64_t> dims;
    for (std::size_t k = 1; k < s.values.size(); ++k)
        dims.push_back(im.whole(s.values[k], -1, std::int64_t(1) << 31, "shape value"));
    // allowzero = 1 takes a 0 as an empty dimension, not as the input's.
    if (im.attr_int("allowzero", 0) != 0 && std::count(dims.begin(), dims.end(), 0))
        im.fail("a shape value of 0 with allowzero = 1 (an empty tensor) is not modelled");
    for (std::size_t k = 0; k < dims.size(); ++k)
        if (dims[k] == 0 && k < x.dims.size()) dims[k] = x.dims[k]; // 0: keep that dimension
    if (std::count(dims.begin(), dims.end(), -1) > 1) im.fail("more than one shape value is -1");
    if (const auto unknown = std::find(dims.begin(), dims.end(), -1); unknown != dims.end()) {
        *unknown = 1; // the product of the others
        const std::int64_t rest = product(dims);
        *unknown = rest > 0 && rest != INT64_MAX ? product(x.dims) / rest : -1;
    }
    if (dims.size() == 1 && x.dims.size() == 3 && (x.dims[1] != 1 || x.dims[2] != 1)) {
        map_flatten(im); // (N, -1) of an image
        return;
    }
    map_alias(im, dims);
}

void map_transpose(Importer& im) {
    const Value& x = im.value(0);
    auto perm = im.attr_ints("perm");
    if (perm.empty()) im.fail("a Transpose without perm reverses the batch axis too");
    if (perm.size() != x.dims.size() + 1 || perm[0] != 0)
        im.fail("only transposes that keep the batch first are modelled");
    std::vector<std::int64_t> dims;
    for (std::size_t k = 1; k < perm.size(); ++k) {
        if (perm[k] < 1 || std::size_t(perm[k]) > x.dims.size()) im.fail("perm is out of range");
        dims.push_back(x.dims[std::size_t(perm[k] - 1)]);
    }
    map_alias(im, dims); // a relabelling of the same numbers (NHWC <-> NCHW)
}

void map_squeeze(Importer& im, bool squeeze) {
    const Value& x = im.value(0);
    std::vector<std::int64_t> axes = im.attr_ints("axes");
    if (const Constant* c = im.constant(1))
        for (float a : c->values) axes.push_back(im.whole(a, -64, 64, "axis"));
    std::vector<std::int64_t> dims = x.dims;
    if (squeeze) {
        if (axes.empty()) {
            dims.erase(std::remove(dims.begin(), dims.end(), 1), dims.end());
        } else {
            std::vector<bool> drop(dims.size(), false);
            for (auto a : axes) {
                const std::int64_t k = (a < 0 ? a + std::int64_t(dims.size()) + 1 : a) - 1;
                if (k < 0 || k >= std::int64_t(dims.size()) || dims[std::size_t(k)] != 1)
                    im.fail("squeezes an axis that is not of size 1 (or the batch)");
                drop[std::size_t(k)] = true;
            }
            std::vector<std::int64_t> kept;
            for (std::size_t k = 0; k < dims.size(); ++k)
                if (!drop[k]) kept.push_back(dims[k]);
            dims = kept;
        }
    } else {
        std::sort(axes.begin(), axes.end());
        for (auto a : axes) {
            const std::int64_t rank = std::int64_t(dims.size()) + 1 + 1;
            const std::int64_t k = (a < 0 ? a + rank : a) - 1;
            if (k < 0 || k > std::int64_t(dims.size())) im.fail("unsqueezes the batch axis");
            dims.insert(dims.begin() + k, 1);
        }
    }
    map_alias(im, dims);
}

void map_pad(Importer& im) {
    const Value& x = im.value(0);
    if (im.attr_string("mode", "constant") != "constant")
        im.fail("only constant padding is modelled");
    std::vector<std::int64_t> p = im.attr_ints("pads");
    if (const Constant* c = im.constant(1))
        for (float v : c->values) p.push_back(im.whole(v, -1023, 1023, "pad"));
    if (const Constant* v = im.constant(2); v && !v->values.empty() && v->values[0] != 0)
        im.fail("only padding with zeros is modelled");
    if (p.size() != 8 || x.dims.size() != 3)
        im.fail("only the padding of an image (N, C, H, W) is modelled");
    // ONNX: begins of N, C, H, W then ends of N, C, H, W.
    if (p[0] || p[1] || p[4] || p[5]) im.fail("only padding of H and W is modelled");
    Value v = x;
    v.padded = true;
    const std::int64_t add[4] = {p[2], p[3], p[6], p[7]};
    for (int k = 0; k < 4; ++k) {
        if (add[k] < 0 || add[k] > 1023) im.fail("pads must be from 0 to 1023");
        v.pads[k] += int(add[k]);
    }
    // The dims stay the unpadded image's: the conv or pool that reads it takes the zeros as its
    // own padding (any other reader refuses a padded value).
    im.set_output(v);
}

void map_constant(Importer& im) {
    for (const auto& a : im.node->attribute())
        if (a.name() == "value" && a.has_t()) {
            try {
                im.constants[im.node->output(0)] = constant_of(a.t());
                im.constant_tensors[im.node->output(0)] = &a.t();
            } catch (const std::runtime_error& e) {
                im.fail(e.what());
            }
            return;
        }
    im.fail("only a Constant with a tensor 'value' is modelled");
}

} // namespace accsim::onnx_import
