package dev.zkinfer.prover.backend;

import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.merkle.MerkleHash;
import dev.zkinfer.pcs.WhirProtocol;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Range kernels shared by the scalar and the parallel commit kernels: each works on an index
 * range so that the parallel implementation splits the same arithmetic over threads, and the
 * results are identical by construction (field addition is exact, so partial sums may be
 * combined in any order).
 */
final class CommitArithmetic {
    private CommitArithmetic() {}

    /** out[o..o+2] = a · b (extension elements given by coefficients). */
    static void mulExt(long a0, long a1, long a2, long b0, long b1, long b2, long[] out, int o) {
        long m00 = Goldilocks.mul(a0, b0), m12 = Goldilocks.mul(a1, b2), m21 = Goldilocks.mul(a2, b1);
        long m01 = Goldilocks.mul(a0, b1), m10 = Goldilocks.mul(a1, b0), m22 = Goldilocks.mul(a2, b2);
        long m02 = Goldilocks.mul(a0, b2), m11 = Goldilocks.mul(a1, b1), m20 = Goldilocks.mul(a2, b0);
        long s = Goldilocks.add(m12, m21);
        out[o] = Goldilocks.add(m00, Goldilocks.add(s, s));
        out[o + 1] = Goldilocks.add(Goldilocks.add(m01, m10), Goldilocks.add(m22, m22));
        out[o + 2] = Goldilocks.add(Goldilocks.add(m02, m11), m20);
    }

    /** Möbius step for variable bit: v[i | bit] -= v[i] over pair indices [from, to). */
    static void mobiusRange(long[] v, int k, int from, int to) {
        int bit = 1 << k;
        int lowMask = bit - 1;
        for (int j = from; j < to; j++) {
            int i0 = ((j >>> k) << (k + 1)) | (j & lowMask);
            int i1 = i0 | bit;
            v[i1] = Goldilocks.sub(v[i1], v[i0]);
        }
    }

    /** Leaf digests of leaves [from, to). */
    static void hashLeavesRange(MerkleHash h, long[] data, int leafLongs, byte[] out, int from, int to) {
        for (int leaf = from; leaf < to; leaf++) {
            h.hashLeaf(data, leaf * leafLongs, leafLongs, out, MerkleHash.DIGEST_BYTES * leaf);
        }
    }

    static void hashParentsRange(MerkleHash h, byte[] children, byte[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            h.hashNode(children, 64 * i, children, 64 * i + 32, out, 32 * i);
        }
    }

    /** The smallest valid nonce in [from, to), or -1. */
    static long grindRange(MessageDigest sha, byte[] seed, int bits, long from, long to) {
        byte[] prefix = WhirProtocol.powPrefix(seed);
        byte[] msg = Arrays.copyOf(prefix, prefix.length + 8);
        for (long nonce = from; nonce < to; nonce++) {
            WhirProtocol.putNonce(msg, nonce);
            if (WhirProtocol.leadingZeros(sha.digest(msg), bits)) {
                return nonce;
            }
        }
        return -1;
    }

    /** eq(point, b) for all b in {0,1}^m as an array-form table (point: m array-form coordinates). */
    static long[] eqTable(long[] point, int offset, int m) {
        long[] t = new long[3 << m];
        t[0] = 1;
        int size = 1;
        long[] tmp = new long[3];
        // highest variable first, so that variable j of the slice ends up as bit j
        for (int j = m - 1; j >= 0; j--) {
            int o = 3 * (offset + j);
            long r0 = point[o], r1 = point[o + 1], r2 = point[o + 2];
            long s0 = Goldilocks.sub(1, r0), s1 = Goldilocks.neg(r1), s2 = Goldilocks.neg(r2);
            for (int b = size - 1; b >= 0; b--) {
                long v0 = t[3 * b], v1 = t[3 * b + 1], v2 = t[3 * b + 2];
                mulExt(v0, v1, v2, r0, r1, r2, t, 3 * (2 * b + 1));
                mulExt(v0, v1, v2, s0, s1, s2, tmp, 0);
                t[6 * b] = tmp[0];
                t[6 * b + 1] = tmp[1];
                t[6 * b + 2] = tmp[2];
            }
            size <<= 1;
        }
        return t;
    }

