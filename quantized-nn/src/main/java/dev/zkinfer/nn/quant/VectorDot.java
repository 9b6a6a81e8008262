package dev.zkinfer.nn.quant;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API (jdk.incubator.vector) dot products of int8-valued int arrays, accumulated in int32
 * lanes: exact because the quantizer bounds every accumulator below 2^31, so lane sums cannot
 * overflow either (each lane holds a partial sum of the same terms).
 */
final class VectorDot {
  private static final VectorSpecies<Integer> SPECIES = IntVector.SPECIES_PREFERRED;

  private VectorDot() {}

  static int lanes() {
    return SPECIES.length();
  }

  /** sum_{j<k} a[aOff + j] * b[bOff + j]. */
  static int dot(int[] a, int aOff, int[] b, int bOff, int k) {
    int j = 0;
    int upper = SPECIES.loopBound(k);
    IntVector acc = IntVector.zero(SPECIES);
    for (; j < upper; j += SPECIES.length()) {
      IntVector va = IntVector.fromArray(SPECIES, a, aOff + j);
      IntVector vb = IntVector.fromArray(SPECIES, b, bOff + j);
      acc = acc.add(va.mul(vb));
    }
    int s = acc.reduceLanes(VectorOperators.ADD);
    for (; j < k; j++) s += a[aOff + j] * b[bOff + j];
    return s;
  }

  /**
   * Four dot products of one row of {@code a} against four consecutive rows of {@code b} (row
   * stride k), written to out[outOff..outOff+3] added to bias[0..3] at biasOff.
   */
  static void dot4(int[] a, int aOff, int[] b, int bOff, int k, int[] bias, int biasOff, int[] out, int outOff, int outStride) {
    int j = 0;
    int upper = SPECIES.loopBound(k);
    IntVector s0 = IntVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
    for (; j < upper; j += SPECIES.length()) {
      IntVector va = IntVector.fromArray(SPECIES, a, aOff + j);
      s0 = s0.add(va.mul(IntVector.fromArray(SPECIES, b, bOff + j)));
      s1 = s1.add(va.mul(IntVector.fromArray(SPECIES, b, bOff + k + j)));
      s2 = s2.add(va.mul(IntVector.fromArray(SPECIES, b, bOff + 2 * k + j)));
      s3 = s3.add(va.mul(IntVector.fromArray(SPECIES, b, bOff + 3 * k + j)));
    }
    int r0 = s0.reduceLanes(VectorOperators.ADD), r1 = s1.reduceLanes(VectorOperators.ADD),
        r2 = s2.reduceLanes(VectorOperators.ADD), r3 = s3.reduceLanes(VectorOperators.ADD);
    for (; j < k; j++) {
      int av = a[aOff + j];
      r0 += av * b[bOff + j];
      r1 += av * b[bOff + k + j];
      r2 += av * b[bOff + 2 * k + j];
      r3 += av * b[bOff + 3 * k + j];
    }
    out[outOff] = bias[biasOff] + r0;
    out[outOff + outStride] = bias[biasOff + 1] + r1;
    out[outOff + 2 * outStride] = bias[biasOff + 2] + r2;
    out[outOff + 3 * outStride] = bias[biasOff + 3] + r3;
  }

  /** Whether every value of d lies in [min, max]: vector lanes, then the tail. */
  static boolean allWithin(int[] d, int min, int max) {
    IntVector lo = IntVector.broadcast(SPECIES, min), hi = IntVector.broadcast(SPECIES, max);
    int j = 0;
    boolean outside = false;
    for (int upper = SPECIES.loopBound(d.length); j < upper; j += SPECIES.length()) {
      IntVector v = IntVector.fromArray(SPECIES, d, j);
      outside |= v.lt(lo).or(v.compare(VectorOperators.GT, hi)).anyTrue();
    }
    for (; j < d.length; j++) outside |= d[j] < min || d[j] > max;
    return !outside;
  }
}
