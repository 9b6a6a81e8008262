#!/usr/bin/python3
"""Writes the tiny ONNX models of GraphShapesProofTest and their float references.

- two_inputs: y = MatMul(a, b), two run-time inputs a [2, 3] and b [3, 4];
- two_outputs: h = Gemm(x, W1); y1 = Relu(h); y2 = Gemm(h, W2), one input x [1, 8];
- no_input: r = Reshape(Range(0, 6, 1), [2, 3]) · 0.5 and z = ConstantOfShape([2, 2], 1.25),
  a generator without run-time input (everything folds into constants);
- constant_output: an input x but only a constant output (which stays refused).

Each <name>.json is {"input_data": [[...] per input, in the graph's input order],
"output_data": [[...] per output]}, the outputs computed here with numpy (an independent float
reference). Needs python3-onnx and python3-numpy (Debian: apt-get install python3-onnx). Run
from this folder: /usr/bin/python3 make_graphio_models.py
"""
import json

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(14)


def save(name, nodes, inputs, outputs, inits=()):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(v.shape)) for n, v in inputs],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(v.shape)) for n, v in outputs],
        initializer=list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="make_graphio_models.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, name + ".onnx")
    with open(name + ".json", "w") as f:
        json.dump({"input_data": [[float(x) for x in v.reshape(-1)] for _, v in inputs],
                   "output_data": [[float(x) for x in v.reshape(-1)] for _, v in outputs]}, f)


# two run-time inputs
a = rng.uniform(-1, 1, (2, 3)).astype(np.float32)
b = rng.uniform(-1, 1, (3, 4)).astype(np.float32)
y = a @ b
save("two_inputs",
     [helper.make_node("MatMul", ["a", "b"], ["y"])],
     [("a", a), ("b", b)], [("y", y)])

# two outputs
x = rng.uniform(-1, 1, (1, 8)).astype(np.float32)
w1 = rng.uniform(-0.5, 0.5, (8, 6)).astype(np.float32)
w2 = rng.uniform(-0.5, 0.5, (6, 3)).astype(np.float32)
h = x @ w1
y1 = np.maximum(h, 0)
y2 = h @ w2
save("two_outputs",
     [helper.make_node("Gemm", ["x", "w1"], ["h"]),
      helper.make_node("Relu", ["h"], ["y1"]),
      helper.make_node("Gemm", ["h", "w2"], ["y2"])],
     [("x", x)], [("y1", y1), ("y2", y2)],
     [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")])

# no run-time input
r = (np.arange(0, 6, 1, dtype=np.float32).reshape(2, 3) * np.float32(0.5))
z = np.full((2, 2), 1.25, dtype=np.float32)
save("no_input",
     [helper.make_node("Range", ["start", "limit", "delta"], ["range"]),
      helper.make_node("Reshape", ["range", "shape"], ["grid"]),
      helper.make_node("Mul", ["grid", "half"], ["r"]),
      helper.make_node("ConstantOfShape", ["zshape"], ["z"],
                       value=numpy_helper.from_array(np.array([1.25], dtype=np.float32)))],
     [], [("r", r), ("z", z)],
     [numpy_helper.from_array(np.array(0, dtype=np.float32), "start"),
      numpy_helper.from_array(np.array(6, dtype=np.float32), "limit"),
      numpy_helper.from_array(np.array(1, dtype=np.float32), "delta"),
      numpy_helper.from_array(np.array([2, 3], dtype=np.int64), "shape"),
      numpy_helper.from_array(np.array(0.5, dtype=np.float32), "half"),
      numpy_helper.from_array(np.array([2, 2], dtype=np.int64), "zshape")])

# a run-time input, but only a constant output: refused ("nothing to quantize")
x2 = rng.uniform(-1, 1, (1, 2)).astype(np.float32)
save("constant_output",
     [helper.make_node("ConstantOfShape", ["zshape"], ["z"],
                       value=numpy_helper.from_array(np.array([1.25], dtype=np.float32)))],
     [("x", x2)], [("z", z)],
     [numpy_helper.from_array(np.array([2, 2], dtype=np.int64), "zshape")])
