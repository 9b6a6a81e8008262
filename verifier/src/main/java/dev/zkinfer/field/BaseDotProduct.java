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
        long[] halves = l <= MAX_SMALL_ROWS ? halves(lo, l) : null;
        long[] xs = halves == null ? null : new long[l];
        Ext3 acc = Ext3.ZERO;
        for (int b = 0; b < h; b++) {
            Ext3 inner = halves == null ? null : smallSum(values, b * l, halves, l, xs);
            if (inner == null) {
                inner = sum(values, b * l, lo, l);
            }
            if (!inner.isZero()) {
                acc = acc.add(inner.mul(Ext3.get(hi, b)));
            }
        }
        return acc;
    }

    /** The small path takes signed values x in [−2^SMALL_BITS, 2^SMALL_BITS): products with 32-bit halves stay below 2^52. */
    public static final int SMALL_BITS = 20;
    /** The most rows one small sum adds: 2^10 products below 2^52 each stay below 2^62 in a signed long. */
    static final int MAX_SMALL_ROWS = 1 << 10;

    /**
     * {@link #tensor(long[], long[], long[])} for values given as signed ints, each in [−2^{@link
     * #SMALL_BITS}, 2^SMALL_BITS) (a lookup table's column kept as ints: a quarter of the memory to read); lo at most
     * 2^10 elements.
     *
     * @throws IllegalArgumentException if a value or lo is out of those bounds
     */
    public static Ext3 tensor(int[] values, long[] lo, long[] hi) {
        int l = lo.length / 3, h = hi.length / 3;
        if ((long) l * h != values.length || l > MAX_SMALL_ROWS) {
            throw new IllegalArgumentException(values.length + " small values for tables of " + l + " and " + h);
        }
        long[] halves = halves(lo, l);
        long[] xs = new long[l];
        Ext3 acc = Ext3.ZERO;
        for (int b = 0; b < h; b++) {
            long wide = 0;
            for (int i = 0; i < l; i++) {
                long x = values[b * l + i];
                xs[i] = x;
                wide |= (x + (1L << SMALL_BITS)) >>> (SMALL_BITS + 1);
            }
            if (wide != 0) {
                throw new IllegalArgumentException("a value beyond 2^" + SMALL_BITS + " in block " + b);
            }
            Ext3 inner = halvesSum(xs, halves, l);
            if (!inner.isZero()) {
                acc = acc.add(inner.mul(Ext3.get(hi, b)));
            }
        }
        return acc;
    }

    /**
     * The extension elements' components split into 32-bit halves, in six planes of n (c0 low, c0 high,
     * c1 low, ...): contiguous operands for each of the small sum's six products.
     */
    private static long[] halves(long[] ext, int n) {
        long[] out = new long[6 * n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                out[2 * c * n + i] = ext[3 * i + c] & 0xFFFF_FFFFL;
                out[(2 * c + 1) * n + i] = ext[3 * i + c] >>> 32;
            }
        }
        return out;
    }

    /**
     * Σ_{i &lt; n} values[from + i]·ext[i] when every value is a small signed integer (x in [−2^{@link
     * #SMALL_BITS}, 2^SMALL_BITS), as p − |x| for negatives: activation tables' outputs), else null. Each component
     * e = e_lo + 2^32·e_hi is summed as Σ x·e_lo and Σ x·e_hi in plain signed longs (|x·e_half| &lt; 2^52,
     * n ≤ 2^10 of them), reduced once: the same value as {@link #sum}. Six separate passes of one product
     * and one sum each (over {@code xs}, the values as signed longs), which the JIT turns into vector code:
     * about four times as fast as {@link #sum} on 16-bit values.
     */
    private static Ext3 smallSum(long[] values, int from, long[] halves, int n, long[] xs) {
        long wide = 0;
        for (int i = 0; i < n; i++) {
            long v = values[from + i];
            // v < 2^63 is x itself; v = p − |x| ≥ 2^63 reads as a negative long, and v − p = v + 2^32 − 1 (mod 2^64)
            long x = v + ((v >> 63) & 0xFFFF_FFFFL);
            xs[i] = x;
            wide |= (x + (1L << SMALL_BITS)) >>> (SMALL_BITS + 1);
        }
        if (wide != 0) {
            return null;
        }
        return halvesSum(xs, halves, n);
    }

    /** Σ_{i &lt; n} xs[i]·ext[i] from ext's {@link #halves} (xs[i] in [−2^{@link #SMALL_BITS}, 2^SMALL_BITS), n ≤ 2^10). */
    private static Ext3 halvesSum(long[] xs, long[] halves, int n) {
        return new Ext3(combine(dot(xs, halves, 0, n), dot(xs, halves, n, n)),
                combine(dot(xs, halves, 2 * n, n), dot(xs, halves, 3 * n, n)),
                combine(dot(xs, halves, 4 * n, n), dot(xs, halves, 5 * n, n)));
    }

    /** Σ_{i &lt; n} x[i]·plane[from + i] in a plain long (the caller bounds it). */
    private static long dot(long[] x, long[] plane, int from, int n) {
        long acc = 0;
        for (int i = 0; i < n; i++) {
            acc += x[i] * plane[from + i];
        }
        return acc;
    }

    /** a + 2^32·b mod p for signed a, b. */
    private static long combine(long a, long b) {
        return Goldilocks.add(Goldilocks.fromSigned(a), Goldilocks.mul(Goldilocks.fromSigned(b), 1L << 32));
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
