#!/usr/bin/python3
"""Writes the tiny ONNX models of OperatorCoverageProofTest and their float references.

Each case <name> gets <name>.onnx (one input "x", one float output "y") and <name>.json:
{"input_data": [[...]], "output_data": [[...]]}, the output computed here with numpy (an
independent float reference for zkinfer's own float executor). Inputs avoid the points where a
quantized model cannot agree with the float one by construction: Round's halves, comparisons
closer than 0.1, poles and the outside of Log/Sqrt/Reciprocal's domains.

Needs python3-onnx and python3-numpy (Debian: apt-get install python3-onnx). Run from this folder:
    python3 make_ops_models.py
"""
import json
import math

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

N = 32
rng = np.random.default_rng(14)
SELU_ALPHA = 1.67326319217681884765625
SELU_GAMMA = 1.05070102214813232421875


def save(name, nodes, x, y, inits=(), n_in=N):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, n_in])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(y.shape))],
        initializer=list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="make_ops_models.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, name + ".onnx")
    with open(name + ".json", "w") as f:
        json.dump({"input_data": [[float(v) for v in x.reshape(-1)]],
                   "output_data": [[float(v) for v in y.reshape(-1)]]}, f)


def unary(op, f, lo, hi, attrs=None, avoid_halves=False):
    x = rng.uniform(lo, hi, size=(1, N)).astype(np.float32)
    if avoid_halves:  # keep 0.1 away from k + 0.5, where Round jumps
        frac = x - np.floor(x)
        x = np.where(np.abs(frac - 0.5) < 0.1, x + 0.25, x).astype(np.float32)
    x[0, 0], x[0, 1] = lo, hi  # the calibrated range is [lo, hi]
    node = helper.make_node(op, ["x"], ["y"], **(attrs or {}))
    save("unary_" + op.lower(), [node], x, f(x.astype(np.float64)))


