package dev.zkinfer.nn.quant;

import dev.zkinfer.nn.quant.QOp.QConv;
import dev.zkinfer.nn.quant.QOp.QDense;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector kernels' compiled form of a {@link QuantizedModel}, built once per model ({@link
 * QuantizedModel#packed()}): each stride-1 convolution and each dense layer with its weights
 * converted to float and laid out the way the inner loops read them, plus per-thread scratch
 * buffers.
 *
 * <p>Why float, and why it is exact: the integer products and their sums are computed in binary32
 * fused multiply-adds, which on AVX2 run several times the throughput of 32-bit integer
 * multiplies. Every partial sum of one output is an integer bounded by {@code rowAbsSum *
 * max|x|}, where rowAbsSum is the largest sum of |w| over one output's weights (known when
 * packing) and max|x| is measured on the actual input of each call. When that bound is at most
 * 2^24, every product and every partial sum is an integer that binary32 represents exactly, so
 * each fused multiply-add returns the exact integer, whatever the order of summation, and the
 * result equals the int32 accumulation bit for bit. When the bound is larger, {@link #conv} and
 * {@link #dense} return null and the executor uses its int32 kernels. The bias is added in int32.
 */
final class PackedModel {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  /** Int lanes of the same count as {@link #F}. */
  private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
  /** Float lanes of half the count of {@link #F}, and the permutation of F's lanes with the even lanes first. */
  private static final VectorSpecies<Float> HALF = VectorSpecies.of(float.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
  private static final VectorShuffle<Float> EVEN_FIRST = VectorShuffle.fromOp(F, i -> i < F.length() / 2 ? 2 * i : 2 * i - F.length() + 1);
  /** Double lanes for requantization, and int lanes of the same count. */
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I_D = VectorSpecies.of(int.class, VectorShape.forBitSize(D.length() * Integer.SIZE));
  private static final VectorSpecies<Float> F_D = VectorSpecies.of(float.class, VectorShape.forBitSize(D.length() * Float.SIZE));
  /** Integers of absolute value up to 2^24 are exact in binary32. */
  static final long FLOAT_EXACT_BOUND = 1L << 24;

  private final PackedConv[] convs;
  private final PackedDense[] denses;
  /** By the index of its first op, the fused group starting there (see {@link #runFused}), else null. */
  private final Fused[] fused;
  private final ThreadLocal<Scratch> scratch;

  PackedModel(QuantizedModel model) {
    List<QOp> ops = model.ops();
    convs = new PackedConv[ops.size()];
    denses = new PackedDense[ops.size()];
    for (int k = 0; k < ops.size(); k++) {
      switch (ops.get(k)) {
        case QConv c when c.strideH() == 1 && c.strideW() == 1 ->
            convs[k] = new PackedConv(c, model.tensor(c.input()).shapeView(), model.tensor(c.output()).shapeView(), null, null);
        case QDense d -> denses[k] = new PackedDense(d);
        default -> {}
      }
    }
    fused = new Fused[ops.size()];
    int[] readers = readers(model);
    for (int k = 0; k + 1 < ops.size(); k++) {
      if (convs[k] != null || denses[k] != null) fused[k] = fuse(model, k, readers);
    }
    int inputLen = 0, accLen = 0, rowLen = 0;
    for (int k = 0; k < ops.size(); k++) {
      for (LinearKernel p : new LinearKernel[] {convs[k], denses[k], fused[k] == null ? null : fused[k].kernel()}) {
        if (p == null) continue;
        inputLen = Math.max(inputLen, p.inputLength());
        accLen = Math.max(accLen, p.accLength());
        rowLen = Math.max(rowLen, p.rowLength());
      }
    }
    int in = inputLen, acc = accLen, row = rowLen;
    scratch = ThreadLocal.withInitial(() -> new Scratch(new float[in], new float[acc], new int[in], new float[row], new int[row]));
  }

  /** The accumulators of op {@code opIndex} (a convolution) on x, or null (see the class comment). */
  int[] conv(int opIndex, int[] x) {
    return runOne(convs[opIndex], x);
  }

  /** The accumulators of op {@code opIndex} (a dense layer) on x, or null (see the class comment). */
  int[] dense(int opIndex, int[] x) {
    return runOne(denses[opIndex], x);
  }

  /** The accumulators of kernel p (null when there is none) on the one input x, or null. */
  private int[] runOne(LinearKernel p, int[] x) {
    int[][] y = p == null ? null : p.run(new int[][] {x}, scratch.get(), null);
    return y == null ? null : y[0];
  }

  /**
   * Runs the fused group starting at op {@code opIndex} on independent runs of the model, {@code
   * values[run][tensor]}, if there is a group and every run's input lets the float kernel be
   * exact: stores the group's last output in each run's values and returns the index of the op
   * after the group; else returns -1 and the caller runs op {@code opIndex} alone. The group's
   * intermediate tensors are not computed; callers use this only when they need neither them nor
   * per-op outputs.
   */
  int runFused(int opIndex, int[][][] values) {
    Fused f = fused[opIndex];
    if (f == null) return -1;
    int[][] x = new int[values.length][];
    for (int i = 0; i < x.length; i++) x[i] = values[i][f.input()];
    int[][] y = f.kernel().run(x, scratch.get(), f.epilogue());
    if (y == null) return -1;
    for (int i = 0; i < y.length; i++) values[i][f.output()] = y[i];
    return f.end();
  }

  /** A packed convolution or dense layer, and the scratch space its {@link #run} needs. */
  private interface LinearKernel {
    /**
     * For each input x[i] (independent runs), the accumulators, or with an epilogue its
     * requantized output; null when float would not be exact for one of them.
     */
    int[][] run(int[][] x, Scratch s, Epilogue e);

    /** Length of {@link Scratch#input} and {@link Scratch#index} it uses. */
    int inputLength();

    /** Length of {@link Scratch#acc} it uses. */
    int accLength();

    /** Length of {@link Scratch#row} it uses. */
    int rowLength();
  }

  /**
   * A convolution or dense layer, the requantization of its accumulators and, for a convolution,
   * the max pooling of the result (computed by {@code kernel}, a convolution packed with the
   * pool): ops [start, end) computed as one, from the float accumulators straight to the int8
   * output.
   */
  private record Fused(int input, int output, int end, LinearKernel kernel, Epilogue epilogue) {}

  /**
   * Requantization per output channel (m, shift expanded to one entry per channel).
   *
   * <p>{@code vectorRequant}: the requantization of a plane may run in double lanes. It is exact
   * when lo >= 0, every shift is in [1, 52] and the values are below 2^28 in absolute value (float
   * accumulators are at most 2^24, the layer's biases below 2^27): then x * m + 2^(s-1) is an
   * integer below 2^53, which one fused multiply-add yields exactly; the scaling by 2^-s is exact;
   * truncating toward zero (saturating at the int range) and then clamping to [lo, hi] equals the
   * floor of the scalar formula, clamped: they differ only on negative values, which both clamp to
   * lo >= 0.
   */
  private record Epilogue(int[] m, int[] shift, int lo, int hi, boolean vectorRequant, double[] mLanes, double[] halfLanes, double[] scaleLanes) {
    /** The epilogue of m and shift per channel, with their double lanes padded to whole vectors of {@link #F}. */
    static Epilogue of(int[] m, int[] shift, int lo, int hi, boolean vectorRequant) {
      int lanes = Math.ceilDiv(m.length, 2 * F.length()) * 2 * F.length();
      double[] half = new double[lanes], scale = new double[lanes];
      for (int c = 0; c < m.length; c++) {
        half[c] = Math.scalb(1.0, shift[c] - 1);
        scale[c] = Math.scalb(1.0, -shift[c]);
      }
      return new Epilogue(m, shift, lo, hi, vectorRequant, doubleLanes(m, lanes), half, scale);
    }

    int requantize(int acc, int channel) {
      return Requantize.clamp(Requantize.apply(acc, m[channel], shift[channel]), lo, hi);
    }

    /**
     * y[yOff + r * n + i] = requantize(bias + acc[aOff + r * aStride + i], channel) for r < rows, i
     * < n: a plane of rows, n wide, stored aStride >= n apart; acc holds exact integers of at
     * most 2^24. Rows are short (LeNet: 14), so a row is computed in whole vectors where their
     * lanes past its end stay inside the plane and inside acc: they write into the following
     * rows' values, which those rows then overwrite (the last rows of a plane end exactly).
     */
    void requantizeRows(float[] acc, int aOff, int aStride, int bias, int[] y, int yOff, int n, int rows, int channel) {
      if (!vectorRequant) {
        for (int r = 0; r < rows; r++) {
          for (int i = 0; i < n; i++) y[yOff + r * n + i] = requantize(bias + (int) acc[aOff + r * aStride + i], channel);
        }
        return;
      }
      DoubleVector mm = DoubleVector.broadcast(D, mLanes[channel]), half = DoubleVector.broadcast(D, halfLanes[channel]);
      DoubleVector scale = DoubleVector.broadcast(D, scaleLanes[channel]), b = DoubleVector.broadcast(D, bias);
      int whole = Math.ceilDiv(n, D.length()) * D.length();
      for (int r = 0; r < rows; r++) {
        int a = aOff + r * aStride, o = yOff + r * n, i = 0;
        boolean spill = (r * n + whole <= rows * n) && a + whole <= acc.length;
        for (int upper = spill ? n : D.loopBound(n); i < upper; i += D.length()) {
          DoubleVector x = (DoubleVector) FloatVector.fromArray(F_D, acc, a + i).convertShape(VectorOperators.F2D, D, 0);
          lanes(x, b, mm, half, scale).intoArray(y, o + i);
        }
        for (; i < n; i++) y[o + i] = requantize(bias + (int) acc[a + i], channel);
      }
    }

    /**
     * The requantization of channels [c, c + D.length()) with their accumulator lanes x and their
     * biases at biasLanes[c...] (exact integers, together below 2^28 in absolute value; see the
     * record comment).
     */
    IntVector requantizeChannels(DoubleVector x, double[] biasLanes, int c) {
      return lanes(x, DoubleVector.fromArray(D, biasLanes, c), DoubleVector.fromArray(D, mLanes, c), DoubleVector.fromArray(D, halfLanes, c),
          DoubleVector.fromArray(D, scaleLanes, c));
    }

    /**
     * (x + b) * m + half, scaled by 2^-s, truncated to int lanes (saturating at the int range) and
     * clamped to [lo, hi]. Clamping in int lanes takes one instruction each for max and min,
     * double lanes several (Java's NaN and -0.0 rules); truncating before clamping gives the floor
     * of the clamp: they differ only on negative values, and both clamp those to lo >= 0.
     */
    private IntVector lanes(DoubleVector x, DoubleVector b, DoubleVector m, DoubleVector half, DoubleVector scale) {
      return ((IntVector) x.add(b).fma(m, half).mul(scale).convertShape(VectorOperators.D2I, I_D, 0)).max(lo).min(hi);
    }
  }

  private static boolean vectorRequantIsExact(int lo, int[] shift, int[] bias) {
    if (lo < 0) return false;
    for (int s : shift) if (s < 1 || s > 52) return false;
    for (int b : bias) if (Math.abs((long) b) >= 1L << 27) return false;
    return true;
  }

  /** How many ops read each tensor, plus one for each time it is a model output. */
  private static int[] readers(QuantizedModel model) {
    int[] n = new int[model.tensors().size()];
    for (QOp op : model.ops()) for (int i : op.inputs()) n[i]++;
    for (int o : model.outputIds()) n[o]++;
    return n;
  }

  /**
   * The fused group starting at op k, or null. A max pool after the requantization is fused when
   * every m >= 0, the pool has no padding and its windows lie inside the image: pooling the
   * accumulators before requantizing then gives the same result as {@link QOp.QMaxPool} after
   * {@link QOp.QRequant}, because the requantization is non-decreasing and the bias is constant
   * per channel.
   */
  private Fused fuse(QuantizedModel model, int k, int[] readers) {
    List<QOp> ops = model.ops();
    QOp first = ops.get(k);
    if (!(ops.get(k + 1) instanceof QOp.QRequant r) || r.input() != first.output() || readers[first.output()] != 1) return null;
    int[] os = model.tensor(first.output()).shapeView();
    // The output channels run along axis 1 of a convolution's NCHW output, along the last axis of a dense layer's.
    int channels, channelAxis;
    int[] bias;
    if (first instanceof QConv c) {
      channels = c.outChannels();
      channelAxis = 1;
      bias = c.bias();
    } else {
      QDense d = (QDense) first;
      channels = d.outFeatures();
      channelAxis = os.length - 1;
      bias = d.bias();
    }
    int[] m, shift;
    if (r.m().length == 1) {
      m = new int[channels];
      shift = new int[channels];
      Arrays.fill(m, r.m()[0]);
      Arrays.fill(shift, r.shift()[0]);
    } else if (r.axis() == channelAxis && r.m().length == channels) {
      m = r.m().clone();
      shift = r.shift().clone();
    } else {
      return null;
    }
    Epilogue epilogue = Epilogue.of(m, shift, r.lo(), r.hi(), vectorRequantIsExact(r.lo(), shift, bias));
    if (first instanceof QConv c && k + 2 < ops.size() && ops.get(k + 2) instanceof QOp.QMaxPool p && p.input() == r.output()
        && readers[r.output()] == 1 && Arrays.stream(m).allMatch(v -> v >= 0) && p.padTop() == 0 && p.padLeft() == 0
        && Arrays.stream(bias).allMatch(b -> Math.abs((long) b) < 1L << 30)) {
      // |bias| < 2^30 and |acc| <= 2^24: bias + acc does not wrap, so max(acc) + bias = max(acc + bias).
      int[] ps = model.tensor(p.output()).shapeView();
      if ((ps[2] - 1) * p.strideH() + p.kernelH() <= os[2] && (ps[3] - 1) * p.strideW() + p.kernelW() <= os[3]) {
        PackedConv pooled = new PackedConv(c, model.tensor(c.input()).shapeView(), os, p, ps);
        return new Fused(first.inputs()[0], p.output(), k + 3, pooled, epilogue);
      }
    }
    LinearKernel kernel = convs[k] != null ? convs[k] : denses[k];
    return new Fused(first.inputs()[0], r.output(), k + 2, kernel, epilogue);
  }

  /**
   * Per-thread buffers: a convolution's padded input or a dense layer's nonzero input values (with
   * their weight row offsets in {@code index}), accumulators, one row of pooled maxima and its
   * requantized values.
   */
  private record Scratch(float[] input, float[] acc, int[] index, float[] row, int[] requantizedRow) {}

  /** acc[i..] = lo, acc[i + F.length()..] = hi: one accumulator pair of a register-blocked kernel. */
  private static void store(FloatVector lo, FloatVector hi, float[] acc, int i) {
    lo.intoArray(acc, i);
    hi.intoArray(acc, i + F.length());
  }

  /** As {@link #store}, or the lane-wise maximum with what is there unless this is the first window position. */
  private static void storeMax(FloatVector lo, FloatVector hi, float[] acc, int i, boolean first) {
    int j = i + F.length();
    (first ? lo : lo.max(FloatVector.fromArray(F, acc, i))).intoArray(acc, i);
    (first ? hi : hi.max(FloatVector.fromArray(F, acc, j))).intoArray(acc, j);
  }

  /** The values of v as doubles, zero-padded to {@code length} lanes. */
  private static double[] doubleLanes(int[] v, int length) {
    double[] d = new double[length];
    for (int i = 0; i < v.length; i++) d[i] = v[i];
    return d;
  }

  /** rowAbsSum * maxAbs <= 2^24, without overflowing for any int weights and inputs. */
  private static boolean exactInFloat(long rowAbsSum, long maxAbs) {
    return maxAbs == 0 || rowAbsSum <= FLOAT_EXACT_BOUND / maxAbs;
  }

  private static long maxRowAbsSum(int[] w, int rows, int rowLength) {
    long best = 0;
    for (int r = 0; r < rows; r++) {
      long s = 0;
      for (int i = 0; i < rowLength; i++) s += Math.abs((long) w[r * rowLength + i]);
      best = Math.max(best, s);
    }
    return best;
  }

  /**
   * A stride-1 convolution, optionally with the max pool after it, computed directly on a
   * zero-padded float copy of the input: output position (oy, ox) reads padded position (oy + ky,
   * ox + kx) for weight (c, ky, kx), so with the right layout every weight is one contiguous stream
   * of input values. With a pool the convolution is computed only at the positions inside its
   * windows, and the maximum over each window is taken on the float accumulators (they are exact
   * integers, so their float maximum is the int32 one); the bias is added after the maximum.
   *
   * <p>Spatial layout: for each output channel, vectors of pooled output positions. The padded
   * input is split into phases by the pool strides (sh, sw): padded (r, c) goes to plane (r mod
   * sh, c mod sw) at (r / sh, c / sw), subW wide. Pooled position q = py * subW + px at window
   * position (dy, dx) then reads, for every weight, the input at q plus a constant offset, so one
   * pass over the terms per window position computes every pooled position's candidate, and the
   * running maximum stays in the accumulator buffer. Without a pool the strides are 1 and this is
   * the plain padded plane. Rows are computed subW wide (the columns past the pooled width are
   * discarded) and rounded up to whole vector blocks.
   *
   * <p>When there are many output channels and the planes are narrow (LeNet's second convolution:
   * 16 channels, a 10 x 10 output) the same sums are cheaper across channels instead ("channels
   * last"): weights transposed to [term][channel], each input value broadcast against a vector of
   * channels, {@link #COLUMNS} output positions at a time, only the positions inside the pool
   * windows, in window order so that each window's maximum is over consecutive rows. The layout
   * with fewer loads and multiply-adds, as counted in the constructor, is used.
   *
   * <p>Image blocking, channels last: up to {@link #IMAGES} images (or samples of the model's own
   * batch) are padded into one buffer, {@link #inputLength} apart, and their positions form one
   * sequence of columns, so each block of columns, whose weight vectors are loaded once per term,
   * may span two images and only the last block of the group is partly wasted.
   */
  private static final class PackedConv implements LinearKernel {
    private static final int BLOCK = 2 * F.length();
    /** Output positions per block in the channels-last layout: 12 accumulators, 2 weight vectors, 1 broadcast. */
    private static final int COLUMNS = 6;
    /** Images per pass of the channels-last kernel. */
    private static final int IMAGES = 4;
    private final int[] bias;
    /** Channels last: the bias as double lanes, paddedChannels long. */
    private final double[] biasLanes;
    private final int batch, outChannels, terms;
    /** Spatial layout: output channels [0, sixEnd) run six at a time (see {@link #sixChannelEnd}), the rest four, then one. */
    private final int sixEnd;
    /** Output size (pooled when there is a pool) and positions per pool window (1 without a pool). */
    private final int ph, pw, window;
    /** For each value of one input image, its slot in the padded float buffer. */
    private final int[] slot;
    /**
     * The image's values in runs, four ints each (first value, count, slot, odd slot): count values
     * with consecutive slots from slot (odd slot -1), or count pairs of values whose first values
     * have consecutive slots from slot and second values from odd slot (a row split into the pool
     * phases). Null when the runs are too short to copy in vectors.
     */
    private final int[] runs;
    /** Positions per image in the channels-last layout (pooled positions times window size), else 0. */
    private final int positions;
    /** Length of one image's padded input; channels last, the distance between images in the buffer. */
    private final int inputLength;
    /**
     * Per thread, the padded input buffer (channels last, of {@link #IMAGES} images): only the
     * slots are ever written, so everything else (the padding, and the margins the vector blocks
     * read past the image) stays zero.
     */
    private final ThreadLocal<float[]> padded = ThreadLocal.withInitial(this::newPaddedBuffer);
    /** Spatial layout: width of a phase plane, computed positions per channel, weights [channel][term]. */
    private final int subW, computed;
    private final float[] weights;
    /** Input offset per term ([window position][term] in the spatial layout). */
    private final int[] offsets;
    private final long rowAbsSum;
    /**
     * Channels-last layout: weights [term][paddedChannels], and the column q of each position of
     * {@link #IMAGES} images (image by image, window by window within each), padded to whole blocks
     * by repeating the last.
     */
    private final boolean channelsLast;
    private final int paddedChannels;
    private final float[] weightsByTerm;
    private final int[] columnQ;

    /** The convolution c from input shape xs to output shape os, then pool p to shape ps (both null without a pool). */
    PackedConv(QConv c, int[] xs, int[] os, QOp.QMaxPool p, int[] ps) {
      batch = xs[0];
      int inChannels = xs[1], h = xs[2], w = xs[3], kh = c.kernelH(), kw = c.kernelW();
      outChannels = c.outChannels();
      int oh = os[2], ow = os[3], paddedH = oh + kh - 1, paddedW = ow + kw - 1;
      int poolKH = p == null ? 1 : p.kernelH(), poolKW = p == null ? 1 : p.kernelW();
      int sh = p == null ? 1 : p.strideH(), sw = p == null ? 1 : p.strideW();
      ph = p == null ? oh : ps[2];
      pw = p == null ? ow : ps[3];
      window = poolKH * poolKW;
      terms = inChannels * kh * kw;
      bias = c.bias();
      int[] wt = c.weights();
      rowAbsSum = maxRowAbsSum(wt, outChannels, terms);
      int v = F.length();
      // Loads plus multiply-adds per term and block, as accumulate() and accumulateChannelsLast() issue them.
      sixEnd = sixChannelEnd(outChannels);
      int rest = outChannels - sixEnd;
      long spatial = (2 + 6 + 12) * (sixEnd / 6) + (2 + 4 + 8) * (rest / 4) + 5L * (rest % 4);
      int spatialSubW = Math.ceilDiv(paddedW, sw);
      int spatialComputed = Math.ceilDiv(ph * spatialSubW, BLOCK) * BLOCK;
      spatial = spatial * (spatialComputed / BLOCK) * window;
      paddedChannels = Math.ceilDiv(outChannels, 2 * v) * 2 * v;
      biasLanes = doubleLanes(bias, paddedChannels);
      int imagePositions = ph * pw * window;
      long acrossChannels = (2 + COLUMNS + 2L * COLUMNS) * Math.ceilDiv(imagePositions, COLUMNS) * (paddedChannels / (2 * v));
      channelsLast = acrossChannels < spatial;
      // The padded input, split into phases by (fh, fw): padded (r, cc) of channel ic is at
      // ((ic * fh + r % fh) * fw + cc % fw) * subPlane + (r / fh) * subW + cc / fw.
      int fh = channelsLast ? 1 : sh, fw = channelsLast ? 1 : sw;
      subW = Math.ceilDiv(paddedW, fw);
      int subPlane = Math.ceilDiv(paddedH, fh) * subW;
      computed = channelsLast ? 0 : spatialComputed;
      positions = channelsLast ? imagePositions : 0;
      int[] padded = new int[inChannels * paddedH * paddedW];
      for (int ic = 0, i = 0; ic < inChannels; ic++) {
        for (int r = 0; r < paddedH; r++) {
          for (int cc = 0; cc < paddedW; cc++) padded[i++] = ((ic * fh + r % fh) * fw + cc % fw) * subPlane + r / fh * subW + cc / fw;
        }
      }
      int windowTerms = channelsLast ? 1 : window;
      offsets = new int[windowTerms * terms];
      int maxOffset = 0;
      for (int j = 0, t = 0; j < windowTerms; j++) {
        for (int ic = 0; ic < inChannels; ic++) {
          for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
              offsets[t] = padded[(ic * paddedH + j / poolKW + ky) * paddedW + j % poolKW + kx];
              maxOffset = Math.max(maxOffset, offsets[t++]);
            }
          }
        }
      }
      if (channelsLast) {
        weights = null;
        weightsByTerm = new float[terms * paddedChannels];
        for (int mm = 0; mm < outChannels; mm++) {
          for (int t = 0; t < terms; t++) weightsByTerm[t * paddedChannels + mm] = wt[mm * terms + t];
        }
        int[] positionQ = new int[positions];
        for (int i = 0; i < positions; i++) {
          int pos = i / window, j = i % window;
          positionQ[i] = (pos / pw * sh + j / poolKW) * paddedW + pos % pw * sw + j % poolKW;
        }
        // Window order ends with the last window's last position, the largest q.
        inputLength = Math.max(inChannels * subPlane, maxOffset + positionQ[positions - 1] + 1);
        columnQ = new int[Math.ceilDiv(IMAGES * positions, COLUMNS) * COLUMNS];
        for (int i = 0; i < columnQ.length; i++) {
          int valid = Math.min(i, IMAGES * positions - 1);
          columnQ[i] = valid / positions * inputLength + positionQ[valid % positions];
        }
      } else {
        weights = new float[wt.length];
        for (int i = 0; i < wt.length; i++) weights[i] = wt[i];
        weightsByTerm = null;
        columnQ = null;
        inputLength = Math.max(inChannels * fh * fw * subPlane, maxOffset + computed);
      }
      // Input value (ic, iy, ix) is padded (iy + padTop, ix + padLeft); stride 1 with non-negative
      // padding keeps every input value inside the padded plane.
      slot = new int[inChannels * h * w];
      for (int ic = 0, i = 0; ic < inChannels; ic++) {
        for (int iy = 0; iy < h; iy++) {
          for (int ix = 0; ix < w; ix++) slot[i++] = padded[(ic * paddedH + iy + c.padTop()) * paddedW + ix + c.padLeft()];
        }
      }
      runs = runsOf(slot);
    }

    /**
     * Where the spatial kernel's blocks of six output channels end: six at a time while six are
     * left, except that eight left go as two blocks of four (no single-channel remainder).
     */
    private static int sixChannelEnd(int outChannels) {
      int m = 0;
      while (m + 6 <= outChannels && outChannels - m != 8) m += 6;
      return m;
    }

    private float[] newPaddedBuffer() {
      return new float[channelsLast ? IMAGES * inputLength : inputLength];
    }

    /** None: the padded input has its own buffer ({@link #padded}). */
    @Override
    public int inputLength() {
      return 0;
    }

    @Override
    public int accLength() {
      return channelsLast ? columnQ.length * paddedChannels : outChannels * computed;
    }

    @Override
    public int rowLength() {
      return paddedChannels;
    }

    /**
     * The accumulators on each x[i] (pooled when there is a pool), or with an epilogue its int8
     * output; null when float would not be exact. Samples (sample b of x[i] is x[i] from b *
     * slot.length) run {@link #IMAGES} at a time channels last, one at a time otherwise.
     */
    @Override
    public int[][] run(int[][] x, Scratch s, Epilogue e) {
      float[] xp = padded.get(), acc = s.acc();
      int out = outChannels * ph * pw, samples = x.length * batch, group = channelsLast ? IMAGES : 1;
      // Row by row: a two-dimensional allocation is a runtime call.
      int[][] y = new int[x.length][];
      for (int i = 0; i < y.length; i++) y[i] = new int[batch * out];
      for (int first = 0; first < samples; first += group) {
        int n = Math.min(group, samples - first);
        for (int j = 0; j < n; j++) {
          int sample = first + j;
          if (!exactInFloat(rowAbsSum, pad(x[sample / batch], sample % batch * slot.length, xp, j * inputLength))) return null;
        }
        if (channelsLast) {
          // The last block's columns past the group read image n's region (whatever it holds) or repeat the last; discarded.
          accumulateChannelsLast(xp, acc, Math.ceilDiv(n * positions, COLUMNS) * COLUMNS);
          for (int j = 0; j < n; j++) {
            int sample = first + j;
            epilogueChannelsLast(acc, j * positions * paddedChannels, e, y[sample / batch], sample % batch * out, s);
          }
        } else {
          accumulate(xp, acc);
          int[] image = y[first / batch];
          for (int m = 0; m < outChannels; m++) {
            int yBase = first % batch * out + m * ph * pw, aBase = m * computed, bm = bias[m];
            if (e != null) {
              e.requantizeRows(acc, aBase, subW, bm, image, yBase, pw, ph, m);
              continue;
            }
            for (int py = 0; py < ph; py++) {
              int a = aBase + py * subW, o = yBase + py * pw;
              for (int px = 0; px < pw; px++) image[o + px] = bm + (int) acc[a + px];
            }
          }
        }
      }
      return y;
    }

    /** The runs of {@link #runs} that cover slots s, or null when they average under two vectors of values. */
    private static int[] runsOf(int[] s) {
      int[] runs = new int[4 * s.length];
      int n = 0;
      for (int i = 0; i < s.length; ) {
        int j = i + 1, count, odd = -1;
        while (j < s.length && s[j] == s[j - 1] + 1) j++;
        if (j - i >= 2 || i + 3 >= s.length || s[i + 2] != s[i] + 1 || s[i + 3] != s[i + 1] + 1) {
          count = j - i;
        } else {
          odd = s[i + 1];
          count = 2;
          while (i + 2 * count + 1 < s.length && s[i + 2 * count] == s[i] + count && s[i + 2 * count + 1] == odd + count) count++;
          j = i + 2 * count;
        }
        runs[n++] = i;
        runs[n++] = count;
        runs[n++] = s[i];
        runs[n++] = odd;
        i = j;
      }
      return s.length >= 2L * I.length() * (n / 4) ? Arrays.copyOf(runs, n) : null;
    }

    /** The image at x[from..] into its slots of xp, shifted by {@code at}; returns max |x| of the image. */
    private long pad(int[] x, int from, float[] xp, int at) {
      if (runs != null) return padRuns(x, from, xp, at);
      int min = 0, max = 0;
      for (int i = 0; i < slot.length; i++) {
        int v = x[from + i];
        min = Math.min(min, v);
        max = Math.max(max, v);
        xp[at + slot[i]] = v;
      }
      return Math.max(max, -(long) min);
    }

    /**
     * As {@link #pad}, by {@link #runs}, in vectors. A run's last vector ends at the run's end,
     * overlapping the one before it (the slots it writes again get the same values); a pair run's
     * vectors are split by a lane permutation into their first values (the low half) and their
     * second values (the high half).
     */
    private long padRuns(int[] x, int from, float[] xp, int at) {
      IntVector min = IntVector.zero(I), max = min;
      int lo = 0, hi = 0, pairs = I.length() / 2;
      for (int r = 0; r < runs.length; r += 4) {
        int i = from + runs[r], count = runs[r + 1], o = at + runs[r + 2], odd = at + runs[r + 3];
        boolean paired = runs[r + 3] >= 0;
        int step = paired ? pairs : I.length();
        if (count < step) {
          for (int k = 0; k < count; k++) {
            int a = x[i + (paired ? 2 * k : k)];
            lo = Math.min(lo, a);
            hi = Math.max(hi, a);
            xp[o + k] = a;
            if (!paired) continue;
            int b = x[i + 2 * k + 1];
            lo = Math.min(lo, b);
            hi = Math.max(hi, b);
            xp[odd + k] = b;
          }
          continue;
        }
        for (int next = 0; next < count; next += step) {
          int k = Math.min(next, count - step);
          IntVector v = IntVector.fromArray(I, x, i + (paired ? 2 * k : k));
          min = min.min(v);
          max = max.max(v);
          FloatVector f = (FloatVector) v.convert(VectorOperators.I2F, 0);
          if (paired) {
            f = f.rearrange(EVEN_FIRST);
            ((FloatVector) f.reinterpretShape(HALF, 0)).intoArray(xp, o + k);
            ((FloatVector) f.reinterpretShape(HALF, 1)).intoArray(xp, odd + k);
          } else {
            f.intoArray(xp, o + k);
          }
        }
      }
      lo = Math.min(lo, min.reduceLanes(VectorOperators.MIN));
      hi = Math.max(hi, max.reduceLanes(VectorOperators.MAX));
      return Math.max(hi, -(long) lo);
    }

    /**
     * acc[c][m] = sum_t weightsByTerm[t][m] * xp[offsets[t] + columnQ[c]] for the first {@code
     * columns} columns (a multiple of {@link #COLUMNS}); six columns, two vectors of channels at a
     * time.
     */
    private void accumulateChannelsLast(float[] xp, float[] acc, int columns) {
      int v = F.length(), mc = paddedChannels;
      for (int mb = 0; mb < mc; mb += 2 * v) {
        for (int p = 0; p < columns; p += COLUMNS) {
          int q0 = columnQ[p], q1 = columnQ[p + 1], q2 = columnQ[p + 2], q3 = columnQ[p + 3], q4 = columnQ[p + 4], q5 = columnQ[p + 5];
          FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
          FloatVector a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
          for (int t = 0; t < terms; t++) {
            int o = offsets[t], wo = t * mc + mb;
            FloatVector w0 = FloatVector.fromArray(F, weightsByTerm, wo), w1 = FloatVector.fromArray(F, weightsByTerm, wo + v);
            FloatVector c = FloatVector.broadcast(F, xp[o + q0]);
            a00 = w0.fma(c, a00);
            a01 = w1.fma(c, a01);
            c = FloatVector.broadcast(F, xp[o + q1]);
            a10 = w0.fma(c, a10);
            a11 = w1.fma(c, a11);
            c = FloatVector.broadcast(F, xp[o + q2]);
            a20 = w0.fma(c, a20);
            a21 = w1.fma(c, a21);
            c = FloatVector.broadcast(F, xp[o + q3]);
            a30 = w0.fma(c, a30);
            a31 = w1.fma(c, a31);
            c = FloatVector.broadcast(F, xp[o + q4]);
            a40 = w0.fma(c, a40);
            a41 = w1.fma(c, a41);
            c = FloatVector.broadcast(F, xp[o + q5]);
            a50 = w0.fma(c, a50);
            a51 = w1.fma(c, a51);
          }
          int base = p * mc + mb;
          store(a00, a01, acc, base);
          store(a10, a11, acc, base + mc);
          store(a20, a21, acc, base + 2 * mc);
          store(a30, a31, acc, base + 3 * mc);
          store(a40, a41, acc, base + 4 * mc);
          store(a50, a51, acc, base + 5 * mc);
        }
      }
    }

    /**
     * Maximum over each pool window (consecutive rows), bias, requantization when e says so, from
     * one image's channels-last accumulators (from acc[aBase]) to NCHW y; with a vector
     * requantization, in lanes of channels before the transposition.
     */
    private void epilogueChannelsLast(float[] acc, int aBase, Epilogue e, int[] y, int yBase, Scratch s) {
      int mc = paddedChannels, pooled = ph * pw;
      boolean lanes = e != null && e.vectorRequant();
      float[] row = s.row();
      int[] requantized = s.requantizedRow();
      for (int p = 0; p < pooled; p++) {
        int first = aBase + p * window * mc;
        for (int mb = 0; mb < mc; mb += F.length()) {
          FloatVector mx = FloatVector.fromArray(F, acc, first + mb);
          for (int j = 1; j < window; j++) mx = mx.max(FloatVector.fromArray(F, acc, first + j * mc + mb));
          if (!lanes) {
            mx.intoArray(row, mb);
            continue;
          }
          for (int part = 0, c = mb; part < F.length() / D.length(); part++, c += D.length()) {
            e.requantizeChannels((DoubleVector) mx.convertShape(VectorOperators.F2D, D, part), biasLanes, c).intoArray(requantized, c);
          }
        }
        if (lanes) {
          for (int m = 0; m < outChannels; m++) y[yBase + m * pooled + p] = requantized[m];
        } else if (e != null) {
          for (int m = 0; m < outChannels; m++) y[yBase + m * pooled + p] = e.requantize(bias[m] + (int) row[m], m);
        } else {
          for (int m = 0; m < outChannels; m++) y[yBase + m * pooled + p] = bias[m] + (int) row[m];
        }
      }
    }

    /**
     * acc[m][q] = max over window positions j of sum_t weights[m][t] * xp[offsets[j][t] + q], two
     * vectors of q at a time for six output channels (12 accumulators, 15 of AVX2's 16
     * registers), then four, then one.
     */
    private void accumulate(float[] xp, float[] acc) {
      int v = F.length(), m = 0;
      for (; m < sixEnd; m += 6) {
        int w0 = m * terms, w1 = w0 + terms, w2 = w1 + terms, w3 = w2 + terms, w4 = w3 + terms, w5 = w4 + terms;
        for (int q = 0; q < computed; q += BLOCK) {
          for (int j = 0; j < window; j++) {
            FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
            FloatVector a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
            for (int t = 0, jt = j * terms; t < terms; t++) {
              int o = offsets[jt + t] + q;
              FloatVector x0 = FloatVector.fromArray(F, xp, o), x1 = FloatVector.fromArray(F, xp, o + v);
              FloatVector c = FloatVector.broadcast(F, weights[w0 + t]);
              a00 = x0.fma(c, a00);
              a01 = x1.fma(c, a01);
              c = FloatVector.broadcast(F, weights[w1 + t]);
              a10 = x0.fma(c, a10);
              a11 = x1.fma(c, a11);
              c = FloatVector.broadcast(F, weights[w2 + t]);
              a20 = x0.fma(c, a20);
              a21 = x1.fma(c, a21);
              c = FloatVector.broadcast(F, weights[w3 + t]);
              a30 = x0.fma(c, a30);
              a31 = x1.fma(c, a31);
              c = FloatVector.broadcast(F, weights[w4 + t]);
              a40 = x0.fma(c, a40);
              a41 = x1.fma(c, a41);
              c = FloatVector.broadcast(F, weights[w5 + t]);
              a50 = x0.fma(c, a50);
              a51 = x1.fma(c, a51);
            }
            int base = m * computed + q;
            boolean first = j == 0;
            storeMax(a00, a01, acc, base, first);
            storeMax(a10, a11, acc, base + computed, first);
            storeMax(a20, a21, acc, base + 2 * computed, first);
            storeMax(a30, a31, acc, base + 3 * computed, first);
            storeMax(a40, a41, acc, base + 4 * computed, first);
            storeMax(a50, a51, acc, base + 5 * computed, first);
          }
        }
      }
      for (; m + 4 <= outChannels; m += 4) {
        int w0 = m * terms, w1 = w0 + terms, w2 = w1 + terms, w3 = w2 + terms;
        for (int q = 0; q < computed; q += BLOCK) {
          for (int j = 0; j < window; j++) {
            FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
            for (int t = 0, jt = j * terms; t < terms; t++) {
              int o = offsets[jt + t] + q;
              FloatVector x0 = FloatVector.fromArray(F, xp, o), x1 = FloatVector.fromArray(F, xp, o + v);
              FloatVector c0 = FloatVector.broadcast(F, weights[w0 + t]);
              a00 = x0.fma(c0, a00);
              a01 = x1.fma(c0, a01);
              FloatVector c1 = FloatVector.broadcast(F, weights[w1 + t]);
              a10 = x0.fma(c1, a10);
              a11 = x1.fma(c1, a11);
              FloatVector c2 = FloatVector.broadcast(F, weights[w2 + t]);
              a20 = x0.fma(c2, a20);
              a21 = x1.fma(c2, a21);
              FloatVector c3 = FloatVector.broadcast(F, weights[w3 + t]);
              a30 = x0.fma(c3, a30);
              a31 = x1.fma(c3, a31);
            }
            int base = m * computed + q;
            boolean first = j == 0;
            storeMax(a00, a01, acc, base, first);
            storeMax(a10, a11, acc, base + computed, first);
            storeMax(a20, a21, acc, base + 2 * computed, first);
            storeMax(a30, a31, acc, base + 3 * computed, first);
          }
        }
      }
      for (; m < outChannels; m++) {
        int w0 = m * terms;
        for (int q = 0; q < computed; q += BLOCK) {
          for (int j = 0; j < window; j++) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0;
            for (int t = 0, jt = j * terms; t < terms; t++) {
              int o = offsets[jt + t] + q;
              FloatVector c0 = FloatVector.broadcast(F, weights[w0 + t]);
              a0 = FloatVector.fromArray(F, xp, o).fma(c0, a0);
              a1 = FloatVector.fromArray(F, xp, o + v).fma(c0, a1);
            }
            storeMax(a0, a1, acc, m * computed + q, j == 0);
          }
        }
      }
    }
  }

  /**
   * A dense layer with its weights transposed to [K][N] (N rounded up to whole vectors, zero
   * filled): each input value is broadcast against a contiguous run of output features, and zero
   * inputs (common after ReLU) are skipped.
   *
   * <p>Rows (the images of a batch, or the rows of one image) are computed {@link #ROWS} at a
   * time where that is cheaper: every weight vector loaded then feeds one multiply-add per row of
   * the block, and the weight matrix (LeNet's first dense layer: 200 KB, beyond L1) is read once
   * per block instead of once per row. But the inputs a block skips are only those zero in all of
   * its rows (the others are multiplied in, zeros included, which adds exact zeros), so for
   * sparse rows, computed one by one with their own zeros skipped, fewer multiply-adds are
   * issued. {@link #blockIsCheaper} decides per block from the rows' nonzero counts and the
   * size of their union.
   */
  private static final class PackedDense implements LinearKernel {
    /** From this many (padded) outputs on, the one-row loop streams the rows of the matrix. */
    static final int WIDE_OUT = 256;
    /** Rows per block: with two vectors of outputs, 8 accumulators, 2 weight vectors, 1 broadcast. */
    private static final int ROWS = 4;

    private static final int BLOCK = 4 * F.length();
    /** Lanes of the gather's left-packing ({@link #gatherRow}), and its permutations by mask of nonzero lanes. */
    private static final VectorSpecies<Integer> P = IntVector.SPECIES_256;
    private static final int PACK_LANES = P.length();
    private static final int[] LEFT_PACK = new int[PACK_LANES << PACK_LANES];
    private static final IntVector P_IOTA = (IntVector) P.iotaShuffle(0, 1, false).toVector();

    static {
      for (int mask = 0; mask < 1 << PACK_LANES; mask++) {
        int n = mask * PACK_LANES;
        for (int lane = 0; lane < PACK_LANES; lane++) if ((mask >> lane & 1) != 0) LEFT_PACK[n++] = lane;
        for (int lane = 0; lane < PACK_LANES; lane++) if ((mask >> lane & 1) == 0) LEFT_PACK[n++] = lane;
      }
    }

    private final int[] bias;
    /** The bias as double lanes, paddedOut long. */
    private final double[] biasLanes;
    private final int inFeatures, outFeatures, paddedOut;
    private final float[] transposed;
    private final long rowAbsSum;

    PackedDense(QDense d) {
      inFeatures = d.inFeatures();
      outFeatures = d.outFeatures();
      // Whole four-vector blocks (one pass over the inputs each) unless that would more than pad a
      // small layer; whole pairs of vectors at least, the row blocks' unit.
      int step = outFeatures <= 2 * F.length() ? 2 * F.length() : BLOCK;
      paddedOut = Math.ceilDiv(outFeatures, step) * step;
      bias = d.bias();
      biasLanes = doubleLanes(bias, paddedOut);
      int[] wt = d.weights();
      transposed = new float[inFeatures * paddedOut];
      for (int n = 0; n < outFeatures; n++) {
        for (int k = 0; k < inFeatures; k++) transposed[k * paddedOut + n] = wt[n * inFeatures + k];
      }
      rowAbsSum = maxRowAbsSum(wt, outFeatures, inFeatures);
    }

    /**
     * The one-row gathers of {@link #ROWS} rows, then a block's gather ({@link #gatherUnion}),
     * inFeatures values per row each (and their weight row offsets in the index).
     */
    @Override
    public int inputLength() {
      return 2 * inFeatures * ROWS;
    }

    @Override
    public int accLength() {
      return paddedOut * ROWS;
    }

    @Override
    public int rowLength() {
      return 0;
    }

    @Override
    public int[][] run(int[][] x, Scratch s, Epilogue e) {
      int[][] y = new int[x.length][];
      int rows = 0;
      for (int i = 0; i < x.length; i++) {
        y[i] = new int[x[i].length / inFeatures * outFeatures];
        rows += x[i].length / inFeatures;
      }
      // Every row as (its run, its index in that run's input), in order.
      int[] run = new int[rows], index = new int[rows];
      for (int i = 0, r = 0; i < x.length; i++) {
        for (int j = 0; j + inFeatures <= x[i].length; j += inFeatures, r++) {
          run[r] = i;
          index[r] = j;
        }
      }
      float[] acc = s.acc(), values = s.input();
      int[] nz = s.index();
      // Each row's count of nonzero inputs (gathered at b * inFeatures), for the rows computed one by one.
      int[] count = new int[ROWS];
      for (int r = 0; r < rows; ) {
        int n = Math.min(ROWS, rows - r), entries = 0;
        for (int b = 0; b < n; b++) {
          count[b] = gatherRow(x[run[r + b]], index[r + b], values, nz, b * inFeatures);
          if (count[b] < 0) return null;
          entries += count[b];
        }
        // A full block is gathered to learn the size of its union, then used if that pays.
        int union = n == ROWS ? gatherUnion(x, run, index, r, values, nz) : 0;
        if (n == ROWS && blockIsCheaper(entries, union)) {
          accumulateRows(values, nz, union, acc);
        } else {
          for (int b = 0; b < n; b++) accumulateRow(values, nz, b * inFeatures, count[b], acc, b * paddedOut);
        }
        for (int b = 0; b < n; b++, r++) {
          int[] out = y[run[r]];
          int o = index[r] / inFeatures * outFeatures, a = b * paddedOut;
          if (e == null) {
            for (int j = 0; j < outFeatures; j++) out[o + j] = bias[j] + (int) acc[a + j];
            continue;
          }
          int j = 0;
          if (e.vectorRequant()) {
            // The outputs are the channels: requantized in lanes of outputs.
            for (; j <= outFeatures - D.length(); j += D.length()) {
              DoubleVector v = (DoubleVector) FloatVector.fromArray(F_D, acc, a + j).convertShape(VectorOperators.F2D, D, 0);
              e.requantizeChannels(v, biasLanes, j).intoArray(out, o + j);
            }
          }
          for (; j < outFeatures; j++) out[o + j] = e.requantize(bias[j] + (int) acc[a + j], j);
        }
      }
      return y;
    }

    /**
     * Whether a full block of {@link #ROWS} rows with {@code entries} nonzero entries in all, and
     * {@code union} inputs nonzero in at least one of them, is cheaper than its rows one by one:
     * when it issues fewer than twice the multiply-adds. The block kernel's multiply-adds run
     * about three times as fast as the one-row kernel's, which reloads a weight vector for every
     * multiply-add and, for a matrix beyond L1, waits on L2 (measured on LeNet's first dense layer,
     * 57% nonzero inputs: the block kernel took 8.6% of the inference to the one-row kernel's
     * 14.6% with 1.7 times the multiply-adds).
     */
    private boolean blockIsCheaper(int entries, int union) {
      return (long) union * ROWS < 2L * entries;
    }

    /**
     * Gathers the nonzero inputs of the row x[from..from + inFeatures): their values at values[at +
     * i] and their weight row offsets at nz[at + i]. Returns their count, or -1 when float would
     * not be exact for this row.
     */
    private int gatherRow(int[] x, int from, float[] values, int[] nz, int at) {
      int count = 0, min = 0, max = 0, k = 0;
      if (inFeatures >= PACK_LANES) {
        // Eight inputs at a time, left-packed: a lane permutation (from the table, by the mask of
        // nonzero lanes) moves the nonzero values and their offsets to the front, all eight lanes
        // are stored and the count advances by the nonzeros. The lanes past them land inside the
        // row's region, before the next eight inputs' position.
        IntVector lo = IntVector.zero(P), hi = lo, offset = P_IOTA.mul(paddedOut), step = IntVector.broadcast(P, PACK_LANES * paddedOut);
        for (; k <= inFeatures - PACK_LANES; k += PACK_LANES) {
          IntVector v = IntVector.fromArray(P, x, from + k);
          lo = lo.min(v);
          hi = hi.max(v);
          int nonzero = (int) v.compare(VectorOperators.NE, 0).toLong();
          VectorShuffle<Integer> pack = leftPack(nonzero);
          storePacked(v, pack, values, at + count);
          offset.rearrange(pack).intoArray(nz, at + count);
          offset = offset.add(step);
          count += Integer.bitCount(nonzero);
        }
        min = lo.reduceLanes(VectorOperators.MIN);
        max = hi.reduceLanes(VectorOperators.MAX);
      }
      for (; k < inFeatures; k++) {
        int xv = x[from + k];
        min = Math.min(min, xv);
        max = Math.max(max, xv);
        // Branch-free (after a ReLU about half the inputs are zero, at random): always written, kept when nonzero.
        nz[at + count] = k * paddedOut;
        values[at + count] = xv;
        count += xv != 0 ? 1 : 0;
      }
      return exactInFloat(rowAbsSum, Math.max(max, -(long) min)) ? count : -1;
    }

    /** The permutation of {@link #P}'s lanes that moves the lanes set in {@code nonzero} to the front, in order. */
    private static VectorShuffle<Integer> leftPack(int nonzero) {
      return IntVector.fromArray(P, LEFT_PACK, nonzero * PACK_LANES).toShuffle();
    }

    /** values[at...] = the lanes of v, permuted by pack, as floats (all {@link #PACK_LANES} of them). */
    private static void storePacked(IntVector v, VectorShuffle<Integer> pack, float[] values, int at) {
      ((FloatVector) v.rearrange(pack).convert(VectorOperators.I2F, 0)).intoArray(values, at);
    }

    /**
     * Gathers the {@link #ROWS} rows from r0 (row r: x[run[r]] from index[r]) for a block: for
     * each input nonzero in at least one of them, row b's value at values[U + b * inFeatures + i]
     * and the input's weight row offset at nz[U + i], U = ROWS * inFeatures (after the one-row
     * gathers). Eight inputs at a time, left-packed as in {@link #gatherRow} by the mask of inputs
     * nonzero in any row. Returns the count of such inputs.
     */
    private int gatherUnion(int[][] x, int[] run, int[] index, int r0, float[] values, int[] nz) {
      int count = 0, u = ROWS * inFeatures, k = 0;
      int[] x0 = x[run[r0]], x1 = x[run[r0 + 1]], x2 = x[run[r0 + 2]], x3 = x[run[r0 + 3]];
      int f0 = index[r0], f1 = index[r0 + 1], f2 = index[r0 + 2], f3 = index[r0 + 3];
      IntVector offset = P_IOTA.mul(paddedOut), step = IntVector.broadcast(P, PACK_LANES * paddedOut);
      for (; k <= inFeatures - PACK_LANES; k += PACK_LANES) {
        IntVector v0 = IntVector.fromArray(P, x0, f0 + k), v1 = IntVector.fromArray(P, x1, f1 + k);
        IntVector v2 = IntVector.fromArray(P, x2, f2 + k), v3 = IntVector.fromArray(P, x3, f3 + k);
        int nonzero = (int) v0.or(v1).or(v2.or(v3)).compare(VectorOperators.NE, 0).toLong();
        VectorShuffle<Integer> pack = leftPack(nonzero);
        storePacked(v0, pack, values, u + count);
        storePacked(v1, pack, values, u + inFeatures + count);
        storePacked(v2, pack, values, u + 2 * inFeatures + count);
        storePacked(v3, pack, values, u + 3 * inFeatures + count);
        offset.rearrange(pack).intoArray(nz, u + count);
        offset = offset.add(step);
        count += Integer.bitCount(nonzero);
      }
      for (; k < inFeatures; k++) {
        int a = x0[f0 + k], b = x1[f1 + k], c = x2[f2 + k], d = x3[f3 + k];
        values[u + count] = a;
        values[u + inFeatures + count] = b;
        values[u + 2 * inFeatures + count] = c;
        values[u + 3 * inFeatures + count] = d;
        nz[u + count] = k * paddedOut;
        count += (a | b | c | d) != 0 ? 1 : 0;
      }
      return count;
    }

    /**
     * acc[at..at + paddedOut) = the products of one row's {@code count} gathered values (from
     * values[from], offsets from nz[from]) with their weight rows.
     */
    private void accumulateRow(float[] values, int[] nz, int from, int count, float[] acc, int at) {
      int v = F.length(), n = 0;
      if (paddedOut >= WIDE_OUT) {
        // Wide layers: acc += x_k · row_k over the nonzero inputs, rows streamed in order and
        // acc kept in cache (the blocked loop below would walk the matrix column strip by
        // column strip). Same exact integers: every partial sum is exact whatever the order.
        Arrays.fill(acc, at, at + paddedOut, 0f);
        for (int i = from; i < from + count; i++) {
          int o = nz[i];
          FloatVector c = FloatVector.broadcast(F, values[i]);
          for (int m = 0; m < paddedOut; m += v) {
            FloatVector.fromArray(F, transposed, o + m).fma(c, FloatVector.fromArray(F, acc, at + m)).intoArray(acc, at + m);
          }
        }
        n = paddedOut;
      }
      // Eight vectors of outputs per pass over the inputs where they fit: half the passes over
      // the matrix of four, and eight independent multiply-adds per input.
      for (int end = from + count; n + 2 * BLOCK <= paddedOut; n += 2 * BLOCK) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int i = from; i < end; i++) {
          int o = nz[i] + n;
          FloatVector c = FloatVector.broadcast(F, values[i]);
          a0 = FloatVector.fromArray(F, transposed, o).fma(c, a0);
          a1 = FloatVector.fromArray(F, transposed, o + v).fma(c, a1);
          a2 = FloatVector.fromArray(F, transposed, o + 2 * v).fma(c, a2);
          a3 = FloatVector.fromArray(F, transposed, o + 3 * v).fma(c, a3);
          a4 = FloatVector.fromArray(F, transposed, o + 4 * v).fma(c, a4);
          a5 = FloatVector.fromArray(F, transposed, o + 5 * v).fma(c, a5);
          a6 = FloatVector.fromArray(F, transposed, o + 6 * v).fma(c, a6);
          a7 = FloatVector.fromArray(F, transposed, o + 7 * v).fma(c, a7);
        }
        store(a0, a1, acc, at + n);
        store(a2, a3, acc, at + n + 2 * v);
        store(a4, a5, acc, at + n + 4 * v);
        store(a6, a7, acc, at + n + 6 * v);
      }
      for (; n + BLOCK <= paddedOut; n += BLOCK) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int i = from; i < from + count; i++) {
          int o = nz[i] + n;
          FloatVector c = FloatVector.broadcast(F, values[i]);
          a0 = FloatVector.fromArray(F, transposed, o).fma(c, a0);
          a1 = FloatVector.fromArray(F, transposed, o + v).fma(c, a1);
          a2 = FloatVector.fromArray(F, transposed, o + 2 * v).fma(c, a2);
          a3 = FloatVector.fromArray(F, transposed, o + 3 * v).fma(c, a3);
        }
        store(a0, a1, acc, at + n);
        store(a2, a3, acc, at + n + 2 * v);
      }
      for (; n < paddedOut; n += v) {
        FloatVector a0 = FloatVector.zero(F);
        for (int i = from; i < from + count; i++) a0 = FloatVector.fromArray(F, transposed, nz[i] + n).fma(FloatVector.broadcast(F, values[i]), a0);
        a0.intoArray(acc, at + n);
      }
    }

    /**
     * acc[b * paddedOut...] = the products of row b's gathered values with their weight rows, for
     * the {@link #ROWS} rows of a block ({@code count} inputs, gathered by {@link #gatherUnion}), two vectors of
     * outputs at a time: each weight vector loaded feeds ROWS multiply-adds. Every column strip
     * is one cache line of each weight row, so the matrix is read once per block.
     */
    private void accumulateRows(float[] values, int[] nz, int count, float[] acc) {
      int v = F.length(), u = ROWS * inFeatures, c0 = u, c1 = u + inFeatures, c2 = c1 + inFeatures, c3 = c2 + inFeatures;
      for (int n = 0; n < paddedOut; n += 2 * v) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        for (int i = 0; i < count; i++) {
          int o = nz[u + i] + n;
          FloatVector w0 = FloatVector.fromArray(F, transposed, o), w1 = FloatVector.fromArray(F, transposed, o + v);
          FloatVector x = FloatVector.broadcast(F, values[c0 + i]);
          a00 = w0.fma(x, a00);
          a01 = w1.fma(x, a01);
          x = FloatVector.broadcast(F, values[c1 + i]);
          a10 = w0.fma(x, a10);
          a11 = w1.fma(x, a11);
          x = FloatVector.broadcast(F, values[c2 + i]);
          a20 = w0.fma(x, a20);
          a21 = w1.fma(x, a21);
          x = FloatVector.broadcast(F, values[c3 + i]);
          a30 = w0.fma(x, a30);
          a31 = w1.fma(x, a31);
        }
        store(a00, a01, acc, n);
        store(a10, a11, acc, paddedOut + n);
        store(a20, a21, acc, 2 * paddedOut + n);
        store(a30, a31, acc, 3 * paddedOut + n);
      }
    }
  }
}
