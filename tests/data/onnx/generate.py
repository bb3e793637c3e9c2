#!/usr/bin/python3
"""Writes the small ONNX models the tests import (tests/data/onnx/*.onnx), with Debian's python3-onnx.

The generated files are committed, so the tests need no Python; run this again after changing it:
    /usr/bin/python3 tests/data/onnx/generate.py
Weights are drawn from a seeded generator, so the files are the same on every run.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
QONNX = "qonnx.custom_op.general"


def save(model, name):
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name))


class Builder:
    """Nodes, initializers and a seeded generator for one graph."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits = [], []

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(self, op, inputs, name, domain="", **attrs):
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, domain=domain or None, **attrs))
        return name

    def conv(self, x, name, cin, cout, k, stride, pads):
        w = self.const(name + "_w", self.rng.uniform(0.1, 1.0, (cout, cin, k, k)).astype(np.float32))
        b = self.const(name + "_b", np.zeros(cout, np.float32))
        c = self.node("Conv", [x, w, b], name, kernel_shape=[k, k], strides=[stride, stride], pads=pads)
        # BatchNormalization after every conv, folded into it on import.
        bn = [self.const(f"{name}_bn_{p}", v) for p, v in
              (("scale", np.ones(cout, np.float32)), ("bias", np.zeros(cout, np.float32)),
               ("mean", np.zeros(cout, np.float32)), ("var", np.ones(cout, np.float32)))]
        return self.node("BatchNormalization", [c] + bn, name + "_bn")

    def relu(self, x, name):
        return self.node("Relu", [x], name)


def same_pads(size, k, stride):
    """TensorFlow's 'same' padding, the smaller half first: (top, left, bottom, right)."""
    out = (size + stride - 1) // stride
    total = max(0, (out - 1) * stride + k - size)
    return [total // 2, total // 2, total - total // 2, total - total // 2]


def resnet8():
    """MLPerf Tiny's ResNet-8 with BatchNormalization after every conv, named as the built-in."""
    b = Builder(8)
    x = b.conv("input", "conv1", 3, 16, 3, 1, same_pads(32, 3, 1))
    x = b.relu(x, "conv1_relu")
    size, cin = 32, 16
    for stage, cout in ((1, 16), (2, 32), (3, 64)):
        stride = 1 if stage == 1 else 2
        y = b.conv(x, f"s{stage}_conv1", cin, cout, 3, stride, same_pads(size, 3, stride))
        y = b.relu(y, f"s{stage}_conv1_relu")
        out = size // stride
        y = b.conv(y, f"s{stage}_conv2", cout, cout, 3, 1, same_pads(out, 3, 1))
        skip = x if stage == 1 else b.conv(x, f"s{stage}_proj", cin, cout, 1, stride,
                                           same_pads(size, 1, stride))
        x = b.relu(b.node("Add", [y, skip], f"s{stage}_add"), f"s{stage}_relu")
        size, cin = out, cout
    x = b.node("GlobalAveragePool", [x], "pool")
    x = b.node("Flatten", [x], "flatten", axis=1)
    w = b.const("fc_w", b.rng.uniform(0.1, 1.0, (10, 64)).astype(np.float32))
    c = b.const("fc_b", np.zeros(10, np.float32))
    b.node("Gemm", [x, w, c], "fc", transB=1)
    graph = helper.make_graph(
        b.nodes, "resnet8",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 32, 32])],
        [helper.make_tensor_value_info("fc", TensorProto.FLOAT, ["N", 10])], b.inits)
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), "resnet8_bn.onnx")


