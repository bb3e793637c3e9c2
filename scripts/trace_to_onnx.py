#!/usr/bin/python3
"""Writes an ONNX model of an accsim native trace (CSV), with seeded random float32 weights.

    trace_to_onnx.py TRACE.csv MODEL.onnx [SEED]

Used by scripts/bench-onnx to make a ResNet-50 of real size (about 100 MB of initializers) from
`accsim workloads export resnet50`; it needs Debian's python3-onnx. Ops: conv, dense, pool,
global_pool, add, sub, relu, flatten (downsample has no ONNX form and is refused).
"""
import csv
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def pads_of(row, size_h, size_w):
    k_h, k_w, s = int(row["kernel_h"]), int(row["kernel_w"]), int(row["stride"])
    p = row["padding"]
    if ":" in p:
        return [int(v) for v in p.split(":")]
    if p == "valid":
        return [0, 0, 0, 0]
    out_h, out_w = -(-size_h // s), -(-size_w // s)
    t_h = max(0, (out_h - 1) * s + k_h - size_h)
    t_w = max(0, (out_w - 1) * s + k_w - size_w)
    return [t_h // 2, t_w // 2, t_h - t_h // 2, t_w - t_w // 2]


def main(trace, out, seed):
    rng = np.random.default_rng(seed)
    with open(trace) as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    nodes, inits = [], []
    first = rows[0]
    graph_input = helper.make_tensor_value_info(
        "input", TensorProto.FLOAT, ["N", int(first["in_c"]), int(first["in_h"]), int(first["in_w"])])
    shape_of = {}  # layer name -> (c, h, w) of its output

    def source(name):
        return name if name else "input"

    for r in rows:
        name, op = r["name"], r["op"]
        ins = [source(i) for i in r["inputs"].split("|")] if r["inputs"] else ["input"]
        h, w, c = int(r["in_h"]), int(r["in_w"]), int(r["in_c"])
        oc = int(r["out_c"])
        y = name + "_pre" if r["activation"] == "relu" else name
        if op == "conv":
            kh, kw = int(r["kernel_h"]), int(r["kernel_w"])
            wt = rng.uniform(-1, 1, (oc, c, kh, kw)).astype(np.float32)
            inits.append(numpy_helper.from_array(wt, name + "_w"))
            nodes.append(helper.make_node("Conv", [ins[0], name + "_w"], [y], name=name, kernel_shape=[kh, kw],
                                          strides=[int(r["stride"])] * 2, pads=pads_of(r, h, w)))
        elif op == "dense":
            x = ins[0]
            if x != "input" and shape_of[x] != (int(r["in_c"]),) and len(shape_of[x]) == 3:
                nodes.append(helper.make_node("Flatten", [x], [name + "_flat"], name=name + "_flat", axis=1))
                x = name + "_flat"
            wt = rng.uniform(-1, 1, (oc, h * w * c)).astype(np.float32)
            inits.append(numpy_helper.from_array(wt, name + "_w"))
            nodes.append(helper.make_node("Gemm", [x, name + "_w"], [y], name=name, transB=1))
        elif op == "pool":
            kind = "MaxPool" if r["pool"] == "max" else "AveragePool"
            kh, kw = int(r["kernel_h"]), int(r["kernel_w"])
            nodes.append(helper.make_node(kind, [ins[0]], [y], name=name, kernel_shape=[kh, kw],
                                          strides=[int(r["stride"])] * 2, pads=pads_of(r, h, w)))
        elif op == "global_pool":
            kind = "GlobalMaxPool" if r["pool"] == "max" else "GlobalAveragePool"
            nodes.append(helper.make_node(kind, [ins[0]], [y], name=name))
        elif op in ("add", "sub"):
            nodes.append(helper.make_node(op.capitalize(), ins, [y], name=name))
        elif op == "relu":
            nodes.append(helper.make_node("Relu", [ins[0]], [y], name=name))
        elif op == "flatten":
            nodes.append(helper.make_node("Flatten", [ins[0]], [y], name=name, axis=1))
        else:
            sys.exit(f"{trace}: layer {name}: op {op} has no ONNX form here")
        if r["activation"] == "relu":
            nodes.append(helper.make_node("Relu", [y], [name], name=name + "_relu"))
        shape_of[name] = (oc, int(r["out_h"]), int(r["out_w"])) if op not in ("dense", "flatten") else (oc,)
    last = rows[-1]["name"]
    output = helper.make_tensor_value_info(last, TensorProto.FLOAT, ["N", *shape_of[last]])
    graph = helper.make_graph(nodes, rows[0]["name"] + "_model", [graph_input], [output], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), out)


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: trace_to_onnx.py TRACE.csv MODEL.onnx [SEED]")
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) == 4 else 1)
