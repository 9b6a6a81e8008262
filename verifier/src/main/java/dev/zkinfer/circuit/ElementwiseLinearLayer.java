package dev.zkinfer.circuit;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import java.util.Arrays;

/**
 * y = Σ_k c_k·x_k + constant·valid (add, subtract, scale, residual), all tensors of one layout;
 * coefficients and the constant are signed integers mapped into the field. Relation over the
 * whole padded domain, so y's padding is Σ_k c_k·(x_k's padding) (0 when the inputs' padding is 0).
 *
 * <p>Proof on the claim ỹ(r) = v: transcript domain {@code zkinfer/layer/elementwise_linear/v1};
 * the prover sends x̃_k(r) for every input (absorbed together as {@code elementwise_linear/inputs});
 * the verifier checks Σ_k c_k·x̃_k(r) + constant·valid~(r) = v and emits the claims x̃_k(r). No
 * sumcheck; verifier cost O(n + numVars).
 *
 * <p>Wire format: n ext. Verifying-key encoding: u32 n (1..{@value #MAX_INPUTS}), n u32 input
 * ids, n u64 coefficients (two's complement), u64 constant (two's complement), u32 output.
 * Immutable and thread-safe.
 */
public final class ElementwiseLinearLayer implements Layer {
    public static final String DOMAIN = "zkinfer/layer/elementwise_linear/v1";
    public static final int MAX_INPUTS = 1024;

    private final int[] inputs;
    private final long[] coefficients;
    private final long constant;
    private final int output;

    public ElementwiseLinearLayer(int[] inputs, long[] coefficients, long constant, int output) {
        if (inputs.length < 1 || inputs.length > MAX_INPUTS || coefficients.length != inputs.length || output < 0) {
            throw new IllegalArgumentException("ElementwiseLinear layer: bad inputs, coefficients or output");
        }
        for (int t : inputs) {
            if (t < 0) {
                throw new IllegalArgumentException("ElementwiseLinear layer: negative tensor id");
            }
        }
        this.inputs = inputs.clone();
        this.coefficients = coefficients.clone();
        this.constant = constant;
        this.output = output;
    }

    public int[] inputs() {
        return inputs.clone();
    }

    public long[] coefficients() {
        return coefficients.clone();
    }

    public long constant() {
        return constant;
    }

    public int output() {
        return output;
    }

    @Override
    public int tag() {
        return LayerCodec.ELEMENTWISE_LINEAR;
    }

    @Override
    public String kind() {
        return "ElementwiseLinear";
    }

    @Override
    public int[] outputs() {
        return new int[] {output};
    }

    @Override
    public int[] operands() {
        return inputs.clone();
    }

    /** Every input has the output's layout; IllegalArgumentException if not. */
    @Override
    public void checkShapes(Circuit c) {
        TensorLayout ly = c.tensor(output).layout();
        for (int t : inputs) {
            if (!c.tensor(t).layout().equals(ly)) {
                throw new IllegalArgumentException("ElementwiseLinear layer: input layout differs from output " + ly);
            }
        }
    }

    @Override
    public void verify(Claim[] outputClaims, VerifierContext ctx) throws InvalidProofException {
        Claim claim = outputClaims[0];
        if (claim == null) {
            return;
        }
        Circuit c = ctx.circuit();
        TensorLayout ly = c.tensor(output).layout();
        Ext3[] r = claim.point();
        if (claim.tensor() != output || r.length != ly.numVars()) {
            throw new InvalidProofException("ElementwiseLinear layer: claim does not match the output tensor");
        }
        var t = ctx.transcript();
        t.domain(DOMAIN);
        if (ctx.zeroKnowledge()) {
            verifyZeroKnowledge(claim, ly, ctx);
            return;
        }
        int n = inputs.length;
        long[] xs = ctx.proof().exts("ElementwiseLinear input evaluations", n);
        t.absorbExts("elementwise_linear/inputs", xs, 0, n);
        Ext3 acc = constant == 0 ? Ext3.ZERO : Validity.valid(ly, r).mul(Goldilocks.fromSigned(constant));
        for (int k = 0; k < n; k++) {
            acc = acc.add(Ext3.get(xs, k).mul(Goldilocks.fromSigned(coefficients[k])));
        }
        if (!acc.equals(claim.value())) {
            throw new InvalidProofException("ElementwiseLinear layer: combination of the inputs does not match the claim");
        }
        for (int k = 0; k < n; k++) {
            ctx.claim(inputs[k], r, Ext3.get(xs, k));
        }
    }

