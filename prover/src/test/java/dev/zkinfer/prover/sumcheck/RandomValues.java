package dev.zkinfer.prover.sumcheck;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.sumcheck.TensorMask;
import java.util.SplittableRandom;

/** Random extension elements and tensor masks for the sumcheck tests. */
final class RandomValues {
    private RandomValues() {}

    /** A uniform element of GF(p³). */
    static Ext3 randomExt(SplittableRandom rnd) {
        return new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
    }

    /** A {@link TensorMask} of the given degree with uniform coefficients (a and b, degree + 1 each). */
    static TensorMask randomMask(SplittableRandom rnd, int degree) {
        Ext3[] a = new Ext3[degree + 1], b = new Ext3[degree + 1];
        for (int k = 0; k <= degree; k++) {
            a[k] = randomExt(rnd);
            b[k] = randomExt(rnd);
        }
        return new TensorMask(a, b);
    }
}
