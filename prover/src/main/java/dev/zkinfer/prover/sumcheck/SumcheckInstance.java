package dev.zkinfer.prover.sumcheck;

import dev.zkinfer.field.Ext3;
import java.util.ArrayList;
import java.util.List;

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
