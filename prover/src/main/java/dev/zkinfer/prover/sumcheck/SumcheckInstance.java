package dev.zkinfer.prover.sumcheck;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.sumcheck.TensorMask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A sum-of-products sumcheck statement: g = Σ_t c_t · Π_{f ∈ term t} f, summed over
 * {0,1}^n, where every factor f is a multilinear table of 2^n GF(p^3) values (array form).
 * The prover folds the tables in place: an instance is used once.
 *
 * <p>Not thread-safe: built and then consumed by one proof.
 */
public final class SumcheckInstance {
    private final int numVars;
    private final List<long[]> tables = new ArrayList<>();
    /** Base-field tables stay un-lifted until the first fold (halves the first round's work). */
    private final List<Boolean> isBase = new ArrayList<>();
    private final List<int[]> terms = new ArrayList<>();
    private final List<Ext3> coefficients = new ArrayList<>();
    private final Map<Integer, TableMask> masks = new HashMap<>();

    /**
     * A table that stands for the restriction of a masked tensor T̂ = T̃ + Z·Σ_w R(x_0, w)
     * (docs/zero-knowledge.md §3.2) to this sumcheck's variables: {@code vars} is the bit set of the
     * instance's variables that are T's (all of them for a tensor the sumcheck sums over; a
     * subset for a tensor broadcast along other variables), {@code zFixed} is Z over T's
     * coordinates that the sumcheck does not sum (fixed by the claim's point), x_0 is the
     * instance's variable {@code x0Var} (in {@code vars}), or the fixed value {@code x0Fixed} when
     * x0Var is −1. On the hypercube the masked table equals the table, so the sum is unchanged;
     * the mask enters in the round that binds the last of T's variables (as Z's x(1 − x) there)
     * and is a constant of the folded table afterwards.
     */
    public record TableMask(Ext3 zFixed, TensorMask mask, int x0Var, Ext3 x0Fixed, int vars) {
        /** The round that binds the last of T's variables. */
        public int lastVar() {
            return 31 - Integer.numberOfLeadingZeros(vars);
        }

        /** This factor's degree in round j: 1, or in its last variable's round 2, plus δ when x_0 is bound there. */
        int degree(int round) {
            return round != lastVar() ? 1 : x0Var == round ? 2 + mask.degree() : 2;
        }
    }

    public SumcheckInstance(int numVars) {
        if (numVars < 0 || numVars > 30) {
            throw new IllegalArgumentException("sumcheck over " + numVars + " variables is out of range");
        }
        this.numVars = numVars;
    }

    /** Adds an extension-field table (taken over, not copied); returns its index. */
    public int addTable(long[] arrayForm) {
        if (arrayForm.length != 3 << numVars) {
            throw new IllegalArgumentException("table of " + arrayForm.length / 3 + " values for " + numVars + " variables");
        }
        tables.add(arrayForm);
        isBase.add(false);
        return tables.size() - 1;
    }

    /**
     * Adds a base-field table of exactly 2^n values (not copied: the prover reads it and never
     * writes it); returns its index.
     */
    public int addBaseTable(long[] values) {
        if (values.length != 1 << numVars) {
            throw new IllegalArgumentException("table of " + values.length + " values for " + numVars + " variables");
        }
        tables.add(values);
        isBase.add(true);
        return tables.size() - 1;
    }

    /** Adds the term c · Π factors. */
    public SumcheckInstance addTerm(Ext3 coefficient, int... factors) {
        if (factors.length == 0) {
            throw new IllegalArgumentException("a term needs at least one factor");
        }
        for (int f : factors) {
            if (f < 0 || f >= tables.size()) {
                throw new IllegalArgumentException("no table " + f);
            }
        }
        terms.add(factors.clone());
        coefficients.add(coefficient);
        return this;
    }

    public int numVars() {
        return numVars;
    }

    /** The number of terms added so far. */
    public int numTerms() {
        return terms.size();
    }

    /** The number of tables added so far. */
    public int numTables() {
        return tables.size();
    }

