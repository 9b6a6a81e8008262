package dev.zkinfer.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link WeightTables#addBatch} with kernels (small blocks batched into one kernel table per block)
 * gives the Java path's table and γ power, for blocks on either side of {@link WeightTables#KERNEL_VARS}.
 */
class WeightTablesBatchTest {
    private static final int N = 14;

    @Test
    void smallBlocksThroughTheKernelsMatchTheJavaPath() {
        List<Backend> backends = new ArrayList<>(List.of(Backends.scalar(), Backends.vector()));
        if (Backends.nativeBackend() != null) {
            backends.add(Backends.nativeBackend());
        }
        Random rnd = new Random(19);
        for (long seed = 0; seed < 4; seed++) {
            List<Ext3[]> points = points(new Random(seed), seed % 2 == 0);
            Ext3 gamma = random(rnd), scale = random(rnd);
            long[] expected = new long[3 << N];
            Ext3 gExpected = WeightTables.addBatch(null, expected, points, gamma, scale, N);
            for (Backend b : backends) {
                long[] w = new long[3 << N];
                Ext3 g = WeightTables.addBatch(b.commit(), w, points, gamma, scale, N);
                assertArrayEquals(expected, w, b.name() + ", seed " + seed);
                assertEquals(gExpected, g, b.name());
            }
        }
    }

    /**
     * {@link WeightTables#addWeightedClaims} (the eq terms of all zero-knowledge witness claims in one
     * batch) gives the table and γ power of {@link WeightTables#addWeighted} claim by claim: sums of
     * eq terms on blocks of 0 to 13 variables, several terms on one block, with power-weight terms
     * among them, next to claims that are not sums, on every backend.
     */
    @Test
    void weightedClaimsInOneBatchMatchClaimByClaim() {
        List<Backend> backends = new ArrayList<>(List.of(Backends.scalar(), Backends.vector()));
        if (Backends.nativeBackend() != null) {
            backends.add(Backends.nativeBackend());
        }
        for (long seed = 0; seed < 3; seed++) {
            Random rnd = new Random(100 + seed);
            List<dev.zkinfer.pcs.WeightedClaim> claims = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                List<dev.zkinfer.circuit.WitnessForm.Term> terms = new ArrayList<>();
                for (int m : new int[] {0, 3, WeightTables.KERNEL_VARS, 9, 9, 13}) {
                    Ext3[] p = new Ext3[m];
                    for (int i = 0; i < m; i++) {
                        p[i] = seed == 1 ? Ext3.of(Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P)) : random(rnd);
                    }
                    long block = rnd.nextInt(2) + (m == 9 ? c % 2 : 0); // blocks shared within and across claims
                    terms.add(new dev.zkinfer.circuit.WitnessForm.Term(block << m,
                            new dev.zkinfer.circuit.WitnessForm.EqWeight(p, random(rnd))));
                }
                var powers = new dev.zkinfer.pcs.PowerWeights(new Ext3[] {random(rnd), random(rnd)}, 3);
                terms.add(new dev.zkinfer.circuit.WitnessForm.Term(5L << powers.numVars(), powers));
                claims.add(new dev.zkinfer.circuit.WitnessForm(terms, Ext3.ZERO).claim(N));
                if (c == 2) {
                    claims.add(new dev.zkinfer.pcs.WeightedClaim(new dev.zkinfer.circuit.WitnessForm.EqWeight(
                            new Ext3[] {random(rnd), random(rnd), random(rnd)}, random(rnd)), 7, Ext3.ZERO));
                }
            }
            Ext3 gamma = random(rnd), scale = random(rnd);
            for (Backend b : backends) {
                long[] expected = new long[3 << N];
                Ext3 gExpected = scale;
                for (dev.zkinfer.pcs.WeightedClaim wc : claims) {
                    WeightTables.addWeighted(b.commit(), expected, wc.weight(), wc.block(), gExpected);
                    gExpected = gExpected.mul(gamma);
                }
                long[] w = new long[3 << N];
                Ext3 g = WeightTables.addWeightedClaims(b.commit(), w, claims, gamma, scale, N);
                assertArrayEquals(expected, w, b.name() + ", seed " + seed);
                assertEquals(gExpected, g, b.name());
                long[] javaPath = new long[3 << N];
                WeightTables.addWeightedClaims(null, javaPath, claims, gamma, scale, N);
                assertArrayEquals(expected, javaPath, "the Java path, seed " + seed);
            }
        }
    }

    /** Claims on blocks of 0 to 13 free variables, several sharing a block; base-field or extension coordinates. */
    private static List<Ext3[]> points(Random rnd, boolean base) {
        List<Ext3[]> out = new ArrayList<>();
        for (int m : new int[] {0, 2, WeightTables.KERNEL_VARS - 1, WeightTables.KERNEL_VARS, 9, 9, 9, 12, 13, 5, 9, 11}) {
            for (int copies = 0; copies < 3; copies++) {
                Ext3[] z = new Ext3[N];
                for (int i = 0; i < m; i++) {
                    z[i] = base ? Ext3.of(Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P)) : random(rnd);
                }
                // the same block for the first two copies, another for the third
                for (int i = m; i < N; i++) {
                    z[i] = ((i + copies / 2) % 3 == 0) ? Ext3.ONE : Ext3.ZERO;
                }
                out.add(z);
            }
        }
        return out;
    }

    private static Ext3 random(Random rnd) {
        return new Ext3(Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P), Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P),
                Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P));
    }
}
