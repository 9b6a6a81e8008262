package dev.zkinfer.pcs;

import dev.zkinfer.field.Ext3;
import java.util.Arrays;

/**
 * The weight that opens R(x_0, ..., x_{D-1}) = Σ c_{a_0..a_{D-1}} Π_d x_d^(a_d) (a_d &lt; terms_d)
 * for a block of committed coefficients c ∈ GF(p^3) stored as three base-field components:
 * exponent a_d occupies ⌈log2 terms_d⌉ bits (dimension 0 lowest), the component j the top two
 * bits, and entry (a, j) weighs u^j·Π_d x_d^(a_d); padding entries weigh zero. For a tensor mask
 * R_T(x_0, w) = Σ_{a&lt;3, b&lt;2} c_{a,b} x_0^a w^b (docs/zero-knowledge.md §3.2) use
 * {@code new MonomialWeights(new Ext3[] {x0, w}, new int[] {3, 2})}: 32 entries per mask.
 *
 * <p>{@link #evaluate} costs O(Σ_d ⌈log2 terms_d⌉). Immutable.
 */
public final class MonomialWeights implements BlockWeight {
    /** Type tag of the encoding. */
    static final long TAG = 2;

    private final Ext3[] x;
    private final int[] terms;
    private final int[] bits;
    private final int numVars;

    public MonomialWeights(Ext3[] x, int[] terms) {
        if (x.length < 1 || x.length > 16 || terms.length != x.length) {
            throw new IllegalArgumentException("monomial weights need 1 to 16 dimensions, one term count each");
        }
        this.x = x.clone();
        this.terms = terms.clone();
        this.bits = new int[x.length];
        int v = 2;
        for (int d = 0; d < x.length; d++) {
            PowerWeights.checkCanonical(x[d]);
            if (terms[d] < 1 || terms[d] > (1 << 16)) {
                throw new IllegalArgumentException("terms per dimension must be in [1, 2^16]: " + terms[d]);
            }
            bits[d] = PowerWeights.bits(terms[d]);
            v += bits[d];
        }
        if (v > 30) {
            throw new IllegalArgumentException("monomial weight block too large: 2^" + v);
        }
        this.numVars = v;
    }

    @Override
    public int numVars() {
        return numVars;
    }

    @Override
    public Ext3 evaluate(Ext3[] z) {
        if (z.length != numVars) {
            throw new IllegalArgumentException("point has " + z.length + " coordinates, the weight " + numVars);
        }
        Ext3 acc = Ext3.ONE;
        int at = 0;
        for (int d = 0; d < x.length; d++) {
            acc = acc.mul(PowerWeights.truncatedPowerSum(x[d], Arrays.copyOfRange(z, at, at + bits[d]), terms[d]));
            at += bits[d];
        }
        return acc.mul(PowerWeights.componentWeight(z[at], z[at + 1]));
    }

    @Override
    public long[] table() {
        int low = numVars - 2;
        long[] out = new long[3 << numVars];
        for (int idx = 0; idx < (1 << low); idx++) {
            Ext3 w = Ext3.ONE;
            int at = 0;
            boolean padding = false;
            for (int d = 0; d < x.length && !padding; d++) {
                int a = (idx >>> at) & ((1 << bits[d]) - 1);
                padding = a >= terms[d];
                w = w.mul(pow(x[d], a));
                at += bits[d];
            }
            if (!padding) {
                for (int j = 0; j < 3; j++) {
                    Ext3.set(out, idx + (j << low), PowerWeights.unitTimes(j, w));
                }
            }
        }
        return out;
    }

    private static Ext3 pow(Ext3 b, int e) {
        Ext3 r = Ext3.ONE;
        for (int i = 0; i < e; i++) {
            r = r.mul(b);
        }
        return r;
    }

    @Override
    public long[] encode() {
        long[] out = new long[2 + 4 * x.length];
        out[0] = TAG;
        out[1] = x.length;
        for (int d = 0; d < x.length; d++) {
            out[2 + d] = terms[d];
            out[2 + x.length + 3 * d] = x[d].c0;
            out[3 + x.length + 3 * d] = x[d].c1;
            out[4 + x.length + 3 * d] = x[d].c2;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MonomialWeights m && Arrays.equals(encode(), m.encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }
}
