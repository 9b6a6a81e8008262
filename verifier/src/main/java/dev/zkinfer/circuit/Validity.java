package dev.zkinfer.circuit;

import dev.zkinfer.field.Ext3;

/**
 * The multilinear extension of a layout's validity indicator (1 on real entries, 0 on padding),
 * evaluated in O(number of variables): valid~(r) = Π_d Σ_{j &lt; n_d} eq(r_d, j).
 * Immutable and thread-safe.
 */
public final class Validity {
    private Validity() {}

    /**
     * Σ_{j &lt; n} eq(r, j) where r = point[offset .. offset + vars) (variable offset + k is bit k
     * of j); requires 1 ≤ n ≤ 2^vars. O(vars).
     */
    public static Ext3 prefixEq(Ext3[] point, int offset, int vars, long n) {
        if (n < 1 || n > (1L << vars)) {
            throw new IllegalArgumentException("prefix " + n + " outside [1, 2^" + vars + "]");
        }
        // Walk from the top bit down: S(n, v) = n == 2^v ? 1
        //   : n > 2^{v-1} ? (1 - r_{v-1}) + r_{v-1}·S(n - 2^{v-1}, v-1) : (1 - r_{v-1})·S(n, v-1).
        Ext3 acc = Ext3.ZERO; // the sum contributed by completed branches
        Ext3 prefix = Ext3.ONE; // product of eq factors along the current path
        for (int k = vars - 1; k >= 0; k--) {
            if (n == (1L << (k + 1))) {
                return acc.add(prefix);
            }
            Ext3 r = point[offset + k];
            long half = 1L << k;
            if (n > half) {
                acc = acc.add(prefix.mul(Ext3.ONE.sub(r)));
                prefix = prefix.mul(r);
                n -= half;
            } else {
                prefix = prefix.mul(Ext3.ONE.sub(r));
            }
        }
        return acc.add(prefix); // vars bits exhausted with n == 1
    }

    /** valid~ of the whole layout at {@code point} (its numVars() coordinates). */
    public static Ext3 valid(TensorLayout layout, Ext3[] point) {
        return validExcept(layout, point, -1);
    }

    /** valid~ over every dimension of {@code layout} except {@code skipDim} (-1: none). */
    public static Ext3 validExcept(TensorLayout layout, Ext3[] point, int skipDim) {
        if (point.length != layout.numVars()) {
            throw new IllegalArgumentException("point of " + point.length + " coordinates for " + layout.numVars() + " variables");
        }
        Ext3 acc = Ext3.ONE;
        for (int d = 0; d < layout.rank(); d++) {
            if (d != skipDim) {
                acc = acc.mul(prefixEq(point, layout.varOffset(d), layout.dimVars(d), layout.dim(d)));
            }
        }
        return acc;
    }

    /** The padded validity indicator of a layout as base-field values (1 on real entries). */
    public static long[] indicator(TensorLayout layout) {
        long[] v = new long[layout.paddedSize()];
        long n = layout.size();
        for (long i = 0; i < n; i++) {
            v[layout.paddedIndex(i)] = 1;
        }
        return v;
    }
}
