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

  /**
   * {@code clamp(round(x / scale))} for the (first) model input (round half up). Values outside
   * the input's calibrated range are clamped <em>silently</em>: for data from users, prefer
   * {@link #quantizeInput(Tensor, boolean)}, which refuses them or counts them.
   */
  public IntTensor quantizeInput(Tensor x) {
    return quantizeInput(x, true).values();
  }

  /** A quantized input and how many of its values were clamped into the input's range. */
  public record QuantizedInput(IntTensor values, int clamped) {}

  /**
   * {@code round(x / scale)} for the (first) model input (round half up). A value whose quantized
   * form lies outside the input's range [{@code min}, {@code max}] (the range calibration chose;
   * the proof covers only that range) is clamped and counted when {@code clamp} is true, and
   * otherwise refused with an {@link dev.zkinfer.InvalidInputException} naming the value, its
   * index and the range. NaN and infinities are always refused.
   */
  public QuantizedInput quantizeInput(Tensor x, boolean clamp) {
    if (inputIds.length != 1) {
      throw new dev.zkinfer.InvalidInputException("the model takes " + inputIds.length + " inputs; use quantizeInputs");
    }
    return quantizeInput(input(), "", x, clamp);
  }

  /** Quantized inputs, one per model input, and how many of their values were clamped in all. */
  public record QuantizedInputs(List<IntTensor> values, int clamped) {
    public QuantizedInputs {
      values = List.copyOf(values);
    }

    /** The values as an array, in input order (what the executor and the prover take). */
    public IntTensor[] array() {
      return values.toArray(new IntTensor[0]);
    }
  }

  /**
   * {@link #quantizeInput(Tensor, boolean)} for every model input: {@code xs} holds one tensor
   * per input, in {@link #inputIds()} order (none for a model without run-time input). A
   * refusal names the input when the model has several.
   */
  public QuantizedInputs quantizeInputs(List<Tensor> xs, boolean clamp) {
    if (xs.size() != inputIds.length) {
      throw new dev.zkinfer.InvalidInputException("the model takes " + inputIds.length + " inputs, got " + xs.size());
    }
    List<IntTensor> out = new ArrayList<>();
    int clamped = 0;
    for (int i = 0; i < inputIds.length; i++) {
      QTensor in = tensors.get(inputIds[i]);
      QuantizedInput q = quantizeInput(in, inputIds.length == 1 ? "" : "input '" + in.name() + "': ", xs.get(i), clamp);
      out.add(q.values());
      clamped += q.clamped();
    }
    return new QuantizedInputs(out, clamped);
  }

  private static QuantizedInput quantizeInput(QTensor in, String prefix, Tensor x, boolean clamp) {
    if (!Arrays.equals(in.shapeView(), x.shapeView())) {
      throw new dev.zkinfer.InvalidInputException("input '" + in.name() + "' has shape " + Shapes.str(x.shapeView()) + " but the model expects " + Shapes.str(in.shapeView()));
    }
    double[] d = x.data();
    int[] q = new int[d.length];
    int clamped = 0;
    for (int i = 0; i < d.length; i++) {
      if (!Double.isFinite(d[i])) {
        throw new dev.zkinfer.InvalidInputException(prefix + "input value " + d[i] + " at index " + i + " is not a finite number");
      }
      long r = Math.round(d[i] / in.scale());
      if (r < in.min() || r > in.max()) {
        if (!clamp) {
          throw new dev.zkinfer.InvalidInputException(prefix + String.format(java.util.Locale.ROOT,
              "input value %s at index %d is outside the model's calibrated input range [%.6g, %.6g]; quantization would clamp it "
                  + "(clamp explicitly with --clamp-inputs, or calibrate on inputs that cover this range)",
              d[i], i, in.min() * in.scale(), in.max() * in.scale()));
        }
        clamped++;
      }
      q[i] = Requantize.clamp(r, in.min(), in.max());
    }
    return new QuantizedInput(new IntTensor(in.shapeView(), q), clamped);
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
