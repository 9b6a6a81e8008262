package dev.zkinfer.nn.tensor;

import java.util.Arrays;

/** Small helpers on shapes (row-major, last dimension fastest). Stateless static functions: thread-safe. */
public final class Shapes {
  private Shapes() {}

  /** Number of elements; fails on overflow past {@code Integer.MAX_VALUE}. */
  public static int size(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + str(shape));
      n *= d;
      if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor too large: " + str(shape));
    }
    return (int) n;
  }

  /** Row-major strides. */
  public static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  public static String str(int[] shape) {
    return Arrays.toString(shape).replace(" ", "");
  }

  /** Numpy-style broadcast of two shapes, or null when they are incompatible. */
  public static int[] broadcast(int[] a, int[] b) {
    int r = Math.max(a.length, b.length);
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
      int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
      if (da == db || db == 1) out[i] = da;
      else if (da == 1) out[i] = db;
      else return null;
    }
    return out;
  }

  /**
   * For each flat index of {@code outShape}, the flat index into a tensor of shape {@code
   * inShape} broadcast to it.
   */
  public static int[] broadcastIndex(int[] inShape, int[] outShape) {
    int n = size(outShape);
    int[] idx = new int[n];
    int r = outShape.length;
    int[] inStrides = strides(inShape);
    int[] eff = new int[r];
    for (int i = 0; i < r; i++) {
      int j = i - (r - inShape.length);
      eff[i] = j >= 0 && inShape[j] != 1 ? inStrides[j] : 0;
    }
    int[] pos = new int[r];
    int cur = 0;
    for (int k = 0; k < n; k++) {
      idx[k] = cur;
      for (int d = r - 1; d >= 0; d--) {
        pos[d]++;
        cur += eff[d];
        if (pos[d] < outShape[d]) break;
        cur -= eff[d] * pos[d];
        pos[d] = 0;
      }
    }
    return idx;
  }

  /** Normalizes a possibly negative axis against a rank. */
  public static int axis(long axis, int rank) {
    long a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= Math.max(rank, 1)) {
      throw new IllegalArgumentException("axis " + axis + " out of range for rank " + rank);
    }
    return (int) a;
  }
}