def qonnx_mlp():
    """A QONNX MLP 64 -> 32 -> 10: 4-bit weights (Quant), 3-bit activations (MultiThreshold)."""
    b = Builder(9)
    x = b.node("Quant", ["input", b.const("in_scale", np.float32(1 / 16)), b.const("in_zero", np.float32(0)),
                         b.const("in_bits", np.float32(8))], "input_quant", domain=QONNX,
               signed=0, narrow=0, rounding_mode="ROUND")
    for name, (k, n) in (("fc1", (64, 32)), ("fc2", (32, 10))):
        # Weights in [-1, 1] at scale 1/8: the 4-bit grid -8/8 .. 7/8, so |w| < 1/16 becomes 0.
        w = b.const(name + "_w", b.rng.uniform(-1, 1, (k, n)).astype(np.float32))
        wq = b.node("Quant", [w, b.const(name + "_ws", np.float32(1 / 8)), b.const(name + "_wz", np.float32(0)),
                              b.const(name + "_wb", np.float32(4))], name + "_wquant", domain=QONNX,
                    signed=1, narrow=0, rounding_mode="ROUND")
        x = b.node("MatMul", [x, wq], name)
        if name == "fc1":
            thresholds = b.const(name + "_thr", np.sort(b.rng.uniform(-1, 1, (n, 7)).astype(np.float32), axis=1))
            x = b.node("MultiThreshold", [x, thresholds], name + "_act", domain=QONNX, out_dtype="UINT3")
    graph = helper.make_graph(
        b.nodes, "qonnx_mlp",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 64])],
        [helper.make_tensor_value_info("fc2", TensorProto.FLOAT, [1, 10])], b.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(QONNX, 1)])
    save(model, "qonnx_mlp_w4a3.onnx")
    # The weights as the quantizer leaves them, for the test's hand count of zeros.
    for name, init in (("fc1", "fc1_w"), ("fc2", "fc2_w")):
        w = numpy_helper.to_array(next(i for i in b.inits if i.name == init))
        q = np.clip(np.round(w * 8), -8, 7)
        print(f"{name}: {int(np.count_nonzero(q))} of {q.size} quantized weights are non-zero")


def ds_cnn():
    """MLPerf Tiny's keyword-spotting DS-CNN: 49x10 MFCCs, a 10x4 stride-2 conv to 64 channels,
    four depthwise-separable blocks (3x3 depthwise, 1x1 pointwise, each with BatchNormalization
    and ReLU), a 25x5 average pool and a dense layer to 12 classes."""
    b = Builder(11)

    def bn_relu(x, name, c):
        bn = [b.const(f"{name}_bn_{p}", v) for p, v in
              (("scale", np.ones(c, np.float32)), ("bias", np.zeros(c, np.float32)),
               ("mean", np.zeros(c, np.float32)), ("var", np.ones(c, np.float32)))]
        return b.relu(b.node("BatchNormalization", [x] + bn, name + "_bn"), name + "_relu")

    w = b.const("conv1_w", b.rng.uniform(0.1, 1, (64, 1, 10, 4)).astype(np.float32))
    # TensorFlow 'same' for 10x4 at stride 2 on 49x10: 25x5 out, pads (4, 1, 5, 1).
    x = bn_relu(b.node("Conv", ["input", w], "conv1", kernel_shape=[10, 4], strides=[2, 2],
                       pads=[4, 1, 5, 1]), "conv1", 64)
    for k in range(1, 5):
        dw = b.const(f"dw{k}_w", b.rng.uniform(0.1, 1, (64, 1, 3, 3)).astype(np.float32))
        x = bn_relu(b.node("Conv", [x, dw], f"dw{k}", kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=64),
                    f"dw{k}", 64)
        pw = b.const(f"pw{k}_w", b.rng.uniform(0.1, 1, (64, 64, 1, 1)).astype(np.float32))
        x = bn_relu(b.node("Conv", [x, pw], f"pw{k}", kernel_shape=[1, 1]), f"pw{k}", 64)
    x = b.node("AveragePool", [x], "pool", kernel_shape=[25, 5])
    x = b.node("Flatten", [x], "flatten", axis=1)
    w = b.const("fc_w", b.rng.uniform(0.1, 1, (12, 64)).astype(np.float32))
    b.node("Gemm", [x, w], "fc", transB=1)
    graph = helper.make_graph(
        b.nodes, "ds_cnn",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 49, 10])],
        [helper.make_tensor_value_info("fc", TensorProto.FLOAT, ["N", 12])], b.inits)
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), "ds_cnn_kws.onnx")


