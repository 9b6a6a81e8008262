package dev.zkinfer.prover.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The C kernels return exactly the scalar reference's values: every kernel on random inputs
 * of many sizes (1, 2, odd leaf counts, sizes on both sides of the thread threshold), base
 * and extension tables, and extreme values (p − 1 everywhere: the largest products and
 * carries). Runs the native backend with no size threshold, so that even one-element inputs
 * go to C. Skipped when libzkinfer is not loadable (no gcc at build time). The kernels are
 * called as JNI methods (NativeJni); the surefire execution "native-downcalls" runs this class
 * again with -Dzkinfer.native.jni=false, through the foreign-function downcalls.
 */
class NativeKernelsTest {
    static Backend nat;
    final Backend scalar = Backends.scalar();
    final SplittableRandom rnd = new SplittableRandom(77);

    @BeforeAll
    static void load() {
        assumeTrue(NativeBackend.unavailableReason() == null,
                () -> "native backend not loadable: " + NativeBackend.unavailableReason());
        nat = new NativeBackend(Backends.scalar(), 0);
    }

    @Test
    void callsThroughTheInterfaceAsked() {
        // the build compiles the JNI entry points wherever it finds jni.h, as it does here
        boolean downcalls = "false".equals(System.getProperty("zkinfer.native.jni"));
        assertEquals(!downcalls, NativeKernels.JNI, "JNI entry points in use");
    }

    long[] random(int count, boolean extreme) {
        long[] a = new long[count];
        for (int i = 0; i < count; i++) {
            a[i] = extreme ? Goldilocks.P - 1 - (i % 3 == 2 ? 1 : 0) : Goldilocks.reduce(rnd.nextLong());
        }
        return a;
    }

    long[] random(int count) {
        return random(count, false);
    }

    static byte[] sha256(byte[] message) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(message);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Ext3 randomExt() {
        long[] a = random(3);
        return new Ext3(a[0], a[1], a[2]);
    }

    static final int[] LOG_SIZES = {0, 1, 2, 3, 5, 8, 10, 12, 13, 14, 16};

    @Test
    void logUpKernelsEqualReference() {
        for (int count : new int[] {1, 2, 3, 7, 1000, 5000, 20001}) {
            for (boolean extreme : new boolean[] {false, true}) {
                String what = count + (extreme ? " extreme" : "");
                long[] p = random(6 * count, extreme), q = random(6 * count, extreme);
                for (boolean base : new boolean[] {false, true}) {
                    long[] up = new long[3 * count], uq = new long[3 * count], np = new long[3 * count], nq = new long[3 * count];
                    scalar.logUp().parents(p, q, base, count, up, uq);
                    nat.logUp().parents(p, q, base, count, np, nq);
                    assertArrayEquals(up, np, "parents " + what);
                    assertArrayEquals(uq, nq, "parents " + what);
                }
                long[] er = random(3, extreme), ea = new long[6 * count], eb = new long[6 * count];
                scalar.logUp().eqExpand(p, er, count, ea);
                nat.logUp().eqExpand(p, er, count, eb);
                assertArrayEquals(ea, eb, "eq expand " + what);
                // count pairs of layer tables (4 entries each), in children form (λ) and plain
                long[] ps = random(12 * count, extreme), qs = random(12 * count, extreme);
                long[] eq = random(3 * count, extreme), lambda = random(3, extreme), r = random(3, extreme);
                for (long[] form : new long[][] {lambda, null}) {
                    assertArrayEquals(scalar.logUp().layerSums(ps, qs, form, eq, count), nat.logUp().layerSums(ps, qs, form, eq, count),
                            "sums " + what);
                    long[] sp = random(6 * (count + 1)), sq = random(6 * (count + 1)), xp = sp.clone(), xq = sq.clone();
                    long[] a = scalar.logUp().layerFoldAndSums(ps, qs, form, r, count, eq, sp, sq);
                    long[] b = nat.logUp().layerFoldAndSums(ps, qs, form, r, count, eq, xp, xq);
                    assertArrayEquals(a, b, "fold and sums " + what);
                    assertArrayEquals(sp, xp, "folded " + what);
                    assertArrayEquals(sq, xq, "folded " + what);
                }
            }
        }
    }

