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
     * (docs/zero-knowledge.md §3.2) to this sumcheck's variables: {@code zFixed} is Z over the
     * tensor's coordinates that the sumcheck does not sum (fixed by the claim's point), x_0 is
     * the instance's variable {@code x0Var}, or the fixed value {@code x0Fixed} when x0Var is −1.
     * On the hypercube the masked table equals the table, so the sum is unchanged; only the
     * last round's polynomial and the final evaluation carry the mask.
     */
    public record TableMask(Ext3 zFixed, TensorMask mask, int x0Var, Ext3 x0Fixed) {}

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

    /** The number of tables added so far. */
    public int numTables() {
        return tables.size();
    }

    /** Marks table {@code table} as a masked tensor's restriction (see {@link TableMask}). */
    public SumcheckInstance maskTable(int table, Ext3 zFixed, TensorMask mask, int x0Var, Ext3 x0Fixed) {
        if (table < 0 || table >= tables.size()) {
            throw new IllegalArgumentException("no table " + table);
        }
        if (numVars == 0) {
            throw new IllegalArgumentException("a masked table needs at least one summed variable");
        }
        if (x0Var < -1 || x0Var >= numVars || (x0Var == -1) == (x0Fixed == null)) {
            throw new IllegalArgumentException("a masked table's x_0 is either a variable of the instance or a fixed value");
        }
        masks.put(table, new TableMask(zFixed, mask, x0Var, x0Fixed));
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
     * The degree of the last round's polynomial with the masks: a masked factor has degree 2
     * there (Z's X(1 − X)), or 2 + δ when x_0 is the last variable; an unmasked one degree 1.
     */
    public int maskedDegree() {
        int d = degree();
        for (int[] t : terms) {
            int sum = 0;
            for (int f : t) {
                TableMask m = masks.get(f);
                sum += m == null ? 1 : m.x0Var() == numVars - 1 ? 2 + m.mask().degree() : 2;
            }
            d = Math.max(d, sum);
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
