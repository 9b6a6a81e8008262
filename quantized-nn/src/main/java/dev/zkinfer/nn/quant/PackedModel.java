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
  /** Double lanes for requantization, and int lanes of the same count. */
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I_D = VectorSpecies.of(int.class, VectorShape.forBitSize(D.length() * Integer.SIZE));
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
    int inputLen = 0, accLen = 0, indexLen = 0, rowLen = 0;
    for (int k = 0; k < ops.size(); k++) {
      switch (ops.get(k)) {
        case QConv c when c.strideH() == 1 && c.strideW() == 1 -> {
          PackedConv p = new PackedConv(c, model.tensor(c.input()).shapeView(), model.tensor(c.output()).shapeView());
          convs[k] = p;
          rowLen = Math.max(rowLen, p.rowLength());
          inputLen = Math.max(inputLen, p.inputLength());
          accLen = Math.max(accLen, p.accLength());
        }
        case QDense d -> {
          PackedDense p = new PackedDense(d);
          denses[k] = p;
          accLen = Math.max(accLen, p.accLength());
          indexLen = Math.max(indexLen, d.inFeatures());
        }
        default -> {}
      }
    }
    fused = new Fused[ops.size()];
    int[] readers = readers(model);
    for (int k = 0; k + 1 < ops.size(); k++) {
      if (convs[k] != null || denses[k] != null) fused[k] = fuse(model, k, readers);
    }
    int in = inputLen, acc = accLen, index = indexLen, row = rowLen;
    scratch = ThreadLocal.withInitial(() -> new Scratch(new float[in], new float[acc], new int[index], new float[index], new float[row]));
  }

  /** The accumulators of op {@code opIndex} (a convolution) on x, or null (see the class comment). */
  int[] conv(int opIndex, int[] x) {
    PackedConv p = convs[opIndex];
    return p == null ? null : p.run(x, scratch.get(), null);
  }

  /** The accumulators of op {@code opIndex} (a dense layer) on x, or null (see the class comment). */
  int[] dense(int opIndex, int[] x) {
    PackedDense p = denses[opIndex];
    return p == null ? null : p.run(x, scratch.get(), null);
  }

  /**
   * Runs the fused group starting at op {@code opIndex}, if there is one and its input lets the
   * float kernel be exact: stores the group's last output in {@code values} and returns the index
   * of the op after the group; else returns -1 and the caller runs op {@code opIndex} alone. The
   * group's intermediate tensors are not computed; callers use this only when they need neither
   * them nor per-op outputs.
   */
  int runFused(int opIndex, int[][] values) {
    Fused f = fused[opIndex];
    if (f == null) return -1;
    int[] x = values[f.input()];
    int[] y = convs[opIndex] != null ? convs[opIndex].run(x, scratch.get(), f.epilogue()) : denses[opIndex].run(x, scratch.get(), f.epilogue());
    if (y == null) return -1;
    values[f.output()] = y;
    return f.end();
  }

  /**
   * A convolution or dense layer, the requantization of its accumulators and, for a convolution,
   * the max pooling of the result: ops [start, end) computed as one, from the float accumulators
   * straight to the int8 output.
   */
  private record Fused(int input, int output, int end, Epilogue epilogue) {}

  /**
   * Requantization per output channel (m, shift expanded to one entry per channel) and an optional
   * max pool (kernel, stride, pooled size) applied to each output channel's plane. Pooling before
   * requantizing gives the same result as {@link QOp.QMaxPool} after {@link QOp.QRequant} because
   * the requantization is non-decreasing (every m >= 0) and the bias is constant per channel.
   *
   * <p>{@code vectorRequant}: the requantization of a plane may run in double lanes. It is exact
   * when lo >= 0, every shift is in [1, 52] and the values are below 2^28 in absolute value (float
   * accumulators are at most 2^24, the layer's biases below 2^27): then x * m + 2^(s-1) is an
   * integer below 2^53, which one fused multiply-add yields exactly; the scaling by 2^-s is exact;
   * clamping to [lo, hi] and truncating toward zero then equals the floor of the scalar formula,
   * clamped, because the clamped value is non-negative.
   */
  private record Epilogue(int[] m, int[] shift, int lo, int hi, QOp.QMaxPool pool, int pooledH, int pooledW, boolean vectorRequant) {
    int requantize(int acc, int channel) {
      return Requantize.clamp(Requantize.apply(acc, m[channel], shift[channel]), lo, hi);
    }

    /** y[off, off + n) = requantize(y[...], channel), in place. */
    void requantizePlane(int[] y, int off, int n, int channel) {
      int i = 0;
      if (vectorRequant) {
        int s = shift[channel];
        DoubleVector mv = DoubleVector.broadcast(D, m[channel]), half = DoubleVector.broadcast(D, Math.scalb(1.0, s - 1));
        DoubleVector scale = DoubleVector.broadcast(D, Math.scalb(1.0, -s)), lov = DoubleVector.broadcast(D, lo), hiv = DoubleVector.broadcast(D, hi);
        for (int upper = D.loopBound(n); i < upper; i += D.length()) {
          DoubleVector x = (DoubleVector) IntVector.fromArray(I_D, y, off + i).convertShape(VectorOperators.I2D, D, 0);
          DoubleVector v = x.fma(mv, half).mul(scale).max(lov).min(hiv);
          ((IntVector) v.convertShape(VectorOperators.D2I, I_D, 0)).intoArray(y, off + i);
        }
      }
      for (; i < n; i++) y[off + i] = requantize(y[off + i], channel);
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

  private Fused fuse(QuantizedModel model, int k, int[] readers) {
    List<QOp> ops = model.ops();
    QOp first = ops.get(k);
    if (!(ops.get(k + 1) instanceof QOp.QRequant r) || r.input() != first.output() || readers[first.output()] != 1) return null;
    int[] os = model.tensor(first.output()).shapeView();
    int channels = first instanceof QConv c ? c.outChannels() : ((QDense) first).outFeatures();
    int channelAxis = first instanceof QConv ? 1 : os.length - 1;
    int[] m = new int[channels], shift = new int[channels];
    if (r.m().length == 1) {
      Arrays.fill(m, r.m()[0]);
      Arrays.fill(shift, r.shift()[0]);
    } else if (r.axis() == channelAxis && r.m().length == channels) {
      m = r.m().clone();
      shift = r.shift().clone();
    } else {
      return null;
    }
    boolean vectorRequant = vectorRequantIsExact(r.lo(), shift, first instanceof QConv c ? c.bias() : ((QDense) first).bias());
    if (first instanceof QConv && k + 2 < ops.size() && ops.get(k + 2) instanceof QOp.QMaxPool p && p.input() == r.output()
        && readers[r.output()] == 1 && Arrays.stream(m).allMatch(v -> v >= 0) && p.padTop() == 0 && p.padLeft() == 0
        && Arrays.stream(((QConv) first).bias()).allMatch(b -> Math.abs((long) b) < 1L << 30)) {
      // |bias| < 2^30 and |acc| <= 2^24: bias + acc does not wrap, so max(acc) + bias = max(acc + bias).
      int[] ps = model.tensor(p.output()).shapeView();
      int ph = ps[2], pw = ps[3];
      if ((ph - 1) * p.strideH() + p.kernelH() <= os[2] && (pw - 1) * p.strideW() + p.kernelW() <= os[3]) {
        return new Fused(first.inputs()[0], p.output(), k + 3, new Epilogue(m, shift, r.lo(), r.hi(), p, ph, pw, vectorRequant));
      }
    }
    return new Fused(first.inputs()[0], r.output(), k + 2, new Epilogue(m, shift, r.lo(), r.hi(), null, 0, 0, vectorRequant));
  }

  /** Per-thread buffers: padded conv input, accumulators, a dense layer's nonzero inputs (weight row offset, value), one row for pooling. */
  private record Scratch(float[] input, float[] acc, int[] nonzero, float[] nonzeroValue, float[] row) {}

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
   * A stride-1 convolution computed directly on a zero-padded float copy of each input plane: for
   * weight (c, ky, kx), output q = oy * paddedW + ox reads padded input c at q + ky * paddedW + kx,
   * so every weight is one contiguous stream over the whole output plane. The plane is computed
   * paddedW wide (the columns past the output width are discarded) and rounded up to whole vector
   * blocks; the input buffer has slack after the last plane so those reads stay in bounds.
   *
   * <p>When there are many output channels and the planes are narrow (LeNet's second convolution:
   * 16 channels, 10 of 14 columns useful) the same sums are cheaper across channels instead
   * ("channels last"): weights transposed to [term][channel], each input value broadcast against
   * a vector of channels, four output positions at a time and only the valid positions. The
   * layout with fewer loads and multiply-adds, as counted in the constructor, is used.
   */
  private static final class PackedConv {
    private static final int BLOCK = 2 * F.length();
    /** Output positions per block in the channels-last layout. */
    private static final int POSITIONS = 4;
    private final int[] bias;
    private final int batch, inChannels, h, w, outChannels, oh, ow, padTop, padLeft, paddedH, paddedW, plane, computed;
    private final int terms;
    private final float[] weights;
    private final int[] offsets;
    private final long rowAbsSum;
    /** Channels-last layout: weights [term][paddedChannels], the valid positions' q, padded to whole blocks. */
    private final boolean channelsLast;
    private final int paddedChannels;
    private final float[] weightsByTerm;
    private final int[] positionQ;

    PackedConv(QConv c, int[] xs, int[] os) {
      batch = xs[0];
      inChannels = xs[1];
      h = xs[2];
      w = xs[3];
      outChannels = c.outChannels();
      oh = os[2];
      ow = os[3];
      padTop = c.padTop();
      padLeft = c.padLeft();
      paddedH = oh + c.kernelH() - 1;
      paddedW = ow + c.kernelW() - 1;
      plane = paddedH * paddedW;
      computed = Math.ceilDiv(oh * paddedW, BLOCK) * BLOCK;
      terms = inChannels * c.kernelH() * c.kernelW();
      bias = c.bias();
      int[] wt = c.weights();
      weights = new float[wt.length];
      for (int i = 0; i < wt.length; i++) weights[i] = wt[i];
      offsets = new int[terms];
      for (int ic = 0, t = 0; ic < inChannels; ic++) {
        for (int ky = 0; ky < c.kernelH(); ky++) {
          for (int kx = 0; kx < c.kernelW(); kx++) offsets[t++] = ic * plane + ky * paddedW + kx;
        }
      }
      rowAbsSum = maxRowAbsSum(wt, outChannels, terms);
      int v = F.length();
      paddedChannels = Math.ceilDiv(outChannels, 2 * v) * 2 * v;
      int positions = oh * ow, paddedPositions = Math.ceilDiv(positions, POSITIONS) * POSITIONS;
      // Loads plus multiply-adds per term, as accumulate() and accumulateChannelsLast() issue them.
      long spatial = 0;
      int m = 0;
      for (; m + 6 <= outChannels && outChannels - m != 8; m += 6) spatial += 2 + 6 + 12;
      for (; m + 4 <= outChannels; m += 4) spatial += 2 + 4 + 8;
      spatial = (spatial + 5L * (outChannels - m)) * (computed / BLOCK);
      long acrossChannels = (2 + POSITIONS + 2L * POSITIONS) * (paddedPositions / POSITIONS) * (paddedChannels / (2 * v));
      channelsLast = acrossChannels < spatial;
      if (channelsLast) {
        weightsByTerm = new float[terms * paddedChannels];
        for (int mm = 0; mm < outChannels; mm++) {
          for (int t = 0; t < terms; t++) weightsByTerm[t * paddedChannels + mm] = wt[mm * terms + t];
        }
        positionQ = new int[paddedPositions];
        for (int p = 0; p < paddedPositions; p++) {
          int valid = Math.min(p, positions - 1);
          positionQ[p] = valid / ow * paddedW + valid % ow;
        }
      } else {
        weightsByTerm = null;
        positionQ = null;
      }
    }

    int inputLength() {
      return inChannels * plane + computed - oh * paddedW + paddedW;
    }

    int accLength() {
      return channelsLast ? positionQ.length * paddedChannels : outChannels * computed;
    }

    int rowLength() {
      return Math.max(paddedW, paddedChannels);
    }

    /** The accumulators, or with an epilogue its int8 output; null when float would not be exact. */
    int[] run(int[] x, Scratch s, Epilogue e) {
      float[] xp = s.input(), acc = s.acc();
      int yh = e != null && e.pool() != null ? e.pooledH() : oh, yw = e != null && e.pool() != null ? e.pooledW() : ow;
      int[] y = new int[batch * outChannels * yh * yw];
      for (int b = 0; b < batch; b++) {
        if (!exactInFloat(rowAbsSum, pad(x, b, xp))) return null;
        if (channelsLast) {
          accumulateChannelsLast(xp, acc);
          epilogueChannelsLast(acc, e, y, b * outChannels * yh * yw, s.row());
          continue;
        }
        accumulate(xp, acc);
        for (int m = 0; m < outChannels; m++) {
          int yBase = (b * outChannels + m) * yh * yw, aBase = m * computed, bm = bias[m];
          if (e == null) {
            for (int oy = 0; oy < oh; oy++) {
              for (int ox = 0; ox < ow; ox++) y[yBase + oy * ow + ox] = bm + (int) acc[aBase + oy * paddedW + ox];
            }
          } else if (e.pool() == null) {
            for (int oy = 0; oy < oh; oy++) {
              for (int ox = 0; ox < ow; ox++) y[yBase + oy * ow + ox] = bm + (int) acc[aBase + oy * paddedW + ox];
            }
            e.requantizePlane(y, yBase, oh * ow, m);
          } else {
            pool(acc, aBase, e, y, yBase, bm, s.row());
            e.requantizePlane(y, yBase, yh * yw, m);
          }
        }
      }
      return y;
    }

    /**
     * Max pool of one channel's accumulator plane, plus the bias (requantized by the caller): per
     * pooled row, the maximum over the window's rows for every column, then in place the maximum
     * over the window's columns starting at every column (both in vectors), then every stride-th
     * of those. The accumulators are exact integers, so their float maximum is the int32 one.
     */
    private void pool(float[] acc, int aBase, Epilogue e, int[] y, int yBase, int bias, float[] row) {
      QOp.QMaxPool p = e.pool();
      int kh = p.kernelH(), kw = p.kernelW(), sh = p.strideH(), sw = p.strideW(), pw = e.pooledW(), v = F.length();
      int cols = (pw - 1) * sw + kw, starts = (pw - 1) * sw + 1;
      for (int py = 0; py < e.pooledH(); py++) {
        int r0 = aBase + py * sh * paddedW, x = 0;
        for (int upper = F.loopBound(cols); x < upper; x += v) {
          FloatVector mx = FloatVector.fromArray(F, acc, r0 + x);
          for (int ky = 1; ky < kh; ky++) mx = mx.max(FloatVector.fromArray(F, acc, r0 + ky * paddedW + x));
          mx.intoArray(row, x);
        }
        for (; x < cols; x++) {
          float mx = acc[r0 + x];
          for (int ky = 1; ky < kh; ky++) mx = Math.max(mx, acc[r0 + ky * paddedW + x]);
          row[x] = mx;
        }
        // Ascending and in place: the reads of row[x + kx] are ahead of the writes.
        x = 0;
        for (int upper = F.loopBound(starts); x < upper; x += v) {
          FloatVector mx = FloatVector.fromArray(F, row, x);
          for (int kx = 1; kx < kw; kx++) mx = mx.max(FloatVector.fromArray(F, row, x + kx));
          mx.intoArray(row, x);
        }
        for (; x < starts; x++) {
          float mx = row[x];
          for (int kx = 1; kx < kw; kx++) mx = Math.max(mx, row[x + kx]);
          row[x] = mx;
        }
        int out = yBase + py * pw;
        for (int px = 0; px < pw; px++) y[out + px] = bias + (int) row[px * sw];
      }
    }

    /** acc[p][m] = sum_t weightsByTerm[t][m] * xp[offsets[t] + positionQ[p]]; four positions, two vectors of channels at a time. */
    private void accumulateChannelsLast(float[] xp, float[] acc) {
      int v = F.length(), mc = paddedChannels;
      for (int mb = 0; mb < mc; mb += 2 * v) {
        for (int p = 0; p < positionQ.length; p += POSITIONS) {
          int q0 = positionQ[p], q1 = positionQ[p + 1], q2 = positionQ[p + 2], q3 = positionQ[p + 3];
          FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
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
          }
          int base = p * mc + mb;
          a00.intoArray(acc, base);
          a01.intoArray(acc, base + v);
          a10.intoArray(acc, base + mc);
          a11.intoArray(acc, base + mc + v);
          a20.intoArray(acc, base + 2 * mc);
          a21.intoArray(acc, base + 2 * mc + v);
          a30.intoArray(acc, base + 3 * mc);
          a31.intoArray(acc, base + 3 * mc + v);
        }
      }
    }

    /** Bias, then requantization and max pooling when e says so, from the channels-last accumulators to NCHW y. */
    private void epilogueChannelsLast(float[] acc, Epilogue e, int[] y, int yBase, float[] row) {
      int mc = paddedChannels, positions = oh * ow;
      if (e == null || e.pool() == null) {
        for (int m = 0; m < outChannels; m++) {
          int bm = bias[m], out = yBase + m * positions;
          for (int p = 0; p < positions; p++) y[out + p] = bm + (int) acc[p * mc + m];
          if (e != null) e.requantizePlane(y, out, positions, m);
        }
        return;
      }
      QOp.QMaxPool pool = e.pool();
      int kh = pool.kernelH(), kw = pool.kernelW(), sh = pool.strideH(), sw = pool.strideW(), ph = e.pooledH(), pw = e.pooledW();
      for (int py = 0; py < ph; py++) {
        for (int px = 0; px < pw; px++) {
          int corner = (py * sh * ow + px * sw) * mc;
          for (int mb = 0; mb < mc; mb += F.length()) {
            FloatVector mx = FloatVector.fromArray(F, acc, corner + mb);
            for (int ky = 0; ky < kh; ky++) {
              for (int kx = 0; kx < kw; kx++) mx = mx.max(FloatVector.fromArray(F, acc, corner + (ky * ow + kx) * mc + mb));
            }
            mx.intoArray(row, mb);
          }
          for (int m = 0; m < outChannels; m++) y[yBase + (m * ph + py) * pw + px] = bias[m] + (int) row[m];
        }
      }
      for (int m = 0; m < outChannels; m++) e.requantizePlane(y, yBase + m * ph * pw, ph * pw, m);
    }

    /** Image b of x into xp, zero-padded to paddedH x paddedW per channel; returns max |x| of the copied values. */
    private long pad(int[] x, int b, float[] xp) {
      Arrays.fill(xp, 0, inputLength(), 0f);
      int min = 0, max = 0;
      for (int ic = 0; ic < inChannels; ic++) {
        for (int iy = 0; iy < h; iy++) {
          int py = iy + padTop;
          if (py < 0 || py >= paddedH) continue;
          int src = ((b * inChannels + ic) * h + iy) * w, dst = ic * plane + py * paddedW;
          for (int ix = 0; ix < w; ix++) {
            int px = ix + padLeft;
            if (px >= 0 && px < paddedW) {
              int v = x[src + ix];
              min = Math.min(min, v);
              max = Math.max(max, v);
              xp[dst + px] = v;
            }
          }
        }
      }
      return Math.max(max, -(long) min);
    }

    /**
     * acc[m][q] = sum_t weights[m][t] * xp[offsets[t] + q], two vectors of q at a time for six
     * output channels (12 accumulators, 15 of AVX2's 16 registers), then four, then one.
     */
    private void accumulate(float[] xp, float[] acc) {
      int v = F.length(), m = 0;
      for (; m + 6 <= outChannels && outChannels - m != 8; m += 6) {
        int w0 = m * terms, w1 = w0 + terms, w2 = w1 + terms, w3 = w2 + terms, w4 = w3 + terms, w5 = w4 + terms;
        for (int q = 0; q < computed; q += BLOCK) {
          FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
          FloatVector a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
          for (int t = 0; t < terms; t++) {
            int o = offsets[t] + q;
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
          a00.intoArray(acc, base);
          a01.intoArray(acc, base + v);
          base += computed;
          a10.intoArray(acc, base);
          a11.intoArray(acc, base + v);
          base += computed;
          a20.intoArray(acc, base);
          a21.intoArray(acc, base + v);
          base += computed;
          a30.intoArray(acc, base);
          a31.intoArray(acc, base + v);
          base += computed;
          a40.intoArray(acc, base);
          a41.intoArray(acc, base + v);
          base += computed;
          a50.intoArray(acc, base);
          a51.intoArray(acc, base + v);
        }
      }
      for (; m + 4 <= outChannels; m += 4) {
        int w0 = m * terms, w1 = w0 + terms, w2 = w1 + terms, w3 = w2 + terms;
        for (int q = 0; q < computed; q += BLOCK) {
          FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
          for (int t = 0; t < terms; t++) {
            int o = offsets[t] + q;
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
          a00.intoArray(acc, base);
          a01.intoArray(acc, base + v);
          a10.intoArray(acc, base + computed);
          a11.intoArray(acc, base + computed + v);
          a20.intoArray(acc, base + 2 * computed);
          a21.intoArray(acc, base + 2 * computed + v);
          a30.intoArray(acc, base + 3 * computed);
          a31.intoArray(acc, base + 3 * computed + v);
        }
      }
      for (; m < outChannels; m++) {
        int w0 = m * terms;
        for (int q = 0; q < computed; q += BLOCK) {
          FloatVector a0 = FloatVector.zero(F), a1 = a0;
          for (int t = 0; t < terms; t++) {
            int o = offsets[t] + q;
            FloatVector c0 = FloatVector.broadcast(F, weights[w0 + t]);
            a0 = FloatVector.fromArray(F, xp, o).fma(c0, a0);
            a1 = FloatVector.fromArray(F, xp, o + v).fma(c0, a1);
          }
          a0.intoArray(acc, m * computed + q);
          a1.intoArray(acc, m * computed + q + v);
        }
      }
    }
  }

  /**
   * A dense layer with its weights transposed to [K][N] (N rounded up to whole vectors, zero
   * filled): each input value is broadcast against a contiguous run of output features, and zero
   * inputs (common after ReLU) are skipped.
   */
  private static final class PackedDense {
    /** From this many (padded) outputs on, the row-streaming loop is used. */
    static final int WIDE_OUT = 256;

    private static final int BLOCK = 4 * F.length();
    private final int[] bias;
    private final int inFeatures, outFeatures, paddedOut;
    private final float[] transposed;
    private final long rowAbsSum;

    PackedDense(QDense d) {
      inFeatures = d.inFeatures();
      outFeatures = d.outFeatures();
      // Whole four-vector blocks (one pass over the inputs each) unless that would more than pad a small layer.
      int step = outFeatures <= 2 * F.length() ? F.length() : BLOCK;
      paddedOut = Math.ceilDiv(outFeatures, step) * step;
      bias = d.bias();
      int[] wt = d.weights();
      transposed = new float[inFeatures * paddedOut];
      for (int n = 0; n < outFeatures; n++) {
        for (int k = 0; k < inFeatures; k++) transposed[k * paddedOut + n] = wt[n * inFeatures + k];
      }
      rowAbsSum = maxRowAbsSum(wt, outFeatures, inFeatures);
    }

    int accLength() {
      return paddedOut;
    }

    /** The accumulators, or with an epilogue its requantized output; null when float would not be exact. */
    int[] run(int[] x, Scratch s, Epilogue e) {
      int rows = x.length / inFeatures, v = F.length();
      float[] acc = s.acc();
      int[] nz = s.nonzero(), y = new int[rows * outFeatures];
      float[] nzValue = s.nonzeroValue();
      for (int r = 0; r < rows; r++) {
        int nonzero = 0, min = 0, max = 0;
        for (int k = 0; k < inFeatures; k++) {
          int xv = x[r * inFeatures + k];
          min = Math.min(min, xv);
          max = Math.max(max, xv);
          if (xv != 0) {
            nz[nonzero] = k * paddedOut;
            nzValue[nonzero++] = xv;
          }
        }
        if (!exactInFloat(rowAbsSum, Math.max(max, -(long) min))) return null;
        int n = 0;
        if (paddedOut >= WIDE_OUT) {
          // Wide layers: acc += x_k · row_k over the nonzero inputs, rows streamed in order and
          // acc kept in cache (the blocked loop below would walk the matrix column strip by
          // column strip). Same exact integers: every partial sum is exact whatever the order.
          java.util.Arrays.fill(acc, 0, paddedOut, 0f);
          for (int i = 0; i < nonzero; i++) {
            int o = nz[i];
            FloatVector c = FloatVector.broadcast(F, nzValue[i]);
            for (int m = 0; m < paddedOut; m += v) {
              FloatVector.fromArray(F, transposed, o + m).fma(c, FloatVector.fromArray(F, acc, m)).intoArray(acc, m);
            }
          }
          n = paddedOut;
        }
        for (; n + BLOCK <= paddedOut; n += BLOCK) {
          FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
          for (int i = 0; i < nonzero; i++) {
            int o = nz[i] + n;
            FloatVector c = FloatVector.broadcast(F, nzValue[i]);
            a0 = FloatVector.fromArray(F, transposed, o).fma(c, a0);
            a1 = FloatVector.fromArray(F, transposed, o + v).fma(c, a1);
            a2 = FloatVector.fromArray(F, transposed, o + 2 * v).fma(c, a2);
            a3 = FloatVector.fromArray(F, transposed, o + 3 * v).fma(c, a3);
          }
          a0.intoArray(acc, n);
          a1.intoArray(acc, n + v);
          a2.intoArray(acc, n + 2 * v);
          a3.intoArray(acc, n + 3 * v);
        }
        for (; n < paddedOut; n += v) {
          FloatVector a0 = FloatVector.zero(F);
          for (int i = 0; i < nonzero; i++) a0 = FloatVector.fromArray(F, transposed, nz[i] + n).fma(FloatVector.broadcast(F, nzValue[i]), a0);
          a0.intoArray(acc, n);
        }
        if (e == null) {
          for (int j = 0; j < outFeatures; j++) y[r * outFeatures + j] = bias[j] + (int) acc[j];
        } else {
          for (int j = 0; j < outFeatures; j++) y[r * outFeatures + j] = e.requantize(bias[j] + (int) acc[j], j);
        }
      }
      return y;
    }
  }
}