def concat_model():
    """Two branches joined by Concat, a SiLU-like gate (Sigmoid times its input), a nearest
    Resize by 2, then a classifier ending in Softmax."""
    b = Builder(12)
    wa = b.const("a_w", b.rng.uniform(0.1, 1, (8, 8, 1, 1)).astype(np.float32))
    wb = b.const("b_w", b.rng.uniform(0.1, 1, (8, 8, 3, 3)).astype(np.float32))
    a = b.relu(b.node("Conv", ["input", wa], "branch_a", kernel_shape=[1, 1]), "branch_a_relu")
    c = b.relu(b.node("Conv", ["input", wb], "branch_b", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
               "branch_b_relu")
    x = b.node("Concat", [a, c], "join", axis=1)
    wc = b.const("c_w", b.rng.uniform(0.1, 1, (4, 16, 1, 1)).astype(np.float32))
    x = b.node("Conv", [x, wc], "squeeze", kernel_shape=[1, 1])
    g = b.node("Sigmoid", [x], "gate")
    x = b.node("Mul", [x, g], "gated")
    x = b.node("Resize", [x, "", b.const("scales", np.array([1, 1, 2, 2], np.float32))], "up",
               mode="nearest")
    x = b.node("GlobalAveragePool", [x], "pool")
    x = b.node("Flatten", [x], "flatten", axis=1)
    w = b.const("fc_w", b.rng.uniform(0.1, 1, (3, 4)).astype(np.float32))
    x = b.node("Gemm", [x, w], "fc", transB=1)
    b.node("Softmax", [x], "probs", axis=1)
    graph = helper.make_graph(
        b.nodes, "concat_model",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 8, 16, 16])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["N", 3])], b.inits)
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), "concat_resize.onnx")


def unsupported():
    """A conv followed by an op accsim does not model (Einsum)."""
    b = Builder(10)
    w = b.const("w", b.rng.uniform(0.1, 1, (4, 1, 3, 3)).astype(np.float32))
    x = b.node("Conv", ["input", w], "conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    b.node("Einsum", [x], "mystery_einsum", equation="nchw->nchw")
    graph = helper.make_graph(
        b.nodes, "unsupported",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, 8, 8])],
        [helper.make_tensor_value_info("mystery_einsum", TensorProto.FLOAT, [1, 4, 8, 8])], b.inits)
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), "unsupported_op.onnx")


def unequal_strides():
    """Windows with a stride down and a different one across: a conv (SAME_UPPER), a max pool
    and a conv with explicit pads."""
    b = Builder(13)
    wa = b.const("a_w", b.rng.uniform(0.1, 1, (4, 2, 3, 3)).astype(np.float32))
    x = b.node("Conv", ["input", wa], "conv_a", kernel_shape=[3, 3], strides=[1, 2],
               auto_pad="SAME_UPPER")
    x = b.node("MaxPool", [x], "pool", kernel_shape=[2, 2], strides=[2, 1])
    wb = b.const("b_w", b.rng.uniform(0.1, 1, (5, 4, 2, 3)).astype(np.float32))
    b.node("Conv", [x, wb], "conv_b", kernel_shape=[2, 3], strides=[2, 3], pads=[0, 1, 0, 1])
    graph = helper.make_graph(
        b.nodes, "unequal_strides",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 2, 12, 15])],
        [helper.make_tensor_value_info("conv_b", TensorProto.FLOAT, [1, 5, 3, 3])], b.inits)
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
         "unequal_strides.onnx")


def one_conv_model(name, nodes, inits, out_shape, value_info=()):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 2, 8, 8])],
        [helper.make_tensor_value_info(nodes[-1].output[0], TensorProto.FLOAT, out_shape)], inits,
        value_info=list(value_info))
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), name + ".onnx")


