package dev.zkinfer.prover.circuit;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The linear layer witness's int dot products in Vector API lanes ({@link LinearLayerProver#dot},
 * {@link LinearLayerProver#dot4}); loaded only where the incubator module is present.
 */
final class IntDotVector {
    private IntDotVector() {}

    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;

    /** Σ_{k &lt; n} a[aOff + k]·b[bOff + k] in ints (the caller rules out overflow). */
    static int dot(int[] a, int aOff, int[] b, int bOff, int n) {
        int k = 0;
        IntVector s = IntVector.zero(INTS);
        for (int upper = INTS.loopBound(n); k < upper; k += INTS.length()) {
            s = s.add(IntVector.fromArray(INTS, a, aOff + k).mul(IntVector.fromArray(INTS, b, bOff + k)));
        }
        int r = s.reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) {
            r += a[aOff + k] * b[bOff + k];
        }
        return r;
    }

    /**
     * out[q] = Σ_{k &lt; n} w[wOff + k]·x[xOff + q·stride + k] for q &lt; 4: one row of w against four rows
     * of x, each load of w shared (ints; the caller rules out overflow).
     */
    static void dot4(int[] w, int wOff, int[] x, int xOff, int stride, int n, int[] out) {
        int x1 = xOff + stride, x2 = x1 + stride, x3 = x2 + stride;
        IntVector s0 = IntVector.zero(INTS), s1 = s0, s2 = s0, s3 = s0;
        int k = 0;
        for (int upper = INTS.loopBound(n); k < upper; k += INTS.length()) {
            IntVector wk = IntVector.fromArray(INTS, w, wOff + k);
            s0 = s0.add(wk.mul(IntVector.fromArray(INTS, x, xOff + k)));
            s1 = s1.add(wk.mul(IntVector.fromArray(INTS, x, x1 + k)));
            s2 = s2.add(wk.mul(IntVector.fromArray(INTS, x, x2 + k)));
            s3 = s3.add(wk.mul(IntVector.fromArray(INTS, x, x3 + k)));
        }
        int a0 = s0.reduceLanes(VectorOperators.ADD), a1 = s1.reduceLanes(VectorOperators.ADD);
        int a2 = s2.reduceLanes(VectorOperators.ADD), a3 = s3.reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) {
            int wk = w[wOff + k];
            a0 += wk * x[xOff + k];
            a1 += wk * x[x1 + k];
            a2 += wk * x[x2 + k];
            a3 += wk * x[x3 + k];
        }
        out[0] = a0;
        out[1] = a1;
        out[2] = a2;
        out[3] = a3;
    }
}