    /** Whether every coordinate of the point lies in the base field. */
    static boolean isBasePoint(long[] point) {
        for (int i = 0; i < point.length; i += 3) {
            if ((point[i + 1] | point[i + 2]) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * For high indices c in [from, to): w[c·2^lo + b] += hi[c] · low[b], where hi holds
     * array-form factors (coef · eq of the high variables) and low the eq table of the low
     * variables (array form, or base if lowIsBase).
     */
    static void addScaledEqRange(long[] w, long[] hi, long[] low, boolean lowIsBase, int lo, int from, int to) {
        int lowSize = 1 << lo;
        for (int c = from; c < to; c++) {
            long h0 = hi[3 * c], h1 = hi[3 * c + 1], h2 = hi[3 * c + 2];
            int base = 3 * (c << lo);
            for (int b = 0; b < lowSize; b++) {
                int o = base + 3 * b;
                long p0, p1, p2;
                if (lowIsBase) {
                    long e = low[b];
                    p0 = Goldilocks.mul(h0, e);
                    p1 = Goldilocks.mul(h1, e);
                    p2 = Goldilocks.mul(h2, e);
                } else {
                    long e0 = low[3 * b], e1 = low[3 * b + 1], e2 = low[3 * b + 2];
                    long m12 = Goldilocks.add(Goldilocks.mul(h1, e2), Goldilocks.mul(h2, e1));
                    p0 = Goldilocks.add(Goldilocks.mul(h0, e0), Goldilocks.add(m12, m12));
                    long m22 = Goldilocks.mul(h2, e2);
                    p1 = Goldilocks.add(Goldilocks.add(Goldilocks.mul(h0, e1), Goldilocks.mul(h1, e0)), Goldilocks.add(m22, m22));
                    p2 = Goldilocks.add(Goldilocks.add(Goldilocks.mul(h0, e2), Goldilocks.mul(h1, e1)), Goldilocks.mul(h2, e0));
                }
                w[o] = Goldilocks.add(w[o], p0);
                w[o + 1] = Goldilocks.add(w[o + 1], p1);
                w[o + 2] = Goldilocks.add(w[o + 2], p2);
            }
        }
    }

    /** Σ_b values[c·2^lo + b]·low[b] for c in [from, to), each times hi[c], summed: 3 longs. */
    static long[] dotEqRange(long[] values, long[] hi, long[] low, int lo, int from, int to) {
        int lowSize = 1 << lo;
        long a0 = 0, a1 = 0, a2 = 0;
        long[] tmp = new long[3];
        for (int c = from; c < to; c++) {
            long s0 = 0, s1 = 0, s2 = 0;
            int base = c << lo;
            for (int b = 0; b < lowSize; b++) {
                long v = values[base + b];
                s0 = Goldilocks.add(s0, Goldilocks.mul(v, low[3 * b]));
                s1 = Goldilocks.add(s1, Goldilocks.mul(v, low[3 * b + 1]));
                s2 = Goldilocks.add(s2, Goldilocks.mul(v, low[3 * b + 2]));
            }
            mulExt(s0, s1, s2, hi[3 * c], hi[3 * c + 1], hi[3 * c + 2], tmp, 0);
            a0 = Goldilocks.add(a0, tmp[0]);
            a1 = Goldilocks.add(a1, tmp[1]);
            a2 = Goldilocks.add(a2, tmp[2]);
        }
        return new long[] {a0, a1, a2};
    }

    /** Partial h(0), h(1), h(2) (9 longs) over pairs [from, to). */
    static long[] sumcheckRange(long[] f, int fw, long[] w, int from, int to) {
        long[] acc = new long[9];
        long[] tmp = new long[3];
        for (int j = from; j < to; j++) {
            int w0 = 6 * j, w1 = w0 + 3;
            long f00, f01, f02, f10, f11, f12;
            if (fw == 1) {
                f00 = f[2 * j];
                f10 = f[2 * j + 1];
                f01 = f02 = f11 = f12 = 0;
            } else {
                int o = 6 * j;
                f00 = f[o];
                f01 = f[o + 1];
                f02 = f[o + 2];
                f10 = f[o + 3];
                f11 = f[o + 4];
                f12 = f[o + 5];
            }
            mulExt(w[w0], w[w0 + 1], w[w0 + 2], f00, f01, f02, tmp, 0);
            acc[0] = Goldilocks.add(acc[0], tmp[0]);
            acc[1] = Goldilocks.add(acc[1], tmp[1]);
            acc[2] = Goldilocks.add(acc[2], tmp[2]);
            mulExt(w[w1], w[w1 + 1], w[w1 + 2], f10, f11, f12, tmp, 0);
            acc[3] = Goldilocks.add(acc[3], tmp[0]);
            acc[4] = Goldilocks.add(acc[4], tmp[1]);
            acc[5] = Goldilocks.add(acc[5], tmp[2]);
            // value at X = 2: 2·t1 - t0
            long g0 = Goldilocks.sub(Goldilocks.add(w[w1], w[w1]), w[w0]);
            long g1 = Goldilocks.sub(Goldilocks.add(w[w1 + 1], w[w1 + 1]), w[w0 + 1]);
            long g2 = Goldilocks.sub(Goldilocks.add(w[w1 + 2], w[w1 + 2]), w[w0 + 2]);
            long e0 = Goldilocks.sub(Goldilocks.add(f10, f10), f00);
            long e1 = Goldilocks.sub(Goldilocks.add(f11, f11), f01);
            long e2 = Goldilocks.sub(Goldilocks.add(f12, f12), f02);
            mulExt(g0, g1, g2, e0, e1, e2, tmp, 0);
            acc[6] = Goldilocks.add(acc[6], tmp[0]);
            acc[7] = Goldilocks.add(acc[7], tmp[1]);
            acc[8] = Goldilocks.add(acc[8], tmp[2]);
        }
        return acc;
    }

    static void addInto(long[] acc, long[] part) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] = Goldilocks.add(acc[i], part[i]);
        }
    }

