package dev.zkinfer.circuit;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.sumcheck.SumcheckClaim;
import dev.zkinfer.sumcheck.SumcheckVerifier;
import java.util.Arrays;

/**
 * A dense / matmul layer: X = [B, P1..Pm, K], W = [O, K] (MODEL), optional bias = [O] (MODEL),
 * Y = [B, O, P1..Pm] (COMPUTED), m ≥ 0. Dense layers have m = 0; convolutions use an im2col
 * tensor X = [B, OH, OW, C·KH·KW] and Y = [B, O, OH, OW].
 *
 * <p>Relation over the whole padded domain: Y[b,o,p] = Σ_k W[o,k]·X[b,p,k] + bias[o]·valid(b,p),
 * where valid is 1 on real b and p and 0 on padding. With X padding 0 and W / bias padding 0
 * (model commitment), Y padding is 0.
 *
 * <p>Proof (Thaler's matmul sumcheck). On the claim ỹ(r) = v with r = (r_p, r_o, r_b) in variable
 * order: transcript domain {@code zkinfer/layer/linear/v1}; if there is a bias the prover sends
 * b̃(r_o) (absorbed as {@code linear/bias}); a degree-2 sumcheck over K's variables of
 * Σ_k W̃(r_o,k)·X̃(r_b,r_p,k) = v − b̃(r_o)·valid~(r_b,r_p) giving ρ; the prover sends W̃(r_o,ρ) and
 * X̃(r_b,r_p,ρ) (absorbed as {@code linear/weight}, {@code linear/input}); the verifier checks
 * their product against the sumcheck's final value and emits claims on bias at r_o, on W at
 * (ρ ‖ r_o) and on X at (ρ ‖ r_p ‖ r_b) (variable order, lowest first). Verifier cost
 * O(K's variables + rank), independent of the weights.
 *
 * <p><b>Transposed weights</b> ({@link #transposed()}, tag {@link LayerCodec#LINEAR_TRANSPOSED}): the
 * weight tensor is committed as Wᵀ = [K, O] and the relation reads W[o,k] = Wᵀ[k,o]. Because an
 * MLE over the padded domain is multilinear in each variable, W̃(r_o, ρ) = W̃ᵀ(ρ, r_o): the proof is
 * the same, only the weight claim's point is (r_o ‖ ρ) (variable order, lowest first; O's variables
 * are now Wᵀ's low ones). This lets two layers read one committed tensor, one of them transposed:
 * a tied token embedding and LM head (ModelCompiler) commit the table once.
 *
 * <p>Wire format: [bias eval: ext]? sumcheck(kVars rounds × 2 ext) weight-eval ext, input-eval ext.
 * Verifying-key encoding: u32 x, u32 weight, u32 bias (0xFFFFFFFF: none), u32 y.
 * Immutable and thread-safe.
 */
public final class LinearLayer implements Layer {
    public static final String DOMAIN = "zkinfer/layer/linear/v1";

    private final int x;
    private final int weight;
    private final int bias;
    private final int y;
    private final boolean transposed;

    public LinearLayer(int x, int weight, int bias, int y) {
        this(x, weight, bias, y, false);
    }

    /** @param transposed the weight tensor is Wᵀ = [K, O] (see the class comment) */
    public LinearLayer(int x, int weight, int bias, int y, boolean transposed) {
        if (x < 0 || weight < 0 || bias < -1 || y < 0) {
            throw new IllegalArgumentException("Linear layer: negative tensor id");
        }
        this.x = x;
        this.weight = weight;
        this.bias = bias;
        this.y = y;
        this.transposed = transposed;
    }

    /** Whether the weight tensor is committed transposed, as [K, O]. */
    public boolean transposed() {
        return transposed;
    }

    /** Log2 of K's padded size: the sumcheck's rounds. */
    public int kVars(Circuit c) {
        return c.tensor(weight).layout().dimVars(transposed ? 0 : 1);
    }

    public int x() {
        return x;
    }

    public int weight() {
        return weight;
    }

    /** The bias tensor, or -1. */
    public int bias() {
        return bias;
    }

    public int y() {
        return y;
    }

    @Override
    public int tag() {
        return transposed ? LayerCodec.LINEAR_TRANSPOSED : LayerCodec.LINEAR;
    }

