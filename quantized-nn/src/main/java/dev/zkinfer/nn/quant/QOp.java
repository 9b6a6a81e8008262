package dev.zkinfer.nn.quant;

/**
 * One integer operation of a {@link QuantizedModel}. Operands and results are tensors of the
 * model, named by their index in {@link QuantizedModel#tensors()}; all arithmetic is on integers,
 * in 64-bit where products are formed, and every op's result is exactly determined by the formula
 * in its javadoc (row-major indexing, numpy broadcasting where stated). Activations are clamped
 * to the range of their tensor ([-128, 127] for int8, [-32768, 32767] for int16); accumulators
 * are int32 and the quantizer guarantees (by bounding sums of |weights|) that they never overflow.
 *
 * <p>A circuit compiler turns each op into proof layers: QConv / QDense / QMatMul / QReduceSum
 * are linear layers, QRequant / QAvgPool / QAdd / QMul / QPRelu are rescalings (quotient and
 * remainder range checks), QTable / QSoftmax's exponent are lookups, QClamp / QMaxPool are
 * comparisons, and the rest are index maps (wiring).
 * Every implementation is a record: immutable and thread-safe, provided nobody modifies the arrays it holds.
 */
public sealed interface QOp {
  /** Tensor ids this op reads, in order. */
  int[] inputs();

  /** Tensor id this op writes. */
  int output();

  /** A short name of the op kind, e.g. "QConv". */
  default String kind() {
    return getClass().getSimpleName();
  }

  /**
   * 2-D convolution, NCHW, groups 1, zero padding: {@code acc[b,m,oy,ox] = bias[m] + sum over
   * c, ky, kx of x[b,c,oy*strideH-padTop+ky, ox*strideW-padLeft+kx] * w[m,c,ky,kx]}, where input
   * positions outside the image contribute 0. Output: int32 accumulator at scale sx * sw[m].
   * {@code weights} is [outChannels][inChannels][kernelH][kernelW] of int8 values.
   */
  record QConv(int input, int output, int outChannels, int inChannels, int kernelH, int kernelW,
      int strideH, int strideW, int padTop, int padLeft, int[] weights, int[] bias) implements QOp {
    public int[] inputs() {
      return new int[] {input};
    }
  }

  /**
   * Dense layer with constant weights: the input viewed as [rows, K]; {@code acc[r,n] = bias[n] +
   * sum_k x[r,k] * w[n,k]}. {@code weights} is [N][K] (one row per output feature, int8 values).
   * Output: int32 accumulator [.., N] at scale sx * sw[n].
   */
  record QDense(int input, int output, int inFeatures, int outFeatures, int[] weights, int[] bias) implements QOp {
    public int[] inputs() {
      return new int[] {input};
    }
  }

  /**
   * Matrix product of two run-time tensors, numpy matmul semantics for ranks >= 2 (batch
   * dimensions broadcast): {@code acc[..,i,j] = sum_k a[..,i,k] * b[..,k,j]}. Output: int32
   * accumulator at scale sa * sb.
   */
  record QMatMul(int a, int b, int output) implements QOp {
    public int[] inputs() {
      return new int[] {a, b};
    }
  }

  /**
   * Requantization: {@code y = clamp((x * m[c] + 2^(shift[c]-1)) >> shift[c], lo, hi)} where c is
   * the index along {@code axis} of the element (c = 0 for all elements when m has length 1),
   * computed in 64 bits with an arithmetic shift (rounding half up).
   */
  record QRequant(int input, int output, int axis, int[] m, int[] shift, int lo, int hi) implements QOp {
    public int[] inputs() {
      return new int[] {input};
    }
  }

  /** {@code y = min(max(x, lo), hi)}; ReLU is lo = 0. Same scale in and out. */
  record QClamp(int input, int output, int lo, int hi) implements QOp {
    public int[] inputs() {
      return new int[] {input};
    }
  }

  /**
   * Parametric ReLU: {@code y = x >= 0 ? x : clamp((x * m[j] + 2^(shift[j]-1)) >> shift[j], lo,
   * hi)} where j is the index of the slope broadcast (numpy rules) from {@code slopeShape} to the
   * input shape; m[j] may be negative (negative slope). Same scale in and out.
   */
  record QPRelu(int input, int output, int[] slopeShape, int[] m, int[] shift, int lo, int hi) implements QOp {
    public int[] inputs() {
      return new int[] {input};
    }
  }

  /** Lookup: {@code y = table[x - inputMin]}; the table covers the whole input range. */
  record QTable(int input, int output, int inputMin, int[] table) implements QOp {
    public int[] inputs() {
      return new int[] {input};
    }
  }

  /**
   * 2-D max pooling, NCHW: {@code y[b,c,oy,ox] = max of x[b,c,oy*strideH-padTop+ky,
   * ox*strideW-padLeft+kx]} over the window positions inside the image (padding is ignored).
   * Same scale in and out.
   */
  record QMaxPool(int input, int output, int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft)
      implements QOp {
    public int[] inputs() {
      return new int[] {input};
    }
  }

