package dev.zkinfer.field;

/**
 * Σ_i v_i·e_i for base-field values v_i and extension elements e_i (array form, three longs
 * each): the multilinear extension of a table column at a point r is its dot product with the
 * eq table of r, and the verifier evaluates its lookup tables' columns this way against one eq
 * table per point (all tables of one size share the LogUp leaf point's prefix). Each component
 * sums its 64×64-bit products unreduced in a 192-bit accumulator and is reduced once at the
 * end: three multiplications a row instead of three modular reductions. Exact: the same value
 * as a sum of {@link Goldilocks#mul} products (a test compares them).
 * Stateless and thread-safe.
 */
public final class BaseDotProduct {
    private BaseDotProduct() {}

    /**
     * Σ_{i &lt; n} values[i]·ext[i] over n = min(values.length, ext.length / 3) rows (canonical
     * operands).
     */
    public static Ext3 of(long[] values, long[] ext) {
        return sum(values, 0, ext, Math.min(values.length, ext.length / 3));
    }

    /**
     * Σ_{h, l} values[h·L + l]·lo[l]·hi[h] (L and H the element counts of lo and hi, values L·H
     * long): the dot product with the tensor product of two tables without making it. With lo and
     * hi the eq tables of a point's low and high coordinates, this is the values' multilinear
     * extension at the point: each block of L values is summed against lo unreduced, then one
     * extension product per block, instead of the 2^ℓ extension products an eq table of the whole
     * point costs.
     */
    public static Ext3 tensor(long[] values, long[] lo, long[] hi) {
        int l = lo.length / 3, h = hi.length / 3;
        if ((long) l * h != values.length) {
            throw new IllegalArgumentException(values.length + " values for tables of " + l + " and " + h);
        }
        Ext3 acc = Ext3.ZERO;
        for (int b = 0; b < h; b++) {
            Ext3 inner = sum(values, b * l, lo, l);
            if (!inner.isZero()) {
                acc = acc.add(inner.mul(Ext3.get(hi, b)));
            }
        }
        return acc;
    }

    /** Σ_{i < n} values[from + i]·ext[i]. */
    private static Ext3 sum(long[] values, int from, long[] ext, int n) {
        long l0 = 0, h0 = 0, t0 = 0, l1 = 0, h1 = 0, t1 = 0, l2 = 0, h2 = 0, t2 = 0;
        for (int i = 0; i < n; i++) {
            long v = values[from + i];
            if (v == 0) {
                continue;
            }
            int o = 3 * i;
            // each product < 2^128 has a high word ≤ 2^64 − 2, so adding the low word's carry cannot wrap
            long e = ext[o], lo = v * e, hi = UnsignedMultiply.high(v, e);
            long s = l0 + lo;
            hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
            l0 = s;
            s = h0 + hi;
            t0 += Long.compareUnsigned(s, hi) < 0 ? 1 : 0;
            h0 = s;
            e = ext[o + 1];
            lo = v * e;
            hi = UnsignedMultiply.high(v, e);
            s = l1 + lo;
            hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
            l1 = s;
            s = h1 + hi;
            t1 += Long.compareUnsigned(s, hi) < 0 ? 1 : 0;
            h1 = s;
            e = ext[o + 2];
            lo = v * e;
            hi = UnsignedMultiply.high(v, e);
            s = l2 + lo;
            hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
            l2 = s;
            s = h2 + hi;
            t2 += Long.compareUnsigned(s, hi) < 0 ? 1 : 0;
            h2 = s;
        }
        return new Ext3(Goldilocks.reduce192(t0, h0, l0), Goldilocks.reduce192(t1, h1, l1), Goldilocks.reduce192(t2, h2, l2));
    }
}
