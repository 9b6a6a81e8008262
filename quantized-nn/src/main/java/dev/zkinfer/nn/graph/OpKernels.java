package dev.zkinfer.nn.graph;

import dev.zkinfer.nn.tensor.Shapes;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.nn.tensor.Tensor.ElementType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Shape inference and float evaluation of every supported ONNX operator. Both take the node and
 * its inputs; shape inference gets constant inputs (or null for dynamic ones) so that it can read
 * shape-like operands (Reshape's shape, Slice's starts...). Validation of attributes happens in
 * shape inference, so a graph that loads can be evaluated. Internal to zkinfer (public only for
 * the quantizer, which reuses the attribute decoding).
 * Stateless static functions: thread-safe.
 */
public final class OpKernels {
  private OpKernels() {}

  /** Operators that may carry run-time (non-constant) tensors. */
  static final Set<String> DYNAMIC_OPS = Set.of(
      "Gemm", "MatMul", "Conv", "Relu", "LeakyRelu", "PRelu", "Sigmoid", "Tanh", "Erf", "Clip",
      "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "BatchNormalization",
      "Add", "Sub", "Mul", "Div", "Pow", "Flatten", "Reshape", "Transpose", "Concat", "Slice", "Pad",
      "Squeeze", "Unsqueeze", "Identity", "Dropout", "Cast", "ReduceMean", "ReduceSum", "ReduceMax",
      "Softmax", "Split", "Exp", "Log", "Sqrt", "Reciprocal", "Neg", "Abs", "Softplus", "HardSigmoid",
      "Gelu", "Gather", "Where", "Expand", "Max", "Min", "Elu", "Selu", "Softsign", "Cos", "Sin", "Round", "Floor",
      "Ceil", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor",
      "ReduceMin", "ArgMax", "ArgMin", "LogSoftmax", "Sum", "Tile", "GatherElements", "Trilu", "Mod");

  /** Operators evaluated only by constant folding (their inputs must be constants). */
  static final Set<String> FOLD_ONLY_OPS = Set.of(
      "Shape", "ConstantOfShape", "Constant", "Range", "Size", "NonZero");

  static boolean isUnary(String op) {
    return switch (op) {
      case "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Erf", "Exp", "Log", "Sqrt", "Reciprocal", "Neg",
          "Abs", "Softplus", "HardSigmoid", "Gelu", "Identity", "Dropout", "Floor", "Ceil", "Not", "Elu", "Selu", "Softsign",
          "Cos", "Sin", "Round" -> true;
      default -> false;
    };
  }

  // ---------------------------------------------------------------- shape inference