  /**
   * 2-D average pooling, NCHW: {@code acc} = the sum of the window's positions inside the image,
   * k = their number (plus the window's positions in the declared padding when {@code
   * countIncludePad}); {@code y = clamp((acc * m[k] + 2^(shift-1)) >> shift, lo, hi)} with m[k]
   * ~ 2^shift * sx / (sy * k).
   */
  record QAvgPool(int input, int output, int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft,
      int padBottom, int padRight, boolean countIncludePad, int[] m, int shift, int lo, int hi) implements QOp {
    public int[] inputs() {
      return new int[] {input};
    }

    /** k of output position (oy, ox) for an h x w input: the window's positions inside the image, plus those in the declared padding when countIncludePad. */
    public int count(int oy, int ox, int h, int w) {
      int count = 0;
      for (int ky = 0; ky < kernelH; ky++) {
        int iy = oy * strideH - padTop + ky;
        for (int kx = 0; kx < kernelW; kx++) {
          int ix = ox * strideW - padLeft + kx;
          boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
          boolean padding = iy >= -padTop && iy < h + padBottom && ix >= -padLeft && ix < w + padRight;
          if (inside || (countIncludePad && padding)) count++;
        }
      }
      return count;
    }
  }

  /**
   * Sum over {@code axes} (output keeps them as size-1 or drops them, as its shape says): {@code
   * acc[o] = sum of x[i]} over the inputs that map to o. Output: int32 accumulator, same scale.
   */
  record QReduceSum(int input, int output, int[] axes) implements QOp {
    public int[] inputs() {
      return new int[] {input};
    }
  }

  /**
   * Element-wise sum with rescaling, numpy broadcasting: {@code y = clamp((a * ma + b * mb +
   * 2^(shift-1)) >> shift, lo, hi)}; subtraction has a negative mb.
   */
  record QAdd(int a, int b, int output, int ma, int mb, int shift, int lo, int hi) implements QOp {
    public int[] inputs() {
      return new int[] {a, b};
    }
  }

  /** Element-wise product, numpy broadcasting: {@code y = clamp((a * b * m + 2^(shift-1)) >> shift, lo, hi)}. */
  record QMul(int a, int b, int output, int m, int shift, int lo, int hi) implements QOp {
    public int[] inputs() {
      return new int[] {a, b};
    }
  }

  /**
   * Softmax over the middle axis of the input viewed as [outer, mid, inner]: with mx = the
   * maximum over the axis, {@code e_j = d_j >= -offset ? expTable[d_j + offset] : 0} for d_j =
   * x_j - mx, S = sum_j e_j (S >= expTable[offset] > 0), and {@code y_j = (e_j * outMax + S / 2) /
   * S} in integer (floor) division. Output scale is 1 / outMax. expTable[i] = round(2^15 *
   * exp((i - offset) * sx)).
   */
  record QSoftmax(int input, int output, int outer, int mid, int inner, int offset, int[] expTable, int outMax)
      implements QOp {
    public int[] inputs() {
      return new int[] {input};
    }
  }

  /** Same values, new shape (Reshape, Flatten, Squeeze, Unsqueeze). */
  record QReshape(int input, int output) implements QOp {
    public int[] inputs() {
      return new int[] {input};
    }
  }

  /** {@code y[i_0..i_r] = x[j]} with j[perm[d]] = i[d]: the output's axis d is the input's axis perm[d]. */
  record QTranspose(int input, int output, int[] perm) implements QOp {
    public int[] inputs() {
      return new int[] {input};
    }
  }

  /** {@code y[i] = x[starts + i * steps]} per axis (output shape gives the counts). */
  record QSlice(int input, int output, int[] starts, int[] steps) implements QOp {
    public int[] inputs() {
      return new int[] {input};
    }
  }

  /** Concatenation along {@code axis}; all inputs share the output's scale. */
  record QConcat(int[] inputs, int output, int axis) implements QOp {}

  /**
   * Padding: output index o along axis d reads input index o - before[d]; outside [0, dim) it is
   * {@code value} (mode 0, constant), the nearest edge (mode 1) or the mirror image without the
   * edge (mode 2, reflect).
   */
  record QPad(int input, int output, int[] before, int mode, int value) implements QOp {
    public int[] inputs() {
      return new int[] {input};
    }
  }

  /** {@code y[.., j, ..] = x[.., indices[j], ..]} along {@code axis} (constant, non-negative indices). */
  record QGather(int input, int output, int axis, int[] indices) implements QOp {
    public int[] inputs() {
      return new int[] {input};
    }
  }

  /** {@code y[i] = mask[i] != 0 ? fill : x[i]} (input and output have the same shape). */
  record QMaskedFill(int input, int output, int[] mask, int fill) implements QOp {
    public int[] inputs() {
      return new int[] {input};
    }
  }
}
