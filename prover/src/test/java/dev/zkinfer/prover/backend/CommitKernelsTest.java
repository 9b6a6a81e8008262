package dev.zkinfer.prover.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.pcs.WhirProtocol;
import dev.zkinfer.poly.Mle;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CommitKernelsTest {
    final CommitKernels scalar = Backends.scalar().commit();
    final CommitKernels fast = Backends.vector().commit();
    final SplittableRandom rnd = new SplittableRandom(11);

    long[] randomBase(int count) {
        long[] a = new long[count];
        for (int i = 0; i < count; i++) {
            a[i] = Goldilocks.reduce(rnd.nextLong());
        }
        return a;
    }

    @Test
    void nttInverseRoundTrip() {
        for (int logN = 0; logN <= 12; logN++) {
            int n = 1 << logN;
            long[] a = randomBase(n);
            long[] b = a.clone();
            scalar.ntt(b, logN);
            // inverse: forward NTT, reverse indices 1..n-1, divide by n
            scalar.ntt(b, logN);
            long nInv = Goldilocks.inv(n);
            long[] back = new long[n];
            for (int i = 0; i < n; i++) {
                back[i] = Goldilocks.mul(b[(n - i) % n], nInv);
            }
            assertArrayEquals(a, back, "logN " + logN);
        }
    }

    @Test
    void nttMatchesDirectEvaluation() {
        int logN = 5;
        long[] a = randomBase(1 << logN);
        long[] b = a.clone();
        scalar.ntt(b, logN);
        long w = Goldilocks.rootOfUnity(logN);
        for (int i = 0; i < a.length; i++) {
            long x = Goldilocks.pow(w, i), acc = 0;
            for (int j = a.length - 1; j >= 0; j--) {
                acc = Goldilocks.add(Goldilocks.mul(acc, x), a[j]);
            }
            assertEquals(acc, b[i]);
        }
    }

    /** Messages above the vector NTT's in-cache size (2^15), where it recurses level by level. */
    @Test
    void fastEncodingEqualsReferenceForLargeMessages() {
        for (int width : new int[] {1, 3}) {
            long[] c = randomBase(width << 17);
            assertArrayEquals(scalar.encodeBitReversed(c, width, 17, 18), fast.encodeBitReversed(c, width, 17, 18), "w" + width);
        }
    }

    /** Messages whose top levels have more than 2^19 butterflies: their twiddles come from two small per-level tables. */
    @Test
    void fastEncodingEqualsReferenceAboveTheTwiddleTable() {
        for (int width : new int[] {1, 3}) {
            long[] c = randomBase(width << 21);
            assertArrayEquals(scalar.encodeBitReversed(c, width, 21, 21), fast.encodeBitReversed(c, width, 21, 21), "w" + width);
        }
    }

    @Test
    void fastEncodingEqualsReferenceForBaseAndExtension() {
        for (int width : new int[] {1, 3}) {
            for (int logMsg = 0; logMsg <= 11; logMsg++) {
                for (int r = 1; r <= 3; r++) {
                    long[] c = randomBase(width << logMsg);
                    assertArrayEquals(scalar.encodeBitReversed(c, width, logMsg, logMsg + r),
                            fast.encodeBitReversed(c, width, logMsg, logMsg + r), "w" + width + " m" + logMsg + " r" + r);
                }
            }
        }
    }

    @Test
    void encodingIsBitReversedEvaluation() {
        long[] c = randomBase(8);
        int logN = 5;
        long[] cw = fast.encodeBitReversed(c, 1, 3, logN);
        long w = Goldilocks.rootOfUnity(logN);
        for (int p = 0; p < 32; p++) {
            long x = Goldilocks.pow(w, WhirProtocol.bitReverse(p, logN)), acc = 0;
            for (int j = 7; j >= 0; j--) {
                acc = Goldilocks.add(Goldilocks.mul(acc, x), c[j]);
            }
            assertEquals(acc, cw[p]);
        }
    }

    @Test
    void coefficientsReproduceHypercubeValues() {
        int n = 9;
        long[] v = randomBase(1 << n);
        long[] c1 = v.clone(), c2 = v.clone();
        scalar.evaluationsToCoefficients(c1);
        fast.evaluationsToCoefficients(c2);
        assertArrayEquals(c1, c2);
        for (int b = 0; b < v.length; b += 37) {
            long acc = 0;
            for (int s = 0; s < v.length; s++) {
                if ((s & ~b) == 0) {
                    acc = Goldilocks.add(acc, c1[s]);
                }
            }
            assertEquals(v[b], acc);
        }
    }

    @Test
    void sumcheckFoldEqAndEvaluationAgreeWithReference() {
        for (int n : new int[] {1, 4, 13, 15}) {
            long[] f = randomBase(1 << n);
            long[] fe = randomBase(3 << n);
            long[] w = randomBase(3 << n);
            long[] alpha = randomBase(3);
            long[] point = randomBase(3 * n);
            assertArrayEquals(scalar.sumcheckRound(f, 1, w, 1 << n), fast.sumcheckRound(f, 1, w, 1 << n));
            assertArrayEquals(scalar.sumcheckRound(fe, 3, w, 1 << n), fast.sumcheckRound(fe, 3, w, 1 << n));
            for (boolean mono : new boolean[] {false, true}) {
                assertArrayEquals(scalar.fold(f, 1, 1 << n, alpha, mono), fast.fold(f, 1, 1 << n, alpha, mono));
                assertArrayEquals(scalar.fold(fe, 3, 1 << n, alpha, mono), fast.fold(fe, 3, 1 << n, alpha, mono));
            }
            long[] e1 = scalar.evaluateMle(f, point), e2 = fast.evaluateMle(f, point);
            assertArrayEquals(e1, e2);
            Ext3[] r = new Ext3[n];
            for (int k = 0; k < n; k++) {
                r[k] = Ext3.get(point, k);
            }
            assertEquals(Mle.evaluate(f, r), Ext3.get(e1, 0));
            long[] w1 = w.clone(), w2 = w.clone();
            scalar.addScaledEq(w1, point, alpha);
            fast.addScaledEq(w2, point, alpha);
            assertArrayEquals(w1, w2);
            long[] basePoint = new long[3 * n];
            for (int k = 0; k < n; k++) {
                basePoint[3 * k] = point[3 * k];
            }
            w1 = w.clone();
            w2 = w.clone();
            scalar.addScaledEq(w1, basePoint, alpha);
            fast.addScaledEq(w2, basePoint, alpha);
            assertArrayEquals(w1, w2);
            long[][] pts = {point, basePoint, basePoint};
            long[][] cfs = {alpha, alpha, randomBase(3)};
            w1 = w.clone();
            w2 = w.clone();
            scalar.addScaledEqBatch(w1, pts, cfs);
            fast.addScaledEqBatch(w2, pts, cfs);
            assertArrayEquals(w1, w2);
            // base-field points only (WHIR's query constraints): the delayed-reduction batch
            long[][] basePts = new long[130][], baseCfs = new long[130][];
            for (int q = 0; q < basePts.length; q++) {
                basePts[q] = randomBase(3 * n);
                for (int k = 0; k < n; k++) {
                    basePts[q][3 * k + 1] = basePts[q][3 * k + 2] = 0;
                    if (q == 0) {
                        basePts[q][3 * k] = Goldilocks.P - 1;
                    }
                }
                baseCfs[q] = q < 2 ? new long[] {Goldilocks.P - 1, Goldilocks.P - 1, Goldilocks.P - 1} : randomBase(3);
            }
            w1 = w.clone();
            w2 = w.clone();
            scalar.addScaledEqBatch(w1, basePts, baseCfs);
            fast.addScaledEqBatch(w2, basePts, baseCfs);
            assertArrayEquals(w1, w2);
            if (n <= 13) {
                long[] eq = Mle.eqTable(r);
                long[] expect = w.clone();
                scalar.addScaledEq(expect, point, new long[] {1, 0, 0});
                for (int b = 0; b < (1 << n); b += 7) {
                    assertEquals(Ext3.get(w, b).add(Ext3.get(eq, b)), Ext3.get(expect, b));
                }
            }
        }
    }

    @Test
    void hashingAndGrindingAgree() throws Exception {
        long[] data = randomBase(3 * 16 * 64);
        assertArrayEquals(scalar.hashLeaves(data, 48), fast.hashLeaves(data, 48));
        byte[] layer = scalar.hashLeaves(data, 48);
        assertArrayEquals(scalar.hashParents(layer), fast.hashParents(layer));
        byte[] seed = new byte[32];
        rnd.nextBytes(seed);
        long n1 = scalar.grind(seed, 12), n2 = fast.grind(seed, 12);
        assertEquals(n1, n2);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertEquals(true, WhirProtocol.powValid(sha, seed, n1, 12));
        for (long k = 0; k < n1; k++) {
            assertEquals(false, WhirProtocol.powValid(sha, seed, k, 12));
        }
    }
}