    @Override
    public String kind() {
        return transposed ? "LinearTransposed" : "Linear";
    }

    @Override
    public int[] outputs() {
        return new int[] {y};
    }

    @Override
    public int[] operands() {
        return bias < 0 ? new int[] {x, weight} : new int[] {x, weight, bias};
    }

    /** The tensors' layouts and roles fit the relation; IllegalArgumentException if not. */
    @Override
    public void checkShapes(Circuit c) {
        TensorLayout lx = c.tensor(x).layout(), lw = c.tensor(weight).layout(), ly = c.tensor(y).layout();
        int rank = ly.rank();
        int o = transposed ? 1 : 0;
        boolean ok = rank >= 2 && lx.rank() == rank && lw.rank() == 2
                && lx.dim(0) == ly.dim(0) && lw.dim(o) == ly.dim(1) && lw.dim(1 - o) == lx.dim(rank - 1)
                && c.tensor(weight).role() == TensorRole.MODEL && c.tensor(y).role() == TensorRole.COMPUTED;
        for (int i = 0; ok && i < rank - 2; i++) {
            ok = ly.dim(2 + i) == lx.dim(1 + i);
        }
        if (ok && bias >= 0) {
            TensorLayout lb = c.tensor(bias).layout();
            ok = lb.rank() == 1 && lb.dim(0) == ly.dim(1) && c.tensor(bias).role() == TensorRole.MODEL;
        }
        if (!ok) {
            throw new IllegalArgumentException("Linear layer: inconsistent shapes or roles: X " + lx + ", W " + lw + ", Y " + ly);
        }
    }

    /** Variables of the position dims P1..Pm in Y (and X). */
    public static int positionVars(TensorLayout ly) {
        return ly.varOffset(1);
    }

    /** X's point (ρ ‖ r_p ‖ r_b) from Y's point r and ρ. */
    public static Ext3[] inputPoint(TensorLayout ly, Ext3[] r, Ext3[] rho) {
        int pv = positionVars(ly), ov = ly.dimVars(1);
        Ext3[] p = new Ext3[rho.length + r.length - ov];
        System.arraycopy(rho, 0, p, 0, rho.length);
        System.arraycopy(r, 0, p, rho.length, pv);
        System.arraycopy(r, pv + ov, p, rho.length + pv, r.length - pv - ov);
        return p;
    }

    /** W's point (ρ ‖ r_o); for transposed weights Wᵀ's point (r_o ‖ ρ). */
    public static Ext3[] weightPoint(TensorLayout ly, Ext3[] r, Ext3[] rho, boolean transposed) {
        Ext3[] ro = outPoint(ly, r);
        Ext3[] low = transposed ? ro : rho, high = transposed ? rho : ro;
        Ext3[] p = Arrays.copyOf(low, low.length + high.length);
        System.arraycopy(high, 0, p, low.length, high.length);
        return p;
    }

    /** r_o: the coordinates of Y's point on O's variables. */
    public static Ext3[] outPoint(TensorLayout ly, Ext3[] r) {
        int pv = positionVars(ly);
        return Arrays.copyOfRange(r, pv, pv + ly.dimVars(1));
    }

    @Override
    public String zeroKnowledgeLimit(Circuit c) {
        if (transposed) {
            return "a Linear layer with transposed (shared) weights (" + c.tensor(y).name() + ")";
        }
        return c.tensor(weight).layout().dimVars(1) == 0 ? "a Linear layer summing over one element (" + c.tensor(y).name() + ")" : null;
    }

