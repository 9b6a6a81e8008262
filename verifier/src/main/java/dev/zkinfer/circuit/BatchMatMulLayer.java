package dev.zkinfer.circuit;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.sumcheck.SumcheckClaim;
import dev.zkinfer.sumcheck.SumcheckVerifier;
import java.util.Arrays;

/**
 * Batched product of two run-time matrices (QMatMul: attention scores, attention-weighted
 * values): A = [T, M, K], B = [T, K, N], Y = [T, M, N] (COMPUTED); A and B may have any role.
 * Relation over the whole padded domain: Y[t,m,n] = Σ_k A[t,m,k]·B[t,k,n] (k over the padded K,
 * so Y is the true product on real entries when A's or B's K-padding is zero, as an index map's
 * output is).
 *
 * <p>Proof on the claim Ỹ(r) = v with r = (r_n ‖ r_m ‖ r_t) in variable order: transcript domain
 * {@code zkinfer/layer/batch_matmul/v1}; a degree-3 sumcheck over the variables z = (k ‖ t) of
 * v = Σ_z eq(r_t, t)·Ã(t, r_m, k)·B̃(t, k, r_n) (Thaler's matmul sumcheck with the batch index
 * summed as well, since it appears in both factors), ending at ρ = (ρ_k ‖ ρ_t) with value e; the
 * prover sends Ã(ρ_k ‖ r_m ‖ ρ_t) and B̃(r_n ‖ ρ_k ‖ ρ_t) (absorbed together as
 * {@code batch_matmul/evals}); the verifier checks eq(r_t, ρ_t)·a·b = e and emits those two
 * claims. Soundness error ≤ 3·(kVars + tVars)/|GF(p^3)|. Verifier cost O(numVars), independent
 * of the multiply-accumulates.
 *
 * <p>Wire format: (kVars + tVars) rounds × 3 ext, then 2 ext. Verifying-key encoding: u32 a,
 * u32 b, u32 y.
 * Immutable and thread-safe.
 */
public final class BatchMatMulLayer implements Layer {
    public static final String DOMAIN = "zkinfer/layer/batch_matmul/v1";

    private final int a;
    private final int b;
    private final int y;

    public BatchMatMulLayer(int a, int b, int y) {
        if (a < 0 || b < 0 || y < 0) {
            throw new IllegalArgumentException("BatchMatMul layer: negative tensor id");
        }
        this.a = a;
        this.b = b;
        this.y = y;
    }

    public int a() {
        return a;
    }

    public int b() {
        return b;
    }

    public int y() {
        return y;
    }

    @Override
    public int tag() {
        return LayerCodec.BATCH_MATMUL;
    }

    @Override
    public String kind() {
        return "BatchMatMul";
    }

    @Override
    public int[] outputs() {
        return new int[] {y};
    }

    @Override
    public int[] operands() {
        return new int[] {a, b};
    }

    /** A = [T, M, K], B = [T, K, N], Y = [T, M, N]; IllegalArgumentException if not. */
    @Override
    public void checkShapes(Circuit c) {
        TensorLayout la = c.tensor(a).layout(), lb = c.tensor(b).layout(), ly = c.tensor(y).layout();
        boolean ok = la.rank() == 3 && lb.rank() == 3 && ly.rank() == 3 && la.dim(0) == ly.dim(0) && lb.dim(0) == ly.dim(0)
                && la.dim(1) == ly.dim(1) && lb.dim(2) == ly.dim(2) && la.dim(2) == lb.dim(1);
        if (!ok) {
            throw new IllegalArgumentException("BatchMatMul layer: inconsistent shapes: A " + la + ", B " + lb + ", Y " + ly);
        }
    }

    /** A's point (ρ_k ‖ r_m ‖ ρ_t). */
    public static Ext3[] aPoint(TensorLayout ly, int kVars, Ext3[] r, Ext3[] rho) {
        int nv = ly.dimVars(2), mv = ly.dimVars(1), tv = ly.dimVars(0);
        Ext3[] p = new Ext3[kVars + mv + tv];
        System.arraycopy(rho, 0, p, 0, kVars);
        System.arraycopy(r, nv, p, kVars, mv);
        System.arraycopy(rho, kVars, p, kVars + mv, tv);
        return p;
    }

    /** B's point (r_n ‖ ρ_k ‖ ρ_t). */
    public static Ext3[] bPoint(TensorLayout ly, int kVars, Ext3[] r, Ext3[] rho) {
        int nv = ly.dimVars(2), tv = ly.dimVars(0);
        Ext3[] p = new Ext3[nv + kVars + tv];
        System.arraycopy(r, 0, p, 0, nv);
        System.arraycopy(rho, 0, p, nv, kVars + tv);
        return p;
    }

