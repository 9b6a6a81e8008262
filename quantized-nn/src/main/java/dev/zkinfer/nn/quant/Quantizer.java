package dev.zkinfer.nn.quant;

import dev.zkinfer.nn.ModelFormatException;
import dev.zkinfer.nn.graph.FloatExecutor;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.Node;
import dev.zkinfer.nn.graph.OpKernels;
import dev.zkinfer.nn.graph.ValueInfo;
import dev.zkinfer.nn.graph.WindowGeometry;
import dev.zkinfer.nn.quant.QOp.*;
import dev.zkinfer.nn.quant.QTensor.Kind;
import dev.zkinfer.nn.tensor.Shapes;
import dev.zkinfer.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a float {@link Graph} into a {@link QuantizedModel}.
 *
 * <p>Scheme: symmetric quantization with zero point 0 everywhere. Activation scales come from
 * calibration (the float executor runs on sample inputs; a tensor's scale is its largest |x|, or
 * the chosen percentile of |x|, divided by 2^(bits-1) - 1). Conv / Gemm / MatMul weights are int8
 * with one scale per output channel (max |w| / 127; a tied token embedding and LM head, marked
 * GraphAssembler.SHARED_WEIGHTS, one scale for the whole tensor), biases int32 at the accumulator scale, and
 * the int32 accumulator is brought to the output scale by a per-channel {@link Requantize}
 * multiplier. ReLU, Clip and MaxPool are exact integer ops (a ReLU right after a linear layer is
 * folded into its requantization clamp). Sigmoid, Tanh, Erf, Exp, Sqrt, Reciprocal, GELU and the
 * other element-wise nonlinearities become lookup tables over the whole quantized input range.
 * Softmax is computed in integers (an exp table of the differences to the row maximum, an
 * integer sum and a rounding division), so it is part of the proved computation; being monotone
 * it keeps the argmax of its input except for ties at the output resolution.
 * Thread-safe: each static call quantizes on its own private instance.
 */
public final class Quantizer {
  private final Graph graph;
  private final QuantizationOptions options;
  private final Map<String, Stats> stats;
  private final List<QTensor> tensors = new ArrayList<>();
  private final List<QOp> ops = new ArrayList<>();
  private final Map<String, Integer> ids = new HashMap<>();
  private final Map<String, Integer> consumers = new HashMap<>();
  /** Tensors holding booleans: scale 1, values 0 or 1 (comparisons, logical ops, Not, Cast to bool). */
  private final java.util.Set<Integer> booleans = new java.util.HashSet<>();
  /** The exp-table offset a Softmax must use on a masked-fill output (see maskedSoftmaxInput). */
  private final Map<Integer, Integer> softmaxOffsets = new HashMap<>();
  private final int qmax;
  private final int qmin;

  private Quantizer(Graph graph, QuantizationOptions options, Map<String, Stats> stats) {
    this.graph = graph;
    this.options = options;
    this.stats = stats;
    this.qmax = (1 << (options.activationBits() - 1)) - 1;
    this.qmin = -(1 << (options.activationBits() - 1));
    for (Node n : graph.nodes()) for (String i : n.inputs()) consumers.merge(i, 1, Integer::sum);
    for (ValueInfo o : graph.outputs()) consumers.merge(o.name(), 1000, Integer::sum);
  }

  /** Quantizes a single-input graph, calibrating on the given inputs (at least one). */
  public static QuantizedModel quantize(Graph graph, List<Tensor> calibrationInputs, QuantizationOptions options) {
    if (graph.inputs().size() != 1) {
      throw new dev.zkinfer.InvalidInputException("the graph has " + graph.inputs().size() + " run-time inputs; quantize(...) takes one (use quantizeNamed)");
    }
    List<Map<String, Tensor>> named = new ArrayList<>();
    for (Tensor t : calibrationInputs) named.add(Map.of(graph.inputs().get(0).name(), t));
    return quantizeNamed(graph, named, options);
  }

  /**
   * The calibration used when the user gives none: 8 samples of independent standard normal
   * values (seed 1), one tensor per run-time input in the graph's input order (one empty sample
   * for a graph without run-time input). {@code zkinfer compile} and the proving service both use
   * it, so the same model file gets the same key and digest from either.
   */
  public static List<Map<String, Tensor>> randomNormalCalibration(Graph graph) {
    List<Map<String, Tensor>> cal = new ArrayList<>();
    if (graph.inputs().isEmpty()) {
      cal.add(Map.of());
      return cal;
    }
    java.util.Random rnd = new java.util.Random(1);
    for (int s = 0; s < 8; s++) {
      Map<String, Tensor> sample = new java.util.LinkedHashMap<>();
      for (ValueInfo in : graph.inputs()) {
        int[] shape = graph.shapeOf(in.name());
        double[] d = new double[Shapes.size(shape)];
        for (int k = 0; k < d.length; k++) d[k] = rnd.nextGaussian();
        sample.put(in.name(), Tensor.of(shape, d));
      }
      cal.add(sample);
    }
    return cal;
  }

  /** Quantizes a graph, calibrating on the given inputs (each a map from input name to value). */
  public static QuantizedModel quantizeNamed(Graph graph, List<Map<String, Tensor>> calibration, QuantizationOptions options) {
    if (calibration.isEmpty()) throw new IllegalArgumentException("calibration needs at least one input");
    Map<String, Stats> stats = calibrate(graph, calibration, options.percentile());
    Quantizer q = new Quantizer(graph, options, stats);
    return q.build();
  }

  /** Per-tensor calibration statistics: the range of |x| (and a histogram for percentiles). */
  static final class Stats {
    double maxAbs;
    double minAbsNonZero = Double.POSITIVE_INFINITY;
    /** Whether every calibration value was a whole number (token ids, indices). */
    boolean whole = true;
    long[] histogram;
    double clipped = -1;

    void add(double[] v) {
      for (double x : v) {
        double a = Math.abs(x);
        if (Double.isInfinite(a) || Double.isNaN(a)) continue;
        if (a > maxAbs) maxAbs = a;
        if (a > 0 && a < minAbsNonZero) minAbsNonZero = a;
        if (whole && x != Math.rint(x)) whole = false;
      }
    }

    void addHistogram(double[] v) {
      if (maxAbs == 0) return;
      for (double x : v) {
        double a = Math.abs(x);
        if (Double.isInfinite(a) || Double.isNaN(a)) continue;
        int b = (int) Math.min(histogram.length - 1, a / maxAbs * histogram.length);
        histogram[b]++;
      }
    }

    double range(double percentile) {
      if (percentile >= 1 || histogram == null) return maxAbs;
      if (clipped >= 0) return clipped;
      long total = 0;
      for (long h : histogram) total += h;
      long want = (long) Math.ceil(total * percentile), acc = 0;
      for (int b = 0; b < histogram.length; b++) {
        acc += histogram[b];
        if (acc >= want) return clipped = maxAbs * (b + 1) / histogram.length;
      }
      return clipped = maxAbs;
    }
  }

  static Map<String, Stats> calibrate(Graph graph, List<Map<String, Tensor>> inputs, double percentile) {
    Map<String, Stats> stats = new HashMap<>();
    FloatExecutor fx = new FloatExecutor(graph);
    for (Map<String, Tensor> in : inputs) fx.run(in, (name, t) -> stats.computeIfAbsent(name, k -> new Stats()).add(t.data()));
    if (percentile < 1) {
      for (Stats s : stats.values()) s.histogram = new long[4096];
      for (Map<String, Tensor> in : inputs) fx.run(in, (name, t) -> stats.get(name).addHistogram(t.data()));
    }
    return stats;
  }

  // ------------------------------------------------------------------ building

  private QuantizedModel build() {
    int[] inputIds = new int[graph.inputs().size()];
    for (int i = 0; i < inputIds.length; i++) {
      ValueInfo in = graph.inputs().get(i);
      int wide = wholeInputBits(in.name());
      inputIds[i] = wide > 0
          ? add(in.name(), in.shape(), 1.0, Kind.INPUT, wide, null)
          : add(in.name(), in.shape(), scaleOf(in.name()), Kind.INPUT, options.activationBits(), null);
      ids.put(in.name(), inputIds[i]);
    }
    for (Node n : graph.nodes()) {
      if (ids.containsKey(n.outputs().get(0))) continue; // already produced by a fusion
      try {
        lower(n);
      } catch (IllegalArgumentException e) {
        throw n.unsupported("cannot be quantized: " + e.getMessage());
      }
    }
    int[] outputIds = new int[graph.outputs().size()];
    // A constant output is kept as a constant of the model when some output is computed, or when
    // the graph has no run-time input at all (a generator: its outputs are what the committed
    // model holds); a graph with inputs whose outputs are all constants is refused.
    boolean allConstant = graph.outputs().stream().allMatch(o -> !ids.containsKey(o.name()) && graph.isConstant(o.name()));
    for (int i = 0; i < outputIds.length; i++) {
      String name = graph.outputs().get(i).name();
      Integer id = ids.get(name);
      if (id == null) {
        if (!graph.isConstant(name)) throw new IllegalStateException("output " + name + " was not produced");
        if (allConstant && !graph.inputs().isEmpty()) throw new ModelFormatException("graph output '" + name + "' is a constant; nothing to quantize");
        id = constant(name, graph.constants().get(name), options.activationBits());
        ids.put(name, id);
      }
      outputIds[i] = id;
    }
    return new QuantizedModel(tensors, ops, inputIds, outputIds, options.activationBits());
  }

  private int add(String name, int[] shape, double scale, Kind kind, int bits, int[] values) {
    int id = tensors.size();
    tensors.add(new QTensor(id, name, shape, scale, kind, bits, values));
    return id;
  }

  private int activation(String name, double scale) {
    int id = add(name, graph.shapeOf(name), scale, Kind.ACTIVATION, options.activationBits(), null);
    ids.put(name, id);
    return id;
  }

  private double scaleOf(String name) {
    Stats s = stats.get(name);
    double range = s == null ? 0 : s.range(options.percentile()) * options.headroom();
    return range > 0 ? range / qmax : 1.0 / qmax;
  }

  /**
   * The width of a run-time input that calibration saw holding whole numbers only, too large for
   * the activation width at scale 1 (the token ids of a large vocabulary: GPT-2's reach 50,256): it
   * keeps scale 1, so every id stays exact, in a signed width that holds the calibrated range with
   * the headroom (at most 20 bits: what reads it is a lookup table over its whole range, and a
   * table holds at most 2^20 entries). Only an input that nothing but exact integer ops read
   * (through reshapes: Mod, comparisons; a Gather's residues) is widened. 0 for any other input,
   * which takes the activation width.
   */
  private int wholeInputBits(String name) {
    Stats s = stats.get(name);
    if (s == null || !s.whole || !readByIntegerOpsOnly(name)) return 0;
    double range = s.maxAbs * options.headroom();
    if (range <= qmax) return 0;
    int bits = 1 + (64 - Long.numberOfLeadingZeros((long) Math.ceil(range)));
    if (bits > 20) throw new IllegalArgumentException("input " + name + " holds whole numbers up to " + (long) s.maxAbs + ", beyond the 20-bit inputs a proof supports");
    return bits;
  }