    @Test
    void nttAndEncodingEqualReference() {
        for (int logN : new int[] {0, 1, 2, 4, 9, 12, 14, 15, 16, 17}) {
            long[] a = random(1 << logN), b = a.clone();
            scalar.commit().ntt(a, logN);
            nat.commit().ntt(b, logN);
            assertArrayEquals(a, b, "ntt 2^" + logN);
        }
        for (int width : new int[] {1, 3}) {
            for (int logMsg : new int[] {0, 1, 2, 5, 10, 13, 14, 16}) {
                for (int r : new int[] {0, 1, 2, 3}) {
                    if (logMsg + r > 17) {
                        continue;
                    }
                    long[] c = random(width << logMsg, r == 3);
                    assertArrayEquals(scalar.commit().encodeBitReversed(c, width, logMsg, logMsg + r),
                            nat.commit().encodeBitReversed(c, width, logMsg, logMsg + r), "w" + width + " m" + logMsg + " r" + r);
                }
            }
        }
    }

    /**
     * Levels of more than 2^19 butterflies take their twiddles from two small per-level tables
     * (commit.c's split_twiddles) instead of a kept table of the transform's size.
     */
    @Test
    void transformsLargerThanTheTwiddleTableEqualReference() {
        for (int logN : new int[] {21, 22}) {
            long[] a = random(1 << logN), b = a.clone();
            scalar.commit().ntt(a, logN);
            nat.commit().ntt(b, logN);
            assertArrayEquals(a, b, "ntt 2^" + logN);
        }
        long[] c = random(1 << 21, false);
        assertArrayEquals(scalar.commit().encodeBitReversed(c, 1, 21, 22), nat.commit().encodeBitReversed(c, 1, 21, 22), "w1 m21 r1");
        long[] e = random(3 << 21, false);
        assertArrayEquals(scalar.commit().encodeBitReversed(e, 3, 21, 21), nat.commit().encodeBitReversed(e, 3, 21, 21), "w3 m21 r0");
    }

    @Test
    void mobiusTransformEqualsReference() {
        for (int n : LOG_SIZES) {
            long[] a = random(1 << n), b = a.clone();
            scalar.commit().evaluationsToCoefficients(a);
            nat.commit().evaluationsToCoefficients(b);
            assertArrayEquals(a, b, "2^" + n);
        }
    }

    @Test
    void merkleDigestsEqualMerkleHash() {
        for (int leafLongs : new int[] {1, 2, 3, 7, 8, 16, 48, 65, 200}) {
            for (int leaves : new int[] {1, 2, 3, 5, 64, 1023, 4097}) {
                if ((long) leaves * leafLongs > 1 << 18) {
                    continue;
                }
                long[] data = random(leaves * leafLongs, leaves == 3);
                byte[] a = scalar.commit().hashLeaves(data, leafLongs), b = nat.commit().hashLeaves(data, leafLongs);
                assertArrayEquals(a, b, leaves + " leaves of " + leafLongs);
                assertArrayEquals(scalar.commit().hashParents(a), nat.commit().hashParents(a), leaves + " leaves");
            }
        }
    }

