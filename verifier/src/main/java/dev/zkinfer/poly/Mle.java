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
 */
public final class Mle {
    private Mle() {}

    /** eq(r, b) for all b in {0,1}^n, as array-form extension elements (3·2^n longs). */
    public static long[] eqTable(Ext3[] r) {
        int n = r.length;
        long[] t = new long[3 << n];
        t[0] = 1;
        int size = 1;
        // Build from the highest variable down so that variable k ends up as bit k.
        for (int k = n - 1; k >= 0; k--) {
            Ext3 rk = r[k];
            Ext3 one_rk = Ext3.ONE.sub(rk);
            for (int j = size - 1; j >= 0; j--) {
                Ext3 v = Ext3.get(t, j);
                Ext3.set(t, 2 * j + 1, v.mul(rk));
                Ext3.set(t, 2 * j, v.mul(one_rk));
            }
            size <<= 1;
        }
        return t;
    }

    /** eq(x, y) = Π (x_k y_k + (1 - x_k)(1 - y_k)). */
    public static Ext3 eq(Ext3[] x, Ext3[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("eq of points of different dimension");
        }
        Ext3 acc = Ext3.ONE;
        for (int k = 0; k < x.length; k++) {
            Ext3 xy = x[k].mul(y[k]);
            acc = acc.mul(xy.add(xy).sub(x[k]).sub(y[k]).add(1));
        }
        return acc;
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
            for (int j = 0; j < size; j++) {
                Ext3 a = Ext3.get(cur, 2 * j);
                Ext3 b = Ext3.get(cur, 2 * j + 1);
                Ext3.set(cur, j, a.add(b.sub(a).mul(rk)));
            }
        }
        return Ext3.get(cur, 0);
    }
}
