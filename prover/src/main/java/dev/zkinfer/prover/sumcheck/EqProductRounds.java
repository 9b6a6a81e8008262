package dev.zkinfer.prover.sumcheck;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.concurrent.Cancellation;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The rounds of Σ_{x∈{0,1}^n} eq(p, x)·W(x) for a base-field table W, without the 2^n eq table:
 * eq(p, x) = eq(p_{&lt;k}, r_{&lt;k})·eq(p_k, x_k)·eq(p_{&gt;k}, x_{&gt;k}) once the first k variables
 * are bound, so round k's polynomial is e_k·eq(p_k, X)·t_k(X) with the scalar e_k, the linear
 * t_k(X) = Σ_y eq(p_{&gt;k}, y)·W_k(X, y), and eq(p_{&gt;k}, ·) the product of two tables of about
 * 2^((n−k−1)/2) entries each (Gruen's factoring of the eq polynomial, ePrint 2024/108 §3, and
 * Dao–Thaler's split eq tables, ePrint 2024/1210). The messages are those of the generic
 * {@link SumcheckInstance} with the tables W and eq(p, ·) and the one term W·eq (the round
 * polynomial is determined by the statement); W_k is folded in the same pass that computes
 * t_{k+1}. The work is one pass over W (base field) and then over each folded table, about a
 * third of the generic prover's, and no 3·2^n-long table is allocated.
 *
 * <p>One sumcheck's state: not thread-safe (its passes run in parallel on the common pool).
 */
public final class EqProductRounds implements BatchedRounds.Part {
    private static final int PARALLEL_ENTRIES = 1 << 12;

    private final int n;
    private final Ext3[] p;
    /** W_k: base-field values in round 0, array-form extension values afterwards. */
    private long[] table;
    private int round;
    /** e_k = eq(p_{&lt;k}, r_{&lt;k}). */
    private Ext3 prefix = Ext3.ONE;
    /** t_k(0), t_k(1) of the current round. */
    private Ext3 t0;
    private Ext3 t1;
    private final Ext3 sum;

    /**
     * @param values W's first entries (missing ones are zero), canonical base-field values
     * @param point p, of n ≥ 1 coordinates
     */
    public EqProductRounds(long[] values, Ext3[] point) {
        this.n = point.length;
        if (n < 1 || values.length > 1 << n) {
            throw new IllegalArgumentException("an eq-product sumcheck needs at least one variable and at most 2^n values");
        }
        this.p = point.clone();
        this.table = values.length == 1 << n ? values : Arrays.copyOf(values, 1 << n);
        Ext3[] t = pass(table, true, 1 << (n - 1), null, eqHalves(1));
        t0 = t[0];
        t1 = t[1];
        sum = Ext3.ONE.sub(p[0]).mul(t0).add(p[0].mul(t1));
    }

    /** Σ_x eq(p, x)·W(x) = W̃(p). */
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
        int half = 1 << (n - 1 - k);
        long[] folded = new long[3 * half];
        if (k + 1 < n) {
            Ext3[] t = pass(table, k == 0, half >>> 1, new Fold(r, folded), eqHalves(k + 2));
            t0 = t[0];
            t1 = t[1];
        } else {
            pass(table, k == 0, 0, new Fold(r, folded), null);
        }
        table = folded;
        round = k + 1;
    }

    /** [W̃(r), eq(p, r)] once every round is bound (the generic prover's table evaluations). */
    @Override
    public Ext3[] finals() {
        if (round != n) {
            throw new IllegalStateException("finals asked after " + round + " of " + n + " rounds");
        }
        return new Ext3[] {Ext3.get(table, 0), prefix};
    }

    /** The fold of W_k by r into {@code out} (W_{k+1}), done in the pass over W_k. */
    private record Fold(Ext3 r, long[] out) {}

    /** eq(p_{from..}, ·) as two tables: the low half of the coordinates and the high half. */
    private long[][] eqHalves(int from) {
        int rest = n - from;
        int low = rest / 2;
        return new long[][] {Mle.eqTable(Arrays.copyOfRange(p, from, from + low)), Mle.eqTable(Arrays.copyOfRange(p, from + low, n))};
    }

    /**
     * One parallel pass. Without a fold: t(x) = Σ_y eq(y)·src(2y + x) over {@code pairs} pairs.
     * With one: dst = src folded by r (src has 2·dst entries), and t(x) = Σ_y eq(y)·dst(2y + x)
     * over dst's {@code pairs} pairs (none in the last round). eq(y) = lo(y mod 2^L)·hi(y / 2^L).
     */
    private static Ext3[] pass(long[] src, boolean base, int pairs, Fold fold, long[][] eq) {
        int lowSize = eq == null ? 1 : eq[0].length / 3;
        int highSize = eq == null ? 1 : eq[1].length / 3;
        if (eq != null && (long) lowSize * highSize != pairs) {
            throw new IllegalStateException("eq tables of " + lowSize + "·" + highSize + " entries for " + pairs + " pairs");
        }
        if (eq == null) {
            // the last round: the fold alone (dst of one entry)
            foldRange(src, base, fold, 0, 1);
            return null;
        }
        int entries = fold == null ? 2 * pairs : 4 * pairs;
        int chunks = entries < PARALLEL_ENTRIES ? 1 : Math.min(highSize, 256);
        int perChunk = highSize / chunks;
        Cancellation cancel = Cancellation.current();
        long[][] partial = new long[chunks][];
        IntStream range = IntStream.range(0, chunks);
        (chunks > 1 ? range.parallel() : range).forEach(ch -> {
            cancel.check();
            long[] acc = new long[6];
            long[] inner = new long[6];
            long[] lo = eq[0];
            long[] hi = eq[1];
            for (int h = ch * perChunk; h < (ch + 1) * perChunk; h++) {
                int y0 = h * lowSize;
                if (fold != null) {
                    // dst pairs [y0, y0 + lowSize) are entries [2·y0, 2·(y0 + lowSize)) of dst
                    foldRange(src, base, fold, 2 * y0, 2 * (y0 + lowSize));
                }
                long[] t = fold != null ? fold.out() : src;
                boolean tBase = fold == null && base;
                Arrays.fill(inner, 0);
                for (int l = 0; l < lowSize; l++) {
                    int y = y0 + l;
                    if (tBase) {
                        mulAddBase(lo, l, t[2 * y], inner, 0);
                        mulAddBase(lo, l, t[2 * y + 1], inner, 3);
                    } else {
                        mulAddExt(lo, l, t, 2 * y, inner, 0);
                        mulAddExt(lo, l, t, 2 * y + 1, inner, 3);
                    }
                }
                mulAddExt(hi, h, inner, 0, acc, 0);
                mulAddExt(hi, h, inner, 1, acc, 3);
            }
            partial[ch] = acc;
        });
        long[] total = new long[6];
        for (long[] a : partial) {
            for (int i = 0; i < 6; i++) {
                total[i] = Goldilocks.add(total[i], a[i]);
            }
        }
        return new Ext3[] {Ext3.get(total, 0), Ext3.get(total, 1)};
    }

    /** dst[i] = src[2i] + r·(src[2i+1] − src[2i]) for i in [from, to). */
    private static void foldRange(long[] src, boolean base, Fold fold, int from, int to) {
        long r0 = fold.r().c0, r1 = fold.r().c1, r2 = fold.r().c2;
        long[] dst = fold.out();
        for (int i = from; i < to; i++) {
            if (base) {
                long a = src[2 * i];
                long d = Goldilocks.sub(src[2 * i + 1], a);
                dst[3 * i] = Goldilocks.add(a, Goldilocks.mul(r0, d));
                dst[3 * i + 1] = Goldilocks.mul(r1, d);
                dst[3 * i + 2] = Goldilocks.mul(r2, d);
            } else {
                int a = 6 * i, b = a + 3;
                long d0 = Goldilocks.sub(src[b], src[a]);
                long d1 = Goldilocks.sub(src[b + 1], src[a + 1]);
                long d2 = Goldilocks.sub(src[b + 2], src[a + 2]);
                // (d0 + d1 X + d2 X²)(r0 + r1 X + r2 X²) mod X³ − 2
                long m0 = Goldilocks.add(Goldilocks.mul(d0, r0), dbl(Goldilocks.add(Goldilocks.mul(d1, r2), Goldilocks.mul(d2, r1))));
                long m1 = Goldilocks.add(Goldilocks.add(Goldilocks.mul(d0, r1), Goldilocks.mul(d1, r0)), dbl(Goldilocks.mul(d2, r2)));
                long m2 = Goldilocks.add(Goldilocks.add(Goldilocks.mul(d0, r2), Goldilocks.mul(d1, r1)), Goldilocks.mul(d2, r0));
                dst[3 * i] = Goldilocks.add(src[a], m0);
                dst[3 * i + 1] = Goldilocks.add(src[a + 1], m1);
                dst[3 * i + 2] = Goldilocks.add(src[a + 2], m2);
            }
        }
    }

    /** acc[o..o+2] += e[i]·v for an array-form extension table e and a base value v. */
    private static void mulAddBase(long[] e, int i, long v, long[] acc, int o) {
        int k = 3 * i;
        acc[o] = Goldilocks.add(acc[o], Goldilocks.mul(e[k], v));
        acc[o + 1] = Goldilocks.add(acc[o + 1], Goldilocks.mul(e[k + 1], v));
        acc[o + 2] = Goldilocks.add(acc[o + 2], Goldilocks.mul(e[k + 2], v));
    }

    /** acc[o..o+2] += e[i]·t[j] for array-form extension tables. */
    private static void mulAddExt(long[] e, int i, long[] t, int j, long[] acc, int o) {
        int k = 3 * i, m = 3 * j;
        long a0 = e[k], a1 = e[k + 1], a2 = e[k + 2];
        long b0 = t[m], b1 = t[m + 1], b2 = t[m + 2];
        acc[o] = Goldilocks.add(acc[o],
                Goldilocks.add(Goldilocks.mul(a0, b0), dbl(Goldilocks.add(Goldilocks.mul(a1, b2), Goldilocks.mul(a2, b1)))));
        acc[o + 1] = Goldilocks.add(acc[o + 1],
                Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, b1), Goldilocks.mul(a1, b0)), dbl(Goldilocks.mul(a2, b2))));
        acc[o + 2] = Goldilocks.add(acc[o + 2],
                Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, b2), Goldilocks.mul(a1, b1)), Goldilocks.mul(a2, b0)));
    }

    private static long dbl(long a) {
        return Goldilocks.add(a, a);
    }
}
