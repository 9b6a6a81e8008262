package dev.zkinfer.prover.backend;

import dev.zkinfer.field.Goldilocks;

/**
 * Fast range kernels for the common sumcheck Σ f·g (two distinct factors, degree 2), used by
 * {@link ParallelSumcheckKernels}: the fold of round k and the sums of round k+1 run in one
 * pass over the tables (pair i of the next round is entries 4i..4i+3 of the current table),
 * and sums of products are reduced once per coefficient rather than once per product
 * (delayed reduction: 128-bit products are added with explicit carries, see {@link #dot3}).
 * The arithmetic is exact, so the results equal {@link RoundSums}' bit for bit.
 */
final class FusedSumcheck {
    private FusedSumcheck() {}

    private static final long EPS = 0xFFFF_FFFFL;

    /** (hi·2^64 + lo) mod p, as Goldilocks.reduce128. */
    static long reduce128(long hi, long lo) {
        long hiHi = hi >>> 32;
        long hiLo = hi & EPS;
        long t0 = lo - hiHi;
        if (Long.compareUnsigned(lo, hiHi) < 0) {
            t0 -= EPS;
        }
        long t1 = (hiLo << 32) - hiLo;
        long r = t0 + t1;
        if (Long.compareUnsigned(r, t1) < 0) {
            r += EPS;
        }
        return Long.compareUnsigned(r, Goldilocks.P) >= 0 ? r - Goldilocks.P : r;
    }

    /** (top·2^128 + hi·2^64 + lo) mod p for top < 2^31 (2^128 ≡ −2^32). */
    static long reduce192(long top, long hi, long lo) {
        return Goldilocks.sub(reduce128(hi, lo), top << 32);
    }

    /** x + a0·b0 + a1·b1 + a2·b2 mod p, with one reduction (all inputs canonical). */
    static long dot3(long x, long a0, long b0, long a1, long b1, long a2, long b2) {
        long lo = a0 * b0, hi = Math.unsignedMultiplyHigh(a0, b0);
        long top = 0;
        // each high word is < 2^64 − 2^33, so adding a carry bit to it cannot overflow
        long l = a1 * b1, h = Math.unsignedMultiplyHigh(a1, b1);
        lo += l;
        h += Long.compareUnsigned(lo, l) < 0 ? 1 : 0;
        hi += h;
        top += Long.compareUnsigned(hi, h) < 0 ? 1 : 0;
        l = a2 * b2;
        h = Math.unsignedMultiplyHigh(a2, b2);
        lo += l;
        h += Long.compareUnsigned(lo, l) < 0 ? 1 : 0;
        hi += h;
        top += Long.compareUnsigned(hi, h) < 0 ? 1 : 0;
        lo += x;
        long c = Long.compareUnsigned(lo, x) < 0 ? 1 : 0;
        hi += c;
        top += Long.compareUnsigned(hi, c) < 0 ? 1 : 0;
        return reduce192(top, hi, lo);
    }

    /** a0·b0 + a1·b1 mod p, with one reduction. */
    static long dot2(long a0, long b0, long a1, long b1) {
        long lo = a0 * b0, hi = Math.unsignedMultiplyHigh(a0, b0);
        long l = a1 * b1, h = Math.unsignedMultiplyHigh(a1, b1);
        lo += l;
        h += Long.compareUnsigned(lo, l) < 0 ? 1 : 0;
        hi += h;
        long top = Long.compareUnsigned(hi, h) < 0 ? 1 : 0;
        return reduce192(top, hi, lo);
    }

    /** (lo + 2^64·carries) mod p: the value of a 64-bit accumulator that counted its wrap-arounds. */
    static long fromCarries(long lo, long carries) {
        // 2^64 ≡ 2^32 − 1
        return Goldilocks.add(Goldilocks.reduce(lo), Goldilocks.mul(Goldilocks.reduce(carries), EPS));
    }

