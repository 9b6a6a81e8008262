package dev.zkinfer.prover.sumcheck;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.backend.EqProductPass;
import dev.zkinfer.prover.backend.SumcheckKernels;
import java.util.Arrays;

/**
 * The rounds of Σ_{x∈{0,1}^n} eq(p, x)·W(x) for a base-field table W, without the 2^n eq table:
 * eq(p, x) = eq(p_{&lt;k}, r_{&lt;k})·eq(p_k, x_k)·eq(p_{&gt;k}, x_{&gt;k}) once the first k variables
 * are bound, so round k's polynomial is e_k·eq(p_k, X)·t_k(X) with the scalar e_k, the linear
 * t_k(X) = Σ_y eq(p_{&gt;k}, y)·W_k(X, y), and eq(p_{&gt;k}, ·) the product of two tables of about
 * 2^((n−k−1)/2) entries each (Gruen's factoring of the eq polynomial, ePrint 2024/108 §3, and
 * Dao–Thaler's split eq tables, ePrint 2024/1210). The messages are those of the generic
 * {@link SumcheckInstance} with the tables W and eq(p, ·) and the one term W·eq (the round
 * polynomial is determined by the statement); W_k is folded in the same pass that computes
 * t_{k+1} ({@link SumcheckKernels#eqProductPass}: native code where present). The work is one
 * pass over W (base field) and then over each folded table, and no 3·2^n-long table is allocated.
 * A table that is zero past its first entries (a weight tensor padded to a power of two) is
 * handled on its nonzero prefix only: the zero tail folds to zeros and adds nothing to t_k, so each
 * pass visits the pairs up to the prefix (rounded up to a whole row of the low eq table) and the
 * messages are those of the whole table.
 *
 * <p>One sumcheck's state: not thread-safe (the kernels run each pass in parallel).
 */
public final class EqProductRounds implements BatchedRounds.Part {
    private final SumcheckKernels kernels;
    private final int n;
    private final Ext3[] p;
    /** W_k: base-field values in round 0, array-form extension values afterwards; zero past {@link #live}. */
    private long[] table;
    /** The entries of W_k that may be nonzero: W_k is zero from this index on. */
    private int live;
    private int round;
    /** e_k = eq(p_{&lt;k}, r_{&lt;k}). */
    private Ext3 prefix = Ext3.ONE;
    /** t_k(0), t_k(1) of the current round. */
    private Ext3 t0;
    private Ext3 t1;
    private final Ext3 sum;
    /** Whether W is base-field values (else array-form extension values, read from round 0 on). */
    private final boolean base;
    /** The rounds are those of the affine form a_0 + a_1·W ({@link #EqProductRounds(SumcheckKernels, long[], boolean, Ext3[], Ext3, Ext3)}). */
    private final Ext3 a0;
    private final Ext3 a1;
    /** eq(p_{from..to}, ·) for a range of p's coordinates (read only: the passes never write it). */
    private final EqRanges eqRanges;

    /**
     * The eq tables of ranges of a point's coordinates, eq(p_{from..to}, ·): {@link #NONE} builds
     * each one; a shared cache ({@link EqLinearRounds.PointTables}) hands the same table to rounds
     * whose points agree on the range (the parts of one batch, bound to prefixes of one point).
     */
    interface EqRanges {
        long[] table(Ext3[] p, int from, int to);

        EqRanges NONE = (p, from, to) -> Mle.eqTable(Arrays.copyOfRange(p, from, to));
    }

    /**
     * @param values W's first entries (missing ones are zero), canonical base-field values
     * @param point p, of n ≥ 1 coordinates
     */
    public EqProductRounds(SumcheckKernels kernels, long[] values, Ext3[] point) {
        this(kernels, values, true, point);
    }

    /**
     * As above for an extension-field table of exactly 2^n values in array form (taken over: the
     * rounds read it and never write it), {@code base} false; with {@code base} true, as above.
     */
    EqProductRounds(SumcheckKernels kernels, long[] values, boolean base, Ext3[] point) {
        this(kernels, values, base, point, Ext3.ZERO, Ext3.ONE);
    }

    /**
     * As above, the rounds of Σ_x eq(p, x)·(a_0 + a_1·W(x)), an affine form of W, from W's own
     * passes: Σ_y eq(p_{&gt;k}, y) = 1 over the whole hypercube (the zero tail's included), so
     * t_k(X) = a_0 + a_1·t_k^W(X). {@link #finals()} gives W̃(r) itself.
     */
    EqProductRounds(SumcheckKernels kernels, long[] values, boolean base, Ext3[] point, Ext3 a0, Ext3 a1) {
        this(kernels, values, base, point, a0, a1, EqRanges.NONE);
    }