    /** out[j] = fold of entries 2j, 2j+1 for j in [from, to). */
    static void foldRange(long[] t, int width, long[] alpha, boolean monomial, long[] out, int from, int to) {
        long a0 = alpha[0], a1 = alpha[1], a2 = alpha[2];
        long[] tmp = new long[3];
        for (int j = from; j < to; j++) {
            long x0, x1, x2, y0, y1, y2;
            if (width == 1) {
                x0 = t[2 * j];
                y0 = t[2 * j + 1];
                x1 = x2 = y1 = y2 = 0;
            } else {
                int o = 6 * j;
                x0 = t[o];
                x1 = t[o + 1];
                x2 = t[o + 2];
                y0 = t[o + 3];
                y1 = t[o + 4];
                y2 = t[o + 5];
            }
            long d0 = y0, d1 = y1, d2 = y2;
            if (!monomial) {
                d0 = Goldilocks.sub(y0, x0);
                d1 = Goldilocks.sub(y1, x1);
                d2 = Goldilocks.sub(y2, x2);
            }
            if (width == 1) {
                tmp[0] = Goldilocks.mul(a0, d0);
                tmp[1] = Goldilocks.mul(a1, d0);
                tmp[2] = Goldilocks.mul(a2, d0);
            } else {
                mulExt(a0, a1, a2, d0, d1, d2, tmp, 0);
            }
            out[3 * j] = Goldilocks.add(x0, tmp[0]);
            out[3 * j + 1] = Goldilocks.add(x1, tmp[1]);
            out[3 * j + 2] = Goldilocks.add(x2, tmp[2]);
        }
    }

    /** Splits m variables into high and low parts for the eq kernels: returns lo. */
    static int lowVars(int m) {
        return Math.min(m, 12);
    }

    /** coef · eq(point[lo..m), c) for every c in {0,1}^(m-lo), array form. */
    static long[] highFactors(long[] point, int lo, int m, long[] coef) {
        long[] hi = eqTable(point, lo, m - lo);
        long[] tmp = new long[3];
        for (int c = 0; c < (1 << (m - lo)); c++) {
            mulExt(hi[3 * c], hi[3 * c + 1], hi[3 * c + 2], coef[0], coef[1], coef[2], tmp, 0);
            hi[3 * c] = tmp[0];
            hi[3 * c + 1] = tmp[1];
            hi[3 * c + 2] = tmp[2];
        }
        return hi;
    }

