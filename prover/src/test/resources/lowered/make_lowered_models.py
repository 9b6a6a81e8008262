#!/usr/bin/python3
"""Writes the tiny ONNX models of LoweredOperatorProofTest: the operators that zkinfer rewrites at
import into operators it already proves (Resize / Upsample, ConvTranspose, InstanceNormalization,
TopK, ScatterElements, Mod, Cast to an integer type, ReduceL1 / L2 / SumSquare / LogSumExp / Prod,
and NonZero / Shape / Range folded into constants).

Each case <name> gets <name>.onnx (one input "x" of shape [1, n], one output "y") and <name>.json
({"input_data": [[...]]}). The float reference is onnxruntime, run by the Java test on the .onnx
file itself (test scope), so no output is stored here. Inputs avoid the points where a quantized
model cannot agree with the float one by construction (within 0.1 of a jump of Mod or Cast, ties
closer than a quantization step for TopK).

Needs python3-onnx and python3-numpy (Debian: apt-get install python3-onnx). Run from this folder:
    /usr/bin/python3 make_lowered_models.py
"""
import json

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

N = 32
rng = np.random.default_rng(1414)


def save(name, nodes, x, out_shape, inits=(), opset=17, out_type=TensorProto.FLOAT):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
        [helper.make_tensor_value_info("y", out_type, list(out_shape))],
        initializer=list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_lowered_models.py")
    model.ir_version = 8 if opset >= 13 else 4
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, name + ".onnx")
    with open(name + ".json", "w") as f:
        json.dump({"input_data": [[float(v) for v in x.reshape(-1)]]}, f)


def c64(name, v):
    return numpy_helper.from_array(np.array(v, dtype=np.int64), name)


def c32(name, v):
    return numpy_helper.from_array(np.array(v, dtype=np.float32), name)


def uniform(lo, hi, n=N):
    x = rng.uniform(lo, hi, size=(1, n)).astype(np.float32)
    x[0, 0], x[0, 1] = lo, hi
    return x


def away_from(x, period, offset=0.0, gap=0.1):
    """Moves values within gap of offset + k * period by 2 * gap (where a floor or remainder jumps)."""
    r = np.mod(x - offset, period)
    near = (r < gap) | (r > period - gap)
    return np.where(near, x + 2 * gap, x).astype(np.float32)


