package dev.zkinfer.circuit;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.sumcheck.SumcheckClaim;
import dev.zkinfer.sumcheck.SumcheckVerifier;

/**
 * Element-wise (Hadamard) product of two tensors of one layout (QMul before its
 * requantization): z = a ⊙ b. Relation over the whole padded domain, so z's padding is the
 * product of a's and b's padding (0 when either is 0). a and b may be the same tensor (a square).
 *
 * <p>Proof on the claim z̃(r) = v: transcript domain {@code zkinfer/layer/elementwise_product/v1};
 * a degree-3 sumcheck ({@link SumcheckVerifier}, n = z's variables) of
 * v = Σ_x eq(r, x)·ã(x)·b̃(x) ending at ρ with value e; the prover sends ã(ρ) and b̃(ρ) (absorbed
 * together as {@code elementwise_product/evals}, after the last round and before any later
 * challenge); the verifier checks eq(r, ρ)·ã(ρ)·b̃(ρ) = e and emits the claims ã(ρ), b̃(ρ).
 * Soundness error ≤ 3n/|GF(p^3)| (sumcheck) — the identity z̃(r) = Σ_x eq(r,x)·z(x) is exact
 * for the multilinear extension, so a false claim on z gives a false sum. Verifier cost O(n).
 *
 * <p>Wire format: n rounds × 3 ext, then 2 ext. Verifying-key encoding: u32 a, u32 b, u32 z.
 * Immutable and thread-safe.
 */
public final class ElementwiseProductLayer implements Layer {
    public static final String DOMAIN = "zkinfer/layer/elementwise_product/v1";

    private final int a;
    private final int b;
    private final int output;

    public ElementwiseProductLayer(int a, int b, int output) {
        if (a < 0 || b < 0 || output < 0) {
            throw new IllegalArgumentException("ElementwiseProduct layer: negative tensor id");
        }
        this.a = a;
        this.b = b;
        this.output = output;
    }

    public int a() {
        return a;
    }

    public int b() {
        return b;
    }

    public int output() {
        return output;
    }

    @Override
    public int tag() {
        return LayerCodec.ELEMENTWISE_PRODUCT;
    }

    @Override
    public String kind() {
        return "ElementwiseProduct";
    }

    @Override
    public int[] outputs() {
        return new int[] {output};
    }

    @Override
    public int[] operands() {
        return new int[] {a, b};
    }

    /** a and b have the output's layout; IllegalArgumentException if not. */
    @Override
    public void checkShapes(Circuit c) {
        TensorLayout lz = c.tensor(output).layout();
        if (!c.tensor(a).layout().equals(lz) || !c.tensor(b).layout().equals(lz)) {
            throw new IllegalArgumentException("ElementwiseProduct layer: operand layouts differ from the output " + lz);
        }
    }

    @Override
    public void verify(Claim[] outputClaims, VerifierContext ctx) throws InvalidProofException {
        Claim claim = outputClaims[0];
        if (claim == null) {
            return;
        }
        int n = ctx.layout(output).numVars();
        Ext3[] r = claim.point();
        if (claim.tensor() != output || r.length != n) {
            throw new InvalidProofException("ElementwiseProduct layer: claim does not match the output tensor");
        }
        var t = ctx.transcript();
        t.domain(DOMAIN);
        if (ctx.zeroKnowledge()) {
            verifyZeroKnowledge(claim, n, ctx);
            return;
        }
        SumcheckClaim sc = SumcheckVerifier.verify(claim.value(), n, 3, ctx.proof(), t);
        long[] raw = ctx.proof().exts("ElementwiseProduct evaluations", 2);
        t.absorbExts("elementwise_product/evals", raw, 0, 2);
        Ext3 av = Ext3.get(raw, 0), bv = Ext3.get(raw, 1);
        Ext3[] rho = sc.point();
        if (!Mle.eq(r, rho).mul(av).mul(bv).equals(sc.value())) {
            throw new InvalidProofException("ElementwiseProduct layer: the product of the operands does not match the claim");
        }
        ctx.claim(a, rho, av);
        ctx.claim(b, rho, bv);
    }

    /**
     * Zero-knowledge mode (docs/zero-knowledge.md §3.2): the same sumcheck of eq(r, x)·â(x)·b̂(x),
     * masked, on the target ẑ(r) (whose mask the extra variable w removes); â(ρ), b̂(ρ) sent.
     */
    private void verifyZeroKnowledge(Claim claim, int n, VerifierContext ctx) throws InvalidProofException {
        if (n == 0) {
            throw new IllegalStateException("zero-knowledge mode cannot mask one-element tensors (ElementwiseProduct)");
        }
        Ext3[] r = claim.point();
        ZkSteps.Term[] terms = ctx.tensorMaskDegree(output) >= 0 ? new ZkSteps.Term[] {new ZkSteps.Term(output, Ext3.ONE, r)}
                : new ZkSteps.Term[0];
        int degree = Math.max(3, 1 + ZkSteps.factorDegree(ctx, a, n) + ZkSteps.factorDegree(ctx, b, n));
        var res = ZkSteps.sumcheck(ctx, claim.value(), terms, ZkSteps.lastRoundRaised(n, 3, degree));
        long[] raw = ctx.proof().exts("ElementwiseProduct evaluations", 2);
        ctx.transcript().absorbExts("elementwise_product/evals", raw, 0, 2);
        Ext3 av = Ext3.get(raw, 0), bv = Ext3.get(raw, 1);
        Ext3[] rho = res.point();
        if (!Mle.eq(r, rho).mul(av).mul(bv).equals(res.value())) {
            throw new InvalidProofException("ElementwiseProduct layer: the product of the operands does not match the claim");
        }
        ctx.claim(a, rho, av);
        ctx.claim(b, rho, bv);
    }

    @Override
    public void encode(ProofWriter out) {
        out.u32(a).u32(b).u32(output);
    }

    public static ElementwiseProductLayer decode(ProofReader in, int tensorCount) throws MalformedProofException {
        int a = LayerCodec.tensorId(in, tensorCount, "ElementwiseProduct operand");
        int b = LayerCodec.tensorId(in, tensorCount, "ElementwiseProduct operand");
        int out = LayerCodec.tensorId(in, tensorCount, "ElementwiseProduct output");
        return new ElementwiseProductLayer(a, b, out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ElementwiseProductLayer l && l.a == a && l.b == b && l.output == output;
    }

    @Override
    public int hashCode() {
        return (a * 31 + b) * 31 + output;
    }

    @Override
    public String toString() {
        return "ElementwiseProduct(" + a + " * " + b + " -> " + output + ")";
    }
}