  static int[][] inferShapes(Node n, int[][] in, Tensor[] c) {
    String op = n.opType();
    if (isUnary(op)) {
      if (op.equals("Dropout") && n.outputs().size() > 1 && !n.outputs().get(1).isEmpty()) {
        throw n.unsupported("the mask output is not supported");
      }
      if (op.equals("Dropout") && n.hasInput(2) && (c == null || c[2] == null || c[2].get(0) != 0)) {
        throw n.unsupported("training_mode is not supported (inference only)");
      }
      if (op.equals("Gelu")) {
        String approx = n.attrString("approximate", "none");
        if (!approx.equals("none") && !approx.equals("tanh")) throw n.unsupported("approximate=" + approx + " is not supported");
      }
      return one(in[0]);
    }
    return switch (op) {
      case "Cast" -> one(in[0]);
      case "Clip" -> {
        if (n.opset() >= 11) {
          if (n.hasInput(1) && in[1].length != 0) throw n.unsupported("min must be a scalar");
          if (n.hasInput(2) && in[2].length != 0) throw n.unsupported("max must be a scalar");
        }
        yield one(in[0]);
      }
      case "Add", "Sub", "Mul", "Div", "Pow", "PRelu", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And",
          "Or", "Xor", "Max", "Min", "Sum", "Mod" -> {
        int[] s = in[0];
        for (int i = 1; i < in.length; i++) {
          int[] b = Shapes.broadcast(s, in[i]);
          if (b == null) throw n.unsupported("input shapes " + Shapes.str(s) + " and " + Shapes.str(in[i]) + " do not broadcast");
          s = b;
        }
        if (op.equals("PRelu") && !Arrays.equals(s, in[0])) throw n.unsupported("the slope must broadcast to the input shape");
        yield one(s);
      }
      case "Where" -> {
        int[] s = Shapes.broadcast(Shapes.broadcast(in[0], in[1]), in[2]);
        if (s == null) throw n.unsupported("input shapes do not broadcast");
        yield one(s);
      }
      case "MatMul" -> one(matMulShape(n, in[0], in[1]));
      case "Gemm" -> {
        int[] a = in[0], b = in[1];
        if (a.length != 2 || b.length != 2) throw n.unsupported("inputs must be 2-D, got " + Shapes.str(a) + " and " + Shapes.str(b));
        boolean ta = n.attrLong("transA", 0) != 0, tb = n.attrLong("transB", 0) != 0;
        int m = ta ? a[1] : a[0], k = ta ? a[0] : a[1];
        int kb = tb ? b[1] : b[0], nn = tb ? b[0] : b[1];
        if (k != kb) throw n.unsupported("inner dimensions differ: " + Shapes.str(a) + " x " + Shapes.str(b));
        if (n.hasInput(2) && Shapes.broadcast(in[2], new int[] {m, nn}) == null) throw n.unsupported("C does not broadcast");
        yield one(new int[] {m, nn});
      }
      case "Conv" -> {
        int[] x = in[0], w = in[1];
        if (x.length != 4 || w.length != 4) throw n.unsupported("only 2-D convolution (NCHW input) is supported, got input " + Shapes.str(x));
        long group = n.attrLong("group", 1);
        if (group != 1) throw n.unsupported("group=" + group + " is not supported (only 1)");
        if (w[1] != x[1]) throw n.unsupported("weight channels " + w[1] + " differ from input channels " + x[1]);
        if (n.hasInput(2) && (in[2].length != 1 || in[2][0] != w[0])) throw n.unsupported("bias shape " + Shapes.str(in[2]) + " is not [" + w[0] + "]");
        WindowGeometry g = WindowGeometry.of(n, x[2], x[3], new int[] {w[2], w[3]}, false);
        yield one(new int[] {x[0], w[0], g.outH(), g.outW()});
      }
      case "MaxPool", "AveragePool" -> {
        if (in[0].length != 4) throw WindowGeometry.noSpatial(n);
        if (op.equals("MaxPool") && n.outputs().size() > 1 && !n.outputs().get(1).isEmpty()) {
          throw n.unsupported("the Indices output is not supported");
        }
        WindowGeometry g = WindowGeometry.of(n, in[0][2], in[0][3], null, true);
        yield one(new int[] {in[0][0], in[0][1], g.outH(), g.outW()});
      }
      case "GlobalAveragePool", "GlobalMaxPool" -> {
        if (in[0].length < 3) throw WindowGeometry.noSpatial(n);
        int[] s = in[0].clone();
        for (int i = 2; i < s.length; i++) s[i] = 1;
        yield one(s);
      }
      case "BatchNormalization" -> {
        if (n.attrLong("training_mode", 0) != 0) throw n.unsupported("training_mode=1 is not supported");
        if (n.outputs().size() > 1) {
          for (int i = 1; i < n.outputs().size(); i++) {
            if (!n.outputs().get(i).isEmpty()) throw n.unsupported("running mean/var outputs are not supported");
          }
        }
        if (in[0].length < 2) throw n.unsupported("input must have a channel dimension");
        for (int i = 1; i <= 4; i++) {
          if (in[i].length != 1 || in[i][0] != in[0][1]) throw n.unsupported("parameter " + i + " has shape " + Shapes.str(in[i]));
        }
        yield one(in[0]);
      }
      case "LayerNormalization" -> throw new IllegalStateException("LayerNormalization is expanded at import");
      case "Flatten" -> {
        int ax = axisIncl(n, n.attrLong("axis", 1), in[0].length);
        int a = 1, b = 1;
        for (int i = 0; i < in[0].length; i++) if (i < ax) a *= in[0][i]; else b *= in[0][i];
        yield one(new int[] {a, b});
      }
      case "Reshape" -> one(reshapeShape(n, in[0], constLongs(n, c, 1, "shape")));
      case "Expand" -> {
        long[] s = constLongs(n, c, 1, "shape");
        int[] t = new int[s.length];
        for (int i = 0; i < s.length; i++) t[i] = (int) s[i];
        int[] b = Shapes.broadcast(in[0], t);
        if (b == null) throw n.unsupported("shape " + Shapes.str(in[0]) + " cannot expand to " + Arrays.toString(s));
        yield one(b);
      }
      case "Transpose" -> {
        int[] perm = perm(n, in[0].length);
        int[] s = new int[perm.length];
        for (int i = 0; i < perm.length; i++) s[i] = in[0][perm[i]];
        yield one(s);
      }
      case "Concat" -> {
        int r = in[0].length;
        int ax = axis(n, n.attrLong("axis", Long.MIN_VALUE), r);
        int[] s = in[0].clone();
        for (int i = 1; i < in.length; i++) {
          if (in[i].length != r) throw n.unsupported("inputs have different ranks");
          for (int d = 0; d < r; d++) {
            if (d != ax && in[i][d] != s[d]) throw n.unsupported("input shapes " + Shapes.str(in[0]) + " and " + Shapes.str(in[i]) + " differ outside axis " + ax);
          }
          s[ax] += in[i][ax];
        }
        yield one(s);
      }
      case "Split" -> {
        int r = in[0].length;
        int ax = axis(n, n.attrLong("axis", 0), r);
        int k = n.outputs().size();
        long[] split = n.has("split") ? n.attrLongs("split") : (n.hasInput(1) ? constLongs(n, c, 1, "split") : null);
        int[][] outs = new int[k][];
        int dim = in[0][ax];
        int start = 0;
        for (int i = 0; i < k; i++) {
          int len;
          if (split != null) {
            if (split.length != k) throw n.unsupported("split has " + split.length + " entries for " + k + " outputs");
            len = (int) split[i];
          } else {
            int chunk = Math.ceilDiv(dim, k);
            len = Math.min(chunk, dim - start);
          }
          outs[i] = in[0].clone();
          outs[i][ax] = len;
          start += len;
        }
        if (start != dim) throw n.unsupported("split sizes add up to " + start + ", not " + dim);
        yield outs;
      }
      case "Slice" -> one(sliceSpec(n, in[0], c).outShape);
      case "Pad" -> one(padSpec(n, in[0], c).outShape);
      case "Squeeze" -> {
        long[] axes = n.opset() >= 13 ? (n.hasInput(1) ? constLongs(n, c, 1, "axes") : null) : n.attrLongs("axes");
        int r = in[0].length;
        boolean[] drop = new boolean[r];
        if (axes == null) {
          for (int i = 0; i < r; i++) drop[i] = in[0][i] == 1;
        } else {
          for (long a : axes) {
            int ax = axis(n, a, r);
            if (in[0][ax] != 1) throw n.unsupported("cannot squeeze axis " + a + " of size " + in[0][ax]);
            drop[ax] = true;
          }
        }
        List<Integer> s = new ArrayList<>();
        for (int i = 0; i < r; i++) if (!drop[i]) s.add(in[0][i]);
        yield one(s.stream().mapToInt(Integer::intValue).toArray());
      }
      case "Unsqueeze" -> {
        long[] axes = n.opset() >= 13 ? constLongs(n, c, 1, "axes") : n.attrLongs("axes");
        if (axes == null) throw n.unsupported("axes are missing");
        int r = in[0].length + axes.length;
        boolean[] add = new boolean[r];
        for (long a : axes) {
          int ax = axis(n, a, r);
          if (add[ax]) throw n.unsupported("repeated axis " + a);
          add[ax] = true;
        }
        int[] s = new int[r];
        int j = 0;
        for (int i = 0; i < r; i++) s[i] = add[i] ? 1 : in[0][j++];
        yield one(s);
      }
      case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin" -> one(reduceSpec(n, in[0], c).outShape);
      case "ArgMax", "ArgMin" -> {
        int r = in[0].length;
        int ax = axis(n, n.attrLong("axis", 0), r);
        long last = n.attrLong("select_last_index", 0);
        if (last != 0 && last != 1) throw n.unsupported("select_last_index=" + last + " is not 0 or 1");
        boolean keep = n.attrLong("keepdims", 1) != 0;
        int[] s = new int[keep ? r : r - 1];
        for (int i = 0, j = 0; i < r; i++) {
          if (i != ax) s[j++] = in[0][i];
          else if (keep) s[j++] = 1;
        }
        yield one(s);
      }
      case "LogSoftmax" -> {
        axis(n, n.attrLong("axis", n.opset() >= 13 ? -1 : 1), in[0].length);
        yield one(in[0]);
      }
      case "Tile" -> {
        long[] rep = constLongs(n, c, 1, "repeats");
        if (rep == null || rep.length != in[0].length) throw n.unsupported("repeats must have one entry per axis");
        int[] s = new int[in[0].length];
        for (int i = 0; i < s.length; i++) {
          if (rep[i] < 0 || (long) in[0][i] * rep[i] > Integer.MAX_VALUE) throw n.unsupported("repeats " + Arrays.toString(rep) + " out of range");
          s[i] = (int) (in[0][i] * rep[i]);
        }
        yield one(s);
      }
      case "GatherElements" -> {
        int r = in[0].length;
        axis(n, n.attrLong("axis", 0), r);
        if (in[1].length != r) throw n.unsupported("indices must have the rank of the data");
        yield one(in[1]);
      }
      case "Trilu" -> {
        if (in[0].length < 2) throw n.unsupported("the input must have rank 2 or more");
        if (n.hasInput(1)) constLongs(n, c, 1, "k");
        yield one(in[0]);
      }
      case "Softmax" -> {
        axis(n, n.attrLong("axis", n.opset() >= 13 ? -1 : 1), in[0].length);
        yield one(in[0]);
      }
      case "Gather" -> {
        int ax = axis(n, n.attrLong("axis", 0), in[0].length);
        int[] s = new int[in[0].length - 1 + in[1].length];
        int j = 0;
        for (int i = 0; i < ax; i++) s[j++] = in[0][i];
        for (int d : in[1]) s[j++] = d;
        for (int i = ax + 1; i < in[0].length; i++) s[j++] = in[0][i];
        yield one(s);
      }
      case "Shape" -> {
        int r = in[0].length;
        int start = clampAxis(n.attrLong("start", 0), r), end = clampAxis(n.attrLong("end", r), r);
        yield one(new int[] {Math.max(end - start, 0)});
      }
      case "Size" -> one(new int[0]);
      case "ConstantOfShape" -> {
        long[] s = constLongs(n, c, 0, "shape");
        int[] t = new int[s.length];
        for (int i = 0; i < s.length; i++) t[i] = (int) s[i];
        yield one(t);
      }
      case "NonZero" -> {
        if (c == null || c[0] == null) throw n.unsupported("only supported when its input is a constant (constant folding)");
        int count = 0;
        for (double v : c[0].data()) if (v != 0) count++;
        yield one(new int[] {in[0].length, count});
      }
      case "Range" -> {
        double start = c[0].get(0), limit = c[1].get(0), delta = c[2].get(0);
        yield one(new int[] {(int) Math.max(Math.ceil((limit - start) / delta), 0)});
      }
      default -> throw new IllegalStateException("no shape rule for " + op);
    };
  }