    /** The low eq table, as base values (one long per entry) when the point is in the base field. */
    static long[] lowTable(long[] point, int lo, boolean base) {
        long[] t = eqTable(point, 0, lo);
        if (!base) {
            return t;
        }
        long[] b = new long[1 << lo];
        for (int i = 0; i < b.length; i++) {
            b[i] = t[3 * i];
        }
        return b;
    }

    /** The reference of {@link CommitKernels#maskCombine}: parallel over chunks of entries. */
    static long[] maskCombine(long[] t, long[] rho, long[] parts, int c, long[] e) {
        int size = t.length / 3;
        if (t.length != 3 * size || c < 0 || (long) c * size != parts.length || e.length != 3 * c || rho.length != 3) {
            throw new IllegalArgumentException("mask combination: " + t.length + " longs of table, " + parts.length + " part values in "
                    + c + " parts, " + e.length / 3 + " coefficients");
        }
        long[] out = new long[t.length];
        int chunks = Math.max(1, Math.min(64, size >>> 10)), per = (size + chunks - 1) / chunks;
        dev.zkinfer.prover.concurrent.Cancellation cancel = dev.zkinfer.prover.concurrent.Cancellation.current();
        java.util.stream.IntStream range = java.util.stream.IntStream.range(0, chunks);
        (chunks > 1 ? range.parallel() : range).forEach(ch -> {
            cancel.check();
            long[] v = new long[3];
            for (int b = ch * per, end = Math.min(size, (ch + 1) * per); b < end; b++) {
                dev.zkinfer.field.Ext3.mulInto(t, b, rho, 0, v, 0);
                for (int a = 0; a < c; a++) {
                    long x = parts[a * size + b];
                    v[0] = Goldilocks.add(v[0], Goldilocks.mul(e[3 * a], x));
                    v[1] = Goldilocks.add(v[1], Goldilocks.mul(e[3 * a + 1], x));
                    v[2] = Goldilocks.add(v[2], Goldilocks.mul(e[3 * a + 2], x));
                }
                out[3 * b] = v[0];
                out[3 * b + 1] = v[1];
                out[3 * b + 2] = v[2];
            }
        });
        return out;
    }

    /** The reference of {@link CommitKernels#maskLowSums}: parallel over chunks of h, partial sums added in chunk order. */
    static long[] maskLowSums(long[] w, long[] parts, int c, int lowSize) {
        int highSize = parts.length / c, width = 3 * lowSize;
        if ((long) highSize * c != parts.length || (long) width * highSize > w.length) {
            throw new IllegalArgumentException("mask sums: " + parts.length + " part values in " + c + " parts, " + w.length
                    + " longs of weights for " + lowSize + " low entries");
        }
        int chunks = Math.max(1, Math.min(highSize, 64)), per = (highSize + chunks - 1) / chunks;
        long[][] partial = new long[chunks][];
        dev.zkinfer.prover.concurrent.Cancellation cancel = dev.zkinfer.prover.concurrent.Cancellation.current();
        java.util.stream.IntStream.range(0, chunks).parallel().forEach(ch -> {
            cancel.check();
            long[] acc = new long[c * width];
            for (int h = ch * per, end = Math.min(highSize, (ch + 1) * per); h < end; h++) {
                int at = width * h;
                for (int a = 0; a < c; a++) {
                    long s = parts[a * highSize + h];
                    int o = a * width;
                    for (int i = 0; i < width; i++) {
                        acc[o + i] = Goldilocks.add(acc[o + i], Goldilocks.mul(w[at + i], s));
                    }
                }
            }
            partial[ch] = acc;
        });
        long[] out = new long[c * width];
        for (long[] acc : partial) {
            for (int i = 0; i < out.length; i++) {
                out[i] = Goldilocks.add(out[i], acc[i]);
            }
        }
        return out;
    }
}
