package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.backend.Backends;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ZkMasks#hypercubeValues} (the model mask parts' hypercube values from their coefficients)
 * gives the subset sums Σ_{s ⊆ b} c_s computed entry by entry, and the backend's inverse transform
 * gives the coefficients back, for 0 to 13 variables and coefficients at p − 1.
 */
class ZkMasksHypercubeTest {
    @Test
    void hypercubeValuesAreSubsetSums() {
        SplittableRandom rnd = new SplittableRandom(31);
        for (int m = 0; m <= 13; m++) {
            for (boolean extreme : new boolean[] {false, true}) {
                long[] c = new long[1 << m];
                for (int i = 0; i < c.length; i++) {
                    c[i] = extreme ? Goldilocks.P - 1 : Goldilocks.reduce(rnd.nextLong());
                }
                long[] v = ZkMasks.hypercubeValues(c);
                if (m <= 9) {
                    long[] expect = new long[c.length];
                    for (int b = 0; b < c.length; b++) {
                        for (int s = 0; s < c.length; s++) {
                            if ((s & ~b) == 0) {
                                expect[b] = Goldilocks.add(expect[b], c[s]);
                            }
                        }
                    }
                    assertArrayEquals(expect, v, "2^" + m + (extreme ? " at p - 1" : ""));
                }
                long[] back = v.clone();
                Backends.scalar().commit().evaluationsToCoefficients(back);
                assertArrayEquals(c, back, "inverse, 2^" + m);
            }
        }
    }
}
