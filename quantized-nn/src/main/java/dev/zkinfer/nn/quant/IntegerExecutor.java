package dev.zkinfer.nn.quant;

import dev.zkinfer.nn.quant.QOp.*;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a {@link QuantizedModel} bit-exactly: every op's result is exactly the integer formula in
 * its javadoc in {@link QOp}. Two kernel sets compute the same results: {@link Kernels#SCALAR},
 * plain integer loops that read as the specification, and {@link Kernels#VECTOR}, which uses the
 * Vector API for convolutions and dense layers (the other ops are shared): float multiply-adds on
 * weights packed once per model where every partial sum is provably an exactly representable
 * integer, int32 lanes otherwise (see {@link PackedModel}). On the {@link #infer} path, which
 * needs no intermediate tensors, the vector kernels also fuse a convolution or dense layer with
 * the requantization (and max pool) after it. The per-op outputs are exposed (a {@link Trace}, or
 * an {@link OpListener}) so the prover's witness comes from this same code. Instances are
 * immutable and thread-safe.
 */
public final class IntegerExecutor {
  private static final System.Logger LOG = System.getLogger(IntegerExecutor.class.getName());

  /** The system property that overrides the kernel choice of {@link #create()}. */
  public static final String KERNELS_PROPERTY = "zkinfer.nn.kernels";

  /** Property values already warned about, so that each bad value is logged once per JVM. */
  private static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Which implementation of the dot-product kernels to use. */
  public enum Kernels {
    SCALAR,
    VECTOR
  }

  /** Called after each op with its index in {@link QuantizedModel#ops()} and its output. */
  @FunctionalInterface
  public interface OpListener {
    void onOp(int opIndex, QOp op, IntTensor output);
  }

  /** The values of every tensor of one run, indexed by tensor id (constants included). */
  public record Trace(QuantizedModel model, IntTensor[] values) {
    public IntTensor value(int tensorId) {
      return values[tensorId];
    }

    public IntTensor output() {
      return values[model.outputIds()[0]];
    }
  }

  private static final boolean VECTOR_AVAILABLE = probeVector();

  private final Kernels kernels;

  public IntegerExecutor(Kernels kernels) {
    if (kernels == Kernels.VECTOR && !VECTOR_AVAILABLE) {
      throw new IllegalStateException("the Vector API is not available; run with --add-modules=jdk.incubator.vector");
    }
    this.kernels = kernels;
  }

  /**
   * The vector kernels when the Vector API is present, else the scalar ones (logged once). The
   * system property {@code zkinfer.nn.kernels=scalar|vector} (case and surrounding blanks
   * ignored) overrides the choice; an unknown value, or {@code vector} without the Vector API,
   * logs one warning and makes the automatic choice. Never throws.
   */
  public static IntegerExecutor create() {
    return new IntegerExecutor(choose(System.getProperty(KERNELS_PROPERTY), VECTOR_AVAILABLE));
  }

  /** The kernels for a value of {@link #KERNELS_PROPERTY} (null or blank: automatic), as if the Vector API were available or not. */
  static Kernels choose(String requested, boolean vectorAvailable) {
    Kernels automatic = vectorAvailable ? Kernels.VECTOR : Kernels.SCALAR;
    String name = requested == null ? "" : requested.strip().toLowerCase(java.util.Locale.ROOT);
    switch (name) {
      case "" -> {
        return automatic;
      }
      case "scalar" -> {
        return Kernels.SCALAR;
      }
      case "vector" -> {
        if (vectorAvailable) return Kernels.VECTOR;
        warnOnce(requested, KERNELS_PROPERTY + "=vector but the Vector API is not available (pass --add-modules=jdk.incubator.vector); using the scalar kernels");
        return Kernels.SCALAR;
      }
      default -> {
        warnOnce(requested, KERNELS_PROPERTY + "=" + requested + " is not a kernel set (valid: scalar, vector); using the "
            + automatic.name().toLowerCase(java.util.Locale.ROOT) + " kernels");
        return automatic;
      }
    }
  }

  private static void warnOnce(String value, String message) {
    if (WARNED.add(value)) LOG.log(System.Logger.Level.WARNING, message);
  }

  private static boolean probeVector() {
    try {
      return VectorDot.lanes() > 1;
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.INFO, "Vector API unavailable (" + t + "); the integer executor uses scalar kernels. "
          + "Pass --add-modules=jdk.incubator.vector to enable it.");
      return false;
    }
  }

  public Kernels kernels() {
    return kernels;
  }

  /**
   * Does this executor's one-time work for {@code model} now (with the vector kernels, packing
   * the weights; nothing with the scalar ones), so that the first inference does not pay for it.
   */
  public void prepare(QuantizedModel model) {
    if (kernels == Kernels.VECTOR) model.packed();
  }

  /** Runs the model and returns the output tensor (the first output). */
  public IntTensor infer(QuantizedModel model, IntTensor input) {
    return run(model, new IntTensor[] {input}, null, false).output();
  }

  /** Runs the model and returns every tensor's value. */
  public Trace run(QuantizedModel model, IntTensor input) {
    return run(model, new IntTensor[] {input}, null, true);
  }

  /** Runs the model, reporting each op's output to {@code listener}; returns the trace. */
  public Trace run(QuantizedModel model, IntTensor input, OpListener listener) {
    return run(model, new IntTensor[] {input}, listener, true);
  }

  /** Runs a model with several inputs (in {@link QuantizedModel#inputIds()} order). */
  public Trace run(QuantizedModel model, IntTensor[] inputs, OpListener listener, boolean keepAll) {
    int[][][] v = {values(model, inputs)};
    runOps(model, v, listener, keepAll);
    IntTensor[] values = new IntTensor[v[0].length];
    for (int i = 0; i < values.length; i++) if (v[0][i] != null) values[i] = new IntTensor(model.tensor(i).shapeView(), v[0][i]);
    return new Trace(model, values);
  }

  /** The tensor values of one run before its first op: the constants and the checked inputs. */
  private static int[][] values(QuantizedModel model, IntTensor[] inputs) {
    int[] inIds = model.inputIds();
    if (inputs.length != inIds.length) throw new dev.zkinfer.InvalidInputException("the model takes " + inIds.length + " inputs, got " + inputs.length);
    int[][] v = new int[model.tensors().size()][];
    for (QTensor t : model.tensors()) if (t.constantValues() != null) v[t.id()] = t.constantValues();
    for (int i = 0; i < inIds.length; i++) {
      QTensor t = model.tensor(inIds[i]);
      if (!Arrays.equals(t.shapeView(), inputs[i].shapeView())) {
        throw new dev.zkinfer.InvalidInputException("input '" + t.name() + "' has shape " + Shapes.str(inputs[i].shapeView())
            + " but the model expects " + Shapes.str(t.shapeView()));
      }
      int[] d = inputs[i].data();
      int min = t.min(), max = t.max();
      // The vector scan only says whether some value is outside; the loop finds which.
      for (int k = VECTOR_AVAILABLE && VectorDot.allWithin(d, min, max) ? d.length : 0; k < d.length; k++) {
        if (d[k] < min || d[k] > max) {
          throw new dev.zkinfer.InvalidInputException("input '" + t.name() + "' value " + d[k] + " at " + k + " is outside [" + t.min() + ", " + t.max() + "]");
        }
      }
      v[inIds[i]] = d;
    }
    return v;
  }

  /**
   * Runs every op on independent runs of the model at once, {@code v[run][tensor]} (each run's
   * tensors as {@link #values} prepared them): a fused group runs on all of them in one call, so
   * that the packed kernels can share each weight load across runs (image blocking, see {@link
   * PackedModel}); every other op runs on each in turn.
   */
  private void runOps(QuantizedModel model, int[][][] v, OpListener listener, boolean keepAll) {
    List<QOp> ops = model.ops();
    int[][] releasedAfter = keepAll ? null : model.releasedAfter();
    // Fused groups skip their intermediate tensors, which only a full trace or a listener would see.
    PackedModel packed = kernels == Kernels.VECTOR && !keepAll && listener == null ? model.packed() : null;
    for (int k = 0; k < ops.size(); ) {
      int next = packed == null ? -1 : packed.runFused(k, v);
      if (next < 0) {
        QOp op = ops.get(k);
        QTensor out = model.tensor(op.output());
        for (int[][] run : v) {
          run[op.output()] = execute(model, k, op, run, out);
          if (listener != null) listener.onOp(k, op, new IntTensor(out.shapeView(), run[op.output()]));
        }
        next = k + 1;
      }
      if (releasedAfter != null) {
        for (int[][] run : v) for (int j = k; j < next; j++) for (int i : releasedAfter[j]) run[i] = null;
      }
      k = next;
    }
  }

  /**
   * Worker threads for {@link #inferBatch}, kept for a minute after their last share so that
   * back-to-back batches reuse them (and their scratch buffers); daemons, so they never keep the
   * JVM alive.
   */
  private static final ExecutorService BATCH_WORKERS = Executors.newCachedThreadPool(task -> {
    Thread t = new Thread(task, "zkinfer-infer-batch");
    t.setDaemon(true);
    return t;
  });

  /**
   * Runs many independent inputs on {@code threads} threads (the caller's and threads - 1
   * workers), each on a contiguous share, several images at a time (see {@link #inferAll});
   * results in input order, equal to {@link #infer} of each.
   */
  public List<IntTensor> inferBatch(QuantizedModel model, List<IntTensor> inputs, int threads) {
    int chunk = Math.ceilDiv(inputs.size(), Math.max(1, threads));
    if (chunk >= inputs.size()) return inferAll(model, inputs);
    List<Future<List<IntTensor>>> parts = new ArrayList<>();
    try {
      for (int start = chunk; start < inputs.size(); start += chunk) {
        List<IntTensor> slice = inputs.subList(start, Math.min(inputs.size(), start + chunk));
        parts.add(BATCH_WORKERS.submit(() -> inferAll(model, slice)));
      }
      List<IntTensor> out = new ArrayList<>(inputs.size());
      out.addAll(inferAll(model, inputs.subList(0, chunk)));
      for (Future<List<IntTensor>> f : parts) out.addAll(f.get());
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new IllegalStateException(e.getCause());
    } finally {
      for (Future<List<IntTensor>> f : parts) f.cancel(true);
    }
  }

  /** Images run together through {@link #runOps} by {@link #inferAll}: enough to block, few enough to stay in cache. */
  private static final int IMAGES_PER_PASS = 8;

  /**
   * {@link #infer} of each input, {@link #IMAGES_PER_PASS} at a time: each fused convolution or
   * dense layer runs on all the images of a pass in one call, which lets its kernel share weight
   * loads across them (image blocking, see {@link PackedModel}).
   */
  private List<IntTensor> inferAll(QuantizedModel model, List<IntTensor> inputs) {
    List<IntTensor> out = new ArrayList<>(inputs.size());
    int output = model.outputIds()[0];
    int[] shape = model.tensor(output).shapeView();
    for (int start = 0; start < inputs.size(); start += IMAGES_PER_PASS) {
      int[][][] v = new int[Math.min(IMAGES_PER_PASS, inputs.size() - start)][][];
      for (int i = 0; i < v.length; i++) v[i] = values(model, new IntTensor[] {inputs.get(start + i)});
      runOps(model, v, null, false);
      for (int[][] run : v) out.add(new IntTensor(shape, run[output]));
    }
    return out;
  }

  // ------------------------------------------------------------------ ops

  private int[] execute(QuantizedModel model, int opIndex, QOp op, int[][] v, QTensor out) {
    int[] os = out.shapeView();
    return switch (op) {
      case QConv c -> kernels == Kernels.VECTOR ? convVector(model, opIndex, c, v[c.input()], os)
          : convScalar(c, v[c.input()], model.tensor(c.input()).shapeView(), os);
      case QDense d -> kernels == Kernels.VECTOR ? denseVector(model, opIndex, d, v[d.input()]) : denseScalar(d, v[d.input()]);
      case QMatMul m -> matMul(v[m.a()], model.tensor(m.a()).shapeView(), v[m.b()], model.tensor(m.b()).shapeView(), os);
      case QRequant r -> requant(r, v[r.input()], os);
      case QClamp c -> {
        int[] x = v[c.input()], y = new int[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Math.min(Math.max(x[i], c.lo()), c.hi());
        yield y;
      }
      case QPRelu p -> {
        int[] x = v[p.input()], y = new int[x.length];
        int[] idx = Shapes.broadcastIndex(p.slopeShape(), os);
        for (int i = 0; i < x.length; i++) {
          int j = idx[i];
          y[i] = x[i] >= 0 ? x[i] : Requantize.clamp(Requantize.apply(x[i], p.m()[j], p.shift()[j]), p.lo(), p.hi());
        }
        yield y;
      }
      case QTable t -> {
        int[] x = v[t.input()], y = new int[x.length];
        int[] table = t.table();
        for (int i = 0; i < x.length; i++) y[i] = table[x[i] - t.inputMin()];
        yield y;
      }
      case QMaxPool p -> maxPool(p, v[p.input()], model.tensor(p.input()).shapeView(), os);
      case QAvgPool p -> avgPool(p, v[p.input()], model.tensor(p.input()).shapeView(), os);
      case QReduceSum r -> reduceSum(r, v[r.input()], model.tensor(r.input()).shapeView(), os);
      case QAdd a -> {
        int[] ia = Shapes.broadcastIndex(model.tensor(a.a()).shapeView(), os), ib = Shapes.broadcastIndex(model.tensor(a.b()).shapeView(), os);
        int[] xa = v[a.a()], xb = v[a.b()], y = new int[ia.length];
        long round = 1L << (a.shift() - 1);
        for (int i = 0; i < y.length; i++) {
          y[i] = Requantize.clamp(((long) xa[ia[i]] * a.ma() + (long) xb[ib[i]] * a.mb() + round) >> a.shift(), a.lo(), a.hi());
        }
        yield y;
      }
      case QMul m -> {
        int[] ia = Shapes.broadcastIndex(model.tensor(m.a()).shapeView(), os), ib = Shapes.broadcastIndex(model.tensor(m.b()).shapeView(), os);
        int[] xa = v[m.a()], xb = v[m.b()], y = new int[ia.length];
        for (int i = 0; i < y.length; i++) {
          y[i] = Requantize.clamp(Requantize.apply((long) xa[ia[i]] * xb[ib[i]], m.m(), m.shift()), m.lo(), m.hi());
        }
        yield y;
      }
      case QSoftmax s -> softmax(s, v[s.input()]);
      case QReshape r -> v[r.input()];
      case QTranspose t -> transpose(v[t.input()], model.tensor(t.input()).shapeView(), t.perm(), os);
      case QSlice s -> slice(v[s.input()], model.tensor(s.input()).shapeView(), s.starts(), s.steps(), os);
      case QConcat c -> concat(c, v, model, os);
      case QPad p -> pad(p, v[p.input()], model.tensor(p.input()).shapeView(), os);
      case QGather g -> gather(g, v[g.input()], model.tensor(g.input()).shapeView());
      case QMaskedFill f -> {
        int[] x = v[f.input()], y = new int[x.length];
        for (int i = 0; i < x.length; i++) y[i] = f.mask()[i] != 0 ? f.fill() : x[i];
        yield y;
      }
    };
  }

  static int[] convScalar(QConv c, int[] x, int[] xs, int[] os) {
    int batch = xs[0], ch = xs[1], h = xs[2], w = xs[3], oh = os[2], ow = os[3];
    int kh = c.kernelH(), kw = c.kernelW();
    int[] wt = c.weights(), y = new int[batch * c.outChannels() * oh * ow];
    for (int b = 0; b < batch; b++) {
      for (int m = 0; m < c.outChannels(); m++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            int acc = c.bias()[m];
            for (int ic = 0; ic < ch; ic++) {
              for (int ky = 0; ky < kh; ky++) {
                int iy = oy * c.strideH() - c.padTop() + ky;
                if (iy < 0 || iy >= h) continue;
                for (int kx = 0; kx < kw; kx++) {
                  int ix = ox * c.strideW() - c.padLeft() + kx;
                  if (ix < 0 || ix >= w) continue;
                  acc += x[((b * ch + ic) * h + iy) * w + ix] * wt[((m * ch + ic) * kh + ky) * kw + kx];
                }
              }
            }
            y[((b * c.outChannels() + m) * oh + oy) * ow + ox] = acc;
          }
        }
      }
    }
    return y;
  }

  /** The packed float kernel where it is exact (see {@link PackedModel}), else the int32 one. */
  private static int[] convVector(QuantizedModel model, int opIndex, QConv c, int[] x, int[] os) {
    int[] y = model.packed().conv(opIndex, x);
    return y != null ? y : convVectorInt(c, x, model.tensor(c.input()).shapeView(), os);
  }

  /** The packed float kernel where it is exact (see {@link PackedModel}), else the int32 one. */
  private static int[] denseVector(QuantizedModel model, int opIndex, QDense d, int[] x) {
    int[] y = model.packed().dense(opIndex, x);
    return y != null ? y : denseVectorInt(d, x);
  }

  /** im2col (zero for padding) then Vector API dot products, four output channels at a time. */
  static int[] convVectorInt(QConv c, int[] x, int[] xs, int[] os) {
    int batch = xs[0], ch = xs[1], h = xs[2], w = xs[3], oh = os[2], ow = os[3];
    int kh = c.kernelH(), kw = c.kernelW(), k = ch * kh * kw, positions = oh * ow, m = c.outChannels();
    int[] patches = new int[positions * k];
    int[] y = new int[batch * m * positions];
    int[] wt = c.weights(), bias = c.bias();
    for (int b = 0; b < batch; b++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int base = (oy * ow + ox) * k;
          for (int ic = 0; ic < ch; ic++) {
            for (int ky = 0; ky < kh; ky++) {
              int iy = oy * c.strideH() - c.padTop() + ky;
              int rowBase = base + (ic * kh + ky) * kw;
              if (iy < 0 || iy >= h) {
                Arrays.fill(patches, rowBase, rowBase + kw, 0);
                continue;
              }
              int ix0 = ox * c.strideW() - c.padLeft();
              int src = ((b * ch + ic) * h + iy) * w;
              for (int kx = 0; kx < kw; kx++) {
                int ix = ix0 + kx;
                patches[rowBase + kx] = ix < 0 || ix >= w ? 0 : x[src + ix];
              }
            }
          }
        }
      }
      int yb = b * m * positions;
      for (int p = 0; p < positions; p++) {
        int oc = 0;
        for (; oc + 4 <= m; oc += 4) VectorDot.dot4(patches, p * k, wt, oc * k, k, bias, oc, y, yb + oc * positions + p, positions);
        for (; oc < m; oc++) y[yb + oc * positions + p] = bias[oc] + VectorDot.dot(patches, p * k, wt, oc * k, k);
      }
    }
    return y;
  }

  static int[] denseScalar(QDense d, int[] x) {
    int k = d.inFeatures(), n = d.outFeatures(), rows = x.length / k;
    int[] y = new int[rows * n];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < n; j++) {
        int acc = d.bias()[j];
        for (int i = 0; i < k; i++) acc += x[r * k + i] * d.weights()[j * k + i];
        y[r * n + j] = acc;
      }
    }
    return y;
  }

  static int[] denseVectorInt(QDense d, int[] x) {
    int k = d.inFeatures(), n = d.outFeatures(), rows = x.length / k;
    int[] y = new int[rows * n];
    for (int r = 0; r < rows; r++) {
      int j = 0;
      for (; j + 4 <= n; j += 4) VectorDot.dot4(x, r * k, d.weights(), j * k, k, d.bias(), j, y, r * n + j, 1);
      for (; j < n; j++) y[r * n + j] = d.bias()[j] + VectorDot.dot(x, r * k, d.weights(), j * k, k);
    }
    return y;
  }

  private static int[] matMul(int[] a, int[] as, int[] b, int[] bs, int[] os) {
    int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
    int[] batch = Arrays.copyOf(os, os.length - 2);
    int[] ba = Shapes.broadcastIndex(Arrays.copyOf(as, as.length - 2), batch);
    int[] bb = Shapes.broadcastIndex(Arrays.copyOf(bs, bs.length - 2), batch);
    int[] y = new int[Shapes.size(os)];
    for (int t = 0; t < ba.length; t++) {
      int offA = ba[t] * m * k, offB = bb[t] * k * n, offY = t * m * n;
      for (int i = 0; i < m; i++) {
        for (int p = 0; p < k; p++) {
          int av = a[offA + i * k + p];
          if (av == 0) continue;
          int wb = offB + p * n, yb = offY + i * n;
          for (int j = 0; j < n; j++) y[yb + j] += av * b[wb + j];
        }
      }
    }
    return y;
  }

  private static int[] requant(QRequant r, int[] x, int[] os) {
    int[] y = new int[x.length];
    if (r.m().length == 1) {
      int m = r.m()[0], s = r.shift()[0];
      for (int i = 0; i < x.length; i++) y[i] = Requantize.clamp(Requantize.apply(x[i], m, s), r.lo(), r.hi());
      return y;
    }
    int inner = 1;
    for (int d = r.axis() + 1; d < os.length; d++) inner *= os[d];
    int channels = r.m().length, lo = r.lo(), hi = r.hi();
    if (x.length % (channels * inner) != 0) {
      for (int i = 0; i < x.length; i++) {
        int c = (i / inner) % channels;
        y[i] = Requantize.clamp(Requantize.apply(x[i], r.m()[c], r.shift()[c]), lo, hi);
      }
      return y;
    }
    for (int i = 0; i < x.length; ) {
      for (int c = 0; c < channels; c++) {
        int m = r.m()[c], s = r.shift()[c];
        for (int end = i + inner; i < end; i++) y[i] = Requantize.clamp(Requantize.apply(x[i], m, s), lo, hi);
      }
    }
    return y;
  }

  private static int[] maxPool(QMaxPool p, int[] x, int[] xs, int[] os) {
    int planes = xs[0] * xs[1], h = xs[2], w = xs[3], oh = os[2], ow = os[3];
    int[] y = new int[planes * oh * ow];
    int kh = p.kernelH(), kw = p.kernelW(), sh = p.strideH(), sw = p.strideW();
    // Each window clipped to the image once (padding never wins a maximum), so the inner loops need no bounds checks.
    for (int pl = 0, o = 0; pl < planes; pl++) {
      for (int oy = 0; oy < oh; oy++) {
        int y0 = oy * sh - p.padTop(), kyFrom = Math.max(0, -y0), kyTo = Math.min(kh, h - y0);
        for (int ox = 0; ox < ow; ox++, o++) {
          int x0 = ox * sw - p.padLeft(), kxFrom = Math.max(0, -x0), kxTo = Math.min(kw, w - x0);
          int best = Integer.MIN_VALUE;
          for (int ky = kyFrom; ky < kyTo; ky++) {
            int row = (pl * h + y0 + ky) * w + x0;
            for (int kx = kxFrom; kx < kxTo; kx++) best = Math.max(best, x[row + kx]);
          }
          y[o] = best;
        }
      }
    }
    return y;
  }

  private static int[] avgPool(QAvgPool p, int[] x, int[] xs, int[] os) {
    int planes = xs[0] * xs[1], h = xs[2], w = xs[3], oh = os[2], ow = os[3];
    int[] y = new int[planes * oh * ow];
    for (int pl = 0; pl < planes; pl++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          long acc = 0;
          for (int ky = 0; ky < p.kernelH(); ky++) {
            int iy = oy * p.strideH() - p.padTop() + ky;
            for (int kx = 0; kx < p.kernelW(); kx++) {
              int ix = ox * p.strideW() - p.padLeft() + kx;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) acc += x[(pl * h + iy) * w + ix];
            }
          }
          int count = p.count(oy, ox, h, w);
          y[(pl * oh + oy) * ow + ox] = Requantize.clamp(Requantize.apply(acc, p.m()[count], p.shift()), p.lo(), p.hi());
        }
      }
    }
    return y;
  }

  private static int[] reduceSum(QReduceSum r, int[] x, int[] xs, int[] os) {
    int rank = xs.length;
    boolean[] red = new boolean[rank];
    for (int a : r.axes()) red[a] = true;
    int[] kept = new int[rank];
    for (int d = 0; d < rank; d++) kept[d] = red[d] ? 1 : xs[d];
    int[] ks = Shapes.strides(kept);
    int[] y = new int[Shapes.size(os)];
    int[] pos = new int[rank];
    for (int k = 0; k < x.length; k++) {
      int o = 0;
      for (int d = 0; d < rank; d++) if (!red[d]) o += pos[d] * ks[d];
      y[o] += x[k];
      for (int d = rank - 1; d >= 0; d--) {
        if (++pos[d] < xs[d]) break;
        pos[d] = 0;
      }
    }
    return y;
  }

  private static int[] softmax(QSoftmax s, int[] x) {
    int[] y = new int[x.length];
    int[] e = new int[s.mid()];
    for (int o = 0; o < s.outer(); o++) {
      for (int i = 0; i < s.inner(); i++) {
        int base = o * s.mid() * s.inner() + i;
        int mx = Integer.MIN_VALUE;
        for (int j = 0; j < s.mid(); j++) mx = Math.max(mx, x[base + j * s.inner()]);
        long sum = 0;
        for (int j = 0; j < s.mid(); j++) {
          int d = x[base + j * s.inner()] - mx;
          e[j] = d >= -s.offset() ? s.expTable()[d + s.offset()] : 0;
          sum += e[j];
        }
        for (int j = 0; j < s.mid(); j++) y[base + j * s.inner()] = (int) (((long) e[j] * s.outMax() + sum / 2) / sum);
      }
    }
    return y;
  }

  private static int[] transpose(int[] x, int[] xs, int[] perm, int[] os) {
    int[] is = Shapes.strides(xs);
    int r = perm.length, n = x.length;
    int[] y = new int[n];
    int[] pos = new int[r];
    int src = 0;
    for (int k = 0; k < n; k++) {
      y[k] = x[src];
      for (int d = r - 1; d >= 0; d--) {
        pos[d]++;
        src += is[perm[d]];
        if (pos[d] < os[d]) break;
        src -= is[perm[d]] * pos[d];
        pos[d] = 0;
      }
    }
    return y;
  }

  private static int[] slice(int[] x, int[] xs, int[] starts, int[] steps, int[] os) {
    int[] is = Shapes.strides(xs);
    int r = os.length, n = Shapes.size(os);
    int[] y = new int[n];
    int[] pos = new int[r];
    for (int k = 0; k < n; k++) {
      int src = 0;
      for (int d = 0; d < r; d++) src += (starts[d] + pos[d] * steps[d]) * is[d];
      y[k] = x[src];
      for (int d = r - 1; d >= 0; d--) {
        if (++pos[d] < os[d]) break;
        pos[d] = 0;
      }
    }
    return y;
  }

  private static int[] concat(QConcat c, int[][] v, QuantizedModel model, int[] os) {
    int ax = c.axis();
    int outer = 1, inner = 1;
    for (int i = 0; i < ax; i++) outer *= os[i];
    for (int i = ax + 1; i < os.length; i++) inner *= os[i];
    int[] y = new int[Shapes.size(os)];
    int off = 0, rowOut = os[ax] * inner;
    for (int in : c.inputs()) {
      int len = model.tensor(in).shapeView()[ax] * inner;
      for (int o = 0; o < outer; o++) System.arraycopy(v[in], o * len, y, o * rowOut + off, len);
      off += len;
    }
    return y;
  }

  private static int[] pad(QPad p, int[] x, int[] xs, int[] os) {
    int[] is = Shapes.strides(xs);
    int r = os.length, n = Shapes.size(os);
    String mode = switch (p.mode()) {
      case 1 -> "edge";
      case 2 -> "reflect";
      default -> "constant";
    };
    int[] y = new int[n];
    int[] pos = new int[r];
    for (int k = 0; k < n; k++) {
      int src = 0;
      boolean constant = false;
      for (int d = 0; d < r; d++) {
        int i = dev.zkinfer.nn.graph.OpKernels.padSource(pos[d], p.before()[d], xs[d], mode);
        if (i < 0) {
          constant = true;
          break;
        }
        src += i * is[d];
      }
      y[k] = constant ? p.value() : x[src];
      for (int d = r - 1; d >= 0; d--) {
        if (++pos[d] < os[d]) break;
        pos[d] = 0;
      }
    }
    return y;
  }

  private static int[] gather(QGather g, int[] x, int[] xs) {
    int outer = 1, inner = 1;
    for (int i = 0; i < g.axis(); i++) outer *= xs[i];
    for (int i = g.axis() + 1; i < xs.length; i++) inner *= xs[i];
    int dim = xs[g.axis()], ni = g.indices().length;
    int[] y = new int[outer * ni * inner];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < ni; j++) System.arraycopy(x, (o * dim + g.indices()[j]) * inner, y, (o * ni + j) * inner, inner);
    }
    return y;
  }
}
