package dev.zkinfer.sumcheck;

import dev.zkinfer.field.Ext3;
import java.util.Arrays;

/**
 * Libra's sumcheck mask (ePrint 2019/317, §4.1): g(x) = Σ_{i&lt;n} g_i(x_i) with
 * g_i(X) = Σ_{k=0..d_i} c_{i,k}·X^k, coefficients in GF(p^3), where d_i is the degree of the
 * sumcheck's round i (the round that binds x_i): each round's masked polynomial is then uniform
 * among the polynomials of that round's own degree. A masked sumcheck
 * ({@link MaskedSumcheck}) proves Σ (f + ρ·g) instead of Σ f, which hides f's round polynomials;
 * see docs/zero-knowledge.md §3.1.
 *
 * <p>Everything here is closed-form in the Σ_i (d_i + 1) coefficients: the hypercube sum, the value at
 * a point, and the mask's share of each round polynomial (no pass over 2^n entries). Prover and
 * verifier use the same arithmetic. The coefficients are the prover's secret; the verifier
 * sees only G = {@link #sum()}, the masked round polynomials and g(r), which the prover's
 * commitment to the coefficients binds ({@link #coefficientPoint}).
 * Immutable and thread-safe.
 */
public final class SumcheckMask {
    private final Ext3[][] c;

    /** {@code coefficients[i][k]} is c_{i,k}; row i has d_i + 1 entries, d_i ≥ 1. */
    public SumcheckMask(Ext3[][] coefficients) {
        if (coefficients.length == 0) {
            throw new IllegalArgumentException("a sumcheck mask needs at least one variable");
        }
        this.c = new Ext3[coefficients.length][];
        for (int i = 0; i < c.length; i++) {
            if (coefficients[i].length < 2) {
                throw new IllegalArgumentException("mask row " + i + " has " + coefficients[i].length + " coefficients: a sumcheck mask needs degree at least 1");
            }
            c[i] = coefficients[i].clone();
        }
    }

    public int numVars() {
        return c.length;
    }

    /** d_i, the degree of g_i (of the sumcheck's round i). */
    public int degree(int i) {
        return c[i].length - 1;
    }

    /** d_0, ..., d_{n−1}. */
    public int[] degrees() {
        int[] d = new int[c.length];
        for (int i = 0; i < c.length; i++) {
            d[i] = c[i].length - 1;
        }
        return d;
    }

    /** c_{i,0..d_i}. */
    public Ext3[] coefficients(int i) {
        return c[i].clone();
    }

    /** g_i(x). */
    public Ext3 univariate(int i, Ext3 x) {
        Ext3 v = Ext3.ZERO;
        for (int k = c[i].length - 1; k >= 0; k--) {
            v = v.mul(x).add(c[i][k]);
        }
        return v;
    }

    /** g_i(0) + g_i(1) = 2·c_{i,0} + Σ_{k≥1} c_{i,k}. */
    private Ext3 booleanSum(int i) {
        Ext3 v = c[i][0];
        for (int k = 0; k < c[i].length; k++) {
            v = v.add(c[i][k]);
        }
        return v;
    }

    /** G = Σ_{b ∈ {0,1}^n} g(b) = 2^(n-1)·Σ_i (g_i(0) + g_i(1)). */
    public Ext3 sum() {
        Ext3 s = Ext3.ZERO;
        for (int i = 0; i < c.length; i++) {
            s = s.add(booleanSum(i));
        }
        return s.mul(1L << (c.length - 1));
    }

    /** g(r) = Σ_i g_i(r_i). */
    public Ext3 evaluate(Ext3[] r) {
        if (r.length != c.length) {
            throw new IllegalArgumentException("mask point has " + r.length + " coordinates, expected " + c.length);
        }
        Ext3 v = Ext3.ZERO;
        for (int i = 0; i < c.length; i++) {
            v = v.add(univariate(i, r[i]));
        }
        return v;
    }

    /**
     * The mask's round-{@code round} polynomial Σ_{b} g(r_0..r_{round-1}, X, b) at X = 0, 1, ..., d_round,
     * given the earlier challenges: 2^(n-i-1)·(Σ_{j&lt;i} g_j(r_j) + g_i(X)) + 2^(n-i-2)·Σ_{j&gt;i}(g_j(0) + g_j(1)).
     */
    public Ext3[] roundValues(int round, Ext3[] challenges) {
        int n = c.length;
        if (round < 0 || round >= n || challenges.length < round) {
            throw new IllegalArgumentException("mask round " + round + " of " + n + " with " + challenges.length + " challenges");
        }
        Ext3 prefix = Ext3.ZERO;
        for (int j = 0; j < round; j++) {
            prefix = prefix.add(univariate(j, challenges[j]));
        }
        Ext3 suffix = Ext3.ZERO;
        for (int j = round + 1; j < n; j++) {
            suffix = suffix.add(booleanSum(j));
        }
        long scale = 1L << (n - round - 1);
        Ext3 constant = prefix.mul(scale);
        if (round + 1 < n) {
            constant = constant.add(suffix.mul(1L << (n - round - 2)));
        }
        int degree = c[round].length - 1;
        Ext3[] values = new Ext3[degree + 1];
        for (int x = 0; x <= degree; x++) {
            values[x] = univariate(round, Ext3.of(x)).mul(scale).add(constant);
        }
        return values;
    }

    /**
     * The point z at which a block of 2^bits coefficients, read as a multilinear polynomial c̃
     * over its index bits (lowest bit first), satisfies Σ_k c_k·r^k = c̃(z) · {@link #coefficientScale}(z):
     * z_s = w_s / (1 + w_s) with w_s = r^(2^s). This turns the evaluation of a committed univariate
     * into an evaluation claim on a committed multilinear polynomial. Returns null when some
     * w_s = −1 (probability ≤ 2^bits / p^3 for a random r), which the caller must treat as a
     * rejection.
     */
    public static Ext3[] coefficientPoint(Ext3 r, int bits) {
        Ext3[] z = new Ext3[bits];
        Ext3 w = r;
        for (int s = 0; s < bits; s++) {
            Ext3 onePlus = w.add(Ext3.ONE);
            if (onePlus.isZero()) {
                return null;
            }
            z[s] = w.mul(onePlus.inv());
            w = w.square();
        }
        return z;
    }

    /** 1 / Π_s (1 − z_s) = Π_s (1 + w_s): the factor with Σ_k c_k r^k = c̃(z) · factor. */
    public static Ext3 coefficientScale(Ext3[] z) {
        Ext3 f = Ext3.ONE;
        for (Ext3 zs : z) {
            f = f.mul(Ext3.ONE.sub(zs));
        }
        return f.inv();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SumcheckMask m && Arrays.deepEquals(m.c, c);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(c);
    }

    @Override
    public String toString() {
        return "SumcheckMask(n=" + c.length + ", d=" + Arrays.toString(degrees()) + ")";
    }
}