    /**
     * Salted leaves of a hiding tree (one native pass, one SHA-256(0x02 ‖ salt ‖ u64le values) per leaf)
     * equal MerkleHash's, leaf by leaf, the Java reference kernel's and the JDK's SHA-256 of the message
     * assembled here; with SHA-NI and the portable compression function, for leaves shorter and longer
     * than the kernel's stack buffer (64 longs) and odd leaf counts (the last leaf hashed alone).
     */
    @Test
    void saltedLeafDigestsEqualMerkleHash() {
        dev.zkinfer.merkle.MerkleHash hash = new dev.zkinfer.merkle.MerkleHash();
        for (boolean portable : new boolean[] {false, true}) {
            try {
                NativeKernels.zk_force_portable_sha(portable ? 1 : 0);
                for (int leafLongs : new int[] {1, 3, 16, 19, 48, 64, 65}) {
                    for (int leaves : new int[] {1, 2, 3, 5, 64, 1023, 4097}) {
                        long[] data = random(leaves * leafLongs, leaves == 3);
                        byte[] salts = new byte[leaves * dev.zkinfer.merkle.MerkleHash.SALT_BYTES];
                        rnd.nextBytes(salts);
                        byte[] expect = new byte[32 * leaves];
                        for (int i = 0; i < leaves; i++) {
                            hash.hashSaltedLeaf(salts, 16 * i, data, i * leafLongs, leafLongs, expect, 32 * i);
                        }
                        if (leaves <= 5) {
                            for (int i = 0; i < leaves; i++) {
                                java.nio.ByteBuffer msg = java.nio.ByteBuffer.allocate(17 + 8 * leafLongs).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                                msg.put((byte) 2).put(salts, 16 * i, 16);
                                for (int j = 0; j < leafLongs; j++) {
                                    msg.putLong(data[i * leafLongs + j]);
                                }
                                assertArrayEquals(sha256(msg.array()), java.util.Arrays.copyOfRange(expect, 32 * i, 32 * i + 32),
                                        "leaf " + i + " of " + leaves + " of " + leafLongs);
                            }
                        }
                        String what = leaves + " salted leaves of " + leafLongs + (portable ? " (portable SHA-256)" : "");
                        assertArrayEquals(expect, nat.commit().hashSaltedLeaves(data, leaves, leafLongs, salts), what);
                        assertArrayEquals(expect, scalar.commit().hashSaltedLeaves(data, leaves, leafLongs, salts), what + ", Java");
                    }
                }
            } finally {
                NativeKernels.zk_force_portable_sha(0);
            }
        }
    }

    /**
     * The eq-product pass (EqProductRounds) equals the Java reference: base and extension sources,
     * with and without the fold, low eq tables of 1 to 2^7 entries, high ones of 1 to 300 rows (any
     * count: EqProductRounds cuts the high table to a table's nonzero prefix; 300 rows split unevenly
     * into the reference's parallel chunks), extreme values.
     */
    @Test
    void eqProductPassEqualsReference() {
        for (int loVars = 0; loVars <= 7; loVars += 1) {
            for (int hiRows : new int[] {1, 2, 3, 5, 8, 37, 64, 300}) {
                for (boolean base : new boolean[] {true, false}) {
                    for (boolean fold : new boolean[] {false, true}) {
                        int pairs = (1 << loVars) * hiRows;
                        int entries = fold ? 4 * pairs : 2 * pairs;
                        long[] src = random((base ? 1 : 3) * entries, loVars == 3);
                        long[] lo = random(3 << loVars), hi = random(3 * hiRows);
                        long[] r = fold ? random(3) : null;
                        long[] d1 = fold ? new long[6 * pairs] : null, d2 = fold ? new long[6 * pairs] : null;
                        long[] expect = EqProductPass.pass(src, base, r, d1, lo, hi);
                        long[] got = nat.sumcheck().eqProductPass(src, base, r, d2, lo, hi);
                        String what = "2^" + loVars + " x " + hiRows + (base ? " base" : " ext") + (fold ? " with fold" : "");
                        assertArrayEquals(expect, got, what);
                        if (fold) {
                            assertArrayEquals(d1, d2, what + ": folded table");
                        }
                    }
                }
            }
        }
    }