    /**
     * Zero-knowledge mode (docs/zero-knowledge.md §3.2): the inputs' evaluations at the claim's own
     * point cannot be checked against a masked claim, so a masked sumcheck of
     * eq(r, x)·Σ_k c_k·x̂_k(x) on the target ŷ(r) − constant·valid~(r) moves every input claim to a
     * fresh point ρ; the prover sends x̂_k(ρ) for every input.
     */
    private void verifyZeroKnowledge(Claim claim, TensorLayout ly, VerifierContext ctx) throws InvalidProofException {
        int vars = ly.numVars();
        if (vars == 0) {
            throw new IllegalStateException("zero-knowledge mode cannot mask one-element tensors (ElementwiseLinear)");
        }
        Ext3[] r = claim.point();
        Ext3 target = constant == 0 ? claim.value() : claim.value().sub(Validity.valid(ly, r).mul(Goldilocks.fromSigned(constant)));
        ZkSteps.Term[] terms = ctx.tensorMaskDegree(output) >= 0 ? new ZkSteps.Term[] {new ZkSteps.Term(output, Ext3.ONE, r)}
                : new ZkSteps.Term[0];
        int degree = 2;
        for (int x : inputs) {
            degree = Math.max(degree, 1 + ZkSteps.factorDegree(ctx, x, vars));
        }
        var res = ZkSteps.sumcheck(ctx, target, terms, ZkSteps.lastRoundRaised(vars, 2, degree));
        int n = inputs.length;
        long[] xs = ctx.proof().exts("ElementwiseLinear input evaluations", n);
        ctx.transcript().absorbExts("elementwise_linear/inputs", xs, 0, n);
        Ext3 acc = Ext3.ZERO;
        for (int k = 0; k < n; k++) {
            acc = acc.add(Ext3.get(xs, k).mul(Goldilocks.fromSigned(coefficients[k])));
        }
        if (!Mle.eq(r, res.point()).mul(acc).equals(res.value())) {
            throw new InvalidProofException("ElementwiseLinear layer: combination of the inputs does not match the claim");
        }
        for (int k = 0; k < n; k++) {
            ctx.claim(inputs[k], res.point(), Ext3.get(xs, k));
        }
    }

    @Override
    public void encode(ProofWriter out) {
        out.u32(inputs.length);
        for (int t : inputs) {
            out.u32(t);
        }
        for (long co : coefficients) {
            out.u64(co);
        }
        out.u64(constant);
        out.u32(output);
    }

    public static ElementwiseLinearLayer decode(ProofReader in, int tensorCount) throws MalformedProofException {
        int n = in.length("ElementwiseLinear input count", 1, MAX_INPUTS);
        int[] ins = new int[n];
        for (int k = 0; k < n; k++) {
            ins[k] = LayerCodec.tensorId(in, tensorCount, "ElementwiseLinear input");
        }
        long[] co = new long[n];
        for (int k = 0; k < n; k++) {
            co[k] = in.u64("ElementwiseLinear coefficient");
        }
        long constant = in.u64("ElementwiseLinear constant");
        int out = LayerCodec.tensorId(in, tensorCount, "ElementwiseLinear output");
        return new ElementwiseLinearLayer(ins, co, constant, out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ElementwiseLinearLayer l && Arrays.equals(l.inputs, inputs) && Arrays.equals(l.coefficients, coefficients)
                && l.constant == constant && l.output == output;
    }

    @Override
    public int hashCode() {
        return ((Arrays.hashCode(inputs) * 31 + Arrays.hashCode(coefficients)) * 31 + Long.hashCode(constant)) * 31 + output;
    }

    @Override
    public String toString() {
        return "ElementwiseLinear(" + Arrays.toString(inputs) + " * " + Arrays.toString(coefficients) + " + " + constant + " -> " + output + ")";
    }
}
