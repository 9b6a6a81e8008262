package dev.zkinfer.prover.sumcheck;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.backend.SumcheckKernels;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link EqProductRounds} against the generic prover of the same statement (the reference: W and eq(p, ·) as tables, the term W·eq). */
class EqProductRoundsTest {
    private static Ext3 randomExt(SplittableRandom rnd) {
        return new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
    }

    /**
     * n = 1..15 (the last ones take the parallel passes and, on the native backend, the C kernel),
     * W shorter than 2^n in half the cases, on the scalar backend and the chosen one (native where
     * present).
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 8, 11, 13, 14, 15})
    void messagesSumAndFinalsEqualTheGenericProvers(int n) {
        SplittableRandom rnd = new SplittableRandom(1000 + n);
        for (int c = 0; c < 4; c++) {
            boolean shorter = c % 2 == 1;
            SumcheckKernels kernels = c < 2 ? Backends.scalar().sumcheck() : Backends.get().sumcheck();
            long[] w = new long[shorter ? Math.max(1, (1 << n) - 3 - rnd.nextInt(1 << (n - 1))) : 1 << n];
            for (int i = 0; i < w.length; i++) {
                w[i] = Goldilocks.reduce(rnd.nextLong());
            }
            Ext3[] p = new Ext3[n];
            for (int i = 0; i < n; i++) {
                p[i] = randomExt(rnd);
            }
            long[] wCopy = w.clone();
            EqProductRounds fast = new EqProductRounds(kernels, w, p);
            SumcheckInstance inst = new SumcheckInstance(n);
            int a = inst.addBaseTable(Arrays.copyOf(w, 1 << n));
            int e = inst.addTable(Mle.eqTable(p));
            inst.addTerm(Ext3.ONE, a, e);
            var reference = new SumcheckProver.InstanceRounds(Backends.scalar().sumcheck(), inst);
            Ext3 claim = Mle.evaluate(Arrays.copyOf(w, 1 << n), p);
            assertEquals(claim, fast.sum(), "the sum is W̃(p)");
            assertEquals(n, fast.numVars());
            for (int k = 0; k < n; k++) {
                long[] ref = SumcheckProver.withDegree(reference.message(k, claim), claim, 2);
                long[] got = fast.message(k, claim);
                assertArrayEquals(ref, got, "round " + k + " of " + n + " (" + kernels.getClass().getSimpleName() + ")");
                Ext3 r = randomExt(rnd);
                claim = dev.zkinfer.poly.Univariate.evaluate(SumcheckProver.values(got, claim, 2), r);
                reference.bind(k, r);
                fast.bind(k, r);
            }
            assertArrayEquals(reference.finals(), fast.finals(), "W̃(r) and eq(p, r)");
            assertEquals(claim, fast.finals()[0].mul(fast.finals()[1]), "the last claim is W̃(r)·eq(p, r)");
            assertArrayEquals(wCopy, w, "the caller's table is left as it was");
        }
    }

    /**
     * A table that is zero past a prefix (a weight tensor padded to its power of two; the passes
     * visit only the prefix's rows): prefixes of 0, 1, 2 entries, 9/16 of the table plus or minus
     * one, and all but one entry, the zeros inside the array or past its end, on both backends,
     * against the generic prover.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 6, 9, 12, 14})
    void aZeroTailGivesTheMessagesOfTheWholeTable(int n) {
        SplittableRandom rnd = new SplittableRandom(7000 + n);
        int size = 1 << n;
        int[] prefixes = {0, 1, 2, Math.max(0, 9 * size / 16 - 1), 9 * size / 16 + 1, size - 1};
        for (int prefix : prefixes) {
            for (int c = 0; c < 4; c++) {
                SumcheckKernels kernels = c < 2 ? Backends.scalar().sumcheck() : Backends.get().sumcheck();
                long[] w = new long[c % 2 == 0 ? size : Math.max(1, prefix)];
                for (int i = 0; i < Math.min(prefix, w.length); i++) {
                    w[i] = Goldilocks.reduce(rnd.nextLong());
                }
                if (prefix > 0) {
                    w[prefix - 1] = 1 + rnd.nextInt(1000); // the last entry of the prefix is nonzero
                }
                Ext3[] p = new Ext3[n];
                for (int i = 0; i < n; i++) {
                    p[i] = randomExt(rnd);
                }
                EqProductRounds fast = new EqProductRounds(kernels, w, p);
                SumcheckInstance inst = new SumcheckInstance(n);
                int a = inst.addBaseTable(Arrays.copyOf(w, size));
                int e = inst.addTable(Mle.eqTable(p));
                inst.addTerm(Ext3.ONE, a, e);
                var reference = new SumcheckProver.InstanceRounds(Backends.scalar().sumcheck(), inst);
                Ext3 claim = Mle.evaluate(Arrays.copyOf(w, size), p);
                String what = "n = " + n + ", prefix " + prefix + ", array of " + w.length + " (" + kernels.getClass().getSimpleName() + ")";
                assertEquals(claim, fast.sum(), what + ": the sum");
                for (int k = 0; k < n; k++) {
                    long[] got = fast.message(k, claim);
                    assertArrayEquals(SumcheckProver.withDegree(reference.message(k, claim), claim, 2), got, what + ": round " + k);
                    Ext3 r = randomExt(rnd);
                    claim = dev.zkinfer.poly.Univariate.evaluate(SumcheckProver.values(got, claim, 2), r);
                    reference.bind(k, r);
                    fast.bind(k, r);
                }
                assertArrayEquals(reference.finals(), fast.finals(), what + ": W̃(r) and eq(p, r)");
            }
        }
    }

    @Test
    void refusesRoundsOutOfOrderAndTablesTooLong() {
        Ext3[] p = {Ext3.of(3), Ext3.of(5)};
        EqProductRounds r = new EqProductRounds(Backends.scalar().sumcheck(), new long[] {1, 2, 3, 4}, p);
        assertThrows(IllegalStateException.class, () -> r.message(1, Ext3.ZERO));
        assertThrows(IllegalStateException.class, () -> r.bind(1, Ext3.ONE));
        assertThrows(IllegalStateException.class, r::finals);
        assertThrows(IllegalArgumentException.class, () -> new EqProductRounds(Backends.scalar().sumcheck(), new long[5], p));
        assertThrows(IllegalArgumentException.class, () -> new EqProductRounds(Backends.scalar().sumcheck(), new long[1], new Ext3[0]));
    }
}