  private static int clampAxis(long a, int r) {
    long v = a < 0 ? a + r : a;
    return (int) Math.max(0, Math.min(r, v));
  }

  static int[] matMulShape(Node n, int[] a, int[] b) {
    if (a.length == 0 || b.length == 0) throw n.unsupported("scalar operands are not supported");
    int[] aa = a.length == 1 ? new int[] {1, a[0]} : a;
    int[] bb = b.length == 1 ? new int[] {b[0], 1} : b;
    int k = aa[aa.length - 1];
    if (bb[bb.length - 2] != k) throw n.unsupported("inner dimensions differ: " + Shapes.str(a) + " x " + Shapes.str(b));
    int[] batchA = Arrays.copyOf(aa, aa.length - 2), batchB = Arrays.copyOf(bb, bb.length - 2);
    int[] batch = Shapes.broadcast(batchA, batchB);
    if (batch == null) throw n.unsupported("batch dimensions do not broadcast: " + Shapes.str(a) + " x " + Shapes.str(b));
    List<Integer> s = new ArrayList<>();
    for (int d : batch) s.add(d);
    if (a.length != 1) s.add(aa[aa.length - 2]);
    if (b.length != 1) s.add(bb[bb.length - 1]);
    return s.stream().mapToInt(Integer::intValue).toArray();
  }

  static int[] reshapeShape(Node n, int[] in, long[] target) {
    boolean allowZero = n.attrLong("allowzero", 0) != 0;
    int[] s = new int[target.length];
    int infer = -1;
    long known = 1;
    for (int i = 0; i < target.length; i++) {
      long t = target[i];
      if (t == -1) {
        if (infer >= 0) throw n.unsupported("more than one -1 in shape " + Arrays.toString(target));
        infer = i;
        continue;
      }
      if (t == 0 && !allowZero) {
        if (i >= in.length) throw n.unsupported("shape " + Arrays.toString(target) + " copies a dimension the input lacks");
        t = in[i];
      }
      if (t < 0) throw n.unsupported("invalid shape " + Arrays.toString(target));
      s[i] = (int) t;
      known *= t;
    }
    int total = Shapes.size(in);
    if (infer >= 0) {
      if (known == 0 || total % known != 0) throw n.unsupported("cannot reshape " + Shapes.str(in) + " to " + Arrays.toString(target));
      s[infer] = (int) (total / known);
    } else if (known != total) {
      throw n.unsupported("cannot reshape " + Shapes.str(in) + " (" + total + " values) to " + Arrays.toString(target));
    }
    return s;
  }

  public static int[] perm(Node n, int rank) {
    long[] p = n.attrLongs("perm");
    int[] perm = new int[rank];
    if (p == null) {
      for (int i = 0; i < rank; i++) perm[i] = rank - 1 - i;
      return perm;
    }
    if (p.length != rank) throw n.unsupported("perm " + Arrays.toString(p) + " does not match rank " + rank);
    boolean[] seen = new boolean[rank];
    for (int i = 0; i < rank; i++) {
      int a = axis(n, p[i], rank);
      if (seen[a]) throw n.unsupported("perm " + Arrays.toString(p) + " is not a permutation");
      seen[a] = true;
      perm[i] = a;
    }
    return perm;
  }

  public static int axis(Node n, long a, int rank) {
    if (a == Long.MIN_VALUE) throw n.unsupported("the axis attribute is missing");
    long v = a < 0 ? a + rank : a;
    if (v < 0 || v >= rank) throw n.unsupported("axis " + a + " is out of range for rank " + rank);
    return (int) v;
  }

  private static int axisIncl(Node n, long a, int rank) {
    long v = a < 0 ? a + rank : a;
    if (v < 0 || v > rank) throw n.unsupported("axis " + a + " is out of range for rank " + rank);
    return (int) v;
  }

  /** The integer values of a constant input, or fails naming the operand. */
  public static long[] constLongs(Node n, Tensor[] c, int i, String what) {
    if (!n.hasInput(i)) return null;
    if (c == null || i >= c.length || c[i] == null) throw n.unsupported("a non-constant " + what + " input is not supported");
    return c[i].toLongArray();
  }

  private static int[][] one(int[] s) {
    return new int[][] {s};
  }

  // ---------------------------------------------------------------- slice / pad / reduce specs

  /** A slice: for each output axis, the input start and step. */
  public record SliceSpec(int[] starts, int[] steps, int[] outShape) {}

  public static SliceSpec sliceSpec(Node n, int[] in, Tensor[] c) {
    long[] starts, ends, axes, steps;
    if (n.opset() < 10) {
      starts = n.attrLongs("starts");
      ends = n.attrLongs("ends");
      axes = n.attrLongs("axes");
      steps = null;
    } else {
      starts = constLongs(n, c, 1, "starts");
      ends = constLongs(n, c, 2, "ends");
      axes = constLongs(n, c, 3, "axes");
      steps = constLongs(n, c, 4, "steps");
    }
    if (starts == null || ends == null || starts.length != ends.length) throw n.unsupported("starts/ends are missing or differ in length");
    int r = in.length;
    int[] st = new int[r], sp = new int[r], out = in.clone();
    Arrays.fill(sp, 1);
    boolean[] seen = new boolean[r];
    for (int i = 0; i < starts.length; i++) {
      int ax = axes == null ? i : axis(n, axes[i], r);
      if (seen[ax]) throw n.unsupported("repeated axis " + ax);
      seen[ax] = true;
      long step = steps == null ? 1 : steps[i];
      if (step == 0) throw n.unsupported("step 0");
      long dim = in[ax];
      long s = starts[i], e = ends[i];
      if (s < 0) s += dim;
      if (e < 0) e += dim;
      int count;
      if (step > 0) {
        s = Math.max(0, Math.min(dim, s));
        e = Math.max(0, Math.min(dim, e));
        count = (int) Math.max(0, Math.ceilDiv(e - s, step));
      } else {
        s = Math.max(0, Math.min(dim - 1, s));
        e = Math.max(-1, Math.min(dim - 1, e));
        count = (int) Math.max(0, Math.ceilDiv(s - e, -step));
      }
      st[ax] = (int) s;
      sp[ax] = (int) step;
      out[ax] = count;
    }
    return new SliceSpec(st, sp, out);
  }

