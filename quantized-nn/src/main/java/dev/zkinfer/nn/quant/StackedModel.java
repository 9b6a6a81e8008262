package dev.zkinfer.nn.quant;

import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A model that runs {@code copies} independent inferences of a base model at once: every
 * run-time tensor (input, activation, accumulator) of the base gets its leading dimension
 * multiplied by {@code copies}, so that copy k occupies the k-th block of rows, and the constants
 * (weights, biases, tables) stay as they are: one set of weights serves every copy. A circuit
 * compiled from it therefore shares each layer's weights across the batch (the batch becomes
 * extra variables of the activations), which is what batch proving needs.
 *
 * <p>Only models whose ops treat the leading dimension as independent rows can be stacked; ops
 * that mix rows (a concatenation, gather, slice, pad, reduction or transpose along the leading
 * dimension, a matrix product whose operands are not batched alike, an operand broadcast across
 * the rows) are refused with {@link IllegalArgumentException} naming the op. {@link #check}
 * also runs the stacked model against the base on random inputs, so that a stacking this class
 * gets wrong is refused at compile time rather than proved.
 *
 * <p>Stateless and thread-safe.
 */
public final class StackedModel {
  private StackedModel() {}

  /** The base model stacked {@code copies} times (the base itself for 1). */
  public static QuantizedModel stack(QuantizedModel base, int copies) {
    if (copies < 1) throw new IllegalArgumentException("a batch holds at least one inference, got " + copies);
    if (copies == 1) return base;
    if (base.inputIds().length == 0) throw new IllegalArgumentException("a model without run-time input has no batch dimension");
    List<QTensor> tensors = new ArrayList<>();
    for (QTensor t : base.tensors()) {
      if (t.kind() == QTensor.Kind.CONSTANT) {
        tensors.add(t);
        continue;
      }
      int[] s = t.shape();
      if (s.length == 0) throw new IllegalArgumentException("tensor " + t.name() + " is a scalar computed at run time: it has no batch dimension");
      if ((long) s[0] * copies > Integer.MAX_VALUE / 2) throw new IllegalArgumentException("batch of " + copies + " is too large for tensor " + t.name());
      s[0] *= copies;
      tensors.add(new QTensor(t.id(), t.name(), s, t.scale(), t.kind(), t.bits(), null));
    }
    List<QOp> ops = new ArrayList<>();
    for (QOp op : base.ops()) ops.add(stackOp(base, op, copies));
    return new QuantizedModel(tensors, ops, base.inputIds(), base.outputIds(), base.activationBits());
  }

  private static boolean runtime(QuantizedModel m, int id) {
    return m.tensor(id).kind() != QTensor.Kind.CONSTANT;
  }

  private static QOp stackOp(QuantizedModel m, QOp op, int copies) {
    int[] outShape = m.tensor(op.output()).shapeView();
    String what = op.kind() + " into " + m.tensor(op.output()).name();
    switch (op) {
      case QOp.QConv c -> {
        return c;
      }
      case QOp.QMaxPool p -> {
        return p;
      }
      case QOp.QAvgPool p -> {
        return p;
      }
      case QOp.QDense d -> {
        if (m.tensor(d.input()).shapeView().length < 2) throw refuse(what, "its input has no batch dimension");
        return d;
      }
      case QOp.QRequant r -> {
        if (r.m().length > 1 && r.axis() == 0) throw refuse(what, "it scales per entry of the leading dimension");
        return r;
      }
      case QOp.QClamp c -> {
        return c;
      }
      case QOp.QTable t -> {
        return t;
      }
      case QOp.QReshape r -> {
        return r;
      }
      case QOp.QPRelu p -> {
        int[] slope = p.slopeShape();
        if (slope.length == outShape.length && slope[0] != 1) throw refuse(what, "its slopes vary along the leading dimension");
        return p;
      }
      case QOp.QMatMul mm -> {
        int[] a = m.tensor(mm.a()).shapeView(), b = m.tensor(mm.b()).shapeView();
        if (!runtime(m, mm.a()) || !runtime(m, mm.b()) || a.length < 3 || b.length != a.length || a[0] != b[0]) {
          throw refuse(what, "its operands are not batched alike along the leading dimension");
        }
        return mm;
      }
      case QOp.QAdd a -> {
        checkOperands(m, what, outShape, a.a(), a.b());
        return a;
      }
      case QOp.QMul mu -> {
        checkOperands(m, what, outShape, mu.a(), mu.b());
        return mu;
      }
      case QOp.QReduceSum r -> {
        for (int ax : r.axes()) if (ax == 0) throw refuse(what, "it sums over the leading dimension");
        return r;
      }
      case QOp.QTranspose t -> {
        if (t.perm()[0] != 0) throw refuse(what, "it moves the leading dimension");
        return t;
      }
      case QOp.QSlice s -> {
        if (s.starts()[0] != 0 || s.steps()[0] != 1 || outShape[0] != m.tensor(s.input()).shapeView()[0]) {
          throw refuse(what, "it slices the leading dimension");
        }
        return s;
      }
      case QOp.QPad p -> {
        if (p.before()[0] != 0 || outShape[0] != m.tensor(p.input()).shapeView()[0]) throw refuse(what, "it pads the leading dimension");
        return p;
      }
      case QOp.QConcat c -> {
        if (c.axis() == 0) throw refuse(what, "it concatenates along the leading dimension");
        for (int i : c.inputs()) if (!runtime(m, i)) throw refuse(what, "a constant operand would need one copy per row");
        return c;
      }
      case QOp.QGather g -> {
        if (g.axis() == 0) throw refuse(what, "it gathers along the leading dimension");
        return g;
      }
      case QOp.QSoftmax s -> {
        int rows = m.tensor(s.input()).shapeView()[0];
        if (rows == 0 || s.outer() % rows != 0) throw refuse(what, "it normalizes along the leading dimension");
        return new QOp.QSoftmax(s.input(), s.output(), s.outer() * copies, s.mid(), s.inner(), s.offset(), s.expTable(), s.outMax());
      }
      case QOp.QMaskedFill f -> {
        int[] mask = new int[f.mask().length * copies];
        for (int k = 0; k < copies; k++) System.arraycopy(f.mask(), 0, mask, k * f.mask().length, f.mask().length);
        return new QOp.QMaskedFill(f.input(), f.output(), mask, f.fill());
      }
    }
  }

  /** A run-time operand broadcast along the leading dimension (lower rank, or leading size 1 under a larger one) would mix rows once stacked. */
  private static void checkOperands(QuantizedModel m, String what, int[] outShape, int... operands) {
    for (int id : operands) {
      int[] s = m.tensor(id).shapeView();
      boolean full = s.length == outShape.length && s[0] == outShape[0];
      if (runtime(m, id) && !full) throw refuse(what, "a run-time operand is broadcast along the leading dimension");
      if (!runtime(m, id) && s.length == outShape.length && s[0] != 1) throw refuse(what, "a constant operand varies along the leading dimension");
    }
  }

  private static IllegalArgumentException refuse(String what, String why) {
    return new IllegalArgumentException("the model cannot be proved in batches: " + what + ": " + why);
  }

  /**
   * Runs {@code stacked} (from {@link #stack}) on {@code copies} random inputs at once and the
   * base on each, and checks that every tensor of the stacked run is the base runs' tensors one
   * after the other; throws {@link IllegalArgumentException} otherwise.
   */
  public static void check(QuantizedModel base, QuantizedModel stacked, int copies, long seed) {
    if (copies == 1) return;
    IntegerExecutor ex = IntegerExecutor.create();
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] inIds = base.inputIds();
    IntTensor[][] rows = new IntTensor[copies][inIds.length];
    IntTensor[] joined = new IntTensor[inIds.length];
    for (int i = 0; i < inIds.length; i++) {
      QTensor in = base.tensor(inIds[i]);
      List<IntTensor> parts = new ArrayList<>();
      for (int k = 0; k < copies; k++) {
        int[] d = new int[in.size()];
        for (int j = 0; j < d.length; j++) d[j] = in.min() + rnd.nextInt(in.max() - in.min() + 1);
        rows[k][i] = new IntTensor(in.shape(), d);
        parts.add(rows[k][i]);
      }
      joined[i] = join(stacked.tensor(inIds[i]).shape(), parts);
    }
    IntegerExecutor.Trace all = ex.run(stacked, joined, null, true);
    List<IntegerExecutor.Trace> each = new ArrayList<>();
    for (int k = 0; k < copies; k++) each.add(ex.run(base, rows[k], null, true));
    for (QTensor t : base.tensors()) {
      IntTensor got = all.value(t.id());
      if (got == null || t.kind() == QTensor.Kind.CONSTANT) continue;
      List<IntTensor> parts = new ArrayList<>();
      for (IntegerExecutor.Trace tr : each) parts.add(tr.value(t.id()));
      if (parts.contains(null) || !Arrays.equals(got.data(), join(got.shape(), parts).data())) {
        throw new IllegalArgumentException("the model cannot be proved in batches: tensor " + t.name()
            + " of a batch of " + copies + " differs from the " + copies + " inferences one by one");
      }
    }
  }

  /** The parts' values one after the other, as a tensor of {@code shape}. */
  public static IntTensor join(int[] shape, List<IntTensor> parts) {
    int n = 0;
    for (IntTensor p : parts) n += p.size();
    int[] d = new int[n];
    int at = 0;
    for (IntTensor p : parts) {
      System.arraycopy(p.data(), 0, d, at, p.size());
      at += p.size();
    }
    if (Shapes.size(shape) != n) throw new IllegalArgumentException("parts of " + n + " values for shape " + Shapes.str(shape));
    return new IntTensor(shape, d);
  }
}
