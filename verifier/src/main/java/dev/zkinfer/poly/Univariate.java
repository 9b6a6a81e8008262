package dev.zkinfer.poly;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;

/** Univariate polynomials given by their values at 0, 1, ..., d (sumcheck round messages). */
public final class Univariate {
    private Univariate() {}

    /**
     * Evaluates at x the degree-≤d polynomial with values {@code evals[i]} at i = 0..d, by
     * Lagrange interpolation over the integer nodes (O(d^2), d is small).
     */
    public static Ext3 evaluate(Ext3[] evals, Ext3 x) {
        int d = evals.length - 1;
        Ext3 result = Ext3.ZERO;
        for (int i = 0; i <= d; i++) {
            Ext3 num = Ext3.ONE;
            long den = 1;
            for (int j = 0; j <= d; j++) {
                if (j == i) {
                    continue;
                }
                num = num.mul(x.sub(Ext3.of(j)));
                den = Goldilocks.mul(den, Goldilocks.fromSigned(i - j));
            }
            result = result.add(evals[i].mul(num).mul(Goldilocks.inv(den)));
        }
        return result;
    }
}
