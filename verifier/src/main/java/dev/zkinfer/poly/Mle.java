package dev.zkinfer.poly;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;

/**
 * Multilinear extensions over the Boolean hypercube.
 *
 * <p>Convention used everywhere in zkinfer: a table of 2^n values v[i] defines the MLE ṽ with
 * ṽ(b_0, ..., b_{n-1}) = v[Σ b_k 2^k], i.e. variable k is bit k of the index (little-endian).
 * A point is given as r[0..n-1] with r[k] the value of variable k. Sumchecks bind variable 0
 * first, pairing entries 2j and 2j+1.
 * Stateless and thread-safe.
 */
public final class Mle {
    private Mle() {}

    /** eq(r, b) for all b in {0,1}^n, as array-form extension elements (3·2^n longs). */
    public static long[] eqTable(Ext3[] r) {
        return eqTableInto(r, Ext3.ONE, new long[3 << r.length]);
    }

    /**
     * scale·eq(r, b) for all b in {0,1}^n written to out[0, 3·2^n) (array form; out may be
     * longer), without allocation; returns out.
     */
    public static long[] eqTableInto(Ext3[] r, Ext3 scale, long[] out) {
        int n = r.length;
        long[] t = out;
        t[0] = scale.c0;
        t[1] = scale.c1;
        t[2] = scale.c2;
        int size = 1;
        // Build from the highest variable down so that variable k ends up as bit k.
        for (int k = n - 1; k >= 0; k--) {
            eqLevel(t, r[k], 0, size);
            size <<= 1;
        }
        return t;
    }

    /**
     * One doubling step of an eq table for entries j in [from, to) (descending, so in place):
     * t[2j+1] = t[j]·rk, t[2j] = t[j] − t[2j+1]. Entries of distinct ranges are independent
     * when the ranges are processed from the top down.
     */
    public static void eqLevel(long[] t, Ext3 rk, int from, int to) {
        long r0 = rk.c0, r1 = rk.c1, r2 = rk.c2;
        for (int j = to - 1; j >= from; j--) {
            int a = 3 * j;
            long a0 = t[a], a1 = t[a + 1], a2 = t[a + 2];
            long h0 = Ext3.mul0(a0, a1, a2, r0, r1, r2), h1 = Ext3.mul1(a0, a1, a2, r0, r1, r2), h2 = Ext3.mul2(a0, a1, a2, r0, r1, r2);
            int hi = 6 * j + 3, lo = 6 * j;
            t[hi] = h0;
            t[hi + 1] = h1;
            t[hi + 2] = h2;
            t[lo] = Goldilocks.sub(a0, h0);
            t[lo + 1] = Goldilocks.sub(a1, h1);
            t[lo + 2] = Goldilocks.sub(a2, h2);
        }
    }

    private static long dbl(long a) {
        return Goldilocks.add(a, a);
    }

    /**
     * eq(x, y) = Π (x_k y_k + (1 - x_k)(1 - y_k)). A coordinate in the base field (WHIR's query
     * points are powers of a base-field element) is multiplied as one: 3 base multiplications
     * instead of 9, the same product.
     */
    public static Ext3 eq(Ext3[] x, Ext3[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("eq of points of different dimension");
        }
        // in component form, without an Ext3 per step: each factor as u·(2v − 1) + (1 − v), a base
        // coordinate taken as v so that the product is by a base element
        long e0 = 1, e1 = 0, e2 = 0;
        for (int k = 0; k < x.length; k++) {
            Ext3 u = x[k], v = y[k];
            if (u.isBase() && !v.isBase()) {
                u = y[k];
                v = x[k];
            }
            long f0, f1, f2;
            if (v.isBase()) {
                long c = Goldilocks.sub(dbl(v.c0), 1);
                f0 = Goldilocks.add(Goldilocks.mul(u.c0, c), Goldilocks.sub(1, v.c0));
                f1 = Goldilocks.mul(u.c1, c);
                f2 = Goldilocks.mul(u.c2, c);
            } else {
                long w0 = Goldilocks.sub(dbl(v.c0), 1), w1 = dbl(v.c1), w2 = dbl(v.c2);
                f0 = Goldilocks.add(Ext3.mul0(u.c0, u.c1, u.c2, w0, w1, w2), Goldilocks.sub(1, v.c0));
                f1 = Goldilocks.sub(Ext3.mul1(u.c0, u.c1, u.c2, w0, w1, w2), v.c1);
                f2 = Goldilocks.sub(Ext3.mul2(u.c0, u.c1, u.c2, w0, w1, w2), v.c2);
            }
            long n0 = Ext3.mul0(e0, e1, e2, f0, f1, f2), n1 = Ext3.mul1(e0, e1, e2, f0, f1, f2);
            e2 = Ext3.mul2(e0, e1, e2, f0, f1, f2);
            e0 = n0;
            e1 = n1;
        }
        return new Ext3(e0, e1, e2);
    }