def shape_checks():
    """Small models about shapes: a Pad folded into the conv after it (pad_conv); and models
    refused, each before libonnx's shape rule could misread them: a pool of stride 0 (SIGFPE in
    libonnx 1.12's convPoolShapeInference), a conv whose pads and auto_pad disagree (ONNX's rule
    takes the pads, accsim's the auto_pad), a value_info and a graph output that declare the
    wrong shape, a Reshape whose dims multiply past 64 bits."""
    b = Builder(14)
    w = b.const("w", b.rng.uniform(0.1, 1, (4, 2, 3, 3)).astype(np.float32))
    pads = b.const("pads", np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64))
    x = b.node("Pad", ["input", pads], "pad")
    b.node("Conv", [x, w], "conv", kernel_shape=[3, 3])
    one_conv_model("pad_conv", b.nodes, b.inits, [1, 4, 8, 8],
                   [helper.make_tensor_value_info("pad", TensorProto.FLOAT, [1, 2, 10, 10])])

    b = Builder(15)
    b.node("MaxPool", ["input"], "pool", kernel_shape=[2, 2], strides=[0, 0])
    one_conv_model("pool_zero_stride", b.nodes, b.inits, [1, 2, 4, 4])

    b = Builder(16)
    w = b.const("w", b.rng.uniform(0.1, 1, (4, 2, 3, 3)).astype(np.float32))
    b.node("Conv", ["input", w], "conv", kernel_shape=[3, 3], auto_pad="SAME_UPPER",
           pads=[0, 0, 0, 0])
    one_conv_model("pads_and_auto_pad", b.nodes, b.inits, [1, 4, 8, 8])

    b = Builder(17)
    w = b.const("w", b.rng.uniform(0.1, 1, (4, 2, 3, 3)).astype(np.float32))
    x = b.node("Conv", ["input", w], "conv", kernel_shape=[3, 3])
    b.relu(x, "relu")
    one_conv_model("wrong_value_info", b.nodes, b.inits, [1, 4, 6, 6],
                   [helper.make_tensor_value_info("conv", TensorProto.FLOAT, [1, 4, 8, 8])])

    b = Builder(19)
    w = b.const("w", b.rng.uniform(0.1, 1, (4, 2, 3, 3)).astype(np.float32))
    b.node("Conv", ["input", w], "conv", kernel_shape=[3, 3])
    one_conv_model("wrong_output_shape", b.nodes, b.inits, [1, 4, 8, 8])

    # A Reshape to 2^62 x 4: the product of its dims is beyond 64 bits.
    b = Builder(18)
    shape = b.const("shape", np.array([1, 2 ** 62, 4], np.int64))
    b.node("Reshape", ["input", shape], "reshape")
    one_conv_model("reshape_huge", b.nodes, b.inits, [1, 2 ** 62, 4])


def node_without_output():
    """A nameless node with no output before a conv: refused, and named by its place in the
    graph ('#0'), having neither a name nor an output to be called by. Its op is GRUUnit, one of
    ONNX's experimental ops, which ONNX's checker passes over (it refuses a Relu without
    output), so the file is written without the checker."""
    b = Builder(20)
    w = b.const("w", b.rng.uniform(0.1, 1, (4, 2, 3, 3)).astype(np.float32))
    odd = helper.make_node("GRUUnit", ["input"], [])
    b.node("Conv", ["input", w], "conv", kernel_shape=[3, 3])
    graph = helper.make_graph(
        [odd] + b.nodes, "node_without_output",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 2, 8, 8])],
        [helper.make_tensor_value_info("conv", TensorProto.FLOAT, [1, 4, 6, 6])], b.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(model, os.path.join(HERE, "node_without_output.onnx"))


if __name__ == "__main__":
    resnet8()
    qonnx_mlp()
    ds_cnn()
    concat_model()
    unsupported()
    unequal_strides()
    shape_checks()
    node_without_output()
