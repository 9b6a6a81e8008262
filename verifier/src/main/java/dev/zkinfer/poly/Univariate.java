package dev.zkinfer.poly;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;

/**
 * Univariate polynomials given by their values at 0, 1, ..., d (sumcheck round messages).
 * Stateless and thread-safe.
 */
public final class Univariate {
    /** Degrees whose Lagrange weights are precomputed. */
    private static final int CACHED_DEGREES = 32;
    /** WEIGHTS[d][i] = 1 / Π_{j ≠ i, 0 ≤ j ≤ d} (i − j). */
    private static final long[][] WEIGHTS = new long[CACHED_DEGREES + 1][];

    static {
        for (int d = 0; d <= CACHED_DEGREES; d++) {
            WEIGHTS[d] = weights(d);
        }
    }

    private Univariate() {}

    /**
     * w_i = 1 / Π_{j ≠ i} (i − j) = (−1)^(d−i) / (i! · (d − i)!): from the inverse factorials, with
     * one inversion per degree (a cold JVM's first sumcheck paid ~10 ms for an inversion per weight).
     */
    static long[] weights(int d) {
        long[] invFact = new long[d + 1];
        long fact = 1;
        for (int i = 1; i <= d; i++) {
            fact = Goldilocks.mul(fact, i);
        }
        invFact[d] = Goldilocks.inv(fact);
        for (int i = d; i > 0; i--) {
            invFact[i - 1] = Goldilocks.mul(invFact[i], i);
        }
        long[] w = new long[d + 1];
        for (int i = 0; i <= d; i++) {
            long v = Goldilocks.mul(invFact[i], invFact[d - i]);
            w[i] = (d - i) % 2 == 0 ? v : Goldilocks.neg(v);
        }
        return w;
    }

    /**
     * Evaluates at x the degree-≤d polynomial with values {@code evals[i]} at i = 0..d, by
     * Lagrange interpolation over the integer nodes: Σ_i evals[i]·w_i·Π_{j≠i}(x − j), the
     * weights w_i precomputed. With P_i = Π_{j&lt;i}(x − j), the sum is a_d for a_0 = c_0·P_0 and
     * a_i = a_{i−1}·(x − i) + c_i·P_i (c_i = evals[i]·w_i): each term picks up the factors (x − j)
     * for j above its node as the recurrence goes up, so the suffix products are never formed:
     * 3d extension multiplications instead of 4d + 2.
     */
    public static Ext3 evaluate(Ext3[] evals, Ext3 x) {
        int d = evals.length - 1;
        long[] w = d <= CACHED_DEGREES ? WEIGHTS[d] : weights(d);
        Ext3 acc = evals[0].mul(w[0]);
        Ext3 prefix = Ext3.ONE;
        for (int i = 1; i <= d; i++) {
            prefix = prefix.mul(x.sub(Ext3.of(i - 1)));
            acc = acc.mul(x.sub(Ext3.of(i))).add(evals[i].mul(w[i]).mul(prefix));
        }
        return acc;
    }
}
