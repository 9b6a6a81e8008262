package dev.zkinfer.nn.quant;

import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Shapes;
import dev.zkinfer.nn.tensor.Tensor;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model in fixed point: a table of integer {@link QTensor}s (inputs, constants, activations,
 * accumulators) and the list of {@link QOp}s that compute them, in execution order. Everything
 * needed to run it bit-exactly with {@link IntegerExecutor} and to compile it to a circuit is here;
 * the real scales only serve to quantize inputs and dequantize outputs.
 * Immutable and thread-safe (it copies what it is given and returns copies of its arrays).
 */
public final class QuantizedModel {
  private final List<QTensor> tensors;
  private final List<QOp> ops;
  private final int[] inputIds;
  private final int[] outputIds;
  private final int activationBits;
  private volatile PackedModel packed;
  private volatile int[][] releasedAfter;

  public QuantizedModel(List<QTensor> tensors, List<QOp> ops, int[] inputIds, int[] outputIds, int activationBits) {
    this.tensors = List.copyOf(tensors);
    this.ops = List.copyOf(ops);
    this.inputIds = inputIds.clone();
    this.outputIds = outputIds.clone();
    this.activationBits = activationBits;
    validate();
  }

  public List<QTensor> tensors() {
    return tensors;
  }

  public List<QOp> ops() {
    return ops;
  }

  public QTensor tensor(int id) {
    return tensors.get(id);
  }

  public int[] inputIds() {
    return inputIds.clone();
  }

  public int[] outputIds() {
    return outputIds.clone();
  }

  public QTensor input() {
    return tensors.get(inputIds[0]);
  }

  public QTensor output() {
    return tensors.get(outputIds[0]);
  }

  public int activationBits() {
    return activationBits;
  }

  /** {@code clamp(round(x / scale))} for the (first) model input (round half up). */
  public IntTensor quantizeInput(Tensor x) {
    QTensor in = input();
    if (!Arrays.equals(in.shapeView(), x.shapeView())) {
      throw new dev.zkinfer.InvalidInputException("input '" + in.name() + "' has shape " + Shapes.str(x.shapeView()) + " but the model expects " + Shapes.str(in.shapeView()));
    }
    double[] d = x.data();
    int[] q = new int[d.length];
    for (int i = 0; i < d.length; i++) q[i] = Requantize.clamp(Math.round(d[i] / in.scale()), in.min(), in.max());
    return new IntTensor(in.shapeView(), q);
  }

  /** {@code v * scale} for values of tensor {@code id}. */
  public Tensor dequantize(int id, IntTensor values) {
    double s = tensors.get(id).scale();
    int[] v = values.data();
    double[] d = new double[v.length];
    for (int i = 0; i < d.length; i++) d[i] = v[i] * s;
    return Tensor.of(values.shapeView(), d);
  }

  /** The vector kernels' packed form of this model, built on first use (racing builds are equal). */
  PackedModel packed() {
    PackedModel p = packed;
    if (p == null) packed = p = new PackedModel(this);
    return p;
  }

  /**
   * For each op, the tensors whose last reader it is, other than constants and model outputs: an
   * executor that keeps no trace may drop their values once the op has run. Computed on first use.
   */
  int[][] releasedAfter() {
    int[][] r = releasedAfter;
    if (r == null) {
      int[] last = new int[tensors.size()];
      Arrays.fill(last, -1);
      for (int k = 0; k < ops.size(); k++) for (int i : ops.get(k).inputs()) last[i] = k;
      for (int o : outputIds) last[o] = Integer.MAX_VALUE;
      r = new int[ops.size()][];
      for (int k = 0; k < ops.size(); k++) {
        int op = k;
        r[k] = Arrays.stream(ops.get(k).inputs()).distinct()
            .filter(i -> last[i] == op && tensors.get(i).kind() != QTensor.Kind.CONSTANT).toArray();
      }
      releasedAfter = r;
    }
    return r;
  }

  /** Number of int8 weights plus bias / constant values. */
  public long parameterCount() {
    long n = 0;
    for (QOp op : ops) {
      if (op instanceof QOp.QConv c) n += c.weights().length + c.bias().length;
      if (op instanceof QOp.QDense d) n += d.weights().length + d.bias().length;
    }
    for (QTensor t : tensors) if (t.constantValues() != null) n += t.constantValues().length;
    return n;
  }

  private void validate() {
    for (int id : inputIds) check(id, "input");
    for (int id : outputIds) check(id, "output");
    for (QOp op : ops) {
      for (int i : op.inputs()) check(i, op.kind() + " input");
      check(op.output(), op.kind() + " output");
    }
  }

  private void check(int id, String what) {
    if (id < 0 || id >= tensors.size()) throw new IllegalArgumentException(what + " names tensor " + id + " of " + tensors.size());
  }

  /** Writes the model in the format described in {@link QuantizedModelFormat}. */
  public void write(DataOutput out) throws IOException {
    QuantizedModelFormat.write(this, out);
  }

  /** Reads a model written by {@link #write}; every length is bounds-checked before allocation. */
  public static QuantizedModel read(DataInput in) throws IOException {
    return QuantizedModelFormat.read(in);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("QuantizedModel(int" + activationBits + ", " + ops.size() + " ops)\n");
    for (QOp op : ops) {
      sb.append("  ").append(op.kind()).append(' ').append(Arrays.toString(op.inputs())).append(" -> ").append(tensors.get(op.output())).append('\n');
    }
    return sb.toString();
  }

  static List<QTensor> copy(List<QTensor> t) {
    return new ArrayList<>(t);
  }
}
