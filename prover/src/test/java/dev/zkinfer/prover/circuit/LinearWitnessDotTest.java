package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The linear layer witness's int dot products (vector lanes, four rows at a time, and the scalar loops a run without the Vector API takes) against plain sums. */
class LinearWitnessDotTest {
    @Test
    void vectorDotProductsEqualPlainSumsAtEveryLengthAndOffset() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int n : new int[] {0, 1, 3, 7, 8, 9, 15, 16, 17, 27, 31, 64, 100, 576, 4608}) {
            int stride = n + rnd.nextInt(5);
            int[] w = new int[n + 11];
            int[] x = new int[4 * stride + 13];
            for (int i = 0; i < w.length; i++) {
                w[i] = rnd.nextInt(-128, 128);
            }
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextInt(-128, 128);
            }
            int wOff = rnd.nextInt(11), xOff = rnd.nextInt(13);
            int[] got = new int[4];
            LinearLayerProver.dot4(w, wOff, x, xOff, stride, n, got);
            for (int q = 0; q < 4; q++) {
                long want = 0;
                for (int k = 0; k < n; k++) {
                    want += (long) w[wOff + k] * x[xOff + q * stride + k];
                }
                assertEquals(want, got[q], "dot4 row " + q + " at n = " + n);
                assertEquals(want, LinearLayerProver.dot(w, wOff, x, xOff + q * stride, n), "dot at n = " + n);
                assertEquals(want, LinearLayerProver.dotScalar(w, wOff, x, xOff + q * stride, n), "scalar dot at n = " + n);
            }
            int[] scalar = new int[4];
            LinearLayerProver.dot4Scalar(w, wOff, x, xOff, stride, n, scalar);
            assertArrayEquals(got, scalar, "scalar dot4 at n = " + n);
        }
    }
}