    @Override
    public void verify(Claim[] outputClaims, VerifierContext ctx) throws InvalidProofException {
        Claim claim = outputClaims[0];
        if (claim == null) {
            return;
        }
        Circuit c = ctx.circuit();
        TensorLayout ly = c.tensor(y).layout();
        Ext3[] r = claim.point();
        if (claim.tensor() != y || r.length != ly.numVars()) {
            throw new InvalidProofException("Linear layer: claim does not match the output tensor");
        }
        int kVars = kVars(c);
        boolean zk = ctx.zeroKnowledge();
        if (zk && transposed) {
            throw new IllegalStateException("zero-knowledge mode does not support a Linear layer with transposed weights");
        }
        if (zk && kVars == 0) {
            throw new IllegalStateException("zero-knowledge mode needs a Linear layer to sum over at least two elements");
        }
        var t = ctx.transcript();
        var in = ctx.proof();
        t.domain(DOMAIN);
        Ext3[] ro = outPoint(ly, r);
        Ext3 target = claim.value();
        // zero-knowledge mode (docs/zero-knowledge.md §3.2): the claim is on Ŷ and the bias
        // evaluation sent is b̂(r_o), so the target v − b̂(r_o)·valid carries the masks of Y and the
        // bias, which the masked sumcheck with the extra variable w removes; its factors are Ŵ and
        // X̂ and the emitted claims are on the masked extensions
        java.util.List<ZkSteps.Term> terms = new java.util.ArrayList<>();
        if (zk && ctx.tensorMaskDegree(y) >= 0) {
            terms.add(new ZkSteps.Term(y, Ext3.ONE, r));
        }
        Ext3 bv = null;
        if (bias >= 0) {
            bv = in.ext("Linear bias evaluation");
            t.absorbExt("linear/bias", bv);
            Ext3 valid = Validity.validExcept(ly, r, 1);
            target = target.sub(bv.mul(valid));
            if (zk && ctx.tensorMaskDegree(bias) >= 0) {
                terms.add(new ZkSteps.Term(bias, valid.neg(), ro));
            }
        }
        Ext3[] rho;
        Ext3 finalValue;
        if (zk) {
            int degree = Math.max(2, ZkSteps.factorDegree(ctx, weight, kVars) + ZkSteps.factorDegree(ctx, x, kVars));
            var res = ZkSteps.sumcheck(ctx, target, terms.toArray(new ZkSteps.Term[0]), ZkSteps.lastRoundRaised(kVars, 2, degree));
            rho = res.point();
            finalValue = res.value();
        } else {
            SumcheckClaim sc = SumcheckVerifier.verify(target, kVars, 2, in, t);
            rho = sc.point();
            finalValue = sc.value();
        }
        Ext3 wv = in.ext("Linear weight evaluation");
        t.absorbExt("linear/weight", wv);
        Ext3 xv = in.ext("Linear input evaluation");
        t.absorbExt("linear/input", xv);
        if (!wv.mul(xv).equals(finalValue)) {
            throw new InvalidProofException("Linear layer: final sumcheck check failed");
        }
        if (bias >= 0) {
            ctx.claim(bias, ro, bv);
        }
        ctx.claim(weight, weightPoint(ly, r, rho, transposed), wv);
        ctx.claim(x, inputPoint(ly, r, rho), xv);
    }

    @Override
    public void encode(ProofWriter out) {
        out.u32(x).u32(weight).u32(bias).u32(y);
    }

    public static LinearLayer decode(ProofReader in, int tensorCount) throws MalformedProofException {
        return decode(in, tensorCount, false);
    }

    /** Decodes a layer of tag {@link LayerCodec#LINEAR} or, with {@code transposed}, {@link LayerCodec#LINEAR_TRANSPOSED}. */
    public static LinearLayer decode(ProofReader in, int tensorCount, boolean transposed) throws MalformedProofException {
        int x = LayerCodec.tensorId(in, tensorCount, "Linear input");
        int w = LayerCodec.tensorId(in, tensorCount, "Linear weight");
        int b = in.u32("Linear bias");
        if (b != -1 && (b < 0 || b >= tensorCount)) {
            throw new MalformedProofException("Linear bias tensor " + Integer.toUnsignedString(b) + " out of range");
        }
        int y = LayerCodec.tensorId(in, tensorCount, "Linear output");
        return new LinearLayer(x, w, b, y, transposed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinearLayer l && l.x == x && l.weight == weight && l.bias == bias && l.y == y && l.transposed == transposed;
    }

    @Override
    public int hashCode() {
        return (((x * 31 + weight) * 31 + bias) * 31 + y) * 2 + (transposed ? 1 : 0);
    }

    @Override
    public String toString() {
        return (transposed ? "LinearTransposed(x=" : "Linear(x=") + x + ", w=" + weight + ", b=" + bias + ", y=" + y + ")";
    }
}