  /** A pad: per axis the leading pad (may be negative), the mode and the constant value. */
  public record PadSpec(int[] before, String mode, double value, int[] outShape) {}

  public static PadSpec padSpec(Node n, int[] in, Tensor[] c) {
    long[] pads;
    double value;
    long[] axes = null;
    if (n.opset() < 11) {
      pads = n.attrLongs(n.has("pads") ? "pads" : "paddings");
      value = n.attrDouble("value", 0);
    } else {
      pads = constLongs(n, c, 1, "pads");
      if (n.hasInput(2)) {
        if (c == null || c[2] == null) throw n.unsupported("a non-constant constant_value input is not supported");
        value = c[2].size() == 0 ? 0 : c[2].get(0);
      } else value = 0;
      axes = constLongs(n, c, 3, "axes");
    }
    String mode = n.attrString("mode", "constant");
    if (!Set.of("constant", "reflect", "edge").contains(mode)) throw n.unsupported("mode=" + mode + " is not supported");
    int r = in.length;
    int[] ax = new int[axes == null ? r : axes.length];
    for (int i = 0; i < ax.length; i++) ax[i] = axes == null ? i : axis(n, axes[i], r);
    if (pads == null || pads.length != 2 * ax.length) throw n.unsupported("pads must have " + 2 * ax.length + " values");
    int[] before = new int[r], out = in.clone();
    for (int i = 0; i < ax.length; i++) {
      before[ax[i]] = (int) pads[i];
      out[ax[i]] = (int) (in[ax[i]] + pads[i] + pads[i + ax.length]);
      if (out[ax[i]] < 0) throw n.unsupported("pads remove more than the input holds");
      if (!mode.equals("constant") && in[ax[i]] == 0 && out[ax[i]] > 0) throw n.unsupported("cannot " + mode + "-pad an empty axis");
      if (mode.equals("reflect") && (pads[i] >= in[ax[i]] || pads[i + ax.length] >= in[ax[i]])) {
        throw n.unsupported("reflect pads must be smaller than the axis");
      }
    }
    return new PadSpec(before, mode, value, out);
  }

  /** Input index for output index o along an axis of size dim, or -1 for the constant. */
  public static int padSource(int o, int before, int dim, String mode) {
    int i = o - before;
    if (i >= 0 && i < dim) return i;
    return switch (mode) {
      case "edge" -> i < 0 ? 0 : dim - 1;
      case "reflect" -> {
        int period = 2 * (dim - 1);
        if (period == 0) yield 0;
        int m = Math.floorMod(i, period);
        yield m < dim ? m : period - m;
      }
      default -> -1;
    };
  }

  /** A reduction: which axes are reduced, and the output shape (keepdims applied). */
  public record ReduceSpec(boolean[] reduced, int[] outShape) {}

  public static ReduceSpec reduceSpec(Node n, int[] in, Tensor[] c) {
    boolean axesAsInput = n.opType().equals("ReduceSum") ? n.opset() >= 13 : n.opset() >= 18;
    long[] axes = axesAsInput ? constLongs(n, c, 1, "axes") : n.attrLongs("axes");
    boolean keep = n.attrLong("keepdims", 1) != 0;
    int r = in.length;
    boolean[] red = new boolean[r];
    if (axes == null || axes.length == 0) {
      if (n.attrLong("noop_with_empty_axes", 0) != 0) return new ReduceSpec(red, in.clone());
      Arrays.fill(red, true);
    } else {
      for (long a : axes) red[axis(n, a, r)] = true;
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < r; i++) {
      if (!red[i]) out.add(in[i]);
      else if (keep) out.add(1);
    }
    return new ReduceSpec(red, out.stream().mapToInt(Integer::intValue).toArray());
  }

  // ---------------------------------------------------------------- evaluation

