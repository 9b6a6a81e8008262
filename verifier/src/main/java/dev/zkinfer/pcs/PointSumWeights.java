package dev.zkinfer.pcs;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Ntt;

/**
 * The weight w(j) = Σ_q λ^q·y_q^j on a block of 2^m entries, for points y_q = ω^(s_q) of the
 * subgroup of order 2^L (ω = {@link Goldilocks#rootOfUnity}(L), L ≥ m): on a block that holds the
 * monomial coefficients c_j of a polynomial S of m variables, Σ_j w(j)·c_j = Σ_q λ^q·S(y_q), the
 * λ-combination of S's univariate readings at the y_q (its codeword symbols there). A model
 * opening whose mask parts the witness holds proves the parts' symbols it sent with one such claim
 * per part (docs/zero-knowledge.md §3.3 item 3).
 *
 * <p>Its multilinear extension is w̃(z) = Σ_q λ^q·Π_i (1 − z_i + z_i·y_q^(2^i)): {@link #evaluate}
 * costs O(q·m), once per opening point for all the parts' claims. {@link #table} (the prover's) is
 * the first 2^m values of the length-2^L DFT of the vector with λ^q at s_q, O(2^L·L), computed once.
 * Immutable and thread-safe.
 */
public final class PointSumWeights implements BlockWeight {
    /** Type tag of the encoding. */
    static final long TAG = 3;

    private final int m;
    private final int logDomain;
    private final int[] exponents;
    private final Ext3 lambda;
    private volatile long[] table;
    /** The last opening point evaluated at and the value: the c parts' claims share this weight and that point. */
    private volatile Object[] last;

    /** Points ω^(s_q) of the subgroup of order 2^logDomain, s_q = {@code exponents}, combined with λ's powers, on 2^m coefficients. */
    public PointSumWeights(int m, int logDomain, int[] exponents, Ext3 lambda) {
        if (m < 0 || logDomain < m || logDomain > 30 || exponents.length < 1 || exponents.length > (1 << 16)) {
            throw new IllegalArgumentException("point-sum weights need 0 ≤ m ≤ L ≤ 30 and 1 to 2^16 points: m " + m + ", L " + logDomain
                    + ", " + exponents.length + " points");
        }
        for (int s : exponents) {
            if (s < 0 || s >= 1 << logDomain) {
                throw new IllegalArgumentException("exponent " + s + " outside the subgroup of order 2^" + logDomain);
            }
        }
        this.m = m;
        this.logDomain = logDomain;
        this.exponents = exponents.clone();
        this.lambda = lambda;
    }

    @Override
    public int numVars() {
        return m;
    }

    @Override
    public Ext3 evaluate(Ext3[] z) {
        if (z.length != m) {
            throw new IllegalArgumentException("point of " + z.length + " coordinates, expected " + m);
        }
        long omega = Goldilocks.rootOfUnity(logDomain);
        long[] zs = new long[3 * m];
        for (int i = 0; i < m; i++) {
            Ext3.set(zs, i, z[i]);
        }
        long l0 = lambda.c0, l1 = lambda.c1, l2 = lambda.c2;
        // Σ_q λ^q·e_q by Horner's rule from the last q (one product per point for λ's powers), each
        // e_q = Π_i (1 + z_i·(y^(2^i) − 1)) in component form: z_i times a base element, then one
        // extension product, no Ext3 per step
        long s0 = 0, s1 = 0, s2 = 0;
        for (int q = exponents.length - 1; q >= 0; q--) {
            long e0 = 1, e1 = 0, e2 = 0;
            long yi = Goldilocks.pow(omega, exponents[q]);
            for (int i = 0; i < m; i++) {
                long d = Goldilocks.sub(yi, 1);
                long f0 = Goldilocks.add(Goldilocks.mul(zs[3 * i], d), 1);
                long f1 = Goldilocks.mul(zs[3 * i + 1], d), f2 = Goldilocks.mul(zs[3 * i + 2], d);
                long n0 = Ext3.mul0(e0, e1, e2, f0, f1, f2), n1 = Ext3.mul1(e0, e1, e2, f0, f1, f2);
                e2 = Ext3.mul2(e0, e1, e2, f0, f1, f2);
                e0 = n0;
                e1 = n1;
                yi = Goldilocks.mul(yi, yi);
            }
            long n0 = Ext3.mul0(s0, s1, s2, l0, l1, l2), n1 = Ext3.mul1(s0, s1, s2, l0, l1, l2);
            long n2 = Ext3.mul2(s0, s1, s2, l0, l1, l2);
            s0 = Goldilocks.add(n0, e0);
            s1 = Goldilocks.add(n1, e1);
            s2 = Goldilocks.add(n2, e2);
        }
        return new Ext3(s0, s1, s2);
    }

    @Override
    public Ext3 evaluate(OpeningPoint point) {
        Object[] l = last;
        if (l != null && l[0] == point) {
            return (Ext3) l[1];
        }
        Ext3 v = evaluate(point.prefix(m));
        last = new Object[] {point, v};
        return v;
    }

    @Override
    public long[] table() {
        long[] t = table;
        if (t == null) {
            t = build();
            table = t;
        }
        return t.clone();
    }

    /** w(j) = Σ_s u[s]·ω^(s·j) for j &lt; 2^m, u[s_q] = λ^q: one DFT of length 2^L per component. */
    private long[] build() {
        long[][] u = dftInputs();
        for (long[] component : u) {
            Ntt.forward(component, logDomain);
        }
        return fromTransformed(u);
    }

    /**
     * The table's DFT inputs, one per component: λ^q's component at s_q, zero elsewhere (2^L
     * values each). A prover transforms them with its own NTT kernel (forward, natural order, over
     * {@link Goldilocks#rootOfUnity}(L)) and hands them to {@link #useTransformed}: this class's DFT
     * is plain Java, run once per proof (cold code).
     */
    public long[][] dftInputs() {
        int size = 1 << logDomain;
        long[][] u = new long[3][size];
        Ext3 coef = Ext3.ONE;
        for (int s : exponents) {
            u[0][s] = Goldilocks.add(u[0][s], coef.c0);
            u[1][s] = Goldilocks.add(u[1][s], coef.c1);
            u[2][s] = Goldilocks.add(u[2][s], coef.c2);
            coef = coef.mul(lambda);
        }
        return u;
    }

    /** Fills the table from the forward DFTs of {@link #dftInputs()} (the caller's NTT); the table is a cache of the same values. */
    public void useTransformed(long[][] transformed) {
        if (transformed.length != 3) {
            throw new IllegalArgumentException("three components, got " + transformed.length);
        }
        for (long[] t : transformed) {
            if (t.length != 1 << logDomain) {
                throw new IllegalArgumentException("DFTs of 2^" + logDomain + " values expected");
            }
        }
        table = fromTransformed(transformed);
    }

    private long[] fromTransformed(long[][] u) {
        long[] out = new long[3 << m];
        for (int c = 0; c < 3; c++) {
            for (int j = 0; j < 1 << m; j++) {
                out[3 * j + c] = u[c][j];
            }
        }
        return out;
    }

    @Override
    public long[] encode() {
        long[] out = new long[6 + exponents.length];
        out[0] = TAG;
        out[1] = m;
        out[2] = logDomain;
        out[3] = lambda.c0;
        out[4] = lambda.c1;
        out[5] = lambda.c2;
        for (int q = 0; q < exponents.length; q++) {
            out[6 + q] = exponents[q];
        }
        return out;
    }
}