def main():
    img = [reshape_to("s4", [1, 2, 4, 4])]
    s4 = c64("s4", [1, 2, 4, 4])
    x = uniform(-2, 2)

    # Resize: nearest (half_pixel, round_prefer_floor), linear (half_pixel), linear to fixed sizes (align_corners)
    save("resize_nearest", img + [helper.make_node("Resize", ["v", "", "scales"], ["y"], mode="nearest")],
         x, [1, 2, 8, 8], [s4, c32("scales", [1, 1, 2, 2])])
    save("resize_nearest_asymmetric", img + [helper.make_node("Resize", ["v", "", "scales"], ["y"], mode="nearest",
                                                               coordinate_transformation_mode="asymmetric", nearest_mode="floor")],
         x, [1, 2, 12, 6], [s4, c32("scales", [1, 1, 3, 1.5])])
    save("resize_linear", img + [helper.make_node("Resize", ["v", "", "scales"], ["y"], mode="linear")],
         x, [1, 2, 8, 8], [s4, c32("scales", [1, 1, 2, 2])])
    save("resize_linear_sizes", img + [helper.make_node("Resize", ["v", "", "", "sizes"], ["y"], mode="linear",
                                                         coordinate_transformation_mode="align_corners")],
         x, [1, 2, 6, 7], [s4, c64("sizes", [1, 2, 6, 7])])
    save("resize_cubic", img + [helper.make_node("Resize", ["v", "", "scales"], ["y"], mode="cubic")],
         x, [1, 2, 8, 8], [s4, c32("scales", [1, 1, 2, 2])])
    # Upsample (opset 9, deprecated since 10 but still exported by old tools): nearest, scales input
    save("upsample_nearest", img + [helper.make_node("Upsample", ["v", "scales"], ["y"], mode="nearest")],
         x, [1, 2, 8, 8], [s4, c32("scales", [1, 1, 2, 2])], opset=9)

    # ConvTranspose: stride 2, pads 1, output_padding 1 (a typical decoder upsampling), and grouped with dilation 2
    w = rng.uniform(-0.5, 0.5, size=(2, 3, 3, 3)).astype(np.float32)
    b = rng.uniform(-0.2, 0.2, size=3).astype(np.float32)
    save("conv_transpose", img + [helper.make_node("ConvTranspose", ["v", "W", "B"], ["y"], strides=[2, 2], pads=[1, 1, 1, 1],
                                                    output_padding=[1, 1], kernel_shape=[3, 3])],
         x, [1, 3, 8, 8], [s4, numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B")])
    save("conv_transpose_same", img + [helper.make_node("ConvTranspose", ["v", "W", "B"], ["y"], strides=[2, 2], auto_pad="SAME_UPPER")],
         x, [1, 3, 8, 8], [s4, numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B")])
    wg = rng.uniform(-0.5, 0.5, size=(2, 2, 2, 2)).astype(np.float32)
    save("conv_transpose_grouped", img + [helper.make_node("ConvTranspose", ["v", "W"], ["y"], group=2, dilations=[2, 2],
                                                            pads=[0, 1, 1, 0])],
         x, [1, 4, 5, 5], [s4, numpy_helper.from_array(wg, "W")])

    # InstanceNormalization over the 4x4 planes of 2 channels
    xi = uniform(-3, 3)
    save("instance_norm", img + [helper.make_node("InstanceNormalization", ["v", "scale", "bias"], ["y"], epsilon=1e-5)],
         xi, [1, 2, 4, 4], [s4, c32("scale", [0.8, 1.5]), c32("bias", [0.1, -0.3])])

    # TopK along the last axis of [4, 8], k = 3: values (largest) and indices (smallest, cast to float).
    # Values on a grid of 0.25 with exact ties, so quantization keeps every order.
    xg = (rng.integers(-8, 9, size=(1, N)) / 4.0).astype(np.float32)
    xg[0, 0], xg[0, 1] = -2, 2
    xg[0, 3] = xg[0, 5]
    xg[0, 9] = xg[0, 12]
    s48 = c64("s48", [4, 8])
    save("topk_values", [reshape_to("s48", [4, 8]), helper.make_node("TopK", ["v", "k"], ["y", "i"], axis=-1)],
         xg, [4, 3], [s48, c64("k", [3])])
    save("topk_smallest_indices", [reshape_to("s48", [4, 8]), helper.make_node("TopK", ["v", "k"], ["t", "i"], axis=1, largest=0),
                                   helper.make_node("Cast", ["i"], ["y"], to=TensorProto.FLOAT)],
         xg, [4, 3], [s48, c64("k", [3])])

    # ScatterElements: the first two columns of [4, 8], negated, written to constant columns of each row
    idx = np.array([[7, 2], [0, 5], [3, 1], [6, 4]], dtype=np.int64)
    save("scatter_elements", [reshape_to("s48", [4, 8]),
                              helper.make_node("Slice", ["v", "z", "two", "one"], ["u0"]),
                              helper.make_node("Neg", ["u0"], ["u"]),
                              helper.make_node("ScatterElements", ["v", "idx", "u"], ["y"], axis=1)],
         x, [4, 8], [s48, c64("z", [0]), c64("two", [2]), c64("one", [1]), c64("idx", idx)])

    # Mod: fmod with a float divisor; integer Mod (Python's sign) of Round(x) cast to int64; Cast to int32 (truncation)
    xm = away_from(uniform(-3, 3), 0.75)
    xm[0, 0], xm[0, 1] = -3.05, 3.05
    save("mod_fmod", [helper.make_node("Mod", ["x", "d"], ["y"], fmod=1)], xm, [1, N], [c32("d", 0.75)])
    xr = away_from(uniform(-6, 6), 1.0, 0.5)
    xr[0, 0], xr[0, 1] = -6, 6
    save("mod_integer", [helper.make_node("Round", ["x"], ["r"]), helper.make_node("Cast", ["r"], ["ri"], to=TensorProto.INT64),
                         helper.make_node("Mod", ["ri", "d"], ["m"]), helper.make_node("Cast", ["m"], ["y"], to=TensorProto.FLOAT)],
         xr, [1, N], [c64("d", 4)])
    xc = away_from(uniform(-4, 4), 1.0)
    xc[0, 0], xc[0, 1] = -4.5, 4.5
    save("cast_int", [helper.make_node("Cast", ["x"], ["i"], to=TensorProto.INT32),
                      helper.make_node("Cast", ["i"], ["y"], to=TensorProto.FLOAT)], xc, [1, N])

    # the other reductions, over [2, 4, 4]
    s3 = c64("s3", [2, 4, 4])
    v3 = [reshape_to("s3", [2, 4, 4])]
    save("reduce_l1", v3 + [helper.make_node("ReduceL1", ["v"], ["y"], axes=[2], keepdims=0)], x, [2, 4], [s3])
    save("reduce_l2", v3 + [helper.make_node("ReduceL2", ["v"], ["y"], axes=[1, 2], keepdims=1)], x, [2, 1, 1], [s3])
    save("reduce_sum_square", v3 + [helper.make_node("ReduceSumSquare", ["v"], ["y"], axes=[2], keepdims=1)], x, [2, 4, 1], [s3])
    save("reduce_log_sum_exp", v3 + [helper.make_node("ReduceLogSumExp", ["v"], ["y"], axes=[2], keepdims=0)], x, [2, 4], [s3])
    xp = uniform(0.6, 1.4)
    save("reduce_prod", v3 + [helper.make_node("ReduceProd", ["v"], ["y"], axes=[2], keepdims=0)], xp, [2, 4], [s3])

    # NonZero of a constant mask, Shape, Size and Range: folded into the constant indices of a Gather
    mask = np.zeros(N, dtype=np.float32)
    mask[[1, 4, 5, 11, 20, 31]] = 1
    save("nonzero_gather", [helper.make_node("NonZero", ["mask"], ["nz"]),
                            helper.make_node("Squeeze", ["nz", "zero"], ["cols"]),
                            helper.make_node("Gather", ["x", "cols"], ["y"], axis=1)],
         x, [1, 6], [c32("mask", mask), c64("zero", [0])])
    save("shape_range_gather", [helper.make_node("Shape", ["x"], ["shp"]),
                                helper.make_node("Gather", ["shp", "one"], ["len"], axis=0),
                                helper.make_node("Size", ["x"], ["size"]),
                                helper.make_node("Div", ["size", "len"], ["step"]),   # 32 / 32 = 1
                                helper.make_node("Add", ["step", "one"], ["two"]),
                                helper.make_node("Range", ["zero", "len", "two"], ["evens"]),
                                helper.make_node("Gather", ["x", "evens"], ["y"], axis=1)],
         x, [1, N // 2], [c64("one", 1), c64("zero", 0)])

    # Gather with run-time indices from a constant table (a token embedding): ids in [-10, 9] as floats, cast to int64
    table = rng.uniform(-1, 1, size=(10, 3)).astype(np.float32)
    xe = rng.integers(-10, 10, size=(1, 8)).astype(np.float32)
    xe[0, 0], xe[0, 1] = -10, 9
    save("gather_runtime_indices", [helper.make_node("Cast", ["x"], ["ids"], to=TensorProto.INT64),
                                    helper.make_node("Gather", ["table", "ids"], ["y"], axis=0)],
         xe, [1, 8, 3], [numpy_helper.from_array(table, "table")])

    # Conv forms the quantized Conv does not take directly: groups with dilation, depthwise, 1-D (strided, and dilated)
    wgd = rng.uniform(-0.5, 0.5, size=(4, 1, 3, 3)).astype(np.float32)
    save("conv_grouped_dilated", img + [helper.make_node("Conv", ["v", "W", "B"], ["y"], group=2, dilations=[2, 2], pads=[2, 2, 2, 2])],
         x, [1, 4, 4, 4], [s4, numpy_helper.from_array(wgd, "W"),
                           numpy_helper.from_array(rng.uniform(-0.2, 0.2, size=4).astype(np.float32), "B")])
    w1 = rng.uniform(-0.5, 0.5, size=(3, 4, 3)).astype(np.float32)
    save("conv1d", [reshape_to("s148", [1, 4, 8]), helper.make_node("Conv", ["v", "W"], ["y"], strides=[2], pads=[1, 1])],
         x, [1, 3, 4], [c64("s148", [1, 4, 8]), numpy_helper.from_array(w1, "W")])
    save("conv1d_dilated", [reshape_to("s148", [1, 4, 8]), helper.make_node("Conv", ["v", "W"], ["y"], dilations=[2], pads=[2, 2])],
         x, [1, 3, 8], [c64("s148", [1, 4, 8]), numpy_helper.from_array(w1, "W")])

    wt1 = rng.uniform(-0.5, 0.5, size=(4, 2, 3)).astype(np.float32)
    save("conv_transpose_1d", [reshape_to("s148", [1, 4, 8]),
                               helper.make_node("ConvTranspose", ["v", "W"], ["y"], strides=[2], pads=[1, 0], output_padding=[1])],
         x, [1, 2, 17], [c64("s148", [1, 4, 8]), numpy_helper.from_array(wt1, "W")])


def reshape_to(shape_name, _shape):
    return helper.make_node("Reshape", ["x", shape_name], ["v"])


if __name__ == "__main__":
    main()