    /**
     * Round sums of Σ f·g for a base table f and an extension table g (array form) over pairs [from,
     * to): {Σ f0·g0, Σ (2f1 − f0)(2g1 − g0)} (the values at 0 and 2), six base-field coordinates,
     * each product a base element times an extension element (three multiplications, no lift of f).
     */
    static long[] baseExtProductSums(long[] f, long[] g, int from, int to) {
        long s0 = 0, c0 = 0, s1 = 0, c1 = 0, s2 = 0, c2 = 0, t0 = 0, d0 = 0, t1 = 0, d1 = 0, t2 = 0, d2 = 0;
        for (int j = from; j < to; j++) {
            long a = f[2 * j], b = f[2 * j + 1];
            int lo = 6 * j;
            long p0 = g[lo], p1 = g[lo + 1], p2 = g[lo + 2];
            long m = Goldilocks.mul(a, p0);
            s0 += m;
            c0 += Long.compareUnsigned(s0, m) < 0 ? 1 : 0;
            m = Goldilocks.mul(a, p1);
            s1 += m;
            c1 += Long.compareUnsigned(s1, m) < 0 ? 1 : 0;
            m = Goldilocks.mul(a, p2);
            s2 += m;
            c2 += Long.compareUnsigned(s2, m) < 0 ? 1 : 0;
            long e = Goldilocks.sub(Goldilocks.add(b, b), a);
            long q0 = g[lo + 3], q1 = g[lo + 4], q2 = g[lo + 5];
            m = Goldilocks.mul(e, Goldilocks.sub(Goldilocks.add(q0, q0), p0));
            t0 += m;
            d0 += Long.compareUnsigned(t0, m) < 0 ? 1 : 0;
            m = Goldilocks.mul(e, Goldilocks.sub(Goldilocks.add(q1, q1), p1));
            t1 += m;
            d1 += Long.compareUnsigned(t1, m) < 0 ? 1 : 0;
            m = Goldilocks.mul(e, Goldilocks.sub(Goldilocks.add(q2, q2), p2));
            t2 += m;
            d2 += Long.compareUnsigned(t2, m) < 0 ? 1 : 0;
        }
        return new long[] {fromCarries(s0, c0), fromCarries(s1, c1), fromCarries(s2, c2), fromCarries(t0, d0), fromCarries(t1, d1),
                fromCarries(t2, d2)};
    }

    /**
     * Round 0 of Σ f·g on base tables over pairs [from, to): {Σ f0·g0, Σ (2f1 − f0)(2g1 − g0)}
     * (the values at 0 and 2), base field.
     */
    static long[] baseProductSums(long[] f, long[] g, int from, int to) {
        long s0 = 0, c0 = 0, s2 = 0, c2 = 0;
        for (int j = from; j < to; j++) {
            long a = f[2 * j], b = f[2 * j + 1], c = g[2 * j], d = g[2 * j + 1];
            long p = Goldilocks.mul(a, c);
            s0 += p;
            c0 += Long.compareUnsigned(s0, p) < 0 ? 1 : 0;
            long e = Goldilocks.sub(Goldilocks.add(b, b), a);
            long h = Goldilocks.sub(Goldilocks.add(d, d), c);
            long q = Goldilocks.mul(e, h);
            s2 += q;
            c2 += Long.compareUnsigned(s2, q) < 0 ? 1 : 0;
        }
        return new long[] {fromCarries(s0, c0), 0, 0, fromCarries(s2, c2), 0, 0};
    }

    /**
     * Folds base tables f, g (variable 0 bound to r) into fOut, gOut for output pairs [from,
     * to) (entries 2i, 2i+1) and returns the six base-field sums from which the next round's
     * values follow (see {@link #combineBase}): with F(X) = x + r·u for the folded entries,
     * Σ x·y, Σ (x·v + u·y), Σ u·v at the points 0 and 2.
     */
    static long[] foldBaseAndSum(long[] f, long[] g, long[] fOut, long[] gOut, int from, int to, long r0, long r1,
            long r2) {
        long a0 = 0, ca0 = 0, b0 = 0, cb0 = 0, d0 = 0, cd0 = 0;
        long a2 = 0, ca2 = 0, b2 = 0, cb2 = 0, d2 = 0, cd2 = 0;
        for (int i = from; i < to; i++) {
            int q = 4 * i;
            // f: x0 + r·u0 at entry 2i, x1 + r·u1 at entry 2i+1
            long x0 = f[q], u0 = Goldilocks.sub(f[q + 1], x0);
            long x1 = f[q + 2], u1 = Goldilocks.sub(f[q + 3], x1);
            long y0 = g[q], v0 = Goldilocks.sub(g[q + 1], y0);
            long y1 = g[q + 2], v1 = Goldilocks.sub(g[q + 3], y1);
            int o = 6 * i;
            fOut[o] = Goldilocks.add(x0, Goldilocks.mul(u0, r0));
            fOut[o + 1] = Goldilocks.mul(u0, r1);
            fOut[o + 2] = Goldilocks.mul(u0, r2);
            fOut[o + 3] = Goldilocks.add(x1, Goldilocks.mul(u1, r0));
            fOut[o + 4] = Goldilocks.mul(u1, r1);
            fOut[o + 5] = Goldilocks.mul(u1, r2);
            gOut[o] = Goldilocks.add(y0, Goldilocks.mul(v0, r0));
            gOut[o + 1] = Goldilocks.mul(v0, r1);
            gOut[o + 2] = Goldilocks.mul(v0, r2);
            gOut[o + 3] = Goldilocks.add(y1, Goldilocks.mul(v1, r0));
            gOut[o + 4] = Goldilocks.mul(v1, r1);
            gOut[o + 5] = Goldilocks.mul(v1, r2);
            // at 0
            long t = Goldilocks.mul(x0, y0);
            a0 += t;
            ca0 += Long.compareUnsigned(a0, t) < 0 ? 1 : 0;
            t = dot2(x0, v0, u0, y0);
            b0 += t;
            cb0 += Long.compareUnsigned(b0, t) < 0 ? 1 : 0;
            t = Goldilocks.mul(u0, v0);
            d0 += t;
            cd0 += Long.compareUnsigned(d0, t) < 0 ? 1 : 0;
            // at 2: (2x1 − x0) + r·(2u1 − u0)
            long x2 = Goldilocks.sub(Goldilocks.add(x1, x1), x0), u2 = Goldilocks.sub(Goldilocks.add(u1, u1), u0);
            long y2 = Goldilocks.sub(Goldilocks.add(y1, y1), y0), v2 = Goldilocks.sub(Goldilocks.add(v1, v1), v0);
            t = Goldilocks.mul(x2, y2);
            a2 += t;
            ca2 += Long.compareUnsigned(a2, t) < 0 ? 1 : 0;
            t = dot2(x2, v2, u2, y2);
            b2 += t;
            cb2 += Long.compareUnsigned(b2, t) < 0 ? 1 : 0;
            t = Goldilocks.mul(u2, v2);
            d2 += t;
            cd2 += Long.compareUnsigned(d2, t) < 0 ? 1 : 0;
        }
        return new long[] {fromCarries(a0, ca0), fromCarries(b0, cb0), fromCarries(d0, cd0), fromCarries(a2, ca2),
                fromCarries(b2, cb2), fromCarries(d2, cd2)};
    }

