package dev.zkinfer.lookup;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;

/**
 * Combining tuple columns into one looked-up value: w = c_0 + β·c_1 + β²·c_2 + ... (β drawn by
 * the caller after the witness commitment, like α). The MLE commutes with the combination, so
 * the caller checks a {@link SegmentClaim#valuesEval()} against the same combination of the
 * columns' MLE evaluations.
 * Immutable and thread-safe.
 */
public final class Columns {
    private Columns() {}

    /** Σ_c β^c · columns[c][i], as array-form extension elements. */
    public static long[] combine(long[][] columns, Ext3 beta) {
        if (columns.length == 0) {
            throw new IllegalArgumentException("no columns");
        }
        int n = columns[0].length;
        long[] out = new long[3 * n];
        Ext3 power = Ext3.ONE;
        for (long[] col : columns) {
            if (col.length != n) {
                throw new IllegalArgumentException("columns of different lengths");
            }
            long b0 = power.c0, b1 = power.c1, b2 = power.c2;
            for (int i = 0; i < n; i++) {
                long v = col[i];
                out[3 * i] = Goldilocks.add(out[3 * i], Goldilocks.mul(b0, v));
                out[3 * i + 1] = Goldilocks.add(out[3 * i + 1], Goldilocks.mul(b1, v));
                out[3 * i + 2] = Goldilocks.add(out[3 * i + 2], Goldilocks.mul(b2, v));
            }
            power = power.mul(beta);
        }
        return out;
    }

    /** Σ_c β^c · evals[c]: the combined MLE from the columns' MLE evaluations. */
    public static Ext3 combineEvals(Ext3[] evals, Ext3 beta) {
        Ext3 acc = Ext3.ZERO;
        for (int c = evals.length - 1; c >= 0; c--) {
            acc = acc.mul(beta).add(evals[c]);
        }
        return acc;
    }
}