def main():
    unary("Elu", lambda x: np.where(x >= 0, x, 0.7 * np.expm1(x)), -4, 3, {"alpha": 0.7})
    unary("Selu", lambda x: SELU_GAMMA * np.where(x > 0, x, SELU_ALPHA * np.expm1(x)), -4, 3)
    unary("Softplus", lambda x: np.log1p(np.exp(x)), -5, 5)
    unary("Softsign", lambda x: x / (1 + np.abs(x)), -6, 6)
    unary("HardSigmoid", lambda x: np.clip(0.3 * x + 0.4, 0, 1), -4, 4, {"alpha": 0.3, "beta": 0.4})
    unary("Exp", np.exp, -3, 2)
    unary("Log", np.log, 0.25, 4)
    unary("Sqrt", np.sqrt, 0.25, 4)
    unary("Reciprocal", lambda x: 1 / x, 0.5, 4)
    unary("Cos", np.cos, -3, 3)
    unary("Sin", np.sin, -3, 3)
    unary("Round", np.rint, -3, 3, avoid_halves=True)
    unary("Neg", lambda x: -x, -2, 2)
    unary("Abs", np.abs, -2, 2)

    # Pow with a constant exponent: 3 (a table) and 0.5 (a table on [0, 4])
    for name, e, lo, hi in (("pow_cube", 3.0, -2, 2), ("pow_sqrt", 0.5, 0.25, 4)):
        x = rng.uniform(lo, hi, size=(1, N)).astype(np.float32)
        x[0, 0], x[0, 1] = lo, hi
        node = helper.make_node("Pow", ["x", "e"], ["y"])
        save(name, [node], x, np.power(x.astype(np.float64), e),
             [numpy_helper.from_array(np.array(e, dtype=np.float32), "e")])

    # refused: a run-time exponent
    x = rng.uniform(0.5, 2, size=(1, N)).astype(np.float32)
    save("pow_runtime_exponent", [helper.make_node("Pow", ["x", "x"], ["y"], name="pow_node")], x,
         np.power(x.astype(np.float64), x.astype(np.float64)))

    # comparisons of the two halves a = x[:, :16], b = x[:, 16:], as floats 0/1
    h = N // 2
    a = rng.uniform(-3, 3, size=h)
    b = a + rng.choice([-1, 1], size=h) * rng.uniform(0.1, 1.5, size=h)
    b[: h // 4] = a[: h // 4]  # some exact ties
    b = np.clip(b, -3, 3)
    x = np.concatenate([a, b]).reshape(1, N).astype(np.float32)
    a64, b64 = x[0, :h].astype(np.float64), x[0, h:].astype(np.float64)
    halves = [numpy_helper.from_array(np.array(v, dtype=np.int64), n) for n, v in
              (("s0", [0]), ("s1", [h]), ("s2", [N]), ("ax", [1]))]
    split = [helper.make_node("Slice", ["x", "s0", "s1", "ax"], ["a"]),
             helper.make_node("Slice", ["x", "s1", "s2", "ax"], ["b"])]
    refs = {"Equal": a64 == b64, "Less": a64 < b64, "Greater": a64 > b64,
            "LessOrEqual": a64 <= b64, "GreaterOrEqual": a64 >= b64}
    for op, ref in refs.items():
        nodes = split + [helper.make_node(op, ["a", "b"], ["c"]),
                         helper.make_node("Cast", ["c"], ["y"], to=TensorProto.FLOAT)]
        save("compare_" + op.lower(), nodes, x, ref.astype(np.float64).reshape(1, h), halves)

    # a constant first operand (c < a, i.e. a > c) and Equal of integers against constants
    cvec = rng.uniform(-3, 3, size=h)
    cvec = np.where(np.abs(cvec - a64) < 0.1, cvec + 0.2, cvec).astype(np.float32)
    nodes = split + [helper.make_node("Less", ["k", "a"], ["c"]),
                     helper.make_node("Cast", ["c"], ["y"], to=TensorProto.FLOAT)]
    save("compare_constant_first", nodes, x, (cvec.astype(np.float64) < a64).astype(np.float64).reshape(1, h),
         halves + [numpy_helper.from_array(cvec, "k")])
    ints = np.rint(a64)
    ints[::3] += 1  # a third differ by one
    nodes = split + [helper.make_node("Round", ["a"], ["r"]),
                     helper.make_node("Equal", ["r", "k"], ["c"]),
                     helper.make_node("Cast", ["c"], ["y"], to=TensorProto.FLOAT)]
    save("compare_equal_constant", nodes, x, (np.rint(a64) == ints).astype(np.float64).reshape(1, h),
         halves + [numpy_helper.from_array(ints.astype(np.float32), "k")])

    # logical ops: p = a < b, q = a > 0.5 (a constant threshold), then And/Or/Xor/Not
    thr = numpy_helper.from_array(np.array([0.5], dtype=np.float32), "thr")
    p, q = a64 < b64, a64 > 0.5
    for op, ref in {"And": p & q, "Or": p | q, "Xor": p ^ q}.items():
        nodes = split + [helper.make_node("Less", ["a", "b"], ["p"]),
                         helper.make_node("Greater", ["a", "thr"], ["q"]),
                         helper.make_node(op, ["p", "q"], ["c"]),
                         helper.make_node("Cast", ["c"], ["y"], to=TensorProto.FLOAT)]
        save("logical_" + op.lower(), nodes, x, ref.astype(np.float64).reshape(1, h), halves + [thr])
    nodes = split + [helper.make_node("Less", ["a", "b"], ["p"]),
                     helper.make_node("Not", ["p"], ["c"]),
                     helper.make_node("Cast", ["c"], ["y"], to=TensorProto.FLOAT)]
    save("logical_not", nodes, x, (~p).astype(np.float64).reshape(1, h), halves)

    # Where with a run-time condition: min(a, b) of two run-time branches, and a run-time branch
    # against a constant vector; the condition of the second comes from Cast(x > 0 as float, bool)
    nodes = split + [helper.make_node("Less", ["a", "b"], ["c"]),
                     helper.make_node("Where", ["c", "a", "b"], ["y"])]
    save("where_min", nodes, x, np.where(p, a64, b64).reshape(1, h), halves)
    const = np.linspace(-2, 2, h).astype(np.float32)
    nodes = split + [helper.make_node("Greater", ["b", "thr"], ["g"]),
                     helper.make_node("Cast", ["g"], ["gf"], to=TensorProto.FLOAT),
                     helper.make_node("Mul", ["gf", "a"], ["m"]),
                     helper.make_node("Cast", ["m"], ["c"], to=TensorProto.BOOL),
                     helper.make_node("Where", ["c", "k", "a"], ["y"])]
    cond = (b64 > 0.5) & (a64 != 0)
    save("where_constant_branch", nodes, x, np.where(cond, const.astype(np.float64), a64).reshape(1, h),
         halves + [thr, numpy_helper.from_array(const, "k")])

    reductions_and_indices()
    recurrent()


def const(name, v, dtype=np.int64):
    return numpy_helper.from_array(np.array(v, dtype=dtype), name)


def reshape(src, dst, shape_name):
    return helper.make_node("Reshape", [src, shape_name], [dst])


def reductions_and_indices():
    """ReduceMax/Min, GlobalMaxPool, Max/Min, ArgMax/ArgMin, LogSoftmax, Sum, Tile, Expand,
    GatherElements, Trilu. Inputs for the exact operators (maxima and their indices) lie on a grid
    of 0.25 (about 8 int8 steps at a range of 4) with exact ties, so quantization keeps every order."""
    grid = lambda n: (rng.integers(-16, 17, size=(1, n)) / 4.0).astype(np.float32)
    x = grid(N)
    x[0, 0], x[0, 1] = -4, 4
    x[0, 5] = x[0, 3]  # ties in the first row of [4, 8] and [2, 4, 4]
    x[0, 9] = x[0, 10] = 4
    x64 = x.astype(np.float64)

    # ReduceMax over axis 1 of [2, 4, 4] (keepdims), ReduceMin over axes 1, 2 (dropped)
    s3 = const("s3", [2, 4, 4])
    v = x64.reshape(2, 4, 4)
    save("reduce_max", [reshape("x", "v", "s3"), helper.make_node("ReduceMax", ["v"], ["y"], axes=[1], keepdims=1)],
         x, v.max(axis=1, keepdims=True), [s3])
    save("reduce_min", [reshape("x", "v", "s3"), helper.make_node("ReduceMin", ["v"], ["y"], axes=[1, 2], keepdims=0)],
         x, v.min(axis=(1, 2)), [s3])
    # no axes: all 40 values of a [1, 40] input (two max-pooling stages)
    x40 = grid(40)
    x40[0, 0], x40[0, 1] = -4, 4
    save("reduce_max_all", [helper.make_node("ReduceMax", ["x"], ["y"], keepdims=1)],
         x40, x40.astype(np.float64).max(keepdims=True), n_in=40)
    s4 = const("s4", [1, 2, 4, 4])
    save("global_max_pool", [reshape("x", "v", "s4"), helper.make_node("GlobalMaxPool", ["v"], ["y"])],
         x, x64.reshape(1, 2, 4, 4).max(axis=(2, 3), keepdims=True), [s4])

    # element-wise Max / Min of the halves a = x[:, :16], b = x[:, 16:] (and constants)
    h = N // 2
    halves = [const(n, v) for n, v in (("s0", [0]), ("s1", [h]), ("s2", [N]), ("ax1", [1]))]
    split = [helper.make_node("Slice", ["x", "s0", "s1", "ax1"], ["a"]),
             helper.make_node("Slice", ["x", "s1", "s2", "ax1"], ["b"])]
    a64, b64 = x64[:, :h], x64[:, h:]
    save("max_two", split + [helper.make_node("Max", ["a", "b"], ["y"])], x, np.maximum(a64, b64), halves)
    cvec = np.linspace(-1, 1, h).astype(np.float32)
    save("min_three", split + [helper.make_node("Min", ["a", "b", "k"], ["y"])], x,
         np.minimum(np.minimum(a64, b64), cvec.astype(np.float64)), halves + [numpy_helper.from_array(cvec, "k")])
    save("max_scalar", [helper.make_node("Max", ["x", "k"], ["y"])], x, np.maximum(x64, 0.5),
         [numpy_helper.from_array(np.array(0.5, dtype=np.float32), "k")])
    # a [4, 4] against a broadcast row [1, 4]
    nodes = [helper.make_node("Slice", ["x", "s0", "s1", "ax1"], ["a"]), reshape("a", "a4", "s44"),
             helper.make_node("Slice", ["x", "s1", "s20", "ax1"], ["row"]),
             helper.make_node("Min", ["a4", "row"], ["y"])]
    save("min_broadcast", nodes, x, np.minimum(a64.reshape(4, 4), x64[:, h:h + 4]),
         halves + [const("s44", [4, 4]), const("s20", [h + 4])])

    # ArgMax / ArgMin: first index of ties, last with select_last_index=1; the output cast to float
    s48 = const("s48", [4, 8])
    m = x64.reshape(4, 8)
    save("argmax", [reshape("x", "v", "s48"), helper.make_node("ArgMax", ["v"], ["i"], axis=1, keepdims=0),
                    helper.make_node("Cast", ["i"], ["y"], to=TensorProto.FLOAT)],
         x, m.argmax(axis=1).astype(np.float64), [s48])
    last = 3 - np.flip(m, axis=0).argmin(axis=0, keepdims=True)
    save("argmin_last", [reshape("x", "v", "s48"),
                         helper.make_node("ArgMin", ["v"], ["i"], axis=0, keepdims=1, select_last_index=1),
                         helper.make_node("Cast", ["i"], ["y"], to=TensorProto.FLOAT)],
         x, last.astype(np.float64), [s48])
    # refused: indices up to 199 do not fit int8
    x200 = rng.uniform(-1, 1, size=(1, 200)).astype(np.float32)
    save("argmax_too_long", [helper.make_node("ArgMax", ["x"], ["i"], axis=1, name="argmax_node"),
                             helper.make_node("Cast", ["i"], ["y"], to=TensorProto.FLOAT)],
         x200, x200.astype(np.float64).argmax(axis=1, keepdims=True).astype(np.float64), n_in=200)

    # LogSoftmax over the last axis of [4, 8], and over axis 1 of [2, 4, 4]
    xs = rng.uniform(-3, 3, size=(1, N)).astype(np.float32)
    xs[0, 0], xs[0, 1] = -3, 3

    def log_softmax(v, axis):
        mx = v.max(axis=axis, keepdims=True)
        return v - mx - np.log(np.exp(v - mx).sum(axis=axis, keepdims=True))
    xs64 = xs.astype(np.float64)
    save("log_softmax", [reshape("x", "v", "s48"), helper.make_node("LogSoftmax", ["v"], ["y"], axis=-1)],
         xs, log_softmax(xs64.reshape(4, 8), 1), [s48])
    save("log_softmax_axis1", [reshape("x", "v", "s3"), helper.make_node("LogSoftmax", ["v"], ["y"], axis=1)],
         xs, log_softmax(xs64.reshape(2, 4, 4), 1), [s3])

    # Sum of three operands (two run-time halves and a constant)
    save("sum_three", split + [helper.make_node("Sum", ["a", "b", "k"], ["y"])], xs,
         xs64[:, :h] + xs64[:, h:] + cvec.astype(np.float64), halves + [numpy_helper.from_array(cvec, "k")])

    # index maps: Tile, Expand, GatherElements, Trilu
    first8 = xs64[:, :8]
    save("tile", [helper.make_node("Slice", ["x", "s0", "s8", "ax1"], ["a"]), reshape("a", "a24", "s24"),
                  helper.make_node("Tile", ["a24", "rep"], ["y"])],
         xs, np.tile(first8.reshape(2, 4), (2, 3)), [const("s0", [0]), const("s8", [8]), const("ax1", [1]),
                                                    const("s24", [2, 4]), const("rep", [2, 3])])
    save("expand", [helper.make_node("Slice", ["x", "s0", "s4", "ax1"], ["a"]),
                    helper.make_node("Expand", ["a", "shape"], ["y"])],
         xs, np.broadcast_to(xs64[:, :4], (3, 4)), [const("s0", [0]), const("s4", [4]), const("ax1", [1]),
                                                   const("shape", [3, 4])])
    idx = rng.integers(-8, 8, size=(4, 3))
    gathered = np.take_along_axis(xs64.reshape(4, 8), np.where(idx < 0, idx + 8, idx), axis=1)
    save("gather_elements", [reshape("x", "v", "s48"), helper.make_node("GatherElements", ["v", "idx"], ["y"], axis=1)],
         xs, gathered, [s48, const("idx", idx)])
    save("trilu_upper", [reshape("x", "v", "s48"), helper.make_node("Trilu", ["v", "k"], ["y"])],
         xs, np.triu(xs64.reshape(4, 8), 1), [s48, const("k", 1)])
    save("trilu_lower", [reshape("x", "v", "s48"), helper.make_node("Trilu", ["v"], ["y"], upper=0)],
         xs, np.tril(xs64.reshape(4, 8)), [s48])



def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def recurrent():
    """LSTM (forward), GRU (linear_before_reset = 0, reverse) and a bidirectional RNN over x viewed
    as [seq 4, batch 1, input 8], hidden 4, random weights; numpy references of the ONNX formulas."""
    seq, inp, hid = 4, 8, 4
    xr = rng.uniform(-1, 1, size=(1, N)).astype(np.float32)
    xr[0, 0], xr[0, 1] = -1, 1
    xs = xr.astype(np.float64).reshape(seq, 1, inp)
    shape = const("sr", [seq, 1, inp])

    def weights(dirs, gates):
        w = rng.uniform(-0.6, 0.6, size=(dirs, gates * hid, inp)).astype(np.float32)
        r = rng.uniform(-0.6, 0.6, size=(dirs, gates * hid, hid)).astype(np.float32)
        b = rng.uniform(-0.3, 0.3, size=(dirs, 2 * gates * hid)).astype(np.float32)
        return w, r, b

    def inits(w, r, b):
        return [numpy_helper.from_array(w, "W"), numpy_helper.from_array(r, "R"), numpy_helper.from_array(b, "B"), shape]

    # LSTM, gates i, o, f, c; output Y_h [1, 1, hid]
    w, r, b = weights(1, 4)
    W, R, B = w[0].astype(np.float64), r[0].astype(np.float64), b[0].astype(np.float64)
    h, c = np.zeros((1, hid)), np.zeros((1, hid))
    for t in range(seq):
        g = xs[t] @ W.T + h @ R.T + B[:4 * hid] + B[4 * hid:]
        i, o, f, cc = (g[:, k * hid:(k + 1) * hid] for k in range(4))
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(cc)
        h = sigmoid(o) * np.tanh(c)
    save("lstm", [reshape("x", "v", "sr"), helper.make_node("LSTM", ["v", "W", "R", "B"], ["", "y"], hidden_size=hid)],
         xr, h.reshape(1, 1, hid), inits(w, r, b))

    # GRU, gates z, r, h, reset applied before the linear map, direction reverse; output Y [seq, 1, 1, hid]
    w, r, b = weights(1, 3)
    W, R, B = w[0].astype(np.float64), r[0].astype(np.float64), b[0].astype(np.float64)
    wb, rb = B[:3 * hid], B[3 * hid:]
    h = np.zeros((1, hid))
    ys = [None] * seq
    for t in reversed(range(seq)):
        z = sigmoid(xs[t] @ W[:hid].T + h @ R[:hid].T + wb[:hid] + rb[:hid])
        rr = sigmoid(xs[t] @ W[hid:2 * hid].T + h @ R[hid:2 * hid].T + wb[hid:2 * hid] + rb[hid:2 * hid])
        hc = np.tanh(xs[t] @ W[2 * hid:].T + (rr * h) @ R[2 * hid:].T + rb[2 * hid:] + wb[2 * hid:])
        h = (1 - z) * hc + z * h
        ys[t] = h
    save("gru_reverse", [reshape("x", "v", "sr"),
                         helper.make_node("GRU", ["v", "W", "R", "B"], ["y"], hidden_size=hid, direction="reverse")],
         xr, np.stack(ys).reshape(seq, 1, 1, hid), inits(w, r, b))

    # RNN, bidirectional, tanh; output Y [seq, 2, 1, hid]
    w, r, b = weights(2, 1)
    out = np.zeros((seq, 2, 1, hid))
    for d in range(2):
        W, R, B = w[d].astype(np.float64), r[d].astype(np.float64), b[d].astype(np.float64)
        h = np.zeros((1, hid))
        for t in (range(seq) if d == 0 else reversed(range(seq))):
            h = np.tanh(xs[t] @ W.T + h @ R.T + B[:hid] + B[hid:])
            out[t, d] = h
    save("rnn_bidirectional", [reshape("x", "v", "sr"),
                               helper.make_node("RNN", ["v", "W", "R", "B"], ["y"], hidden_size=hid, direction="bidirectional")],
         xr, out, inits(w, r, b))


if __name__ == "__main__":
    main()