    /** r_t: the coordinates of Y's point on the batch variables. */
    public static Ext3[] batchPoint(TensorLayout ly, Ext3[] r) {
        return Arrays.copyOfRange(r, ly.varOffset(0), r.length);
    }

    @Override
    public String zeroKnowledgeLimit(Circuit c) {
        return c.tensor(a).layout().dimVars(2) + c.tensor(y).layout().dimVars(0) == 0
                ? "a BatchMatMul layer summing over one element (" + c.tensor(y).name() + ")" : null;
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
            throw new InvalidProofException("BatchMatMul layer: claim does not match the output tensor");
        }
        int kVars = c.tensor(a).layout().dimVars(2);
        int tVars = ly.dimVars(0);
        var t = ctx.transcript();
        t.domain(DOMAIN);
        Ext3[] rho;
        Ext3 finalValue;
        if (ctx.zeroKnowledge()) {
            // docs/zero-knowledge.md §3.2: the same sumcheck, masked, on the target Ŷ(r); the operands
            // are masked (A's x_0 is k_0, or r_m's first coordinate when K = 1 and M > 1; B's is r_n's
            // first coordinate when N > 1, else k_0 or t_0)
            int n = kVars + tVars;
            if (n == 0) {
                throw new IllegalStateException("zero-knowledge mode needs a BatchMatMul layer to sum over at least two elements");
            }
            ZkSteps.Term[] terms = ctx.tensorMaskDegree(y) >= 0 ? new ZkSteps.Term[] {new ZkSteps.Term(y, Ext3.ONE, r)}
                    : new ZkSteps.Term[0];
            int degree = Math.max(3, 1 + ZkSteps.factorDegree(ctx, a, aMaskVar(ly, kVars), n)
                    + ZkSteps.factorDegree(ctx, b, bMaskVar(ly), n));
            var res = ZkSteps.sumcheck(ctx, claim.value(), terms, ZkSteps.lastRoundRaised(n, 3, degree));
            rho = res.point();
            finalValue = res.value();
        } else {
            SumcheckClaim sc = SumcheckVerifier.verify(claim.value(), kVars + tVars, 3, ctx.proof(), t);
            rho = sc.point();
            finalValue = sc.value();
        }
        long[] raw = ctx.proof().exts("BatchMatMul evaluations", 2);
        t.absorbExts("batch_matmul/evals", raw, 0, 2);
        Ext3 av = Ext3.get(raw, 0), bv = Ext3.get(raw, 1);
        Ext3 eqT = Mle.eq(batchPoint(ly, r), Arrays.copyOfRange(rho, kVars, kVars + tVars));
        if (!eqT.mul(av).mul(bv).equals(finalValue)) {
            throw new InvalidProofException("BatchMatMul layer: final sumcheck check failed");
        }
        ctx.claim(a, aPoint(ly, kVars, r, rho), av);
        ctx.claim(b, bPoint(ly, kVars, r, rho), bv);
    }

    /** Zero-knowledge: the sumcheck variable that is A's lowest variable, or −1 when that is r_m's first coordinate. */
    public static int aMaskVar(TensorLayout ly, int kVars) {
        return kVars >= 1 || ly.dimVars(1) == 0 ? 0 : -1;
    }

    /** Zero-knowledge: the sumcheck variable that is B's lowest variable, or −1 when that is r_n's first coordinate. */
    public static int bMaskVar(TensorLayout ly) {
        return ly.dimVars(2) >= 1 ? -1 : 0;
    }

    @Override
    public void encode(ProofWriter out) {
        out.u32(a).u32(b).u32(y);
    }

    public static BatchMatMulLayer decode(ProofReader in, int tensorCount) throws MalformedProofException {
        int a = LayerCodec.tensorId(in, tensorCount, "BatchMatMul left operand");
        int b = LayerCodec.tensorId(in, tensorCount, "BatchMatMul right operand");
        int y = LayerCodec.tensorId(in, tensorCount, "BatchMatMul output");
        return new BatchMatMulLayer(a, b, y);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchMatMulLayer l && l.a == a && l.b == b && l.y == y;
    }

    @Override
    public int hashCode() {
        return (a * 31 + b) * 31 + y;
    }

    @Override
    public String toString() {
        return "BatchMatMul(" + a + " @ " + b + " -> " + y + ")";
    }
}