  private boolean readByIntegerOpsOnly(String name) {
    if (consumers.getOrDefault(name, 0) >= 1000) return false; // a graph output
    boolean any = false;
    for (Node m : graph.nodes()) {
      if (!m.inputs().contains(name)) continue;
      any = true;
      switch (m.opType()) {
        case "Reshape", "Flatten", "Squeeze", "Unsqueeze" -> {
          if (!m.input(0).equals(name) || !readByIntegerOpsOnly(m.outputs().get(0))) return false;
        }
        case "Mod", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual" -> {}
        default -> {
          return false;
        }
      }
    }
    return any;
  }

  private QTensor t(int id) {
    return tensors.get(id);
  }

  /** The quantized id of a node input: a run-time tensor, or a constant quantized on the fly. */
  private int operand(Node n, int i) {
    String name = n.input(i);
    Integer id = ids.get(name);
    if (id != null) return id;
    Tensor c = graph.constants().get(name);
    if (c == null) throw new IllegalStateException("no value for " + name);
    return constant(name, c, options.constantBits());
  }

  private int constant(String name, Tensor c, int bits) {
    int cmax = (1 << (bits - 1)) - 1;
    double maxAbs = 0;
    for (double v : c.data()) if (!Double.isInfinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
    double scale = maxAbs > 0 ? maxAbs / cmax : 1.0 / cmax;
    // small whole numbers (indices, counts, positions) at scale 1, so they stay exact through a
    // Where or a comparison with other whole numbers at scale 1
    boolean whole = maxAbs <= cmax;
    for (int k = 0; whole && k < c.size(); k++) whole = c.get(k) == Math.rint(c.get(k));
    if (whole) scale = 1;
    int[] q = new int[c.size()];
    for (int k = 0; k < q.length; k++) q[k] = Requantize.clamp(Math.round(c.get(k) / scale), -cmax - 1, cmax);
    return add(name, c.shapeView(), scale, Kind.CONSTANT, bits, q);
  }

  private boolean isConst(Node n, int i) {
    return !ids.containsKey(n.input(i)) && graph.isConstant(n.input(i));
  }

  private void alias(Node n) {
    ids.put(n.outputs().get(0), ids.get(n.input(0)));
  }

  private void lower(Node n) {
    String op = n.opType();
    String out = n.outputs().get(0);
    switch (op) {
      case "Identity", "Dropout" -> alias(n);
      case "Cast" -> {
        long to = n.attrLong("to", 1);
        int x = operand(n, 0);
        if (to == 9) {
          ids.put(out, bool(x));
        } else if (to == 1 || to == 10 || to == 11 || to == 16 || booleans.contains(x)) {
          alias(n);
        } else {
          // to an integer type: ONNX (and onnxruntime) truncate toward zero; a table at the input's scale.
          // A quantized value whose cell (± half a step) holds an integer stands for that integer: an integer
          // input (a token id, an index) dequantizes up to half a step beside it, and truncating 2.98 to 2
          // would turn a small quantization error into a whole unit.
          double half = t(x).scale() / 2;
          integerTable(x, out, v -> {
            double r = Math.rint(v);
            return Math.abs(v - r) <= half * (1 + 1e-9) ? r : (double) (long) v;
          });
        }
      }
      case "Mod" -> {
        Tensor d = isConst(n, 1) ? graph.constants().get(n.input(1)) : null;
        if (d == null) throw n.unsupported("only a constant divisor can be quantized");
        double z = d.get(0);
        for (int k = 1; k < d.size(); k++) if (d.get(k) != z) throw n.unsupported("only a divisor with one value for all elements can be quantized");
        if (isConst(n, 0)) throw n.unsupported("a constant dividend with a constant divisor should have been folded");
        boolean ints = z == Math.rint(z) && n.attrLong("fmod", 0) == 0;
        if (ints) integerTable(operand(n, 0), out, v -> OpKernels.mod(n, Math.rint(v), z, true));
        else table(n, operand(n, 0), out, v -> OpKernels.mod(n, v, z, false));
      }
      case "Relu" -> {
        int x = operand(n, 0);
        int y = add(out, graph.shapeOf(out), t(x).scale(), Kind.ACTIVATION, options.activationBits(), null);
        ids.put(out, y);
        ops.add(new QClamp(x, y, 0, qmax));
      }
      case "Clip" -> {
        double lo, hi;
        if (n.opset() < 11) {
          lo = n.attrDouble("min", Double.NEGATIVE_INFINITY);
          hi = n.attrDouble("max", Double.POSITIVE_INFINITY);
        } else {
          lo = n.hasInput(1) ? constValue(n, 1) : Double.NEGATIVE_INFINITY;
          hi = n.hasInput(2) ? constValue(n, 2) : Double.POSITIVE_INFINITY;
        }
        int x = operand(n, 0);
        double s = t(x).scale();
        int y = add(out, graph.shapeOf(out), s, Kind.ACTIVATION, options.activationBits(), null);
        ids.put(out, y);
        ops.add(new QClamp(x, y, Requantize.clamp(Math.round(Math.max(lo / s, qmin)), qmin, qmax),
            Requantize.clamp(Math.round(Math.min(hi / s, qmax)), qmin, qmax)));
      }
      case "LeakyRelu", "PRelu" -> {
        int x = operand(n, 0);
        Tensor slope = op.equals("LeakyRelu")
            ? Tensor.of(new int[0], new double[] {n.attrDouble("alpha", 0.01)})
            : graph.constants().get(n.input(1));
        if (slope == null) throw n.unsupported("a run-time slope cannot be quantized");
        int[] m = new int[slope.size()], sh = new int[slope.size()];
        for (int k = 0; k < m.length; k++) {
          Requantize.Multiplier mul = Requantize.multiplier(Math.abs(slope.get(k)));
          m[k] = slope.get(k) < 0 ? -mul.m() : mul.m();
          sh[k] = mul.shift();
        }
        int y = add(out, graph.shapeOf(out), t(x).scale(), Kind.ACTIVATION, options.activationBits(), null);
        ids.put(out, y);
        ops.add(new QPRelu(x, y, slope.shapeView(), m, sh, qmin, qmax));
      }
      case "Sigmoid", "Tanh", "Erf", "Exp", "Log", "Sqrt", "Reciprocal", "Neg", "Abs", "Softplus", "HardSigmoid", "Gelu",
          "Elu", "Selu", "Softsign", "Cos", "Sin" ->
          table(n, operand(n, 0), out, v -> OpKernels.unaryFunction(n, v));
      case "Round", "Floor", "Ceil" -> integerTable(operand(n, 0), out, v -> OpKernels.unaryFunction(n, v));
      case "Pow" -> {
        if (!isConst(n, 1) || graph.constants().get(n.input(1)).size() != 1) throw n.unsupported("only a constant scalar exponent can be quantized");
        double e = graph.constants().get(n.input(1)).get(0);
        if (e == 1) {
          alias(n);
        } else if (e == 2) {
          int x = operand(n, 0);
          mul(x, x, out);
        } else {
          table(n, operand(n, 0), out, v -> Math.pow(v, e));
        }
      }
      case "Conv" -> conv(n);
      case "Gemm" -> gemm(n);
      case "MatMul" -> matMul(n);
      case "Add", "Sub" -> {
        int a = operand(n, 0), b = operand(n, 1);
        addSub(a, b, out, op.equals("Sub"));
      }
      case "Mul" -> mul(operand(n, 0), operand(n, 1), out);
      case "Div" -> {
        int a = operand(n, 0);
        if (isConst(n, 1)) {
          Tensor c = graph.constants().get(n.input(1));
          double[] r = new double[c.size()];
          for (int k = 0; k < r.length; k++) r[k] = 1 / c.get(k);
          mul(a, constant(n.input(1) + "/reciprocal", Tensor.of(c.shapeView(), r), options.constantBits()), out);
        } else {
          int b = operand(n, 1);
          Stats sb = stats.get(n.input(1));
          // the headroom of the divisor's range, at its small end: a divisor below any calibrated one
          // (a LayerNorm's standard deviation on an unseen input) would saturate the reciprocal
          double maxRecip = (sb == null || sb.minAbsNonZero == Double.POSITIVE_INFINITY ? 1 : 1 / sb.minAbsNonZero) * options.headroom();
          int r = tableWithScale(t(b), out + "/reciprocal", graph.shapeOf(n.input(1)), maxRecip / qmax, v -> 1 / v);
          mul(a, r, out);
        }
      }
      case "MaxPool" -> {
        int x = operand(n, 0);
        int[] xs = t(x).shapeView();
        WindowGeometry g = WindowGeometry.of(n, xs[2], xs[3], null, true);
        int y = add(out, graph.shapeOf(out), t(x).scale(), Kind.ACTIVATION, options.activationBits(), null);
        ids.put(out, y);
        ops.add(new QMaxPool(x, y, g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padTop(), g.padLeft()));
      }
      case "AveragePool" -> {
        int x = operand(n, 0);
        int[] xs = t(x).shapeView();
        WindowGeometry g = WindowGeometry.of(n, xs[2], xs[3], null, true);
        double sy = scaleOf(out);
        int window = g.kernelH() * g.kernelW();
        double base = t(x).scale() / sy;
        Requantize.Multiplier first = Requantize.multiplier(base);
        int[] m = new int[window + 1];
        for (int k = 1; k <= window; k++) m[k] = (int) Math.round(Math.scalb(base / k, first.shift()));
        long[] pads = n.attrLongs("pads");
        int pb = pads != null && pads.length == 4 ? (int) pads[2] : g.padTop();
        int pr = pads != null && pads.length == 4 ? (int) pads[3] : g.padLeft();
        if (!n.attrString("auto_pad", "NOTSET").equals("NOTSET")) {
          pb = (g.outH() - 1) * g.strideH() + g.kernelH() - xs[2] - g.padTop();
          pr = (g.outW() - 1) * g.strideW() + g.kernelW() - xs[3] - g.padLeft();
        }
        int y = activation(out, sy);
        ops.add(new QAvgPool(x, y, g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padTop(), g.padLeft(), Math.max(pb, 0),
            Math.max(pr, 0), n.attrLong("count_include_pad", 0) != 0, m, first.shift(), qmin, qmax));
      }
      case "GlobalAveragePool" -> {
        int x = operand(n, 0);
        int[] xs = t(x).shapeView();
        int[] axes = new int[xs.length - 2];
        int count = 1;
        for (int i = 2; i < xs.length; i++) {
          axes[i - 2] = i;
          count *= xs[i];
        }
        reduceThenRequant(x, axes, out, count);
      }
      case "ReduceMean", "ReduceSum" -> {
        int x = operand(n, 0);
        int[] xs = t(x).shapeView();
        OpKernels.ReduceSpec spec = OpKernels.reduceSpec(n, xs, constInputs(n));
        List<Integer> axes = new ArrayList<>();
        int count = 1;
        for (int i = 0; i < xs.length; i++) {
          if (spec.reduced()[i]) {
            axes.add(i);
            count *= xs[i];
          }
        }
        reduceThenRequant(x, axes.stream().mapToInt(Integer::intValue).toArray(), out, op.equals("ReduceMean") ? count : 1);
      }
      case "Flatten", "Reshape", "Squeeze", "Unsqueeze" -> {
        int x = operand(n, 0);
        int y = add(out, graph.shapeOf(out), t(x).scale(), t(x).kind() == Kind.ACCUMULATOR ? Kind.ACCUMULATOR : Kind.ACTIVATION, t(x).bits(), null);
        ids.put(out, y);
        ops.add(new QReshape(x, y));
        if (booleans.contains(x)) booleans.add(y);
      }
      case "Transpose" -> {
        int x = operand(n, 0);
        int y = add(out, graph.shapeOf(out), t(x).scale(), Kind.ACTIVATION, t(x).bits(), null);
        ids.put(out, y);
        ops.add(new QTranspose(x, y, OpKernels.perm(n, t(x).shapeView().length)));
      }
      case "Slice" -> {
        int x = operand(n, 0);
        OpKernels.SliceSpec s = OpKernels.sliceSpec(n, t(x).shapeView(), constInputs(n));
        int y = add(out, graph.shapeOf(out), t(x).scale(), Kind.ACTIVATION, t(x).bits(), null);
        ids.put(out, y);
        ops.add(new QSlice(x, y, s.starts(), s.steps()));
      }
      case "Split" -> {
        int x = operand(n, 0);
        int[] xs = t(x).shapeView();
        int ax = OpKernels.axis(n, n.attrLong("axis", 0), xs.length);
        int start = 0;
        for (String o : n.outputs()) {
          if (o.isEmpty()) continue;
          int[] os = graph.shapeOf(o);
          int[] starts = new int[xs.length], steps = new int[xs.length];
          java.util.Arrays.fill(steps, 1);
          starts[ax] = start;
          int y = add(o, os, t(x).scale(), Kind.ACTIVATION, t(x).bits(), null);
          ids.put(o, y);
          ops.add(new QSlice(x, y, starts, steps));
          start += os[ax];
        }
      }
      case "Concat" -> concat(n, out);
      case "Pad" -> {
        int x = operand(n, 0);
        OpKernels.PadSpec p = OpKernels.padSpec(n, t(x).shapeView(), constInputs(n));
        int y = add(out, graph.shapeOf(out), t(x).scale(), Kind.ACTIVATION, t(x).bits(), null);
        ids.put(out, y);
        int mode = switch (p.mode()) {
          case "edge" -> 1;
          case "reflect" -> 2;
          default -> 0;
        };
        ops.add(new QPad(x, y, p.before(), mode, Requantize.clamp(Math.round(p.value() / t(x).scale()), t(x).min(), t(x).max())));
      }
      case "Gather" -> {
        int x = operand(n, 0);
        int[] xs = t(x).shapeView();
        int ax = OpKernels.axis(n, n.attrLong("axis", 0), xs.length);
        long[] idx = graph.constants().get(n.input(1)).toLongArray();
        int[] norm = new int[idx.length];
        for (int k = 0; k < idx.length; k++) {
          long v = idx[k] < 0 ? idx[k] + xs[ax] : idx[k];
          if (v < 0 || v >= xs[ax]) throw n.unsupported("index " + idx[k] + " out of range");
          norm[k] = (int) v;
        }
        int y = add(out, graph.shapeOf(out), t(x).scale(), Kind.ACTIVATION, t(x).bits(), null);
        ids.put(out, y);
        ops.add(new QGather(x, y, ax, norm));
      }
      case "Softmax" -> softmax(n, out);
      case "Where" -> where(n, out);
      case "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual" -> compare(n, out);
      case "Not" -> ids.put(out, not(boolOperand(n, 0), out));
      case "And", "Or", "Xor" -> logical(n, out);
      case "ReduceMax", "ReduceMin", "GlobalMaxPool" -> reduceExtreme(n, out);
      case "Max", "Min" -> elementwiseExtreme(n, out, op.equals("Min"));
      case "ArgMax", "ArgMin" -> argExtreme(n, out);
      case "LogSoftmax" -> logSoftmax(n, out);
      case "Sum" -> sum(n, out);
      case "Expand" -> {
        int x = operand(n, 0);
        ids.put(out, broadcastRuntime(x, graph.shapeOf(out), out));
      }
      case "Tile" -> tile(n, out);
      case "GatherElements" -> {
        if (!isConst(n, 1)) throw n.unsupported("run-time (non-constant) indices are not supported");
        int x = operand(n, 0);
        int[] src = OpKernels.gatherElementsIndex(n, t(x).shapeView(), graph.constants().get(n.input(1)));
        int flat = reshaped(x, new int[] {1, t(x).size()}, out + "/flat input");
        int g = add(out + "/gathered", new int[] {1, src.length}, t(x).scale(), Kind.ACTIVATION, t(x).bits(), null);
        ops.add(new QGather(flat, g, 1, src));
        ids.put(out, reshaped(g, graph.shapeOf(out), out));
      }
      case "Trilu" -> {
        if (n.hasInput(1) && !isConst(n, 1)) throw n.unsupported("a run-time k is not supported");
        int x = operand(n, 0);
        boolean[] keep = OpKernels.triluKeep(n, t(x).shapeView(), n.hasInput(1) ? graph.constants().get(n.input(1)).toLongArray()[0] : 0);
        int[] mask = new int[keep.length];
        for (int k = 0; k < mask.length; k++) mask[k] = keep[k] ? 0 : 1;
        int y = add(out, graph.shapeOf(out), t(x).scale(), Kind.ACTIVATION, t(x).bits(), null);
        ops.add(new QMaskedFill(x, y, mask, 0));
        ids.put(out, y);
      }
      default -> throw n.unsupported("not supported by the quantizer");
    }
  }

  private Tensor[] constInputs(Node n) {
    Tensor[] c = new Tensor[n.inputs().size()];
    for (int i = 0; i < c.length; i++) c[i] = n.input(i).isEmpty() ? null : graph.constants().get(n.input(i));
    return c;
  }

  private double constValue(Node n, int i) {
    Tensor c = graph.constants().get(n.input(i));
    if (c == null) throw n.unsupported("a run-time bound cannot be quantized");
    return c.get(0);
  }

  // ------------------------------------------------------------------ linear layers

  /** The node whose sole input is {@code name}, if it is a ReLU we can fold into a requantization. */
  private Node foldableRelu(String name) {
    if (!options.fuseRelu() || consumers.getOrDefault(name, 0) != 1) return null;
    for (Node m : graph.nodes()) if (m.opType().equals("Relu") && m.input(0).equals(name)) return m;
    return null;
  }

  /** Requantizes an accumulator to the output activation (folding a following ReLU). */
  private void requantOut(int acc, String out, double[] accScales, int axis) {
    Node relu = foldableRelu(out);
    String target = relu != null ? relu.outputs().get(0) : out;
    double sy = scaleOf(target);
    int[] m = new int[accScales.length], sh = new int[accScales.length];
    for (int c = 0; c < m.length; c++) {
      Requantize.Multiplier mul = Requantize.multiplier(accScales[c] / sy);
      m[c] = mul.m();
      sh[c] = mul.shift();
    }
    int y = add(target, graph.shapeOf(out), sy, Kind.ACTIVATION, options.activationBits(), null);
    ids.put(out, y);
    ids.put(target, y);
    ops.add(new QRequant(acc, y, accScales.length == 1 ? -1 : axis, m, sh, relu != null ? 0 : qmin, qmax));
  }

  /** Per-output-channel int8 weights: rows of length {@code k}. Returns the scales. */
  private double[] quantizeRows(double[] w, int rows, int k, int[] q) {
    double[] scales = new double[rows];
    for (int r = 0; r < rows; r++) {
      double mx = 0;
      for (int j = 0; j < k; j++) mx = Math.max(mx, Math.abs(w[r * k + j]));
      scales[r] = mx > 0 ? mx / 127 : 1;
      for (int j = 0; j < k; j++) q[r * k + j] = (int) Math.max(-127, Math.min(127, Math.round(w[r * k + j] / scales[r])));
    }
    return scales;
  }

  /** int8 weights with one scale for the whole tensor (max |w| / 127); returns it per row. */
  private double[] quantizeWhole(double[] w, int rows, int k, int[] q) {
    double mx = 0;
    for (double v : w) mx = Math.max(mx, Math.abs(v));
    double scale = mx > 0 ? mx / 127 : 1;
    double[] scales = new double[rows];
    java.util.Arrays.fill(scales, scale);
    for (int i = 0; i < rows * k; i++) q[i] = (int) Math.max(-127, Math.min(127, Math.round(w[i] / scale)));
    return scales;
  }

  private int[] quantizeBias(double[] b, int rows, double sx, double[] sw) {
    int[] q = new int[rows];
    for (int r = 0; r < rows; r++) {
      double v = b == null ? 0 : Math.round(b[r] / (sx * sw[r]));
      if (Math.abs(v) > (1 << 30)) throw new IllegalArgumentException("bias " + r + " does not fit the int32 accumulator at scale " + sx * sw[r]);
      q[r] = (int) v;
    }
    return q;
  }

  /** Fails unless every accumulator provably fits in int32 for any input in range. */
  private void checkAccumulatorBound(int[] w, int[] bias, int rows, int k, QTensor x) {
    long inMax = Math.max(-(long) x.min(), x.max());
    for (int r = 0; r < rows; r++) {
      long s = Math.abs((long) bias[r]);
      for (int j = 0; j < k; j++) s += Math.abs(w[r * k + j]) * inMax;
      if (s > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("output channel " + r + " could overflow the int32 accumulator (bound " + s
            + "); use int8 activations");
      }
    }
  }

  private void conv(Node n) {
    if (!isConst(n, 1) || (n.hasInput(2) && !isConst(n, 2))) throw n.unsupported("run-time weights cannot be quantized");
    int x = operand(n, 0);
    Tensor w = graph.constants().get(n.input(1));
    int[] ws = w.shapeView(), xs = t(x).shapeView();
    WindowGeometry g = WindowGeometry.of(n, xs[2], xs[3], new int[] {ws[2], ws[3]}, false);
    int m = ws[0], k = ws[1] * ws[2] * ws[3];
    int[] wq = new int[m * k];
    double[] sw = quantizeRows(w.data(), m, k, wq);
    double sx = t(x).scale();
    int[] bq = quantizeBias(n.hasInput(2) ? graph.constants().get(n.input(2)).data() : null, m, sx, sw);
    checkAccumulatorBound(wq, bq, m, k, t(x));
    String out = n.outputs().get(0);
    int acc = add(out + "/acc", graph.shapeOf(out), 0, Kind.ACCUMULATOR, 32, null);
    ops.add(new QConv(x, acc, m, ws[1], ws[2], ws[3], g.strideH(), g.strideW(), g.padTop(), g.padLeft(), wq, bq));
    double[] accScales = new double[m];
    for (int c = 0; c < m; c++) accScales[c] = sx * sw[c];
    requantOut(acc, out, accScales, 1);
  }

  private void gemm(Node n) {
    if (n.attrLong("transA", 0) != 0) throw n.unsupported("transA=1 cannot be quantized");
    if (!isConst(n, 1) || (n.hasInput(2) && !isConst(n, 2))) throw n.unsupported("run-time weights cannot be quantized");
    boolean tb = n.attrLong("transB", 0) != 0;
    double alpha = n.attrDouble("alpha", 1), beta = n.attrDouble("beta", 1);
    Tensor b = graph.constants().get(n.input(1));
    int[] bs = b.shapeView();
    int k = tb ? bs[1] : bs[0], nOut = tb ? bs[0] : bs[1];
    double[] rows = new double[nOut * k];
    for (int r = 0; r < nOut; r++) for (int j = 0; j < k; j++) rows[r * k + j] = alpha * (tb ? b.get(r * k + j) : b.get(j * nOut + r));
    double[] bias = null;
    if (n.hasInput(2)) {
      Tensor c = graph.constants().get(n.input(2));
      if (c.size() != 1 && c.size() != nOut) throw n.unsupported("a bias C of shape " + Shapes.str(c.shapeView()) + " cannot be quantized (only [N] or scalar)");
      bias = new double[nOut];
      for (int r = 0; r < nOut; r++) bias[r] = beta * c.get(c.size() == 1 ? 0 : r);
    }
    dense(n, operand(n, 0), rows, bias, nOut, k);
  }

  private void dense(Node n, int x, double[] rows, double[] bias, int nOut, int k) {
    int[] wq = new int[nOut * k];
    // a tied embedding and LM head (GraphAssembler.SHARED_WEIGHTS): one scale for the whole
    // tensor, so that the two read the same integers, which the circuit commits once
    double[] sw = n.attrLong(dev.zkinfer.nn.graph.GraphAssembler.SHARED_WEIGHTS, 0) != 0
        ? quantizeWhole(rows, nOut, k, wq)
        : quantizeRows(rows, nOut, k, wq);
    x = narrowedForAccumulator(x, wq, nOut, k, n.outputs().get(0) + "/input");
    double sx = t(x).scale();
    int[] bq = quantizeBias(bias, nOut, sx, sw);
    checkAccumulatorBound(wq, bq, nOut, k, t(x));
    String out = n.outputs().get(0);
    int acc = add(out + "/acc", graph.shapeOf(out), 0, Kind.ACCUMULATOR, 32, null);
    ops.add(new QDense(x, acc, k, nOut, wq, bq));
    double[] accScales = new double[nOut];
    for (int c = 0; c < nOut; c++) accScales[c] = sx * sw[c];
    requantOut(acc, out, accScales, graph.shapeOf(out).length - 1);
  }

  private void matMul(Node n) {
    if (isConst(n, 1)) {
      Tensor b = graph.constants().get(n.input(1));
      int[] bs = b.shapeView();
      if (bs.length != 2) throw n.unsupported("a constant right operand of rank " + bs.length + " cannot be quantized (only 2-D)");
      if (graph.shapeOf(n.input(0)).length < 2) throw n.unsupported("a 1-D left operand cannot be quantized");
      int k = bs[0], nOut = bs[1];
      double[] rows = new double[nOut * k];
      for (int r = 0; r < nOut; r++) for (int j = 0; j < k; j++) rows[r * k + j] = b.get(j * nOut + r);
      dense(n, operand(n, 0), rows, null, nOut, k);
      return;
    }
    if (isConst(n, 0)) throw n.unsupported("a constant left operand cannot be quantized");
    int a = operand(n, 0), b = operand(n, 1);
    if (t(a).shapeView().length < 2 || t(b).shapeView().length < 2) throw n.unsupported("1-D operands cannot be quantized");
    int k = t(b).shapeView()[t(b).shapeView().length - 2];
    long bound = (long) Math.max(-t(a).min(), t(a).max()) * Math.max(-t(b).min(), t(b).max()) * k;
    if (bound > Integer.MAX_VALUE && t(a).kind() == Kind.ACTIVATION && t(b).kind() == Kind.ACTIVATION) {
      // int16 operands of a product of two run-time tensors (attention's QKᵀ and ·V) would overflow the
      // int32 accumulator: both are rounded to the widest width w with k·(2^(w−1))² in int32
      // (w = 14 for k ≤ 16, 13 for k ≤ 64, 12 for k ≤ 256), a scale 2^(bits − w) coarser; everything
      // around stays wide
      int w = 2;
      while (w < 16 && (long) k * (1L << w) * (1L << w) <= Integer.MAX_VALUE) w++;
      a = narrowed(a, w, n.outputs().get(0) + "/left operand");
      b = narrowed(b, w, n.outputs().get(0) + "/right operand");
      bound = (long) Math.max(-t(a).min(), t(a).max()) * Math.max(-t(b).min(), t(b).max()) * k;
    }
    if (bound > Integer.MAX_VALUE) throw n.unsupported("the int32 accumulator could overflow (bound " + bound + "); use int8 activations");
    String out = n.outputs().get(0);
    int acc = add(out + "/acc", graph.shapeOf(out), 0, Kind.ACCUMULATOR, 32, null);
    ops.add(new QMatMul(a, b, acc));
    requantOut(acc, out, new double[] {t(a).scale() * t(b).scale()}, -1);
  }

  /**
   * The input of a dense layer, rounded to the widest width whose int32 accumulator cannot
   * overflow (x itself when it already fits): int16 activations times int8 weights summed over a
   * long row (GPT-2's 768 and 3,072) can pass 2^31, so the input keeps w bits with
   * max_row Σ|w|·2^(w−1) within int32, leaving a quarter of the range to the bias (at least 8 bits).
   */
  private int narrowedForAccumulator(int x, int[] wq, int rows, int k, String name) {
    if (t(x).kind() != Kind.ACTIVATION || t(x).bits() <= 8) return x;
    long maxRow = 0;
    for (int r = 0; r < rows; r++) {
      long sum = 0;
      for (int j = 0; j < k; j++) sum += Math.abs(wq[r * k + j]);
      maxRow = Math.max(maxRow, sum);
    }
    long inMax = Math.max(-(long) t(x).min(), t(x).max());
    if (maxRow * inMax <= (Integer.MAX_VALUE / 4) * 3L) return x;
    int w = t(x).bits();
    while (w > 8 && maxRow * (1L << (w - 1)) > (Integer.MAX_VALUE / 4) * 3L) w--;
    return narrowed(x, w, name);
  }

  /** x rounded to a signed width of {@code bits} (x itself when it is not wider): y = round(x / 2^(x.bits − bits)). */
  private int narrowed(int x, int bits, String name) {
    int drop = t(x).bits() - bits;
    if (drop <= 0) return x;
    int lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;
    int y = add(name, t(x).shapeView(), Math.scalb(t(x).scale(), drop), Kind.ACTIVATION, bits, null);
    ops.add(new QRequant(x, y, -1, new int[] {1}, new int[] {drop}, lo, hi));
    return y;
  }

  private void reduceThenRequant(int x, int[] axes, String out, int divisor) {
    int acc = add(out + "/sum", graph.shapeOf(out), 0, Kind.ACCUMULATOR, 32, null);
    ops.add(new QReduceSum(x, acc, axes));
    double sy = scaleOf(out);
    Requantize.Multiplier mul = Requantize.multiplier(t(x).scale() / (sy * divisor));
    int y = activation(out, sy);
    ops.add(new QRequant(acc, y, -1, new int[] {mul.m()}, new int[] {mul.shift()}, qmin, qmax));
  }

  // ------------------------------------------------------------------ element-wise

  /**
   * y = clamp((ma·a ± mb·b + 2^(s−1)) >> s). The sum must stay within int32 for every input (the
   * requantization proof's bound), so the shift is lowered until it does (int16 operands leave
   * about 15 bits for the multipliers). A constant operand is not multiplied by a rounded
   * multiplier: it is requantized itself to the sum's scale (multiplier 1), clamped where it
   * saturates the output whatever the other operand is.
   */
  private void addSub(int a, int b, String out, boolean subtract) {
    if (t(a).kind() == Kind.CONSTANT && t(b).kind() != Kind.CONSTANT) {
      // c − x = −(x − c): keep the run-time operand first
      int y = addSubOrdered(b, a, out, graph.shapeOf(out), scaleOf(out), subtract, subtract);
      ids.put(out, y);
      return;
    }
    ids.put(out, addSubOrdered(a, b, out, graph.shapeOf(out), scaleOf(out), subtract, false));
  }

  /** a ± b (negated: −(a ± b)) with a run-time a, into a new tensor {@code out} of the given shape and scale. */
  private int addSubOrdered(int a, int b, String out, int[] shape, double sy, boolean subtract, boolean negated) {
    double ra = t(a).scale() / sy, rb = t(b).scale() / sy;
    boolean constant = t(b).kind() == Kind.CONSTANT;
    int first = Requantize.multiplier(Math.max(ra, rb)).shift(), shift = first;
    long maxA = Math.max(-(long) t(a).min(), t(a).max()), maxB = Math.max(-(long) t(b).min(), t(b).max());
    long ma, mb;
    int[] folded = null;
    boolean retried = false;
    while (true) {
      ma = Math.round(Math.scalb(ra, shift));
      long bTerm;
      if (constant) {
        // values at the sum's scale, clamped beyond the reach of a's term plus the output range
        long cap = ma * maxA + ((long) (qmax + 1) << shift);
        int[] v = t(b).constantValues();
        folded = new int[v.length];
        bTerm = 0;
        for (int k = 0; k < v.length; k++) {
          long q = Math.max(-cap, Math.min(cap, Math.round(Math.scalb(v[k] * rb, shift))));
          folded[k] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, q));
          bTerm = Math.max(bTerm, Math.abs(q));
        }
        mb = 1;
      } else {
        mb = Math.round(Math.scalb(rb, shift));
        bTerm = mb * maxB;
      }
      if (retried || ma * maxA + bTerm + (1L << (shift - 1)) <= 1L << 31) break;
      if (shift <= 1) {
        retried = true;
        // no shift keeps the sum in int32 (an accumulator operand, say): the integer executor
        // computes it in 64 bits, and ModelCompiler refuses to prove such a QAdd
        shift = first;
        continue;
      }
      shift--;
    }
    if (constant) b = add(t(b).name() + "/at sum scale", t(b).shapeView(), Math.scalb(sy, -shift), Kind.CONSTANT, 32, folded);
    long signA = negated ? -1 : 1, signB = (subtract ? -1 : 1) * signA;
    int y = add(out, shape, sy, Kind.ACTIVATION, options.activationBits(), null);
    ops.add(new QAdd(a, b, y, (int) (signA * ma), (int) (signB * mb), shift, qmin, qmax));
    return y;
  }

  private void mul(int a, int b, String out) {
    if (booleans.contains(a) && booleans.contains(b)) {
      // a product of 0/1 values (an outer product of one-hots): 0/1 at scale 1, two bits wide, so that
      // a dense layer reading it bounds its accumulator by 1 per row, not by the activation range
      int y = add(out, graph.shapeOf(out), 1.0, Kind.ACTIVATION, 2, null);
      ids.put(out, y);
      Requantize.Multiplier m = Requantize.multiplier(1.0);
      ops.add(new QMul(a, b, y, m.m(), m.shift(), 0, 1));
      booleans.add(y);
      return;
    }
    double sy = scaleOf(out);
    Requantize.Multiplier m = Requantize.multiplier(t(a).scale() * t(b).scale() / sy);
    int y = activation(out, sy);
    ops.add(new QMul(a, b, y, m.m(), m.shift(), qmin, qmax));
  }

  // ------------------------------------------------------------------ comparisons and booleans
  //
  // A boolean is an activation tensor of scale 1 holding 0 or 1 (the set `booleans`). Every op
  // below is built from QAdd (an exact or finely scaled sum) and QTable (a step function over the
  // sum's range), so it is proved by the same layers as any other model.

  /** {@code x} as a boolean: itself if it is one, else the table x != 0. */
  private int bool(int x) {
    if (booleans.contains(x)) return x;
    if (t(x).kind() == Kind.CONSTANT) {
      int[] v = t(x).constantValues(), q = new int[v.length];
      for (int k = 0; k < q.length; k++) q[k] = v[k] != 0 ? 1 : 0;
      return booleanConstant(t(x).name() + "/bool", t(x).shapeView(), q);
    }
    return booleanTable(x, t(x).name() + "/bool", t(x).shapeView(), v -> v != 0);
  }

  /** Input {@code i} of {@code n} as a boolean (a constant is read as 0/1 directly, not quantized). */
  private int boolOperand(Node n, int i) {
    if (isConst(n, i)) {
      Tensor c = graph.constants().get(n.input(i));
      int[] q = new int[c.size()];
      for (int k = 0; k < q.length; k++) q[k] = c.get(k) != 0 ? 1 : 0;
      return booleanConstant(n.input(i), c.shapeView(), q);
    }
    return bool(operand(n, i));
  }

  private int booleanConstant(String name, int[] shape, int[] values) {
    int id = add(name, shape, 1.0, Kind.CONSTANT, options.activationBits(), values);
    booleans.add(id);
    return id;
  }

  /** A table from {@code x}'s whole range to 0/1. */
  private int booleanTable(int x, String out, int[] shape, java.util.function.IntPredicate p) {
    QTensor xt = t(x);
    if (xt.kind() == Kind.ACCUMULATOR) throw new IllegalArgumentException("a comparison on an accumulator");
    int[] table = new int[xt.max() - xt.min() + 1];
    for (int i = 0; i < table.length; i++) table[i] = p.test(xt.min() + i) ? 1 : 0;
    int y = add(out, shape, 1.0, Kind.ACTIVATION, options.activationBits(), null);
    ops.add(new QTable(x, y, xt.min(), table));
    booleans.add(y);
    return y;
  }

  /** 1 − c for a boolean c. */
  private int not(int c, String out) {
    if (t(c).kind() == Kind.CONSTANT) {
      int[] v = t(c).constantValues(), q = new int[v.length];
      for (int k = 0; k < q.length; k++) q[k] = 1 - v[k];
      return booleanConstant(out, t(c).shapeView(), q);
    }
    return booleanTable(c, out, t(c).shapeView(), v -> v == 0);
  }

  /**
   * Equal / Less / Greater / LessOrEqual / GreaterOrEqual: the difference d = a − b as an exact
   * integer combination acc = M_a·a − M_b·b (a QAdd kept below 2^31 in magnitude for every input),
   * then a step table on d.
   *
   * <p>A constant operand c is not multiplied by a rounded multiplier but requantized itself at
   * the fine scale s_a·2^−P (M_a = 2^P, M_b = 1), so a run-time tensor is compared with a constant
   * exactly, up to 2^−P of a's step (P = 21 for int8). Two run-time operands use M = s·2^P/max(s_a, s_b)
   * rounded, an error of at most (|a| + |b|)/2 units of max(s_a, s_b)·2^−P (negligible for int8,
   * up to a few steps for int16 operands near the ends of their ranges).
   *
   * <p>Orderings take the sign of acc exactly (the QAdd shift is 1 with even multipliers; clamping
   * d to the activation range keeps its sign). Equal is true when |a − b| ≤ (s_a + s_b)/2 (up to
   * 1/32 of that), the two half steps of quantization: two quantizations of the same real number
   * always compare equal; for a constant operand s_b = 0.
   */
  private void compare(Node n, String out) {
    String op = n.opType();
    int[] os = graph.shapeOf(out);
    boolean constant = isConst(n, 0) || isConst(n, 1);
    int runTime = isConst(n, 0) ? 1 : 0;
    if (runTime == 1) {
      // c op x  ==  x op' c
      op = switch (op) {
        case "Less" -> "Greater";
        case "Greater" -> "Less";
        case "LessOrEqual" -> "GreaterOrEqual";
        case "GreaterOrEqual" -> "LessOrEqual";
        default -> op;
      };
    }
    int a = operand(n, runTime), b;
    QTensor ta = t(a);
    if (ta.kind() == Kind.ACCUMULATOR) throw new IllegalArgumentException("a comparison of an accumulator");
    long maxA = Math.max(-(long) ta.min(), ta.max());
    long ma, mb;
    double unit, stepB;
    if (constant) {
      Tensor c = graph.constants().get(n.input(1 - runTime));
      int p = 29 - (64 - Long.numberOfLeadingZeros(maxA));
      unit = Math.scalb(ta.scale(), -p);
      int[] q = new int[c.size()];
      for (int k = 0; k < q.length; k++) {
        double v = c.get(k) / unit;
        q[k] = Double.isNaN(v) ? 0 : (int) Math.max(-(1L << 29), Math.min(1L << 29, Math.round(v)));
      }
      b = add(out + "/threshold", c.shapeView(), unit, Kind.CONSTANT, 31, q);
      ma = 1L << p;
      mb = 1;
      stepB = 0;
    } else {
      b = operand(n, 1);
      QTensor tb = t(b);
      if (tb.kind() == Kind.ACCUMULATOR) throw new IllegalArgumentException("a comparison of an accumulator");
      long span = maxA + Math.max(-(long) tb.min(), tb.max());
      int p = 29 - (64 - Long.numberOfLeadingZeros(span));
      double u = Math.max(ta.scale(), tb.scale());
      unit = Math.scalb(u, -p);
      ma = Math.round(Math.scalb(ta.scale() / u, p));
      mb = Math.round(Math.scalb(tb.scale() / u, p));
      stepB = tb.scale();
    }
    int d;
    java.util.function.IntPredicate step;
    if (op.equals("Equal")) {
      double tolerance = (ta.scale() + stepB) / 2 / unit; // in units of acc
      int shift = Math.max(1, (int) Math.floor(Math.log(tolerance / 32) / Math.log(2)));
      int limit = (int) Math.floor(tolerance / Math.scalb(1.0, shift));
      d = add(out + "/difference", os, Math.scalb(unit, shift), Kind.ACTIVATION, options.activationBits(), null);
      ops.add(new QAdd(a, b, d, (int) ma, (int) -mb, shift, qmin, qmax));
      step = v -> Math.abs(v) <= limit;
    } else {
      d = add(out + "/difference", os, unit, Kind.ACTIVATION, options.activationBits(), null);
      ops.add(new QAdd(a, b, d, (int) (2 * ma), (int) (-2 * mb), 1, qmin, qmax));
      step = switch (op) {
        case "Less" -> v -> v < 0;
        case "Greater" -> v -> v > 0;
        case "LessOrEqual" -> v -> v <= 0;
        default -> v -> v >= 0; // GreaterOrEqual
      };
    }
    ids.put(out, booleanTable(d, out, os, step));
  }

  /** And / Or / Xor of booleans: the exact sum x + y (a QAdd), then a table on it. */
  private void logical(Node n, String out) {
    int x = boolOperand(n, 0), y = boolOperand(n, 1);
    int[] os = graph.shapeOf(out);
    int sum = add(out + "/sum", os, 1.0, Kind.ACTIVATION, options.activationBits(), null);
    ops.add(new QAdd(x, y, sum, 2, 2, 1, qmin, qmax));
    java.util.function.IntPredicate p = switch (n.opType()) {
      case "And" -> v -> v == 2;
      case "Or" -> v -> v >= 1;
      default -> v -> v == 1; // Xor
    };
    ids.put(out, booleanTable(sum, out, os, p));
  }

  /**
   * Where(c, x, y) in general: c·x + (1 − c)·y for the boolean c, as two QMuls (each rescaling its
   * branch to the output's scale; a product with 0 or 1 is exact) and their exact sum (one of
   * the two terms is 0, so the sum cannot leave the range).
   */
  private void whereSelect(Node n, String out) {
    int c = boolOperand(n, 0);
    int notC = not(c, t(c).name() + "/not");
    int x = operand(n, 1), y = operand(n, 2);
    // branches at one scale keep it (a selection cannot leave their range); otherwise the calibrated one
    double sy = t(x).scale() == t(y).scale() && fitsActivation(x) && fitsActivation(y) ? t(x).scale() : scaleOf(out);
    int[] os = graph.shapeOf(out);
    // a branch that is the constant 0 contributes nothing (and a product with a zero bound has no requantization)
    boolean keepX = !isZeroConstant(x);
    int sel = keepX ? c : notC, v = keepX ? x : y;
    if ((isZeroConstant(x) || isZeroConstant(y)) && java.util.Arrays.equals(Shapes.broadcast(t(sel).shapeView(), t(v).shapeView()), os)) {
      Requantize.Multiplier m = Requantize.multiplier(t(v).scale() / sy);
      int r = add(out, os, sy, Kind.ACTIVATION, options.activationBits(), null);
      ops.add(new QMul(sel, v, r, m.m(), m.shift(), qmin, qmax));
      ids.put(out, r);
      return;
    }
    int px = add(out + "/if true", Shapes.broadcast(t(c).shapeView(), t(x).shapeView()), sy, Kind.ACTIVATION, options.activationBits(), null);
    Requantize.Multiplier mx = Requantize.multiplier(t(x).scale() / sy);
    ops.add(new QMul(c, x, px, mx.m(), mx.shift(), qmin, qmax));
    int py = add(out + "/if false", Shapes.broadcast(t(notC).shapeView(), t(y).shapeView()), sy, Kind.ACTIVATION, options.activationBits(), null);
    Requantize.Multiplier my = Requantize.multiplier(t(y).scale() / sy);
    ops.add(new QMul(notC, y, py, my.m(), my.shift(), qmin, qmax));
    int r = activation(out, sy);
    ops.add(new QAdd(px, py, r, 2, 2, 1, qmin, qmax));
  }

  /**
   * A table whose outputs are integers (Round, Floor, Ceil, a cast to an integer type, an integer
   * Mod): its scale is a whole number (1 while the range fits the activation bits), so every
   * integer in range is exact and a later cast or comparison sees the integer itself, not a value a
   * fraction of a step beside it.
   */
  private void integerTable(int x, String out, java.util.function.DoubleUnaryOperator f) {
    Stats st = stats.get(out);
    double range = st == null ? 0 : st.range(options.percentile());
    double sy = Math.max(1, Math.ceil(range / qmax));
    ids.put(out, tableWithScale(t(x), out, graph.shapeOf(out), sy, f));
  }

  /** Whether a tensor's values lie in the activation range (a run-time activation, or a constant whose values do). */
  private boolean fitsActivation(int x) {
    if (t(x).kind() == Kind.CONSTANT) {
      for (int v : t(x).constantValues()) if (v < qmin || v > qmax) return false;
      return true;
    }
    return t(x).kind() != Kind.ACCUMULATOR && t(x).bits() == options.activationBits();
  }

  private boolean isZeroConstant(int x) {
    if (t(x).kind() != Kind.CONSTANT) return false;
    for (int v : t(x).constantValues()) if (v != 0) return false;
    return true;
  }

  private void table(Node n, int x, String out, java.util.function.DoubleUnaryOperator f) {
    int y = tableWithScale(t(x), out, graph.shapeOf(out), scaleOf(out), f);
    ids.put(out, y);
  }

  /**
   * A lookup table over the whole input range: T[i] = clamp(round(f((min + i) * sx) / sy)).
   *
   * <p>Where f is infinite or undefined at a representable input (Log and Reciprocal at 0, Log and
   * Sqrt of a negative number, Pow of a negative base with a fractional exponent), the entry
   * saturates: +∞ gives the largest output value, −∞ the smallest, and an undefined value (NaN)
   * gives 0. The float model has no finite value there, so calibration ignores those points and
   * the quantization report counts such an entry as an error against the float output (infinite
   * or NaN).
   */
  private int tableWithScale(QTensor x, String out, int[] shape, double sy, java.util.function.DoubleUnaryOperator f) {
    if (x.kind() == Kind.ACCUMULATOR) throw new IllegalArgumentException("a lookup on an accumulator");
    int lo = x.min(), hi = x.max();
    int[] table = new int[hi - lo + 1];
    for (int i = 0; i < table.length; i++) {
      double v = f.applyAsDouble((lo + i) * x.scale()) / sy;
      table[i] = Double.isNaN(v) ? 0 : Requantize.clamp(Math.round(Math.max(Math.min(v, 1e18), -1e18)), qmin, qmax);
    }
    int y = add(out, shape, sy, Kind.ACTIVATION, options.activationBits(), null);
    ops.add(new QTable(x.id(), y, lo, table));
    return y;
  }

  private void concat(Node n, String out) {
    int[] ins = new int[n.inputs().size()];
    double sy = 0;
    for (int i = 0; i < ins.length; i++) {
      if (isConst(n, i)) continue;
      ins[i] = operand(n, i);
      sy = Math.max(sy, t(ins[i]).scale());
    }
    for (int i = 0; i < ins.length; i++) {
      if (isConst(n, i)) {
        Tensor c = graph.constants().get(n.input(i));
        double maxAbs = 0;
        for (double v : c.data()) maxAbs = Math.max(maxAbs, Math.abs(v));
        sy = Math.max(sy, maxAbs / qmax);
      }
    }
    for (int i = 0; i < ins.length; i++) {
      if (isConst(n, i)) {
        Tensor c = graph.constants().get(n.input(i));
        int[] q = new int[c.size()];
        for (int k = 0; k < q.length; k++) q[k] = Requantize.clamp(Math.round(c.get(k) / sy), qmin, qmax);
        ins[i] = add(n.input(i), c.shapeView(), sy, Kind.CONSTANT, options.activationBits(), q);
      } else if (t(ins[i]).scale() != sy) {
        Requantize.Multiplier m = Requantize.multiplier(t(ins[i]).scale() / sy);
        int r = add(t(ins[i]).name() + "/rescaled", t(ins[i]).shapeView(), sy, Kind.ACTIVATION, options.activationBits(), null);
        ops.add(new QRequant(ins[i], r, -1, new int[] {m.m()}, new int[] {m.shift()}, qmin, qmax));
        ins[i] = r;
      }
    }
    int y = activation(out, sy);
    ops.add(new QConcat(ins, y, OpKernels.axis(n, n.attrLong("axis", Long.MIN_VALUE), graph.shapeOf(out).length)));
  }

  private void softmax(Node n, String out) {
    int x = operand(n, 0);
    int[] view = OpKernels.softmaxView(n, t(x).shapeView());
    double sx = t(x).scale();
    int offset = t(x).max() - t(x).min();
    // exp(d * sx) underflows 2^-16 for d * sx < -11.1: the table only needs to reach that far.
    offset = (int) Math.min(offset, Math.ceil(12 / sx));
    // after a masked fill below the scores' range, the table ends where the filled positions begin
    offset = softmaxOffsets.getOrDefault(x, offset);
    int[] exp = new int[offset + 1];
    for (int i = 0; i <= offset; i++) exp[i] = (int) Math.round(Math.scalb(Math.exp((i - offset) * sx), 15));
    int y = activation(out, 1.0 / qmax);
    ops.add(new QSoftmax(x, y, view[0], view[1], view[2], offset, exp, qmax));
  }


  // ------------------------------------------------------------------ maxima, minima and their indices
  //
  // Every maximum is a QMaxPool over a [1, rows, 1, R] view of its operand (the reduced values
  // last), in stages of windows of at most MAX_STAGE_WINDOW values; a minimum is the complement
  // ~v = −v − 1 (an order-reversing bijection of the integer range, one lookup table) of the
  // maximum of the complements, so it is exact at both ends of the range.

  /** The widest window of one max-pooling stage (the proof's sumcheck has degree window + 1). */
  private static final int MAX_STAGE_WINDOW = 16;

  /** x with a new shape of the same size (itself when the shape is unchanged). */
  private int reshaped(int x, int[] shape, String name) {
    if (java.util.Arrays.equals(t(x).shapeView(), shape)) return x;
    int y = add(name, shape, t(x).scale(), t(x).kind() == Kind.ACCUMULATOR ? Kind.ACCUMULATOR : Kind.ACTIVATION, t(x).bits(), null);
    ops.add(new QReshape(x, y));
    return y;
  }

  /** x with its {@code reduced} axes moved last (a transpose where needed): {tensor, rows, reduced count}. */
  private int[] reducedLast(int x, boolean[] reduced, String name) {
    int[] xs = t(x).shapeView();
    int r = xs.length, k = 0, rows = 1, len = 1;
    int[] perm = new int[r], ps = new int[r];
    for (int d = 0; d < r; d++) if (!reduced[d]) { perm[k] = d; ps[k++] = xs[d]; rows *= xs[d]; }
    for (int d = 0; d < r; d++) if (reduced[d]) { perm[k] = d; ps[k++] = xs[d]; len *= xs[d]; }
    boolean identity = true;
    for (int d = 0; d < r; d++) identity &= perm[d] == d;
    if (identity) return new int[] {x, rows, len};
    int y = add(name + "/reduced axes last", ps, t(x).scale(), Kind.ACTIVATION, t(x).bits(), null);
    ops.add(new QTranspose(x, y, perm));
    return new int[] {y, rows, len};
  }

  /** The maximum over the last {@code len} values of each of {@code rows} rows of x: a [1, rows, 1, 1] tensor. */
  private int maxOfRows(int x, int rows, int len, String name) {
    int cur = reshaped(x, new int[] {1, rows, 1, len}, name + "/pool view");
    for (int stage = 0; len > 1; stage++) {
      int k = Math.min(len, MAX_STAGE_WINDOW), next = Math.ceilDiv(len, k);
      int y = add(name + "/max stage " + stage, new int[] {1, rows, 1, next}, t(cur).scale(), Kind.ACTIVATION, t(cur).bits(), null);
      ops.add(new QMaxPool(cur, y, 1, k, 1, k, 0, 0));
      cur = y;
      len = next;
    }
    return cur;
  }

  /** ~x = −x − 1 over x's whole range, after rescaling by {@code ratio} (clamped) when it is not 1: one table. */
  private int complement(int x, double ratio, double scale, String name) {
    QTensor xt = t(x);
    if (xt.kind() == Kind.ACCUMULATOR) throw new IllegalArgumentException("a minimum of an accumulator");
    int lo = -(1 << (xt.bits() - 1)), hi = (1 << (xt.bits() - 1)) - 1;
    int[] table = new int[xt.max() - xt.min() + 1];
    for (int i = 0; i < table.length; i++) {
      int v = ratio == 1 ? xt.min() + i : Requantize.clamp(Math.round((xt.min() + i) * ratio), qmin, qmax);
      table[i] = Requantize.clamp(-(long) v - 1, ratio == 1 ? lo : qmin, ratio == 1 ? hi : qmax);
    }
    int y = add(name, xt.shapeView(), scale, Kind.ACTIVATION, ratio == 1 ? xt.bits() : options.activationBits(), null);
    ops.add(new QTable(x, y, xt.min(), table));
    return y;
  }

  /** ReduceMax / ReduceMin / GlobalMaxPool: staged max-pooling of the reduced values (of their complements for a minimum). */
  private void reduceExtreme(Node n, String out) {
    int x = operand(n, 0);
    if (t(x).kind() == Kind.ACCUMULATOR) throw n.unsupported("a reduction of an int32 accumulator cannot be quantized");
    int[] xs = t(x).shapeView();
    boolean[] red;
    if (n.opType().equals("GlobalMaxPool")) {
      red = new boolean[xs.length];
      for (int d = 2; d < xs.length; d++) red[d] = true;
    } else {
      red = OpKernels.reduceSpec(n, xs, constInputs(n)).reduced();
    }
    boolean min = n.opType().equals("ReduceMin");
    int[] v = reducedLast(x, red, out);
    int src = min ? complement(v[0], 1, t(x).scale(), out + "/complement") : v[0];
    int m = maxOfRows(src, v[1], v[2], out);
    if (min) m = complement(m, 1, t(x).scale(), out + "/complement of the maximum");
    int y = add(out, graph.shapeOf(out), t(x).scale(), Kind.ACTIVATION, t(x).bits(), null);
    ops.add(new QReshape(m, y));
    ids.put(out, y);
  }

  /** A run-time x broadcast (numpy rules) to {@code os}: a reshape to the output's rank, then one gather of index 0 per stretched axis. */
  private int broadcastRuntime(int x, int[] os, String name) {
    int[] ts = t(x).shapeView();
    if (java.util.Arrays.equals(ts, os)) return x;
    int[] b = Shapes.broadcast(ts, os);
    if (b == null || !java.util.Arrays.equals(b, os)) throw new IllegalArgumentException(Shapes.str(ts) + " does not broadcast to " + Shapes.str(os));
    int[] cur = new int[os.length];
    for (int d = 0; d < os.length; d++) {
      int j = d - (os.length - ts.length);
      cur[d] = j >= 0 ? ts[j] : 1;
    }
    x = reshaped(x, cur.clone(), name + "/rank " + os.length);
    for (int d = 0; d < os.length; d++) {
      if (cur[d] != os[d]) {
        cur[d] = os[d];
        int g = add(name + "/broadcast " + java.util.Arrays.toString(cur), cur.clone(), t(x).scale(), Kind.ACTIVATION, t(x).bits(), null);
        ops.add(new QGather(x, g, d, new int[os[d]]));
        x = g;
      }
    }
    return x;
  }

  /**
   * Max / Min of two or more tensors (numpy broadcasting). One run-time operand against scalar
   * constants is a clamp at the operand's scale. Otherwise every operand is brought to the output
   * scale (a requantization, or for Min one table that rescales and complements), broadcast,
   * viewed as one column of a [size, k] tensor, and reduced by max-pooling.
   */
  private void elementwiseExtreme(Node n, String out, boolean min) {
    int[] os = graph.shapeOf(out);
    int k = n.inputs().size(), runTime = -1, runTimeCount = 0;
    boolean scalars = true;
    for (int i = 0; i < k; i++) {
      if (isConst(n, i)) scalars &= graph.constants().get(n.input(i)).size() == 1;
      else {
        runTime = i;
        runTimeCount++;
      }
    }
    if (k == 1) {
      alias(n);
      return;
    }
    if (runTimeCount == 1 && scalars && java.util.Arrays.equals(graph.shapeOf(n.input(runTime)), os)) {
      int x = operand(n, runTime);
      if (t(x).kind() == Kind.ACCUMULATOR) throw n.unsupported("an int32 accumulator operand cannot be quantized");
      double bound = min ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      for (int i = 0; i < k; i++) {
        if (i != runTime) bound = min ? Math.min(bound, constValue(n, i)) : Math.max(bound, constValue(n, i));
      }
      double s = t(x).scale();
      int q = Requantize.clamp(Math.round(Math.max(Math.min(bound / s, 1e18), -1e18)), t(x).min(), t(x).max());
      int y = add(out, os, s, Kind.ACTIVATION, t(x).bits(), null);
      ops.add(new QClamp(x, y, min ? t(x).min() : q, min ? q : t(x).max()));
      ids.put(out, y);
      return;
    }
    // run-time operands at one scale keep it: their maximum lies in their range, and ties stay ties
    double common = Double.NaN;
    boolean oneScale = true;
    for (int i = 0; i < k && oneScale; i++) {
      if (isConst(n, i)) {
        oneScale = false;
        continue;
      }
      QTensor q = t(operand(n, i));
      if (q.kind() == Kind.ACCUMULATOR || q.bits() != options.activationBits() || (!Double.isNaN(common) && q.scale() != common)) oneScale = false;
      common = q.scale();
    }
    double sy = oneScale ? common : scaleOf(out);
    int size = Shapes.size(os);
    int[] parts = new int[k];
    for (int i = 0; i < k; i++) {
      String name = out + "/operand " + i;
      if (isConst(n, i)) {
        Tensor c = graph.constants().get(n.input(i));
        int[] idx = Shapes.broadcastIndex(c.shapeView(), os);
        int[] q = new int[size];
        for (int j = 0; j < size; j++) {
          double v = c.get(idx[j]) / sy;
          q[j] = Requantize.clamp(Math.round(Double.isNaN(v) ? 0 : Math.max(Math.min(v, 1e18), -1e18)), qmin, qmax);
          if (min) q[j] = -q[j] - 1;
        }
        parts[i] = add(name, new int[] {size, 1}, sy, Kind.CONSTANT, options.activationBits(), q);
        continue;
      }
      int x = operand(n, i);
      if (t(x).kind() == Kind.ACCUMULATOR) throw n.unsupported("an int32 accumulator operand cannot be quantized");
      if (min) {
        x = complement(x, t(x).scale() / sy, sy, name + "/complement at output scale");
      } else if (t(x).scale() != sy || t(x).bits() != options.activationBits()) {
        Requantize.Multiplier m = Requantize.multiplier(t(x).scale() / sy);
        int r = add(name + "/at output scale", t(x).shapeView(), sy, Kind.ACTIVATION, options.activationBits(), null);
        ops.add(new QRequant(x, r, -1, new int[] {m.m()}, new int[] {m.shift()}, qmin, qmax));
        x = r;
      }
      parts[i] = reshaped(broadcastRuntime(x, os, name), new int[] {size, 1}, name + "/column");
    }
    int cat = add(out + "/operands", new int[] {size, k}, sy, Kind.ACTIVATION, options.activationBits(), null);
    ops.add(new QConcat(parts, cat, 1));
    int m = maxOfRows(cat, size, k, out);
    if (min) m = complement(m, 1, sy, out + "/complement of the maximum");
    int y = add(out, os, sy, Kind.ACTIVATION, options.activationBits(), null);
    ops.add(new QReshape(m, y));
    ids.put(out, y);
  }

  /**
   * ArgMax / ArgMin along one axis, as integers at scale 1. With the axis last ([rows, L]; ArgMin
   * works on the complements): m = the row maximum (max-pooling), e_j = [x_j − m = 0] (an exact
   * QAdd and a table), P = T·e for a constant 0/1 matrix T (a QDense: P_j = #maxima at indices ≤ j,
   * or > j for select_last_index = 1), z_j = [P_j = 0] (resp. [P_j > 0]), and the index Σ_j z_j
   * (a QReduceSum): the number of positions before the first maximum (before and at... the last).
   * Every step is an exact integer op of the proof; L must fit the activation range.
   */
  private void argExtreme(Node n, String out) {
    int x = operand(n, 0);
    if (t(x).kind() == Kind.ACCUMULATOR) throw n.unsupported("an int32 accumulator operand cannot be quantized");
    int[] xs = t(x).shapeView();
    int ax = OpKernels.axis(n, n.attrLong("axis", 0), xs.length);
    int len = xs[ax];
    if (len > qmax) {
      throw n.unsupported("an axis of " + len + " values has indices beyond the int" + options.activationBits() + " range");
    }
    boolean last = n.attrLong("select_last_index", 0) != 0;
    boolean[] red = new boolean[xs.length];
    red[ax] = true;
    int[] v = reducedLast(x, red, out);
    int rows = v[1];
    int[] rl = {rows, len}, r1 = {rows, 1};
    int flat = reshaped(v[0], rl, out + "/rows");
    int src = n.opType().equals("ArgMin") ? complement(flat, 1, t(x).scale(), out + "/complement") : flat;
    int m = reshaped(maxOfRows(src, rows, len, out + "/maximum"), r1, out + "/row maximum");
    int d = add(out + "/difference to the maximum", rl, t(x).scale(), Kind.ACTIVATION, t(src).bits(), null);
    ops.add(new QAdd(src, m, d, 2, -2, 1, t(src).min(), t(src).max()));
    int e = booleanTable(d, out + "/is maximal", rl, q -> q == 0);
    int[] w = new int[len * len];
    for (int j = 0; j < len; j++) for (int i = 0; i < len; i++) w[j * len + i] = (last ? i > j : i <= j) ? 1 : 0;
    int p = add(out + "/maxima counted", rl, 1.0, Kind.ACCUMULATOR, 32, null);
    ops.add(new QDense(e, p, len, len, w, new int[len]));
    int pq = add(out + "/maxima count", rl, 1.0, Kind.ACTIVATION, options.activationBits(), null);
    ops.add(new QRequant(p, pq, -1, new int[] {2}, new int[] {1}, qmin, qmax));
    int z = booleanTable(pq, out + "/before the index", rl, last ? q -> q > 0 : q -> q == 0);
    int s = add(out + "/index sum", r1, 1.0, Kind.ACCUMULATOR, 32, null);
    ops.add(new QReduceSum(z, s, new int[] {1}));
    int idx = add(out + "/index", r1, 1.0, Kind.ACTIVATION, options.activationBits(), null);
    ops.add(new QRequant(s, idx, -1, new int[] {2}, new int[] {1}, qmin, qmax));
    int y = add(out, graph.shapeOf(out), 1.0, Kind.ACTIVATION, options.activationBits(), null);
    ops.add(new QReshape(idx, y));
    ids.put(out, y);
  }

  /**
   * LogSoftmax = d − log Σ exp(d) with d = x − max (the reduced axis last, [rows, L]): m by
   * max-pooling; d exact at x's scale (a QAdd one bit wider than x, d ∈ [−D, 0] for D = x's
   * integer span); e = round(2^14·exp(d·sx)) (a table); S = Σ e (QReduceSum, S ≥ 2^14 since some
   * d is 0); S' = round(S / 2^k) (k ≥ 7, so S' ∈ [2^(14−k), L·2^(14−k)] in at most 16 bits: L ≤
   * 255 at k = 7); lse = round(log(S'·2^(k−14)) / sy) (a table); y = d·sx/sy − lse (QAdd). Error
   * against the float reference: at most 2·sx (the inputs' rounding) + sy (two roundings at the
   * output scale) + L·2^−15 + 2^(k−15) (the sum's roundings, relative), plus the output clamp.
   */
  private void logSoftmax(Node n, String out) {
    int x = operand(n, 0);
    QTensor xt = t(x);
    if (xt.kind() == Kind.ACCUMULATOR) throw n.unsupported("an int32 accumulator operand cannot be quantized");
    int[] view = OpKernels.softmaxView(n, xt.shapeView());
    int outer = view[0], len = view[1], inner = view[2], rows = outer * inner;
    int src = reshaped(x, view.clone(), out + "/view");
    if (inner > 1) {
      int tr = add(out + "/axis last", new int[] {outer, inner, len}, xt.scale(), Kind.ACTIVATION, xt.bits(), null);
      ops.add(new QTranspose(src, tr, new int[] {0, 2, 1}));
      src = tr;
    }
    int[] rl = {rows, len}, r1 = {rows, 1};
    int flat = reshaped(src, rl, out + "/rows");
    int m = reshaped(maxOfRows(flat, rows, len, out + "/maximum"), r1, out + "/row maximum");
    int span = xt.max() - xt.min();
    int dBits = 65 - Long.numberOfLeadingZeros(span); // holds −span
    if (dBits > 16) throw n.unsupported("a 17-bit difference to the maximum cannot be quantized (use int8 activations)");
    double sx = xt.scale();
    int d = add(out + "/difference to the maximum", rl, sx, Kind.ACTIVATION, dBits, null);
    ops.add(new QAdd(flat, m, d, 2, -2, 1, -span, 0));
    // tables cover their input's whole range; entries an honest d (in [−span, 0]) or S' (in [sLo, sHi]) never reaches are those of the nearest end
    int dMin = t(d).min();
    int[] exp = new int[t(d).max() - dMin + 1];
    for (int i = 0; i < exp.length; i++) exp[i] = (int) Math.round(Math.scalb(Math.exp(Math.min(dMin + i, 0) * sx), 14));
    int e = add(out + "/exp", rl, Math.scalb(1.0, -14), Kind.ACTIVATION, 16, null);
    ops.add(new QTable(d, e, dMin, exp));
    int sum = add(out + "/sum of exp", r1, Math.scalb(1.0, -14), Kind.ACCUMULATOR, 32, null);
    ops.add(new QReduceSum(e, sum, new int[] {1}));
    int k = 7;
    while (((long) len << Math.max(0, 14 - k)) > 32767) k++;
    if (k > 14) throw n.unsupported("an axis of " + len + " values is too long");
    int sLo = 1 << (14 - k), sHi = len << (14 - k);
    int sBits = 65 - Long.numberOfLeadingZeros(sHi);
    int scaled = add(out + "/sum of exp rounded", r1, Math.scalb(1.0, k - 14), Kind.ACTIVATION, sBits, null);
    ops.add(new QRequant(sum, scaled, -1, new int[] {1}, new int[] {k}, 0, t(scaled).max()));
    double sy = scaleOf(out);
    int[] log = new int[t(scaled).max() - t(scaled).min() + 1];
    for (int i = 0; i < log.length; i++) {
      int v = Math.max(t(scaled).min() + i, sLo);
      log[i] = Requantize.clamp(Math.round(Math.log(Math.scalb((double) v, k - 14)) / sy), qmin, qmax);
    }
    int lse = add(out + "/log of the sum", r1, sy, Kind.ACTIVATION, options.activationBits(), null);
    ops.add(new QTable(scaled, lse, t(scaled).min(), log));
    int y = addSubOrdered(d, lse, out + "/log softmax", rl, sy, true, false);
    if (inner > 1) {
      int back = reshaped(y, new int[] {outer, inner, len}, out + "/axis last view");
      int tr = add(out + "/axis back", view.clone(), sy, Kind.ACTIVATION, options.activationBits(), null);
      ops.add(new QTranspose(back, tr, new int[] {0, 2, 1}));
      y = tr;
    }
    int o = add(out, graph.shapeOf(out), sy, Kind.ACTIVATION, options.activationBits(), null);
    ops.add(new QReshape(y, o));
    ids.put(out, o);
  }

  /**
   * Sum of n tensors: a chain of QAdds; each partial sum at a scale that holds the sum of its
   * operands' ranges (no clamping before the last), the last at the output's scale.
   */
  private void sum(Node n, String out) {
    int k = n.inputs().size();
    if (k == 1) {
      alias(n);
      return;
    }
    int acc = operand(n, 0);
    for (int i = 1; i < k; i++) {
      int b = operand(n, i);
      if (i == k - 1) {
        addSub(acc, b, out, false);
        return;
      }
      int[] shape = Shapes.broadcast(t(acc).shapeView(), t(b).shapeView());
      double range = Math.max(-t(acc).min(), t(acc).max()) * t(acc).scale() + Math.max(-t(b).min(), t(b).max()) * t(b).scale();
      String name = out + "/partial sum " + i;
      acc = t(acc).kind() == Kind.CONSTANT && t(b).kind() != Kind.CONSTANT
          ? addSubOrdered(b, acc, name, shape, range / qmax, false, false)
          : addSubOrdered(acc, b, name, shape, range / qmax, false, false);
    }
  }

  /** Tile with constant repeats: one gather per repeated axis (index i reads i mod the input's length). */
  private void tile(Node n, String out) {
    int x = operand(n, 0);
    int[] os = graph.shapeOf(out);
    int[] cur = t(x).shapeView().clone();
    for (int d = 0; d < os.length; d++) {
      if (cur[d] == os[d]) continue;
      int[] idx = new int[os[d]];
      for (int i = 0; i < idx.length; i++) idx[i] = i % cur[d];
      cur[d] = os[d];
      int g = add(out + "/tiled " + java.util.Arrays.toString(cur), cur.clone(), t(x).scale(), Kind.ACTIVATION, t(x).bits(), null);
      ops.add(new QGather(x, g, d, idx));
      x = g;
    }
    ids.put(out, x);
  }

  private void where(Node n, String out) {
    if (!isConst(n, 0) || isConst(n, 1) == isConst(n, 2)) {
      whereSelect(n, out);
      return;
    }
    Tensor cond = graph.constants().get(n.input(0));
    boolean fillFromX = isConst(n, 1);
    int dyn = fillFromX ? 2 : 1;
    if (isConst(n, dyn)) throw n.unsupported("expected one run-time branch");
    Tensor fill = graph.constants().get(n.input(fillFromX ? 1 : 2));
    for (int k = 1; k < fill.size(); k++) if (fill.get(k) != fill.get(0)) throw n.unsupported("only a single fill value can be quantized");
    int x = operand(n, dyn);
    int[] os = graph.shapeOf(out);
    if (!java.util.Arrays.equals(os, t(x).shapeView())) throw n.unsupported("the run-time branch must have the output shape");
    int[] idx = Shapes.broadcastIndex(cond.shapeView(), os);
    int[] mask = new int[idx.length];
    for (int k = 0; k < mask.length; k++) mask[k] = (cond.get(idx[k]) != 0) == fillFromX ? 1 : 0;
    double s = t(x).scale();
    double range = s * qmax;
    Node softmax = soleConsumer(out, "Softmax");
    if (softmax != null && fill.get(0) < -range) {
      maskedSoftmaxInput(x, out, os, mask, fill.get(0), range);
      return;
    }
    double fv = fill.get(0) / s;
    int q = Double.isNaN(fv) ? 0 : Requantize.clamp(Math.round(Math.max(Math.min(fv, 1e18), -1e18)), qmin, qmax);
    int y = add(out, os, s, Kind.ACTIVATION, options.activationBits(), null);
    ids.put(out, y);
    ops.add(new QMaskedFill(x, y, mask, q));
  }

  /**
   * A masked fill whose fill lies below the input's range, read by a Softmax (an attention's causal
   * mask: -inf, -1e9, or a finite -10). At the input's scale the fill would clamp to the bottom of
   * the range, a few steps below the scores, and the masked positions would keep most of their
   * weight. So the scores are requantized to a coarser scale s' = (R + L) / (qmax - 2), where R is
   * their calibrated range and L = {@link #softmaxReach()} the distance below the row maximum at
   * which the softmax's exp table ends (beyond it exp is below half an output step). A fill within
   * R + L of zero is then represented as it is; a fill further down (-inf) becomes qmin, the scores
   * are clamped to at least qmin + offset + 1 (never binding on calibrated values, by the choice of
   * s'), and the softmax's table stops at offset = ceil(L / s'): a filled position's difference to
   * any row maximum is below -offset, so its exp is exactly 0, as in float. A row whose every
   * position is filled comes out uniform, as in float.
   */
  private void maskedSoftmaxInput(int x, String out, int[] os, int[] mask, double fill, double range) {
    double reach = softmaxReach();
    double s2 = (range + reach) / (qmax - 2);
    int offset = (int) Math.ceil(reach / s2);
    boolean beyond = !(fill > -(range + reach)); // -inf, NaN-free: a fill past the table's end is -inf to the softmax
    int q = beyond ? qmin : (int) Math.round(fill / s2);
    int lo = beyond ? qmin + offset + 1 : qmin;
    Requantize.Multiplier m = Requantize.multiplier(t(x).scale() / s2);
    int r = add(out + "/scores", os, s2, Kind.ACTIVATION, options.activationBits(), null);
    ops.add(new QRequant(x, r, -1, new int[] {m.m()}, new int[] {m.shift()}, lo, qmax));
    int y = add(out, os, s2, Kind.ACTIVATION, options.activationBits(), null);
    ids.put(out, y);
    ops.add(new QMaskedFill(r, y, mask, q));
    softmaxOffsets.put(y, offset);
  }

  /**
   * How far below a row's maximum (in float units) the softmax's exp table reaches: exp(-L) is
   * below a quarter of the output step 1/qmax at int8 (L = ln(8·127) ≈ 6.9), and 12 (exp(-12) ≈
   * 6e-6, a fifth of the step 1/32767) at int16.
   */
  private double softmaxReach() {
    return Math.min(12, Math.log(8.0 * qmax));
  }

  /** The only node reading {@code name}, if there is exactly one and it has the given type (and {@code name} is no graph output). */
  private Node soleConsumer(String name, String opType) {
    if (consumers.getOrDefault(name, 0) != 1) return null;
    for (Node m : graph.nodes()) if (m.opType().equals(opType) && m.inputs().contains(name)) return m;
    return null;
  }
}