    /** eq(r, b) for one Boolean point b given as an index. */
    public static Ext3 eqAtIndex(Ext3[] r, long index) {
        Ext3 acc = Ext3.ONE;
        for (int k = 0; k < r.length; k++) {
            acc = acc.mul(((index >>> k) & 1) != 0 ? r[k] : Ext3.ONE.sub(r[k]));
        }
        return acc;
    }

    /**
     * Σ_{i &lt; bound} Π_k a_k(bit k of i) over the v = a0.length bits of i, in O(v), for per-bit
     * factors a_k(0) = a0[k], a_k(1) = a1[k] (an eq-like product summed over a prefix of the
     * hypercube): for each bit b set in bound, the indices that agree with bound above b, have 0 at b
     * and anything below contribute Π_{k&gt;b} a_k(bound_k)·a_b(0)·Π_{k&lt;b} (a_k(0) + a_k(1)).
     *
     * @param bound in [1, 2^v]
     */
    public static Ext3 prefixProductSum(Ext3[] a0, Ext3[] a1, long bound) {
        int v = a0.length;
        if (a1.length != v || bound < 1 || bound > (1L << v)) {
            throw new IllegalArgumentException("bound " + bound + " outside [1, 2^" + v + "]");
        }
        Ext3[] full = new Ext3[v + 1]; // full[k] = Π_{k' < k} (a_k'(0) + a_k'(1))
        full[0] = Ext3.ONE;
        for (int k = 0; k < v; k++) {
            full[k + 1] = full[k].mul(a0[k].add(a1[k]));
        }
        if (bound == 1L << v) {
            return full[v];
        }
        Ext3 sum = Ext3.ZERO, above = Ext3.ONE;
        for (int k = v - 1; k >= 0; k--) {
            if ((bound >>> k & 1) == 1) {
                sum = sum.add(above.mul(a0[k]).mul(full[k]));
                above = above.mul(a1[k]);
            } else {
                above = above.mul(a0[k]);
            }
        }
        return sum;
    }

    /**
     * Evaluates the MLE of base-field values at r, in O(2^n): folds variable 0 first. The table
     * may be shorter than 2^n: missing entries are zero.
     */
    public static Ext3 evaluate(long[] values, Ext3[] r) {
        int n = r.length;
        if (values.length > (1L << n)) {
            throw new IllegalArgumentException(values.length + " values do not fit " + n + " variables");
        }
        if (n == 0) {
            return values.length == 0 ? Ext3.ZERO : Ext3.of(values[0]);
        }
        // First fold in the base field times an extension challenge.
        int half = 1 << (n - 1);
        long[] cur = new long[3 * half];
        Ext3 r0 = r[0];
        for (int j = 0; j < half; j++) {
            long a = 2 * j < values.length ? values[2 * j] : 0;
            long b = 2 * j + 1 < values.length ? values[2 * j + 1] : 0;
            long d = Goldilocks.sub(b, a);
            int k = 3 * j;
            cur[k] = Goldilocks.add(a, Goldilocks.mul(d, r0.c0));
            cur[k + 1] = Goldilocks.mul(d, r0.c1);
            cur[k + 2] = Goldilocks.mul(d, r0.c2);
        }
        return evaluateExtInPlace(cur, half, r, 1);
    }

    /** Evaluates the MLE of array-form extension values (2^n of them) at r. */
    public static Ext3 evaluateExt(long[] arrayForm, Ext3[] r) {
        int size = arrayForm.length / 3;
        if (size != (1 << r.length)) {
            throw new IllegalArgumentException(size + " values for " + r.length + " variables");
        }
        return evaluateExtInPlace(arrayForm.clone(), size, r, 0);
    }

    private static Ext3 evaluateExtInPlace(long[] cur, int size, Ext3[] r, int firstVar) {
        for (int k = firstVar; k < r.length; k++) {
            size >>= 1;
            Ext3 rk = r[k];
            long r0 = rk.c0, r1 = rk.c1, r2 = rk.c2;
            for (int j = 0; j < size; j++) {
                int a = 6 * j, b = a + 3, o = 3 * j;
                long d0 = Goldilocks.sub(cur[b], cur[a]), d1 = Goldilocks.sub(cur[b + 1], cur[a + 1]);
                long d2 = Goldilocks.sub(cur[b + 2], cur[a + 2]);
                long m0 = Ext3.mul0(d0, d1, d2, r0, r1, r2), m1 = Ext3.mul1(d0, d1, d2, r0, r1, r2), m2 = Ext3.mul2(d0, d1, d2, r0, r1, r2);
                long c0 = Goldilocks.add(cur[a], m0), c1 = Goldilocks.add(cur[a + 1], m1), c2 = Goldilocks.add(cur[a + 2], m2);
                cur[o] = c0;
                cur[o + 1] = c1;
                cur[o + 2] = c2;
            }
        }
        return Ext3.get(cur, 0);
    }
}