    /**
     * The hiding opening's mask sums Σ_h w[low + L·h]·S_a[h] equal the Java reference and a direct
     * sum in Ext3 arithmetic: 1 to 16 low entries, 3 or 16 parts, 1 to 2^12 high entries, extreme values.
     */
    @Test
    void maskLowSumsEqualReference() {
        for (int lowSize : new int[] {1, 2, 16}) {
            for (int c : new int[] {3, 16}) {
                for (int highSize : new int[] {1, 2, 64, 4096}) {
                    boolean extreme = highSize == 64;
                    long[] w = random(3 * lowSize * highSize, extreme);
                    long[] parts = random(c * highSize, extreme);
                    long[] expect = scalar.commit().maskLowSums(w, parts, c, lowSize);
                    String what = lowSize + " low, " + c + " parts, " + highSize + " high";
                    assertArrayEquals(expect, nat.commit().maskLowSums(w, parts, c, lowSize), what);
                    if (highSize <= 64) {
                        for (int a = 0; a < c; a++) {
                            for (int l = 0; l < lowSize; l++) {
                                Ext3 sum = Ext3.ZERO;
                                for (int h = 0; h < highSize; h++) {
                                    sum = sum.add(Ext3.get(w, l + lowSize * h).mul(parts[a * highSize + h]));
                                }
                                assertEquals(sum, Ext3.get(expect, a * lowSize + l), what + ", direct sum");
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The hiding opening's ρ·t + Σ_a e_a·S_a equals the Java reference and a direct sum in Ext3
     * arithmetic: 1 to 2^13 entries (the native pass's parallel chunks), 0, 3 or 16 parts, extreme values.
     */
    @Test
    void maskCombineEqualsReference() {
        for (int size : new int[] {1, 2, 64, 4097, 1 << 13}) {
            for (int c : new int[] {0, 3, 16}) {
                boolean extreme = size == 64;
                long[] t = random(3 * size, extreme);
                long[] parts = random(c * size, extreme);
                long[] rho = random(3, extreme);
                long[] e = random(3 * c, extreme);
                long[] expect = scalar.commit().maskCombine(t, rho, parts, c, e);
                String what = size + " entries, " + c + " parts";
                assertArrayEquals(expect, nat.commit().maskCombine(t, rho, parts, c, e), what);
                for (int b = 0; b < Math.min(size, 70); b++) {
                    Ext3 v = Ext3.get(t, b).mul(Ext3.get(rho, 0));
                    for (int a = 0; a < c; a++) {
                        v = v.add(Ext3.get(e, a).mul(parts[a * size + b]));
                    }
                    assertEquals(v, Ext3.get(expect, b), what + ", entry " + b);
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> nat.commit().maskCombine(new long[6], new long[3], new long[3], 2, new long[6]));
    }

    /** The smallest valid nonce, as the scalar search finds it, for many seeds and widths (0 bits: nonce 0). */
    @Test
    void grindingFindsTheSmallestNonce() throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        for (int bits = 0; bits <= 14; bits++) {
            for (int k = 0; k < 3; k++) {
                byte[] seed = new byte[32];
                rnd.nextBytes(seed);
                long expect = scalar.commit().grind(seed, bits);
                long got = nat.commit().grind(seed, bits);
                assertEquals(expect, got, bits + " bits");
                assertTrue(dev.zkinfer.pcs.WhirProtocol.powValid(sha, seed, got, bits));
                if (bits == 0) {
                    assertEquals(0, got);
                }
            }
        }
    }

    @Test
    void portableSha256AgreesWithShaNi() {
        long[] data = random(3 * 1000);
        byte[] expect = scalar.commit().hashLeaves(data, 3);
        try {
            NativeKernels.zk_force_portable_sha(1);
            assertEquals(0, NativeKernels.zk_sha_ni());
            assertArrayEquals(expect, nat.commit().hashLeaves(data, 3));
            assertArrayEquals(scalar.commit().hashParents(expect), nat.commit().hashParents(expect));
        } finally {
            NativeKernels.zk_force_portable_sha(0);
        }
    }

    @Test
    void whirKernelsEqualReference() {
        for (int n : LOG_SIZES) {
            boolean extreme = n == 12;
            long[] f = random(1 << n, extreme), fe = random(3 << n, extreme), w = random(3 << n, extreme);
            long[] alpha = random(3), point = random(3 * n);
            CommitKernels s = scalar.commit(), c = nat.commit();
            if (n >= 1) {
                assertArrayEquals(s.sumcheckRound(f, 1, w, 1 << n), c.sumcheckRound(f, 1, w, 1 << n), "base 2^" + n);
                assertArrayEquals(s.sumcheckRound(fe, 3, w, 1 << n), c.sumcheckRound(fe, 3, w, 1 << n), "ext 2^" + n);
                // a prefix of the table (WHIR works on the first `size` entries)
                assertArrayEquals(s.sumcheckRound(fe, 3, w, 2), c.sumcheckRound(fe, 3, w, 2));
                for (boolean mono : new boolean[] {false, true}) {
                    assertArrayEquals(s.fold(f, 1, 1 << n, alpha, mono), c.fold(f, 1, 1 << n, alpha, mono), "fold base 2^" + n);
                    assertArrayEquals(s.fold(fe, 3, 1 << n, alpha, mono), c.fold(fe, 3, 1 << n, alpha, mono), "fold ext 2^" + n);
                }
            }
            assertArrayEquals(s.evaluateMle(f, point), c.evaluateMle(f, point), "mle 2^" + n);
            long[] w1 = w.clone(), w2 = w.clone();
            s.addScaledEq(w1, point, alpha);
            c.addScaledEq(w2, point, alpha);
            assertArrayEquals(w1, w2, "eq 2^" + n);
            long[][] pts = new long[40][], cfs = new long[40][];
            for (int q = 0; q < pts.length; q++) {
                pts[q] = random(3 * n, q == 0);
                for (int k = 0; k < n; k++) {
                    pts[q][3 * k + 1] = pts[q][3 * k + 2] = 0;
                }
                cfs[q] = random(3, q < 2);
            }
            s.addScaledEqBatch(w1, pts, cfs);
            c.addScaledEqBatch(w2, pts, cfs);
            assertArrayEquals(w1, w2, "base batch 2^" + n);
            pts[7] = point;
            s.addScaledEqBatch(w1, pts, cfs);
            c.addScaledEqBatch(w2, pts, cfs);
            assertArrayEquals(w1, w2, "mixed batch 2^" + n);
        }
    }

    /**
     * The batch of eq tables at extension points (the general path: tables of the low and high
     * halves, products summed over tiles of queries before one reduction) gives the per-point
     * reference's table on the native and vector backends: one to 300 points (several tiles),
     * 0 to 17 variables, coordinates and coefficients at p − 1 and p − 2 (the largest products),
     * and a batch of points at boolean coordinates (eq is 0 or 1 there).
     */
    @Test
    void generalEqBatchEqualsReference() {
        Backend vector = Backends.vector();
        for (int m : new int[] {0, 1, 2, 3, 5, 7, 8, 12, 13, 17}) {
            for (int count : new int[] {1, 2, 3, 40, 300}) {
                if ((long) count << m > 1 << 21) {
                    continue;
                }
                for (int kind = 0; kind < 3; kind++) {
                    boolean extreme = kind == 1;
                    long[][] pts = new long[count][], cfs = new long[count][];
                    for (int q = 0; q < count; q++) {
                        pts[q] = random(3 * m, extreme);
                        if (kind == 2 && m > 0) {
                            for (int k = 0; k < 3 * m; k++) {
                                pts[q][k] = k % 3 == 0 ? rnd.nextInt(2) : 0;
                            }
                            pts[q][0] = Goldilocks.P - 2; // one extension coordinate: not the base path
                            pts[q][1] = 5;
                        }
                        cfs[q] = random(3, extreme);
                    }
                    long[] w0 = random(3 << m, extreme);
                    long[] expect = w0.clone(), got = w0.clone(), vec = w0.clone();
                    scalar.commit().addScaledEqBatch(expect, pts, cfs);
                    nat.commit().addScaledEqBatch(got, pts, cfs);
                    vector.commit().addScaledEqBatch(vec, pts, cfs);
                    assertArrayEquals(expect, got, "native, 2^" + m + ", " + count + " points, kind " + kind);
                    assertArrayEquals(expect, vec, "vector, 2^" + m + ", " + count + " points, kind " + kind);
                }
            }
        }
    }

    @Test
    void sumcheckKernelsEqualReference() {
        SumcheckKernels s = scalar.sumcheck(), c = nat.sumcheck();
        for (int n : LOG_SIZES) {
            if (n == 0) {
                continue;
            }
            int half = 1 << (n - 1);
            boolean extreme = n == 13;
            Ext3 r = randomExt();
            long[] fb = random(1 << n, extreme), gb = random(1 << n, extreme);
            long[] fe = random(3 << n, extreme), ge = random(3 << n, extreme);
            int[][] fg = {{0, 1}};
            assertArrayEquals(s.roundSums(new long[][] {fb, gb}, new boolean[] {true, true}, fg, half, 2),
                    c.roundSums(new long[][] {fb, gb}, new boolean[] {true, true}, fg, half, 2), "base sums 2^" + n);
            assertArrayEquals(s.roundSums(new long[][] {fe, ge}, null, fg, half, 2),
                    c.roundSums(new long[][] {fe, ge}, null, fg, half, 2), "ext sums 2^" + n);
            assertArrayEquals(s.foldBase(fb, half, r), c.foldBase(fb, half, r), "foldBase 2^" + n);
            long[] a = fe.clone(), b = fe.clone();
            s.fold(a, half, r);
            c.fold(b, half, r);
            assertArrayEquals(a, b, "fold 2^" + n);
            // the fused fold + next round, base and extension, and a general shape (three tables, degree 3)
            if (half >= 2) {
                for (boolean base : new boolean[] {true, false}) {
                    long[][] t1 = base ? new long[][] {fb.clone(), gb.clone()} : new long[][] {fe.clone(), ge.clone()};
                    long[][] t2 = base ? new long[][] {fb.clone(), gb.clone()} : new long[][] {fe.clone(), ge.clone()};
                    boolean[] isBase = base ? new boolean[] {true, true} : null;
                    long[] x = s.foldAndRoundSums(t1, isBase, fg, half, 2, r), y = c.foldAndRoundSums(t2, isBase, fg, half, 2, r);
                    assertArrayEquals(x, y, "fused sums base=" + base + " 2^" + n);
                    for (int f = 0; f < 2; f++) {
                        assertArrayEquals(java.util.Arrays.copyOf(t1[f], 3 * half), java.util.Arrays.copyOf(t2[f], 3 * half),
                                "fused fold base=" + base + " 2^" + n);
                    }
                }
                long[] he = random(3 << n);
                long[][] t1 = {fb.clone(), fe.clone(), he.clone()}, t2 = {fb.clone(), fe.clone(), he.clone()};
                boolean[] isBase = {true, false, false};
                int[][] terms = {{0, 1, 2}, {1}, {2, 2}};
                assertArrayEquals(s.roundSums(t1, isBase, terms, half, 3), c.roundSums(t2, isBase, terms, half, 3));
                assertArrayEquals(s.foldAndRoundSums(t1, isBase, terms, half, 3, r), c.foldAndRoundSums(t2, isBase, terms, half, 3, r),
                        "general 2^" + n);
            }
        }
    }

    /** The widest native shape: 16 tables (mixed base and extension), 32 terms, degree 8. */
    @Test
    void widestRoundSumsEqualReference() {
        SumcheckKernels s = scalar.sumcheck(), c = nat.sumcheck();
        for (int n : new int[] {1, 4, 11}) {
            int half = 1 << (n - 1);
            long[][] tables = new long[NativeKernels.MAX_TABLES][];
            boolean[] isBase = new boolean[tables.length];
            for (int f = 0; f < tables.length; f++) {
                isBase[f] = f % 3 != 0;
                tables[f] = random((isBase[f] ? 1 : 3) << n);
            }
            int[][] terms = new int[NativeKernels.MAX_TERMS][];
            for (int k = 0; k < terms.length; k++) {
                terms[k] = new int[1 + k % NativeKernels.MAX_DEGREE];
                for (int m = 0; m < terms[k].length; m++) {
                    terms[k][m] = (k + 5 * m) % tables.length;
                }
            }
            assertArrayEquals(s.roundSums(tables, isBase, terms, half, NativeKernels.MAX_DEGREE),
                    c.roundSums(tables, isBase, terms, half, NativeKernels.MAX_DEGREE), "2^" + n);
        }
    }

    @Test
    void oddPairCountsFoldEveryEntry() {
        // half = 3: the fused kernel folds pairs 0, 1 together and the last one alone
        Ext3 r = randomExt();
        long[] fe = random(3 * 6), ge = random(3 * 6);
        long[][] t1 = {fe.clone(), ge.clone()}, t2 = {fe.clone(), ge.clone()};
        long[] x = scalar.sumcheck().foldAndRoundSums(t1, null, new int[][] {{0, 1}}, 3, 2, r);
        long[] y = nat.sumcheck().foldAndRoundSums(t2, null, new int[][] {{0, 1}}, 3, 2, r);
        assertArrayEquals(x, y);
        assertArrayEquals(java.util.Arrays.copyOf(t1[0], 9), java.util.Arrays.copyOf(t2[0], 9));
        assertArrayEquals(java.util.Arrays.copyOf(t1[1], 9), java.util.Arrays.copyOf(t2[1], 9));
    }
}