    /** The round sums (array form, x = 0 then x = 2) from {@link #foldBaseAndSum}'s six base sums. */
    static long[] combineBase(long[] s, long r0, long r1, long r2) {
        long[] out = new long[6];
        long[] rr = new long[] {r0, r1, r2};
        ExtMath.mulInPlace(rr, r0, r1, r2); // r²
        for (int p = 0; p < 2; p++) {
            long a = s[3 * p], b = s[3 * p + 1], d = s[3 * p + 2];
            // a + b·r + d·r²
            out[3 * p] = Goldilocks.add(a, Goldilocks.add(Goldilocks.mul(b, r0), Goldilocks.mul(d, rr[0])));
            out[3 * p + 1] = Goldilocks.add(Goldilocks.mul(b, r1), Goldilocks.mul(d, rr[1]));
            out[3 * p + 2] = Goldilocks.add(Goldilocks.mul(b, r2), Goldilocks.mul(d, rr[2]));
        }
        return out;
    }

    /**
     * Folds array-form tables f, g (variable 0 bound to r) into fOut, gOut for output pairs
     * [from, to) and returns the next round's partial sums (6 longs: values at 0 and 2).
     */
    static long[] foldExtAndSum(long[] f, long[] g, long[] fOut, long[] gOut, int from, int to, long r0, long r1,
            long r2) {
        long r1d = Goldilocks.add(r1, r1), r2d = Goldilocks.add(r2, r2);
        long s00 = 0, c00 = 0, s01 = 0, c01 = 0, s02 = 0, c02 = 0;
        long s20 = 0, c20 = 0, s21 = 0, c21 = 0, s22 = 0, c22 = 0;
        for (int i = from; i < to; i++) {
            int q = 12 * i;
            // folded entries 2i (A, C) and 2i+1 (B, D) of f and g
            long x0 = f[q], x1 = f[q + 1], x2 = f[q + 2];
            long e0 = Goldilocks.sub(f[q + 3], x0), e1 = Goldilocks.sub(f[q + 4], x1), e2 = Goldilocks.sub(f[q + 5], x2);
            long fa0 = dot3(x0, e0, r0, e1, r2d, e2, r1d);
            long fa1 = dot3(x1, e0, r1, e1, r0, e2, r2d);
            long fa2 = dot3(x2, e0, r2, e1, r1, e2, r0);
            x0 = f[q + 6];
            x1 = f[q + 7];
            x2 = f[q + 8];
            e0 = Goldilocks.sub(f[q + 9], x0);
            e1 = Goldilocks.sub(f[q + 10], x1);
            e2 = Goldilocks.sub(f[q + 11], x2);
            long fb0 = dot3(x0, e0, r0, e1, r2d, e2, r1d);
            long fb1 = dot3(x1, e0, r1, e1, r0, e2, r2d);
            long fb2 = dot3(x2, e0, r2, e1, r1, e2, r0);
            x0 = g[q];
            x1 = g[q + 1];
            x2 = g[q + 2];
            e0 = Goldilocks.sub(g[q + 3], x0);
            e1 = Goldilocks.sub(g[q + 4], x1);
            e2 = Goldilocks.sub(g[q + 5], x2);
            long ga0 = dot3(x0, e0, r0, e1, r2d, e2, r1d);
            long ga1 = dot3(x1, e0, r1, e1, r0, e2, r2d);
            long ga2 = dot3(x2, e0, r2, e1, r1, e2, r0);
            x0 = g[q + 6];
            x1 = g[q + 7];
            x2 = g[q + 8];
            e0 = Goldilocks.sub(g[q + 9], x0);
            e1 = Goldilocks.sub(g[q + 10], x1);
            e2 = Goldilocks.sub(g[q + 11], x2);
            long gb0 = dot3(x0, e0, r0, e1, r2d, e2, r1d);
            long gb1 = dot3(x1, e0, r1, e1, r0, e2, r2d);
            long gb2 = dot3(x2, e0, r2, e1, r1, e2, r0);
            int o = 6 * i;
            fOut[o] = fa0;
            fOut[o + 1] = fa1;
            fOut[o + 2] = fa2;
            fOut[o + 3] = fb0;
            fOut[o + 4] = fb1;
            fOut[o + 5] = fb2;
            gOut[o] = ga0;
            gOut[o + 1] = ga1;
            gOut[o + 2] = ga2;
            gOut[o + 3] = gb0;
            gOut[o + 4] = gb1;
            gOut[o + 5] = gb2;
            // value at 0: A·C
            long t;
            long d1 = Goldilocks.add(fa1, fa1), d2 = Goldilocks.add(fa2, fa2);
            t = dot3(0, fa0, ga0, d1, ga2, d2, ga1);
            s00 += t;
            c00 += Long.compareUnsigned(s00, t) < 0 ? 1 : 0;
            t = dot3(0, fa0, ga1, fa1, ga0, d2, ga2);
            s01 += t;
            c01 += Long.compareUnsigned(s01, t) < 0 ? 1 : 0;
            t = dot3(0, fa0, ga2, fa1, ga1, fa2, ga0);
            s02 += t;
            c02 += Long.compareUnsigned(s02, t) < 0 ? 1 : 0;
            // value at 2: (2B − A)(2D − C)
            long m0 = Goldilocks.sub(Goldilocks.add(fb0, fb0), fa0);
            long m1 = Goldilocks.sub(Goldilocks.add(fb1, fb1), fa1);
            long m2 = Goldilocks.sub(Goldilocks.add(fb2, fb2), fa2);
            long n0 = Goldilocks.sub(Goldilocks.add(gb0, gb0), ga0);
            long n1 = Goldilocks.sub(Goldilocks.add(gb1, gb1), ga1);
            long n2 = Goldilocks.sub(Goldilocks.add(gb2, gb2), ga2);
            d1 = Goldilocks.add(m1, m1);
            d2 = Goldilocks.add(m2, m2);
            t = dot3(0, m0, n0, d1, n2, d2, n1);
            s20 += t;
            c20 += Long.compareUnsigned(s20, t) < 0 ? 1 : 0;
            t = dot3(0, m0, n1, m1, n0, d2, n2);
            s21 += t;
            c21 += Long.compareUnsigned(s21, t) < 0 ? 1 : 0;
            t = dot3(0, m0, n2, m1, n1, m2, n0);
            s22 += t;
            c22 += Long.compareUnsigned(s22, t) < 0 ? 1 : 0;
        }
        return new long[] {fromCarries(s00, c00), fromCarries(s01, c01), fromCarries(s02, c02), fromCarries(s20, c20),
                fromCarries(s21, c21), fromCarries(s22, c22)};
    }

    /** dst[j] = src[2j] + r·(src[2j+1] − src[2j]) for j in [from, to), array form (dst ≠ src). */
    static void foldExt(long[] t, long[] dst, int from, int to, long r0, long r1, long r2) {
        long r1d = Goldilocks.add(r1, r1), r2d = Goldilocks.add(r2, r2);
        for (int j = from; j < to; j++) {
            int lo = 6 * j;
            long x0 = t[lo], x1 = t[lo + 1], x2 = t[lo + 2];
            long e0 = Goldilocks.sub(t[lo + 3], x0), e1 = Goldilocks.sub(t[lo + 4], x1), e2 = Goldilocks.sub(t[lo + 5], x2);
            int o = 3 * j;
            dst[o] = dot3(x0, e0, r0, e1, r2d, e2, r1d);
            dst[o + 1] = dot3(x1, e0, r1, e1, r0, e2, r2d);
            dst[o + 2] = dot3(x2, e0, r2, e1, r1, e2, r0);
        }
    }
}
