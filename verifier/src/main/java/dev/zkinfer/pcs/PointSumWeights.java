package dev.zkinfer.pcs;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;

/**
 * The weight Σ_q λ^q·eq((y_q, y_q^2, y_q^4, ..., y_q^(2^(m−1))), ·) on a block of 2^m entries, for
 * base-field points y_q: on a block that holds the hypercube values of a multilinear polynomial S
 * of m variables, Σ_b w(b)·S(b) = Σ_q λ^q·S(y_q), the λ-combination of S's univariate readings at
 * the y_q (its codeword symbols there: S̃ at (y, y^2, ..., y^(2^(m−1))) is Σ_j c_j·y^j for S's
 * monomial coefficients c_j). A model opening whose mask parts the witness holds proves the parts'
 * symbols it sent with one such claim per part (docs/zero-knowledge.md §3.3 item 3).
 *
 * <p>{@link #evaluate} costs O(q·m); {@link #table} (the prover's) O(q·2^m), computed once.
 * Immutable and thread-safe.
 */
public final class PointSumWeights implements BlockWeight {
    /** Type tag of the encoding. */
    static final long TAG = 3;

    private final int m;
    private final long[] ys;
    private final Ext3 lambda;
    private volatile long[] table;

    /** Points {@code ys} (base field), combined with the powers of {@code lambda}, on a block of 2^m entries. */
    public PointSumWeights(int m, long[] ys, Ext3 lambda) {
        if (m < 0 || m > 30 || ys.length < 1 || ys.length > (1 << 16)) {
            throw new IllegalArgumentException("point-sum weights need 0 to 30 variables and 1 to 2^16 points: " + m + ", " + ys.length);
        }
        for (long y : ys) {
            if (!Goldilocks.isCanonical(y)) {
                throw new IllegalArgumentException("non-canonical point " + Long.toUnsignedString(y));
            }
        }
        this.m = m;
        this.ys = ys.clone();
        this.lambda = lambda;
    }

    @Override
    public int numVars() {
        return m;
    }

    @Override
    public Ext3 evaluate(Ext3[] z) {
        if (z.length != m) {
            throw new IllegalArgumentException("point of " + z.length + " coordinates, expected " + m);
        }
        Ext3 sum = Ext3.ZERO;
        Ext3 coef = Ext3.ONE;
        for (long y : ys) {
            // eq(Y, z) = Π_i (1 − Y_i + z_i·(2·Y_i − 1)), Y_i = y^(2^i)
            Ext3 e = Ext3.ONE;
            long yi = y;
            for (int i = 0; i < m; i++) {
                long one = Goldilocks.sub(1, yi);
                e = e.mul(z[i].mul(Goldilocks.sub(yi, one)).add(one));
                yi = Goldilocks.mul(yi, yi);
            }
            sum = sum.add(coef.mul(e));
            coef = coef.mul(lambda);
        }
        return sum;
    }

    @Override
    public long[] table() {
        long[] t = table;
        if (t == null) {
            t = build();
            table = t;
        }
        return t.clone();
    }

    private long[] build() {
        int size = 1 << m;
        long[] acc = new long[3 * size];
        long[] eq = new long[size];
        Ext3 coef = Ext3.ONE;
        for (long y : ys) {
            // the base-field eq table of (y, y^2, ...), variable i = bit i of the index
            eq[0] = 1;
            long yi = y;
            for (int i = 0; i < m; i++) {
                int half = 1 << i;
                long one = Goldilocks.sub(1, yi);
                for (int b = half - 1; b >= 0; b--) {
                    long v = eq[b];
                    eq[b + half] = Goldilocks.mul(v, yi);
                    eq[b] = Goldilocks.mul(v, one);
                }
                yi = Goldilocks.mul(yi, yi);
            }
            for (int b = 0; b < size; b++) {
                long v = eq[b];
                acc[3 * b] = Goldilocks.add(acc[3 * b], Goldilocks.mul(coef.c0, v));
                acc[3 * b + 1] = Goldilocks.add(acc[3 * b + 1], Goldilocks.mul(coef.c1, v));
                acc[3 * b + 2] = Goldilocks.add(acc[3 * b + 2], Goldilocks.mul(coef.c2, v));
            }
            coef = coef.mul(lambda);
        }
        return acc;
    }

    @Override
    public long[] encode() {
        long[] out = new long[5 + ys.length];
        out[0] = TAG;
        out[1] = m;
        out[2] = lambda.c0;
        out[3] = lambda.c1;
        out[4] = lambda.c2;
        System.arraycopy(ys, 0, out, 5, ys.length);
        return out;
    }
}
