package dev.zkinfer.field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BasePointEvaluationTest {
    /** Horner, one reduction per coefficient: the reference. */
    static long[] horner(long[] c, long y) {
        long r0 = 0, r1 = 0, r2 = 0;
        for (int j = c.length / 3 - 1; j >= 0; j--) {
            r0 = Goldilocks.add(Goldilocks.mul(r0, y), c[3 * j]);
            r1 = Goldilocks.add(Goldilocks.mul(r1, y), c[3 * j + 1]);
            r2 = Goldilocks.add(Goldilocks.mul(r2, y), c[3 * j + 2]);
        }
        return new long[] {r0, r1, r2};
    }

    /** Lengths around the chunk size and WHIR's final polynomials (2^8, 2^9): random, all-(p − 1) and mixed operands. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 7, 8, 9, 15, 16, 17, 63, 256, 511, 512, 1000})
    void equalsHornerAtBasePoints(int n) {
        SplittableRandom rnd = new SplittableRandom(n * 31L + 7);
        long pm1 = Goldilocks.P - 1;
        for (int trial = 0; trial < 20; trial++) {
            long[] c = new long[3 * n];
            for (int i = 0; i < c.length; i++) {
                c[i] = trial == 0 ? pm1 : trial == 1 ? (i % 2 == 0 ? pm1 : 0) : Goldilocks.reduce(rnd.nextLong());
            }
            long y = trial == 0 ? pm1 : trial == 2 ? 0 : trial == 3 ? 1 : Goldilocks.reduce(rnd.nextLong());
            long[] out = new long[6];
            BasePointEvaluation.evaluate(c, y, out, 1);
            long[] got = {out[3], out[4], out[5]};
            assertArrayEquals(horner(c, y), got, "n=" + n + " trial " + trial);
        }
    }
}