    /** Marks table {@code table} as the restriction of a masked tensor over all the instance's variables (see {@link TableMask}). */
    public SumcheckInstance maskTable(int table, Ext3 zFixed, TensorMask mask, int x0Var, Ext3 x0Fixed) {
        return maskTable(table, zFixed, mask, x0Var, x0Fixed, numVars == 0 ? 0 : (int) ((1L << numVars) - 1));
    }

    /** As above, for a tensor whose variables are the instance's variables in the bit set {@code vars}. */
    public SumcheckInstance maskTable(int table, Ext3 zFixed, TensorMask mask, int x0Var, Ext3 x0Fixed, int vars) {
        if (table < 0 || table >= tables.size()) {
            throw new IllegalArgumentException("no table " + table);
        }
        if (numVars == 0) {
            throw new IllegalArgumentException("a masked table needs at least one summed variable");
        }
        if (x0Var < -1 || x0Var >= numVars || (x0Var == -1) == (x0Fixed == null) || (x0Var >= 0 && (vars >>> x0Var & 1) == 0)) {
            throw new IllegalArgumentException("a masked table's x_0 is either one of its variables or a fixed value");
        }
        if (vars == 0 || (numVars < 31 && vars >>> numVars != 0)) {
            throw new IllegalArgumentException("a masked table needs at least one of the instance's variables");
        }
        masks.put(table, new TableMask(zFixed, mask, x0Var, x0Fixed, vars));
        return this;
    }

    TableMask[] tableMasks() {
        if (masks.isEmpty()) {
            return null;
        }
        TableMask[] m = new TableMask[tables.size()];
        masks.forEach((k, v) -> m[k] = v);
        return m;
    }

    /**
     * The degree of the round polynomials with the masks: in the round that binds the last of a
     * masked factor's variables that factor has degree 2 (Z's x(1 − x)), or 2 + δ when x_0 is
     * bound in the same round; elsewhere every factor has degree 1.
     */
    public int maskedDegree() {
        int d = degree();
        for (int[] t : terms) {
            for (int round = 0; round < numVars; round++) {
                int sum = 0;
                for (int f : t) {
                    TableMask m = masks.get(f);
                    sum += m == null ? 1 : m.degree(round);
                }
                d = Math.max(d, sum);
            }
        }
        return d;
    }

    /**
     * The degree of each round's polynomial with the masks: per round, the largest over terms of
     * the factors' degrees there (1, or a masked factor's {@link TableMask#degree}). The verifier
     * computes the same from the circuit ({@code ZkSteps.maskedTermsDegrees}).
     */
    public int[] roundDegrees() {
        int[] d = new int[numVars];
        for (int round = 0; round < numVars; round++) {
            d[round] = 1;
            for (int[] t : terms) {
                int sum = 0;
                for (int f : t) {
                    TableMask m = masks.get(f);
                    sum += m == null ? 1 : m.degree(round);
                }
                d[round] = Math.max(d[round], sum);
            }
        }
        return d;
    }

    /** The degree of g in each variable: the largest number of factors in a term. */
    public int degree() {
        int d = 1;
        for (int[] t : terms) {
            d = Math.max(d, t.length);
        }
        return d;
    }

    long[][] tables() {
        return tables.toArray(new long[0][]);
    }

    boolean[] baseFlags() {
        boolean[] b = new boolean[isBase.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = isBase.get(i);
        }
        return b;
    }

    int[][] terms() {
        return terms.toArray(new int[0][]);
    }

    Ext3[] coefficients() {
        return coefficients.toArray(new Ext3[0]);
    }

    /** Σ over the hypercube of g, computed directly (for the prover's own claims and for tests). */
    public Ext3 sum() {
        Ext3 total = Ext3.ZERO;
        int size = 1 << numVars;
        for (int ti = 0; ti < terms.size(); ti++) {
            Ext3 s = Ext3.ZERO;
            for (int b = 0; b < size; b++) {
                Ext3 p = Ext3.ONE;
                for (int f : terms.get(ti)) {
                    p = p.mul(isBase.get(f) ? Ext3.of(tables.get(f)[b]) : Ext3.get(tables.get(f), b));
                }
                s = s.add(p);
            }
            total = total.add(s.mul(coefficients.get(ti)));
        }
        return total;
    }
}
