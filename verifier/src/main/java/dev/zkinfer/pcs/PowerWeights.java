package dev.zkinfer.pcs;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import java.util.Arrays;

/**
 * The weight that opens Σ_i g_i(r_i) for a block of committed univariate coefficients
 * g_i(X) = Σ_{k&lt;terms} c_{i,k} X^k with c_{i,k} ∈ GF(p^3) stored as three base-field
 * components: entry (k, i, j) of the block, at index k + 2^tb·(i + 2^rb·j) with
 * tb = ⌈log2 terms⌉, rb = ⌈log2 rows⌉, holds component j of c_{i,k}, and its weight is
 * u^j·r_i^k (u^j the basis element of component j, so Σ_j u^j·(component j) = c_{i,k}).
 * Entries outside k &lt; terms, i &lt; rows, j &lt; 3 weigh zero (the block's padding).
 * This is the masked sumcheck's γ = g(r) = Σ_i g_i(r_i) (docs/zero-knowledge.md §3.1) as one
 * weighted claim.
 *
 * <p>{@link #evaluate} costs O(rows·tb + 2^rb): linear in the number of rows (the sumcheck's
 * variables), logarithmic in the number of terms. Immutable.
 */
public final class PowerWeights implements BlockWeight {
    /** Type tag of the encoding. */
    static final long TAG = 1;

    private final Ext3[] r;
    private final int terms;
    private final int termBits;
    private final int rowBits;

    /** Rows with bases {@code r} (one per g_i) and {@code terms} coefficients per row (degree + 1). */
    public PowerWeights(Ext3[] r, int terms) {
        if (r.length < 1 || r.length > (1 << 16) || terms < 1 || terms > (1 << 16)) {
            throw new IllegalArgumentException("power weights need 1 to 2^16 rows and terms: " + r.length + " rows, " + terms + " terms");
        }
        for (Ext3 x : r) {
            checkCanonical(x);
        }
        this.r = r.clone();
        this.terms = terms;
        this.termBits = bits(terms);
        this.rowBits = bits(r.length);
    }

    /** ⌈log2 x⌉ for x ≥ 1. */
    static int bits(int x) {
        return 32 - Integer.numberOfLeadingZeros(x - 1);
    }

    @Override
    public int numVars() {
        return termBits + rowBits + 2;
    }

    /** tb: variables of the term index (the lowest). */
    public int termBits() {
        return termBits;
    }

    /** rb: variables of the row index (above the term index; the component index is the top two). */
    public int rowBits() {
        return rowBits;
    }

    @Override
    public Ext3 evaluate(Ext3[] z) {
        if (z.length != numVars()) {
            throw new IllegalArgumentException("point has " + z.length + " coordinates, the weight " + numVars());
        }
        Ext3[] zk = Arrays.copyOfRange(z, 0, termBits);
        Ext3[] zi = Arrays.copyOfRange(z, termBits, termBits + rowBits);
        long[] rowEq = dev.zkinfer.poly.Mle.eqTable(zi);
        Ext3 sum = Ext3.ZERO;
        for (int i = 0; i < r.length; i++) {
            sum = sum.add(Ext3.get(rowEq, i).mul(truncatedPowerSum(r[i], zk, terms)));
        }
        return sum.mul(componentWeight(z[termBits + rowBits], z[termBits + rowBits + 1]));
    }

    @Override
    public long[] table() {
        int tb = termBits, rb = rowBits;
        long[] out = new long[3 << numVars()];
        for (int i = 0; i < r.length; i++) {
            Ext3 p = Ext3.ONE;
            for (int k = 0; k < terms; k++) {
                for (int j = 0; j < 3; j++) {
                    Ext3.set(out, k + (1 << tb) * (i + (1 << rb) * j), unitTimes(j, p));
                }
                p = p.mul(r[i]);
            }
        }
        return out;
    }

    @Override
    public long[] encode() {
        long[] out = new long[3 + 3 * r.length];
        out[0] = TAG;
        out[1] = r.length;
        out[2] = terms;
        for (int i = 0; i < r.length; i++) {
            Ext3.set(out, 1 + i, r[i]);
        }
        return out;
    }

    /**
     * Σ_{k&lt;K} eq(k, z)·x^k over the t = z.length bits of k, in O(t): with a_s(0) = 1 − z_s and
     * a_s(1) = z_s·x^(2^s), the sum over all k &lt; 2^t is Π_s (a_s(0) + a_s(1)); for K &lt; 2^t,
     * each set bit s of K contributes the k that agree with K above s, have bit s = 0 and are
     * free below.
     */
    static Ext3 truncatedPowerSum(Ext3 x, Ext3[] z, int bound) {
        int t = z.length;
        if (bound < 1 || bound > (1L << t)) {
            throw new IllegalArgumentException("bound " + bound + " outside [1, 2^" + t + "]");
        }
        Ext3[] a0 = new Ext3[t], a1 = new Ext3[t];
        Ext3 pow = x;
        for (int s = 0; s < t; s++) {
            a0[s] = Ext3.ONE.sub(z[s]);
            a1[s] = z[s].mul(pow);
            pow = pow.mul(pow);
        }
        return dev.zkinfer.poly.Mle.prefixProductSum(a0, a1, bound);
    }

    /** Σ_{j&lt;3} eq(j, (z0, z1))·u^j over the two component variables (j = bit0 + 2·bit1). */
    static Ext3 componentWeight(Ext3 z0, Ext3 z1) {
        Ext3 n0 = Ext3.ONE.sub(z0), n1 = Ext3.ONE.sub(z1);
        Ext3 e0 = n0.mul(n1), e1 = z0.mul(n1), e2 = n0.mul(z1);
        return e0.add(unitTimes(1, e1)).add(unitTimes(2, e2));
    }

    /** u^j·a. */
    static Ext3 unitTimes(int j, Ext3 a) {
        return j == 0 ? a : a.mul(j == 1 ? new Ext3(0, 1, 0) : new Ext3(0, 0, 1));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PowerWeights p && Arrays.equals(encode(), p.encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    static void checkCanonical(Ext3 x) {
        if (!Goldilocks.isCanonical(x.c0) || !Goldilocks.isCanonical(x.c1) || !Goldilocks.isCanonical(x.c2)) {
            throw new IllegalArgumentException("non-canonical extension element in a weight's parameters");
        }
    }
}
