package dev.zkinfer.sumcheck;

import dev.zkinfer.field.Ext3;

/**
 * Libra's mask for a tensor's evaluations (ePrint 2019/317, §4.2; docs/zero-knowledge.md §3.2):
 * T̂(x) = T̃(x) + Z(x)·Σ_{w∈{0,1}} R(x_0, w), with Z(x) = Π_j x_j(1 − x_j) and
 * R(x_0, w) = Σ_{k=0..δ} x_0^k·(a_k + w·b_k) over the tensor's lowest variable x_0 and one extra
 * variable w. T̂ equals T̃ on the hypercube, so every sum a layer proves about T is unchanged,
 * while T̂ at a point off the hypercube is T̃ there plus a uniformly random offset.
 *
 * <p>Each evaluation T̂(p) a proof reveals costs the mask one degree of freedom, and the
 * producer's sumcheck reveals one value R(p_0, w*) more ({@link MaskedSumcheck#verifyMaskedClaims}),
 * so a tensor with k revealed evaluations needs 2(δ + 1) ≥ 2k coefficients: δ = k − 1.
 * Coefficients in GF(p^3). Immutable and thread-safe.
 */
public final class TensorMask {
    private final Ext3[] a;
    private final Ext3[] b;

    /** R's coefficients: a_k (w = 0 part) and b_k (w part), k = 0..δ. */
    public TensorMask(Ext3[] a, Ext3[] b) {
        if (a.length == 0 || a.length != b.length) {
            throw new IllegalArgumentException("a tensor mask needs as many a as b coefficients, at least one");
        }
        this.a = a.clone();
        this.b = b.clone();
    }

    /** δ, R's degree in x_0. */
    public int degree() {
        return a.length - 1;
    }

    public Ext3[] a() {
        return a.clone();
    }

    public Ext3[] b() {
        return b.clone();
    }

    private static Ext3 horner(Ext3[] c, Ext3 x) {
        Ext3 v = Ext3.ZERO;
        for (int k = c.length - 1; k >= 0; k--) {
            v = v.mul(x).add(c[k]);
        }
        return v;
    }

    /** R(x_0, w). */
    public Ext3 r(Ext3 x0, Ext3 w) {
        return horner(a, x0).add(w.mul(horner(b, x0)));
    }

    /** Σ_{w∈{0,1}} R(x_0, w) = Σ_k x_0^k·(2a_k + b_k). */
    public Ext3 cubeSum(Ext3 x0) {
        return horner(a, x0).mul(2).add(horner(b, x0));
    }

    /** Z(p) = Π_j p_j(1 − p_j): zero on the hypercube. */
    public static Ext3 vanishing(Ext3[] p) {
        Ext3 z = Ext3.ONE;
        for (Ext3 x : p) {
            z = z.mul(x.mul(Ext3.ONE.sub(x)));
        }
        return z;
    }

    /** T̂(p) − T̃(p) = Z(p)·Σ_w R(p_0, w). A tensor of no variable cannot be masked this way. */
    public Ext3 offset(Ext3[] p) {
        if (p.length == 0) {
            throw new IllegalArgumentException("a tensor with no variable has no masked extension");
        }
        return vanishing(p).mul(cubeSum(p[0]));
    }

    /**
     * Σ_j weights[j]·masks[j], coefficient by coefficient (null masks are skipped; null when all are):
     * the mask of a linear combination of masked tensors, e.g. limbs recombined into one value.
     */
    public static TensorMask combine(TensorMask[] masks, long[] weights) {
        int degree = -1;
        for (TensorMask m : masks) {
            if (m != null) {
                degree = Math.max(degree, m.degree());
            }
        }
        if (degree < 0) {
            return null;
        }
        Ext3[] a = new Ext3[degree + 1], b = new Ext3[degree + 1];
        java.util.Arrays.fill(a, Ext3.ZERO);
        java.util.Arrays.fill(b, Ext3.ZERO);
        for (int j = 0; j < masks.length; j++) {
            if (masks[j] == null) {
                continue;
            }
            for (int k = 0; k <= masks[j].degree(); k++) {
                a[k] = a[k].add(masks[j].a[k].mul(weights[j]));
                b[k] = b[k].add(masks[j].b[k].mul(weights[j]));
            }
        }
        return new TensorMask(a, b);
    }
}