  static Tensor[] evaluate(Node n, Tensor[] in) {
    int[][] shapes = new int[in.length][];
    for (int i = 0; i < in.length; i++) shapes[i] = in[i] == null ? null : in[i].shapeView();
    int[][] outShapes = inferShapes(n, shapes, in);
    int[] os = outShapes[0];
    String op = n.opType();
    if (isUnary(op)) return one(unary(n, in[0]));
    return switch (op) {
      case "Cast" -> one(cast(n, in[0]));
      case "Clip" -> {
        double lo, hi;
        if (n.opset() < 11) {
          lo = n.attrDouble("min", Double.NEGATIVE_INFINITY);
          hi = n.attrDouble("max", Double.POSITIVE_INFINITY);
        } else {
          lo = n.hasInput(1) ? in[1].get(0) : Double.NEGATIVE_INFINITY;
          hi = n.hasInput(2) ? in[2].get(0) : Double.POSITIVE_INFINITY;
        }
        double[] x = in[0].data(), y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Math.min(Math.max(x[i], lo), hi);
        yield one(new Tensor(in[0].type(), os, y));
      }
      case "Add", "Sub", "Mul", "Div", "Pow", "PRelu", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And",
          "Or", "Xor", "Max", "Min", "Sum", "Mod" -> one(binary(n, in, os));
      case "ArgMax", "ArgMin" -> one(argExtreme(n, in[0], os));
      case "LogSoftmax" -> {
        // log of the normalized exponentials, computed as x − max − log Σ exp(x − max) to keep tiny ones finite
        int[] v = softmaxView(n, in[0].shapeView());
        double[] a = in[0].data(), y = new double[a.length];
        for (int o = 0; o < v[0]; o++) {
          for (int i = 0; i < v[2]; i++) {
            int base = o * v[1] * v[2] + i;
            double m = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < v[1]; j++) m = Math.max(m, a[base + j * v[2]]);
            for (int j = 0; j < v[1]; j++) sum += Math.exp(a[base + j * v[2]] - m);
            for (int j = 0; j < v[1]; j++) y[base + j * v[2]] = a[base + j * v[2]] - m - Math.log(sum);
          }
        }
        yield one(new Tensor(ElementType.FLOAT, os, y));
      }
      case "Tile" -> {
        int[] src = tileIndex(in[0].shapeView(), os);
        double[] y = new double[src.length];
        for (int i = 0; i < y.length; i++) y[i] = in[0].get(src[i]);
        yield one(new Tensor(in[0].type(), os, y));
      }
      case "GatherElements" -> {
        int[] src = gatherElementsIndex(n, in[0].shapeView(), in[1]);
        double[] y = new double[src.length];
        for (int i = 0; i < y.length; i++) y[i] = in[0].get(src[i]);
        yield one(new Tensor(in[0].type(), os, y));
      }
      case "Trilu" -> {
        boolean[] keep = triluKeep(n, os, n.hasInput(1) ? in[1].toLongArray()[0] : 0);
        double[] y = new double[keep.length];
        for (int i = 0; i < y.length; i++) y[i] = keep[i] ? in[0].get(i) : 0;
        yield one(new Tensor(in[0].type(), os, y));
      }
      case "Where" -> {
        int[] ic = Shapes.broadcastIndex(in[0].shapeView(), os), ix = Shapes.broadcastIndex(in[1].shapeView(), os),
            iy = Shapes.broadcastIndex(in[2].shapeView(), os);
        double[] y = new double[ic.length];
        for (int i = 0; i < y.length; i++) y[i] = in[0].get(ic[i]) != 0 ? in[1].get(ix[i]) : in[2].get(iy[i]);
        yield one(new Tensor(in[1].type(), os, y));
      }
      case "MatMul" -> one(matMul(in[0], in[1], os));
      case "Gemm" -> one(gemm(n, in, os));
      case "Conv" -> one(conv(n, in, os));
      case "MaxPool", "AveragePool" -> one(pool(n, in[0], os));
      case "GlobalAveragePool", "GlobalMaxPool" -> {
        int[] s = in[0].shapeView();
        int nc = s[0] * s[1], hw = in[0].size() / Math.max(nc, 1);
        double[] y = new double[nc];
        boolean max = op.equals("GlobalMaxPool");
        for (int i = 0; i < nc; i++) {
          double acc = max ? Double.NEGATIVE_INFINITY : 0;
          for (int j = 0; j < hw; j++) {
            double v = in[0].get(i * hw + j);
            acc = max ? Math.max(acc, v) : acc + v;
          }
          y[i] = max ? acc : acc / hw;
        }
        yield one(new Tensor(ElementType.FLOAT, os, y));
      }
      case "BatchNormalization" -> {
        double eps = n.attrDouble("epsilon", 1e-5);
        int[] s = in[0].shapeView();
        int ch = s[1], inner = in[0].size() / (s[0] * ch);
        double[] x = in[0].data(), y = new double[x.length];
        for (int b = 0; b < s[0]; b++) {
          for (int k = 0; k < ch; k++) {
            double f = in[1].get(k) / Math.sqrt(in[4].get(k) + eps);
            double off = in[2].get(k) - in[3].get(k) * f;
            int base = (b * ch + k) * inner;
            for (int i = 0; i < inner; i++) y[base + i] = x[base + i] * f + off;
          }
        }
        yield one(new Tensor(ElementType.FLOAT, os, y));
      }
      case "Flatten", "Reshape", "Squeeze", "Unsqueeze" -> one(in[0].reshape(os));
      case "Expand" -> {
        int[] idx = Shapes.broadcastIndex(in[0].shapeView(), os);
        double[] y = new double[idx.length];
        for (int i = 0; i < y.length; i++) y[i] = in[0].get(idx[i]);
        yield one(new Tensor(in[0].type(), os, y));
      }
      case "Transpose" -> one(transpose(in[0], perm(n, in[0].rank()), os));
      case "Concat" -> {
        int ax = axis(n, n.attrLong("axis", Long.MIN_VALUE), os.length);
        yield one(concat(in, ax, os));
      }
      case "Split" -> {
        int ax = axis(n, n.attrLong("axis", 0), in[0].rank());
        Tensor[] outs = new Tensor[outShapes.length];
        int start = 0;
        for (int i = 0; i < outs.length; i++) {
          int[] starts = new int[in[0].rank()], steps = new int[in[0].rank()];
          Arrays.fill(steps, 1);
          starts[ax] = start;
          outs[i] = slice(in[0], new SliceSpec(starts, steps, outShapes[i]));
          start += outShapes[i][ax];
        }
        yield outs;
      }
      case "Slice" -> one(slice(in[0], sliceSpec(n, in[0].shapeView(), in)));
      case "Pad" -> one(pad(in[0], padSpec(n, in[0].shapeView(), in)));
      case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin" -> one(reduce(n, in[0], reduceSpec(n, in[0].shapeView(), in)));
      case "Softmax" -> one(softmax(n, in[0]));
      case "Gather" -> {
        int ax = axis(n, n.attrLong("axis", 0), in[0].rank());
        yield one(gather(in[0], in[1], ax, os));
      }
      case "Shape" -> {
        int[] s = in[0].shapeView();
        int start = clampAxis(n.attrLong("start", 0), s.length);
        double[] d = new double[os[0]];
        for (int i = 0; i < d.length; i++) d[i] = s[start + i];
        yield one(new Tensor(ElementType.INT64, os, d));
      }
      case "Size" -> one(new Tensor(ElementType.INT64, os, new double[] {in[0].size()}));
      case "ConstantOfShape" -> {
        Tensor v = n.attrTensor("value");
        double[] d = new double[Shapes.size(os)];
        if (v != null) Arrays.fill(d, v.get(0));
        yield one(new Tensor(v == null ? ElementType.FLOAT : v.type(), os, d));
      }
      case "NonZero" -> {
        // the coordinates of the non-zero elements in row-major order, one row per axis
        int[] xs = in[0].shapeView(), st = Shapes.strides(xs);
        double[] d = new double[os[0] * os[1]];
        int j = 0;
        for (int i = 0; i < in[0].size(); i++) {
          if (in[0].get(i) == 0) continue;
          for (int a = 0; a < xs.length; a++) d[a * os[1] + j] = (i / st[a]) % xs[a];
          j++;
        }
        yield one(new Tensor(ElementType.INT64, os, d));
      }
      case "Range" -> {
        double start = in[0].get(0), delta = in[2].get(0);
        double[] d = new double[os[0]];
        for (int i = 0; i < d.length; i++) d[i] = start + i * delta;
        yield one(new Tensor(in[0].type(), os, d));
      }
      default -> throw new IllegalStateException("no kernel for " + op);
    };
  }

  private static Tensor[] one(Tensor t) {
    return new Tensor[] {t};
  }

  /** ONNX's default Selu constants (float32 values of the self-normalizing constants). */
  private static final double SELU_ALPHA = 1.67326319217681884765625, SELU_GAMMA = 1.05070102214813232421875;

  /** The real function of an element-wise unary operator (shared with the quantizer's tables). */
  public static double unaryFunction(Node n, double x) {
    return switch (n.opType()) {
      case "Relu" -> Math.max(x, 0);
      case "LeakyRelu" -> x >= 0 ? x : x * n.attrDouble("alpha", 0.01);
      case "Sigmoid" -> 1 / (1 + Math.exp(-x));
      case "Tanh" -> Math.tanh(x);
      case "Erf" -> erf(x);
      case "Exp" -> Math.exp(x);
      case "Log" -> Math.log(x);
      case "Sqrt" -> Math.sqrt(x);
      case "Reciprocal" -> 1 / x;
      case "Neg" -> -x;
      case "Abs" -> Math.abs(x);
      case "Softplus" -> x > 30 ? x : Math.log1p(Math.exp(x));
      case "HardSigmoid" -> Math.max(0, Math.min(1, n.attrDouble("alpha", 0.2) * x + n.attrDouble("beta", 0.5)));
      case "Gelu" -> n.attrString("approximate", "none").equals("tanh")
          ? 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)))
          : 0.5 * x * (1 + erf(x / Math.sqrt(2)));
      case "Floor" -> Math.floor(x);
      case "Ceil" -> Math.ceil(x);
      case "Not" -> x == 0 ? 1 : 0;
      case "Elu" -> x >= 0 ? x : n.attrDouble("alpha", 1.0) * Math.expm1(x);
      case "Selu" -> n.attrDouble("gamma", SELU_GAMMA) * (x > 0 ? x : n.attrDouble("alpha", SELU_ALPHA) * Math.expm1(x));
      case "Softsign" -> x / (1 + Math.abs(x));
      case "Cos" -> Math.cos(x);
      case "Sin" -> Math.sin(x);
      case "Round" -> Math.rint(x); // ONNX rounds halves to even
      default -> x; // Identity, Dropout (inference)
    };
  }

  private static Tensor unary(Node n, Tensor x) {
    double[] a = x.data(), y = new double[a.length];
    for (int i = 0; i < a.length; i++) y[i] = unaryFunction(n, a[i]);
    return new Tensor(n.opType().equals("Not") ? ElementType.INT64 : x.type(), x.shapeView(), y);
  }

  /** erf with absolute error below 1.2e-7 (Numerical Recipes' erfc Chebyshev fit). */
  static double erf(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? 1 - r : r - 1;
  }

  private static Tensor cast(Node n, Tensor x) {
    long to = n.attrLong("to", 1);
    double[] a = x.data(), y = new double[a.length];
    ElementType t;
    if (to == 1 || to == 11 || to == 10 || to == 16) {
      t = ElementType.FLOAT;
      for (int i = 0; i < a.length; i++) {
        y[i] = switch ((int) to) {
          case 1 -> (float) a[i];
          case 10 -> Float.float16ToFloat(Float.floatToFloat16((float) a[i]));
          case 16 -> Float.intBitsToFloat(Float.floatToIntBits((float) a[i]) & 0xffff0000);
          default -> a[i];
        };
      }
    } else if (to == 9) {
      t = ElementType.INT64;
      for (int i = 0; i < a.length; i++) y[i] = a[i] != 0 ? 1 : 0;
    } else if (to == 8) {
      throw n.unsupported("cast to string is not supported");
    } else {
      t = ElementType.INT64;
      for (int i = 0; i < a.length; i++) y[i] = (double) (long) a[i];
    }
    return new Tensor(t, x.shapeView(), y);
  }

  private static Tensor binary(Node n, Tensor[] in, int[] os) {
    String op = n.opType();
    if (in.length == 1) return in[0]; // variadic Max / Min of one input
    Tensor a = in[0], b = in[1];
    boolean ints = a.type() == ElementType.INT64 && b.type() == ElementType.INT64;
    int[] ia = Shapes.broadcastIndex(a.shapeView(), os), ib = Shapes.broadcastIndex(b.shapeView(), os);
    double[] y = new double[ia.length];
    for (int i = 0; i < y.length; i++) {
      double x = a.get(ia[i]), z = b.get(ib[i]);
      y[i] = switch (op) {
        case "Add" -> x + z;
        case "Sub" -> x - z;
        case "Mul" -> x * z;
        case "Div" -> ints ? (z == 0 ? 0 : (double) ((long) x / (long) z)) : x / z;
        case "Pow" -> Math.pow(x, z);
        case "PRelu" -> x >= 0 ? x : x * z;
        case "Equal" -> x == z ? 1 : 0;
        case "Less" -> x < z ? 1 : 0;
        case "Greater" -> x > z ? 1 : 0;
        case "LessOrEqual" -> x <= z ? 1 : 0;
        case "GreaterOrEqual" -> x >= z ? 1 : 0;
        case "And" -> x != 0 && z != 0 ? 1 : 0;
        case "Or" -> x != 0 || z != 0 ? 1 : 0;
        case "Xor" -> (x != 0) != (z != 0) ? 1 : 0;
        case "Max" -> Math.max(x, z);
        case "Min" -> Math.min(x, z);
        case "Sum" -> x + z;
        case "Mod" -> mod(n, x, z, ints);
        default -> throw new IllegalStateException(op);
      };
    }
    Tensor r = new Tensor(
        isBooleanOp(op) ? ElementType.INT64 : a.type(), os, y);
    if (in.length > 2) { // variadic Max / Min / Sum
      Tensor[] rest = new Tensor[in.length - 1];
      rest[0] = r;
      System.arraycopy(in, 2, rest, 1, in.length - 2);
      return binary(n, rest, os);
    }
    return r;
  }

  /**
   * ONNX Mod: with fmod = 1 the remainder has the dividend's sign (C's fmod); with fmod = 0 (integers)
   * the divisor's sign (Python's %). A zero divisor gives 0 for integers and NaN for floats.
   */
  public static double mod(Node n, double x, double z, boolean ints) {
    boolean fmod = n.attrLong("fmod", 0) != 0;
    if (z == 0) return ints ? 0 : Double.NaN;
    if (fmod) return x % z;
    double r = x % z;
    return r != 0 && (r < 0) != (z < 0) ? r + z : r;
  }

  /** Comparisons and logical operators: their result is boolean (an INT64 tensor of 0 and 1 here). */
  public static boolean isBooleanOp(String op) {
    return switch (op) {
      case "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor" -> true;
      default -> false;
    };
  }

  private static Tensor matMul(Tensor a, Tensor b, int[] os) {
    int[] as = a.rank() == 1 ? new int[] {1, a.shapeView()[0]} : a.shapeView();
    int[] bs = b.rank() == 1 ? new int[] {b.shapeView()[0], 1} : b.shapeView();
    int m = as[as.length - 2], k = as[as.length - 1], nn = bs[bs.length - 1];
    int[] batch = Shapes.broadcast(Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2));
    int nb = Shapes.size(batch);
    int[] ba = Shapes.broadcastIndex(Arrays.copyOf(as, as.length - 2), batch);
    int[] bb = Shapes.broadcastIndex(Arrays.copyOf(bs, bs.length - 2), batch);
    double[] x = a.data(), w = b.data(), y = new double[nb * m * nn];
    double[] row = new double[nn];
    for (int t = 0; t < nb; t++) {
      int offA = ba[t] * m * k, offB = bb[t] * k * nn, offY = t * m * nn;
      for (int i = 0; i < m; i++) {
        Arrays.fill(row, 0);
        for (int p = 0; p < k; p++) {
          double av = x[offA + i * k + p];
          if (av == 0) continue;
          int wb = offB + p * nn;
          for (int j = 0; j < nn; j++) row[j] += av * w[wb + j];
        }
        System.arraycopy(row, 0, y, offY + i * nn, nn);
      }
    }
    return new Tensor(ElementType.FLOAT, os, y);
  }

  private static Tensor gemm(Node n, Tensor[] in, int[] os) {
    boolean ta = n.attrLong("transA", 0) != 0, tb = n.attrLong("transB", 0) != 0;
    double alpha = n.attrDouble("alpha", 1), beta = n.attrDouble("beta", 1);
    int m = os[0], nn = os[1];
    int k = ta ? in[0].shapeView()[0] : in[0].shapeView()[1];
    double[] a = in[0].data(), b = in[1].data(), y = new double[m * nn];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < nn; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          s += a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * nn + j];
        }
        y[i * nn + j] = alpha * s;
      }
    }
    if (n.hasInput(2)) {
      int[] ic = Shapes.broadcastIndex(in[2].shapeView(), os);
      for (int i = 0; i < y.length; i++) y[i] += beta * in[2].get(ic[i]);
    }
    return new Tensor(ElementType.FLOAT, os, y);
  }

  private static Tensor conv(Node n, Tensor[] in, int[] os) {
    int[] xs = in[0].shapeView(), ws = in[1].shapeView();
    WindowGeometry g = WindowGeometry.of(n, xs[2], xs[3], new int[] {ws[2], ws[3]}, false);
    int batch = xs[0], c = xs[1], h = xs[2], w = xs[3], m = ws[0], kh = ws[2], kw = ws[3];
    double[] x = in[0].data(), wt = in[1].data(), y = new double[Shapes.size(os)];
    int plane = g.outH() * g.outW();
    for (int b = 0; b < batch; b++) {
      for (int oc = 0; oc < m; oc++) {
        double bias = n.hasInput(2) ? in[2].get(oc) : 0;
        int yBase = (b * m + oc) * plane;
        for (int oy = 0; oy < g.outH(); oy++) {
          for (int ox = 0; ox < g.outW(); ox++) {
            double s = bias;
            for (int ic = 0; ic < c; ic++) {
              int xBase = (b * c + ic) * h * w, wBase = (oc * c + ic) * kh * kw;
              for (int ky = 0; ky < kh; ky++) {
                int iy = oy * g.strideH() - g.padTop() + ky;
                if (iy < 0 || iy >= h) continue;
                for (int kx = 0; kx < kw; kx++) {
                  int ix = ox * g.strideW() - g.padLeft() + kx;
                  if (ix < 0 || ix >= w) continue;
                  s += x[xBase + iy * w + ix] * wt[wBase + ky * kw + kx];
                }
              }
            }
            y[yBase + oy * g.outW() + ox] = s;
          }
        }
      }
    }
    return new Tensor(ElementType.FLOAT, os, y);
  }

  private static Tensor pool(Node n, Tensor xt, int[] os) {
    int[] xs = xt.shapeView();
    WindowGeometry g = WindowGeometry.of(n, xs[2], xs[3], null, true);
    boolean max = n.opType().equals("MaxPool");
    boolean includePad = n.attrLong("count_include_pad", 0) != 0;
    int h = xs[2], w = xs[3];
    double[] x = xt.data(), y = new double[Shapes.size(os)];
    int planes = xs[0] * xs[1];
    for (int p = 0; p < planes; p++) {
      for (int oy = 0; oy < g.outH(); oy++) {
        for (int ox = 0; ox < g.outW(); ox++) {
          double acc = max ? Double.NEGATIVE_INFINITY : 0;
          int count = 0, padCount = 0;
          for (int ky = 0; ky < g.kernelH(); ky++) {
            int iy = oy * g.strideH() - g.padTop() + ky;
            for (int kx = 0; kx < g.kernelW(); kx++) {
              int ix = ox * g.strideW() - g.padLeft() + kx;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                // Positions in the declared padding count for count_include_pad; those past it
                // (ceil_mode overhang) never do.
                if (iy < h + g.padTop() && ix < w + g.padLeft() && iy >= -g.padTop() && ix >= -g.padLeft()) padCount++;
                continue;
              }
              double v = x[(p * h + iy) * w + ix];
              acc = max ? Math.max(acc, v) : acc + v;
              count++;
            }
          }
          y[(p * g.outH() + oy) * g.outW() + ox] = max ? acc : acc / (includePad ? count + padCount : count);
        }
      }
    }
    return new Tensor(ElementType.FLOAT, os, y);
  }

  static Tensor transpose(Tensor x, int[] perm, int[] os) {
    int[] is = Shapes.strides(x.shapeView());
    int r = perm.length;
    int n = x.size();
    double[] y = new double[n];
    int[] pos = new int[r];
    int src = 0;
    for (int k = 0; k < n; k++) {
      y[k] = x.get(src);
      for (int d = r - 1; d >= 0; d--) {
        pos[d]++;
        src += is[perm[d]];
        if (pos[d] < os[d]) break;
        src -= is[perm[d]] * pos[d];
        pos[d] = 0;
      }
    }
    return new Tensor(x.type(), os, y);
  }

  private static Tensor concat(Tensor[] in, int ax, int[] os) {
    int outer = 1;
    for (int i = 0; i < ax; i++) outer *= os[i];
    int inner = 1;
    for (int i = ax + 1; i < os.length; i++) inner *= os[i];
    double[] y = new double[Shapes.size(os)];
    int off = 0;
    int rowOut = os[ax] * inner;
    for (Tensor t : in) {
      int len = t.shapeView()[ax] * inner;
      for (int o = 0; o < outer; o++) System.arraycopy(t.data(), o * len, y, o * rowOut + off, len);
      off += len;
    }
    return new Tensor(in[0].type(), os, y);
  }

  static Tensor slice(Tensor x, SliceSpec s) {
    int[] os = s.outShape();
    int[] is = Shapes.strides(x.shapeView());
    int r = os.length, n = Shapes.size(os);
    double[] y = new double[n];
    int[] pos = new int[r];
    for (int k = 0; k < n; k++) {
      int src = 0;
      for (int d = 0; d < r; d++) src += (s.starts()[d] + pos[d] * s.steps()[d]) * is[d];
      y[k] = x.get(src);
      for (int d = r - 1; d >= 0; d--) {
        if (++pos[d] < os[d]) break;
        pos[d] = 0;
      }
    }
    return new Tensor(x.type(), os, y);
  }

  private static Tensor pad(Tensor x, PadSpec p) {
    int[] os = p.outShape(), xs = x.shapeView();
    int[] is = Shapes.strides(xs);
    int r = os.length, n = Shapes.size(os);
    double[] y = new double[n];
    int[] pos = new int[r];
    for (int k = 0; k < n; k++) {
      int src = 0;
      boolean constant = false;
      for (int d = 0; d < r; d++) {
        int i = padSource(pos[d], p.before()[d], xs[d], p.mode());
        if (i < 0) {
          constant = true;
          break;
        }
        src += i * is[d];
      }
      y[k] = constant ? p.value() : x.get(src);
      for (int d = r - 1; d >= 0; d--) {
        if (++pos[d] < os[d]) break;
        pos[d] = 0;
      }
    }
    return new Tensor(x.type(), os, y);
  }

  private static Tensor reduce(Node n, Tensor x, ReduceSpec s) {
    int[] xs = x.shapeView();
    int r = xs.length;
    // Output index of each input element: drop reduced axes.
    int[] keptShape = new int[r];
    for (int d = 0; d < r; d++) keptShape[d] = s.reduced()[d] ? 1 : xs[d];
    int[] ks = Shapes.strides(keptShape);
    int outN = Shapes.size(keptShape);
    boolean max = n.opType().equals("ReduceMax"), min = n.opType().equals("ReduceMin");
    double[] y = new double[outN];
    if (max) Arrays.fill(y, Double.NEGATIVE_INFINITY);
    if (min) Arrays.fill(y, Double.POSITIVE_INFINITY);
    int[] pos = new int[r];
    for (int k = 0; k < x.size(); k++) {
      int o = 0;
      for (int d = 0; d < r; d++) if (!s.reduced()[d]) o += pos[d] * ks[d];
      y[o] = max ? Math.max(y[o], x.get(k)) : min ? Math.min(y[o], x.get(k)) : y[o] + x.get(k);
      for (int d = r - 1; d >= 0; d--) {
        if (++pos[d] < xs[d]) break;
        pos[d] = 0;
      }
    }
    if (n.opType().equals("ReduceMean")) {
      int count = outN == 0 ? 1 : x.size() / outN;
      for (int i = 0; i < outN; i++) y[i] /= count;
    }
    return new Tensor(x.type(), s.outShape(), y);
  }

  /** ArgMax / ArgMin along the axis: the first index of the extreme value (the last with select_last_index=1). */
  private static Tensor argExtreme(Node n, Tensor x, int[] os) {
    int[] xs = x.shapeView();
    int ax = axis(n, n.attrLong("axis", 0), xs.length);
    boolean last = n.attrLong("select_last_index", 0) != 0, min = n.opType().equals("ArgMin");
    int outer = 1, inner = 1, dim = xs[ax];
    for (int i = 0; i < ax; i++) outer *= xs[i];
    for (int i = ax + 1; i < xs.length; i++) inner *= xs[i];
    double[] y = new double[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int best = 0;
        double bv = x.get(o * dim * inner + i);
        for (int j = 1; j < dim; j++) {
          double v = x.get((o * dim + j) * inner + i);
          if (min ? (v < bv || (last && v == bv)) : (v > bv || (last && v == bv))) {
            best = j;
            bv = v;
          }
        }
        y[o * inner + i] = best;
      }
    }
    return new Tensor(ElementType.INT64, os, y);
  }

  /** For each output element of Tile, the row-major index of the input element it copies. */
  public static int[] tileIndex(int[] xs, int[] os) {
    int[] is = Shapes.strides(xs);
    int n = Shapes.size(os);
    int[] src = new int[n], pos = new int[os.length];
    for (int k = 0; k < n; k++) {
      int s = 0;
      for (int d = 0; d < os.length; d++) s += (pos[d] % xs[d]) * is[d];
      src[k] = s;
      for (int d = os.length - 1; d >= 0; d--) {
        if (++pos[d] < os[d]) break;
        pos[d] = 0;
      }
    }
    return src;
  }

  /** For each output element of GatherElements, the row-major index of the data element it reads. */
  public static int[] gatherElementsIndex(Node n, int[] xs, Tensor indices) {
    int ax = axis(n, n.attrLong("axis", 0), xs.length);
    int[] ishape = indices.shapeView(), is = Shapes.strides(xs);
    for (int d = 0; d < xs.length; d++) {
      if (d != ax && ishape[d] > xs[d]) throw n.unsupported("indices shape " + Shapes.str(ishape) + " exceeds the data " + Shapes.str(xs));
    }
    int cnt = indices.size();
    int[] src = new int[cnt], pos = new int[ishape.length];
    for (int k = 0; k < cnt; k++) {
      long v = (long) indices.get(k);
      if (v < 0) v += xs[ax];
      if (v < 0 || v >= xs[ax]) throw n.unsupported("index " + (long) indices.get(k) + " out of range [0, " + xs[ax] + ")");
      int s = 0;
      for (int d = 0; d < xs.length; d++) s += (d == ax ? (int) v : pos[d]) * is[d];
      src[k] = s;
      for (int d = ishape.length - 1; d >= 0; d--) {
        if (++pos[d] < ishape[d]) break;
        pos[d] = 0;
      }
    }
    return src;
  }

  /** Trilu's kept elements (row-major over the shape): j − i ≥ k (upper, the default) or j − i ≤ k (lower). */
  public static boolean[] triluKeep(Node n, int[] s, long k) {
    boolean upper = n.attrLong("upper", 1) != 0;
    int r = s.length, rows = s[r - 2], cols = s[r - 1];
    boolean[] keep = new boolean[Shapes.size(s)];
    for (int idx = 0; idx < keep.length; idx++) {
      long j = idx % cols, i = (idx / cols) % rows;
      keep[idx] = upper ? j - i >= k : j - i <= k;
    }
    return keep;
  }

  /** Softmax: the [outer, axis, inner] view of the input for the node's opset semantics. */
  public static int[] softmaxView(Node n, int[] xs) {
    int ax = axis(n, n.attrLong("axis", n.opset() >= 13 ? -1 : 1), xs.length);
    int outer = 1, mid = 1, inner = 1;
    for (int i = 0; i < xs.length; i++) {
      if (i < ax) outer *= xs[i];
      else if (i == ax || n.opset() < 13) mid *= xs[i];
      else inner *= xs[i];
    }
    return new int[] {outer, mid, inner};
  }

  private static Tensor softmax(Node n, Tensor x) {
    int[] v = softmaxView(n, x.shapeView());
    int outer = v[0], mid = v[1], inner = v[2];
    double[] a = x.data(), y = new double[a.length];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * mid * inner + i;
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < mid; j++) m = Math.max(m, a[base + j * inner]);
        double sum = 0;
        for (int j = 0; j < mid; j++) {
          double e = Math.exp(a[base + j * inner] - m);
          y[base + j * inner] = e;
          sum += e;
        }
        for (int j = 0; j < mid; j++) y[base + j * inner] /= sum;
      }
    }
    return new Tensor(ElementType.FLOAT, x.shapeView(), y);
  }

  static Tensor gather(Tensor data, Tensor indices, int ax, int[] os) {
    int[] ds = data.shapeView();
    int outer = 1, inner = 1;
    for (int i = 0; i < ax; i++) outer *= ds[i];
    for (int i = ax + 1; i < ds.length; i++) inner *= ds[i];
    int dim = ds[ax], ni = indices.size();
    double[] y = new double[outer * ni * inner];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < ni; j++) {
        long idx = (long) indices.get(j);
        if (idx < 0) idx += dim;
        if (idx < 0 || idx >= dim) throw new IllegalArgumentException("Gather index " + (long) indices.get(j) + " out of range [0, " + dim + ")");
        System.arraycopy(data.data(), (int) ((o * dim + idx) * inner), y, (o * ni + j) * inner, inner);
      }
    }
    return new Tensor(data.type(), os, y);
  }
}
