package dev.zkinfer.prover.sumcheck;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.backend.SumcheckKernels;
import dev.zkinfer.sumcheck.TensorMask;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The rounds of Σ_{x∈{0,1}^n} eq(p, x)·(a_0 + Σ_c a_c·F̂_c(x)), an eq polynomial times a linear
 * form of columns F_c (base-field or extension tables), each column either plain or the
 * restriction of a masked tensor F̂ = F̃ + Z·Σ_w R(x_0, w) whose x_0 is variable 0 and whose Z
 * vanishes on all n variables (docs/zero-knowledge.md §3.2): the shape of every part of the
 * zero-knowledge lookup stage's leaf sumcheck ({@code ZkLookupProving}). The messages and the
 * columns' final values are those of the generic {@link SumcheckInstance} with the tables eq(p, ·)
 * and F_c, the terms a_c·eq·F_c and a_0·eq, and the masks marked with {@code maskTable(f, 1, R, 0,
 * null)} (the round polynomials are determined by the statement). On the hypercube a mask is zero,
 * so the linear form is one table L = a_0 + Σ_c a_c·F_c, and rounds 0..n−2 are the eq-product
 * rounds of L ({@link EqProductRounds}: Gruen's split eq, the fold fused with the next sums); the
 * masks enter only in round n−1, which binds their last variable, as M·X(1 − X) with
 * M = Π_{j&lt;n−1} r_j(1 − r_j)·Σ_c a_c·Σ_w R_c(r_0, w). The columns are not folded round by round:
 * each one's value at the final point is one evaluation of its multilinear extension, plus its
 * mask's Z(r)·Σ_w R_c(r_0, w). A part of at most {@link #SPLIT_COLUMNS} columns (every part of
 * LeNet-5's lookups and tables) builds no L: the eq-product rounds are linear in the table, so
 * each column runs its own ({@link EqProductRounds}' affine form, a_0 carried by the first) and
 * round k's t_k is the sum of theirs; base-field columns stay base-field in the first pass and
 * fold, and each column's last fold is F̃_c(r), so neither L nor an eq table at r is built. With
 * fewer than two variables the generic prover runs (no mask then: a masked column needs a
 * variable).
 *
 * <p>One sumcheck's state: not thread-safe.
 */
public final class EqLinearRounds implements BatchedRounds.Part {
    /** Tables of at least this many entries build L in parallel. */
    private static final int PARALLEL_ENTRIES = 1 << 13;

    /**
     * One column: {@code values} 2^n base-field values ({@code base}) or 2^n extension values in
     * array form (neither copied nor written), its coefficient a_c, and its tensor mask or null.
     */
    public record Column(long[] values, boolean base, Ext3 coefficient, TensorMask mask) {}

    private final int n;
    private final Ext3[] p;
    private final List<Column> columns;
    private final boolean masked;
    /** Parts of at most this many columns run each column's own eq-product rounds instead of L's. */
    static final int SPLIT_COLUMNS = 2;

    /** The eq-product rounds (n ≥ 2): one per column (at most {@link #SPLIT_COLUMNS}), or L's alone; else null. */
    private final EqProductRounds[] rounds;
    /** Whether {@link #rounds} holds one per column. */
    private final boolean split;
    /** The generic prover (n &lt; 2), else null. */
    private final SumcheckProver.InstanceRounds generic;
    private final Ext3[] challenges;
    /** Σ_x eq(p, x)·L(x) = L̃(p). */
    private final Ext3 sum;
    private final PointTables shared;
    private int round;
    private Ext3[] finals;

    /**
     * eq(s_{&lt;l}, ·) for the prefixes of one point s, each size built once: the parts of one
     * {@link BatchedRounds} are bound to prefixes of the same challenges, and their columns'
     * values at the point are inner products with these tables. Refuses a prefix that disagrees
     * with one seen before. Not thread-safe.
     */
    public static final class PointTables implements EqProductRounds.EqRanges {
        private final java.util.Map<Integer, long[]> tables = new java.util.HashMap<>();
        /** The parts' eq-product rounds' split tables by (from, to), with the coordinates each was built for. */
        private final java.util.Map<Long, Range> ranges = new java.util.HashMap<>();

        private record Range(Ext3[] coordinates, long[] table) {}
        private final java.util.function.Function<Ext3[], long[]> eqTable;
        private Ext3[] point = new Ext3[0];

        /** Tables built by {@link Mle#eqTable}. */
        public PointTables() {
            this(Mle::eqTable);
        }

        /** Tables built by {@code eqTable} (the values of {@link Mle#eqTable}: a backend's parallel kernel). */
        public PointTables(java.util.function.Function<Ext3[], long[]> eqTable) {
            this.eqTable = eqTable;
        }

        long[] eq(Ext3[] prefix) {
            check(prefix);
            return tables.computeIfAbsent(prefix.length, l -> eqTable.apply(prefix.clone()));
        }

        /**
         * eq(p_{from..to}, ·) for a part's own point p (the parts' points, prefixes of the tree's leaf
         * point, share their ranges): built once per range and coordinates, kept for the others.
         */
        @Override
        public long[] table(Ext3[] p, int from, int to) {
            Ext3[] coordinates = Arrays.copyOfRange(p, from, to);
            long key = (long) from << 32 | to;
            Range hit = ranges.get(key);
            if (hit != null && Arrays.equals(hit.coordinates(), coordinates)) {
                return hit.table();
            }
            long[] table = Mle.eqTable(coordinates);
            ranges.put(key, new Range(coordinates, table));
            return table;
        }

        /** Records a prefix of the point without building its table; refuses one that disagrees with one seen before. */
        void check(Ext3[] prefix) {
            for (int i = 0; i < Math.min(prefix.length, point.length); i++) {
                if (!prefix[i].equals(point[i])) {
                    throw new IllegalStateException("shared eq tables asked for two different points");
                }
            }
            if (prefix.length > point.length) {
                point = prefix.clone();
            }
        }
    }

    /**
     * @param point p, of n ≥ 0 coordinates
     * @param constant a_0
     */
    public EqLinearRounds(SumcheckKernels kernels, Ext3[] point, Ext3 constant, List<Column> columns) {
        this(kernels, point, constant, columns, new PointTables());
    }

    /** As above, the columns' final values taken with {@code shared}'s eq tables (one per size for the parts of one batch). */
    public EqLinearRounds(SumcheckKernels kernels, Ext3[] point, Ext3 constant, List<Column> columns, PointTables shared) {
        this.n = point.length;
        this.shared = shared;
        if (n > 30) {
            throw new IllegalArgumentException("an eq-linear sumcheck over " + n + " variables is out of range");
        }
        this.p = point.clone();
        this.columns = List.copyOf(columns);
        this.challenges = new Ext3[n];
        boolean anyMask = false;
        for (Column c : this.columns) {
            if (c.values().length != (c.base() ? 1 : 3) << n) {
                throw new IllegalArgumentException("a column of " + c.values().length + " longs for " + n + " variables");
            }
            anyMask |= c.mask() != null;
        }
        this.masked = anyMask;
        if (n < 2) {
            SumcheckInstance in = new SumcheckInstance(n);
            int e = in.addTable(Mle.eqTable(p));
            for (Column c : this.columns) {
                int f = c.base() ? in.addBaseTable(c.values()) : in.addTable(c.values().clone());
                if (c.mask() != null) {
                    in.maskTable(f, Ext3.ONE, c.mask(), 0, null);
                }
                in.addTerm(c.coefficient(), e, f);
            }
            in.addTerm(constant, e);
            this.generic = new SumcheckProver.InstanceRounds(kernels, in);
            this.rounds = null;
            this.split = false;
            this.sum = Mle.evaluateExt(linearForm(n, constant, this.columns), p);
        } else if (!this.columns.isEmpty() && this.columns.size() <= SPLIT_COLUMNS) {
            // a_0 + Σ_c a_c·F_c: each F_c's own passes (EqProductRounds' affine form), no L
            this.generic = null;
            this.split = true;
            this.rounds = new EqProductRounds[this.columns.size()];
            Ext3 total = Ext3.ZERO;
            for (int c = 0; c < rounds.length; c++) {
                Column col = this.columns.get(c);
                rounds[c] = new EqProductRounds(kernels, col.values(), col.base(), p, c == 0 ? constant : Ext3.ZERO, col.coefficient(),
                        shared);
                total = total.add(rounds[c].sum());
            }
            this.sum = total;
        } else {
            this.generic = null;
            this.split = false;
            this.rounds = new EqProductRounds[] {new EqProductRounds(kernels, linearForm(n, constant, this.columns), false, p, Ext3.ZERO,
                    Ext3.ONE, shared)};
            this.sum = rounds[0].sum();
        }
    }

    /** L = a_0 + Σ_c a_c·F_c over the hypercube, in array form. */
    static long[] linearForm(int n, Ext3 constant, List<Column> columns) {
        int size = 1 << n;
        long[] out = new long[3 * size];
        IntStream chunks = IntStream.range(0, Math.max(1, size / PARALLEL_ENTRIES));
        int per = Math.min(size, PARALLEL_ENTRIES);
        (size > PARALLEL_ENTRIES ? chunks.parallel() : chunks).forEach(ch -> {
            int from = ch * per, to = from + per;
            for (int i = from; i < to; i++) {
                out[3 * i] = constant.c0;
                out[3 * i + 1] = constant.c1;
                out[3 * i + 2] = constant.c2;
            }
            for (Column c : columns) {
                Ext3 a = c.coefficient();
                long[] v = c.values();
                if (c.base()) {
                    for (int i = from; i < to; i++) {
                        long x = v[i];
                        out[3 * i] = Goldilocks.add(out[3 * i], Goldilocks.mul(a.c0, x));
                        out[3 * i + 1] = Goldilocks.add(out[3 * i + 1], Goldilocks.mul(a.c1, x));
                        out[3 * i + 2] = Goldilocks.add(out[3 * i + 2], Goldilocks.mul(a.c2, x));
                    }
                } else {
                    for (int i = from; i < to; i++) {
                        Ext3.set(out, i, Ext3.get(out, i).add(a.mul(Ext3.get(v, i))));
                    }
                }
            }
        });
        return out;
    }

    /** The sum Σ_x eq(p, x)·(a_0 + Σ_c a_c·F_c(x)) = a_0 + Σ_c a_c·F̃_c(p) (the masks are zero on the hypercube). */
    public Ext3 sum() {
        return sum;
    }

    @Override
    public int numVars() {
        return n;
    }

    /**
     * Round k's polynomial at 0, 2, ..., d: the eq-product rounds' (d = 2), and in the last round
     * with a mask s(X) = e·eq(p_{n−1}, X)·(t(X) + M·X(1 − X)) at 0, 2, 3 (d = 3, the generic
     * prover's masked degree).
     */
    @Override
    public long[] message(int k, Ext3 claim) {
        if (k != round) {
            throw new IllegalStateException("round " + k + " asked in round " + round);
        }
        if (generic != null) {
            return generic.message(k, claim);
        }
        if (rounds.length == 1 && (k < n - 1 || !masked)) {
            return rounds[0].message(k, claim);
        }
        Ext3 t0 = t(0), t1 = t(1), pk = p[k], e = rounds[0].prefix();
        if (k < n - 1 || !masked) {
            // EqProductRounds.message's s(0), s(2) of e·eq(p_k, X)·t(X), t the columns' t summed
            long[] m = new long[6];
            Ext3.set(m, 0, e.mul(Ext3.ONE.sub(pk)).mul(t0));
            Ext3.set(m, 1, e.mul(pk.mul(3).sub(Ext3.ONE)).mul(t1.add(t1).sub(t0)));
            return m;
        }
        Ext3 m = maskConstant(n - 1);
        long[] message = new long[9];
        int i = 0;
        for (long x : new long[] {0, 2, 3}) {
            Ext3 xx = Ext3.of(x);
            Ext3 eq = Ext3.ONE.sub(pk).sub(xx).add(pk.mul(2 * x));
            Ext3 t = t0.add(t1.sub(t0).mul(x)).add(m.mul(xx.mul(Ext3.ONE.sub(xx))));
            Ext3.set(message, i++, e.mul(eq).mul(t));
        }
        return message;
    }

    /** t_k(0) or t_k(1) of L: the rounds' own, summed over the columns when split. */
    private Ext3 t(int x) {
        Ext3 t = rounds[0].t(x);
        for (int c = 1; c < rounds.length; c++) {
            t = t.add(rounds[c].t(x));
        }
        return t;
    }

    /** Π_{j&lt;upTo} r_j(1 − r_j)·Σ_c a_c·Σ_w R_c(r_0, w) over the masked columns. */
    private Ext3 maskConstant(int upTo) {
        Ext3 z = Ext3.ONE;
        for (int j = 0; j < upTo; j++) {
            z = z.mul(challenges[j].mul(Ext3.ONE.sub(challenges[j])));
        }
        Ext3 sum = Ext3.ZERO;
        for (Column c : columns) {
            if (c.mask() != null) {
                sum = sum.add(c.coefficient().mul(c.mask().cubeSum(challenges[0])));
            }
        }
        return z.mul(sum);
    }

    @Override
    public void bind(int k, Ext3 r) {
        if (k != round) {
            throw new IllegalStateException("round " + k + " bound in round " + round);
        }
        challenges[k] = r;
        if (generic != null) {
            generic.bind(k, r);
        } else {
            for (EqProductRounds c : rounds) {
                c.bind(k, r);
            }
        }
        round = k + 1;
    }

    /** Each column's value at the point r (its masked value F̃_c(r) + Z(r)·Σ_w R_c(r_0, w) where it has a mask), in column order. */
    @Override
    public Ext3[] finals() {
        return finals(columns.size());
    }

    /**
     * The first {@code count} columns' values at the point r, as {@link #finals()} (the others are
     * not computed: a table segment's public rows, which the verifier evaluates itself).
     */
    public Ext3[] finals(int count) {
        if (round != n) {
            throw new IllegalStateException("finals asked after " + round + " of " + n + " rounds");
        }
        if (count < 0 || count > columns.size()) {
            throw new IllegalArgumentException(count + " finals of " + columns.size() + " columns");
        }
        if (finals == null) {
            finals = new Ext3[columns.size()];
            if (generic != null) {
                Ext3[] all = generic.finals();
                System.arraycopy(all, 1, finals, 0, finals.length);
            }
        }
        if (generic == null) {
            Ext3 z = null;
            long[] eq = null;
            for (int c = 0; c < count; c++) {
                if (finals[c] != null) {
                    continue;
                }
                if (z == null) {
                    z = Ext3.ONE;
                    for (Ext3 ch : challenges) {
                        z = z.mul(ch.mul(Ext3.ONE.sub(ch)));
                    }
                }
                Column col = columns.get(c);
                Ext3 v;
                if (split) {
                    shared.check(challenges);
                    v = rounds[c].finals()[0]; // the last fold of F_c itself
                } else {
                    if (eq == null) {
                        eq = shared.eq(challenges);
                    }
                    v = innerProduct(col, eq);
                }
                finals[c] = col.mask() == null ? v : v.add(z.mul(col.mask().cubeSum(challenges[0])));
            }
        }
        return Arrays.copyOf(finals, count);
    }

    /** Σ_i F[i]·eq[i] for a column F and an array-form table eq of as many entries. */
    private static Ext3 innerProduct(Column col, long[] eq) {
        long[] v = col.values();
        if (!col.base()) {
            long[] acc = new long[3];
            long[] prod = new long[3];
            for (int i = 0; i < eq.length / 3; i++) {
                Ext3.mulInto(v, i, eq, i, prod, 0);
                acc[0] = Goldilocks.add(acc[0], prod[0]);
                acc[1] = Goldilocks.add(acc[1], prod[1]);
                acc[2] = Goldilocks.add(acc[2], prod[2]);
            }
            return new Ext3(acc[0], acc[1], acc[2]);
        }
        long a0 = 0, a1 = 0, a2 = 0;
        for (int i = 0; i < v.length; i++) {
            long x = v[i];
            a0 = Goldilocks.add(a0, Goldilocks.mul(x, eq[3 * i]));
            a1 = Goldilocks.add(a1, Goldilocks.mul(x, eq[3 * i + 1]));
            a2 = Goldilocks.add(a2, Goldilocks.mul(x, eq[3 * i + 2]));
        }
        return new Ext3(a0, a1, a2);
    }
}
