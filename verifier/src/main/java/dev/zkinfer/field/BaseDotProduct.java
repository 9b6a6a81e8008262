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
     * Σ_{i < n} values[i]·ext[i] over n = min(values.length, ext.length / 3) rows (canonical
     * operands).
     */
    public static Ext3 of(long[] values, long[] ext) {
        int n = Math.min(values.length, ext.length / 3);
        long l0 = 0, h0 = 0, t0 = 0, l1 = 0, h1 = 0, t1 = 0, l2 = 0, h2 = 0, t2 = 0;
        for (int i = 0; i < n; i++) {
            long v = values[i];
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