    /** As above, the split eq tables from {@code eqRanges} (the same values: a cache). */
    EqProductRounds(SumcheckKernels kernels, long[] values, boolean base, Ext3[] point, Ext3 a0, Ext3 a1, EqRanges eqRanges) {
        this.eqRanges = eqRanges;
        this.n = point.length;
        this.base = base;
        this.a0 = a0;
        this.a1 = a1;
        if (n < 1 || (base ? values.length > 1 << n : values.length != 3 << n)) {
            throw new IllegalArgumentException("an eq-product sumcheck needs at least one variable and at most 2^n values"
                    + (base ? "" : " (exactly 2^n extension values)"));
        }
        this.kernels = kernels;
        this.p = point.clone();
        int nonzero = base ? values.length : 1 << n;
        while (base && nonzero > 0 && values[nonzero - 1] == 0) {
            nonzero--;
        }
        this.live = nonzero;
        long[][] eq = eqHalves(1, livePairs(live));
        // the first pass reads 2·|lo|·|hi| entries, the second (bind(0)) 4·|lo'|·|hi'|: zeros past W's values
        int need = Math.max(2 * (eq[0].length / 3) * (eq[1].length / 3), n > 1 ? 4 * pairsRead(2, livePairs(livePairs(live))) : 2);
        this.table = !base || values.length >= need ? values : Arrays.copyOf(values, need);
        long[] t = kernels.eqProductPass(table, base, null, null, eq[0], eq[1]);
        t0 = affine(Ext3.get(t, 0));
        t1 = affine(Ext3.get(t, 1));
        sum = Ext3.ONE.sub(p[0]).mul(t0).add(p[0].mul(t1));
    }

    /** Σ_x eq(p, x)·W(x) = W̃(p) (a_0 + a_1·W̃(p) for an affine form). */
    public Ext3 sum() {
        return sum;
    }

    @Override
    public int numVars() {
        return n;
    }

    /** (s(0), s(2)) of s(X) = e_k·eq(p_k, X)·t_k(X), with t_k(2) = 2·t_k(1) − t_k(0). */
    @Override
    public long[] message(int k, Ext3 claim) {
        if (k != round) {
            throw new IllegalStateException("round " + k + " asked in round " + round);
        }
        Ext3 pk = p[k];
        Ext3 s0 = prefix.mul(Ext3.ONE.sub(pk)).mul(t0);
        Ext3 s2 = prefix.mul(pk.mul(3).sub(Ext3.ONE)).mul(t1.add(t1).sub(t0));
        long[] m = new long[6];
        Ext3.set(m, 0, s0);
        Ext3.set(m, 1, s2);
        return m;
    }

    @Override
    public void bind(int k, Ext3 r) {
        if (k != round) {
            throw new IllegalStateException("round " + k + " bound in round " + round);
        }
        prefix = prefix.mul(Ext3.ONE.sub(p[k]).sub(r).add(p[k].mul(r).mul(2)));
        long[] rr = {r.c0, r.c1, r.c2};
        int nextLive = livePairs(live);
        long[] folded;
        if (k + 1 < n) {
            long[][] eq = eqHalves(k + 2, livePairs(nextLive));
            int pairs = (eq[0].length / 3) * (eq[1].length / 3);
            // this pass writes 2·pairs entries; the next one reads 4·|lo'|·|hi'| (zeros past the written ones)
            int need = Math.max(2 * pairs, k + 2 < n ? 4 * pairsRead(k + 3, livePairs(livePairs(nextLive))) : 2);
            folded = new long[3 * need];
            long[] t = kernels.eqProductPass(table, k == 0 && base, rr, folded, eq[0], eq[1]);
            t0 = affine(Ext3.get(t, 0));
            t1 = affine(Ext3.get(t, 1));
        } else {
            folded = new long[3];
            EqProductPass.fold(table, k == 0 && base, rr, folded, 0, 1);
        }
        table = folded;
        live = nextLive;
        round = k + 1;
    }

    /** a_0 + a_1·v (v itself for the plain rounds of W). */
    private Ext3 affine(Ext3 v) {
        return a0.isZero() && a1.equals(Ext3.ONE) ? v : a0.add(a1.mul(v));
    }

    /** e_k = eq(p_{&lt;k}, r_{&lt;k}) in round k. */
    Ext3 prefix() {
        return prefix;
    }

    /** t_k(0) (x = 0) or t_k(1) (x = 1) of round k (k &lt; n). */
    Ext3 t(int x) {
        return x == 0 ? t0 : t1;
    }

    /** [W̃(r), eq(p, r)] once every round is bound (the generic prover's table evaluations). */
    @Override
    public Ext3[] finals() {
        if (round != n) {
            throw new IllegalStateException("finals asked after " + round + " of " + n + " rounds");
        }
        return new Ext3[] {Ext3.get(table, 0), prefix};
    }

    /**
     * eq(p_{from..}, ·) as two tables, the low half of the coordinates and the high half, the high
     * one cut to the rows that meet the first {@code livePairs} pairs (at least one row): the pass
     * skips the pairs past them, which are zero.
     */
    private long[][] eqHalves(int from, int livePairs) {
        int rest = n - from;
        int low = rest / 2;
        long[] hi = eqRanges.table(p, from + low, n);
        int rows = rows(livePairs, low);
        return new long[][] {eqRanges.table(p, from, from + low), rows == hi.length / 3 ? hi : Arrays.copyOf(hi, 3 * rows)};
    }

    /** The pairs a pass from coordinate {@code from} visits for {@code livePairs} possibly nonzero pairs: whole rows of its low eq table. */
    private int pairsRead(int from, int livePairs) {
        int low = (n - from) / 2;
        return rows(livePairs, low) << low;
    }

    /** The pairs (entries 2y, 2y + 1) that meet a table's first {@code live} entries, which is also the folded table's live length. */
    private static int livePairs(int live) {
        return (live + 1) >>> 1;
    }

    /** The rows of 2^low pairs that hold the first {@code livePairs} pairs, at least one. */
    private static int rows(int livePairs, int low) {
        return Math.max(1, (livePairs + (1 << low) - 1) >>> low);
    }
}
