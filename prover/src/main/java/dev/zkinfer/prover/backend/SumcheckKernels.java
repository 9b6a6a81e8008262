package dev.zkinfer.prover.backend;

import dev.zkinfer.field.Ext3;

/**
 * Kernels of the sumcheck prover. Tables are multilinear tables in array form (GF(p^3)
 * element i at longs 3i..3i+2); round k pairs entries 2j and 2j+1 (variable 0 of the
 * current table).
 *
 * <p>Implementations are stateless and thread-safe; calls on distinct arrays may run concurrently.
 */
public interface SumcheckKernels {
    /**
     * Per-term sums of the round polynomial: for each term t and each x in {0, 2, 3, ..., degree},
     * S[t][x] = Σ_{j &lt; half} Π_{f ∈ terms[t]} (table_f[2j] + x·(table_f[2j+1] − table_f[2j])).
     * Returned as array form, term-major: element (t, i) at index t·degree + i where i = 0 for
     * x = 0 and i = x − 1 for x ≥ 2. Coefficients are applied by the caller. A table with
     * {@code isBase[f]} set holds 2·half base-field values instead (the first round, before
     * any fold); {@code isBase} may be null when every table is in array form.
     */
    long[] roundSums(long[][] tables, boolean[] isBase, int[][] terms, int half, int degree);

    /** Binds variable 0 of a base-field table to r, returning a new array-form table of half entries. */
    long[] foldBase(long[] values, int half, Ext3 r);

    /** Binds variable 0 to r: table[j] ← table[2j] + r·(table[2j+1] − table[2j]) for j &lt; half. */
    void fold(long[] table, int half, Ext3 r);

    /**
     * Binds variable 0 of every table to r (round k's fold; base-field tables are those with
     * {@code isBase[f]} set, isBase may be null), replacing {@code tables[f]} by the folded
     * table (possibly a new array, possibly longer than needed: entries past half are
     * unspecified), and returns the sums of the next round, as {@link #roundSums} with
     * half/2 pairs. {@code half} is the number of pairs of the round just finished (≥ 2).
     */
    default long[] foldAndRoundSums(long[][] tables, boolean[] isBase, int[][] terms, int half, int degree, Ext3 r) {
        for (int f = 0; f < tables.length; f++) {
            if (isBase != null && isBase[f]) {
                tables[f] = foldBase(tables[f], half, r);
            } else {
                fold(tables[f], half, r);
            }
        }
        return roundSums(tables, null, terms, half >>> 1, degree);
    }

    /**
     * One pass of the eq-product sumcheck Σ_x eq(p, x)·W(x) ({@code EqProductRounds}). With
     * {@code r} (3 longs) non-null, first dst[i] = src[2i] + r·(src[2i+1] − src[2i]) for every
     * i &lt; 2·pairs (src base-field values when {@code base}, else array form; dst array form),
     * then t(x) = Σ_{y &lt; pairs} eq(y)·dst[2y + x]; with r null, t(x) = Σ_y eq(y)·src[2y + x].
     * eq(y) = lo[y mod L]·hi[y / L] for array-form tables lo (L entries) and hi; pairs = L·|hi|.
     * Returns t(0), t(1) in array form (6 longs). This default is the Java reference.
     */
    default long[] eqProductPass(long[] src, boolean base, long[] r, long[] dst, long[] lo, long[] hi) {
        return EqProductPass.pass(src, base, r, dst, lo, hi);
    }
}
