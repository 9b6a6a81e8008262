package dev.zkinfer.circuit;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.sumcheck.MaskedSumcheck;

/**
 * The verifier steps every layer shares in zero-knowledge mode (docs/zero-knowledge.md §3.1–3.2):
 * a layer sumcheck whose target is a combination of masked claims, run as a masked sumcheck with
 * the extra variable w, the bookkeeping of the mask evaluations it reveals, and claim merging.
 * Stateless and thread-safe.
 */
public final class ZkSteps {
    private ZkSteps() {}

    /**
     * One masked tensor term of a sumcheck target: the target contains c·T̂(p) (or the
     * caller has moved the claimed T̂(p) into it), so it carries c·Z(p)·Σ_w R_T(p_0, w).
     */
    public record Term(int tensor, Ext3 coefficient, Ext3[] point) {}

    /**
     * Verifies Σ_{x∈{0,1}^n} f(x) = H where the verifier holds maskedTarget = H + Σ_terms
     * c·Z(p)·Σ_w R_T(p_0, w); returns f's point and f(r). {@code degrees} are f's per-round degrees
     * (n = degrees.length; the statement's, from the key and the circuit). Records the sumcheck
     * mask's and the tensor masks' revealed values as claims for the commitment openings.
     */
    public static MaskedSumcheck.MaskedClaimsResult sumcheck(VerifierContext ctx, Ext3 maskedTarget, Term[] terms, int[] degrees)
            throws InvalidProofException {
        int n = degrees.length;
        Ext3[] c = new Ext3[terms.length];
        Ext3[] x0 = new Ext3[terms.length];
        for (int i = 0; i < terms.length; i++) {
            if (terms[i].point().length == 0) {
                throw new IllegalStateException("zero-knowledge mode cannot mask a tensor without variables ("
                        + ctx.circuit().tensor(terms[i].tensor()).name() + ")");
            }
            c[i] = terms[i].coefficient().mul(ctx.vanishing(terms[i].point()));
            x0[i] = terms[i].point()[0];
        }
        MaskedSumcheck.MaskedClaimsResult res = MaskedSumcheck.verifyMaskedClaims(maskedTarget, c, x0, degrees, ctx.proof(),
                ctx.transcript());
        Ext3[] full = new Ext3[n + 1];
        full[0] = res.wChallenge();
        System.arraycopy(res.point(), 0, full, 1, n);
        ctx.sumcheckMaskClaim(MaskedSumcheck.withWRound(degrees), full, res.maskValue());
        for (int i = 0; i < terms.length; i++) {
            ctx.tensorMaskClaim(terms[i].tensor(), x0[i], res.wChallenge(), res.tensorMaskValues()[i]);
        }
        return res;
    }

    /**
     * A zero-check's sumcheck (target 0) over n variables: the plain sumcheck of degree
     * {@code plainDegree} in integrity mode; in zero-knowledge mode the masked one, of per-round
     * degrees {@code zkDegrees} (n of them), over the layer's masked operands. Returns the point
     * and the value the layer's summand must take there.
     */
    public static dev.zkinfer.sumcheck.SumcheckClaim zeroCheck(VerifierContext ctx, int n, int plainDegree,
            java.util.function.Supplier<int[]> zkDegrees, String layer) throws InvalidProofException {
        if (!ctx.zeroKnowledge()) {
            return dev.zkinfer.sumcheck.SumcheckVerifier.verify(Ext3.ZERO, n, plainDegree, ctx.proof(), ctx.transcript());
        }
        if (n == 0) {
            throw new IllegalStateException("zero-knowledge mode cannot mask one-element tensors (" + layer + ")");
        }
        int[] degrees = zkDegrees.get();
        if (degrees.length != n) {
            throw new IllegalStateException(layer + ": " + degrees.length + " round degrees for a zero-check over " + n + " variables");
        }
        var res = sumcheck(ctx, Ext3.ZERO, new Term[0], degrees);
        return new dev.zkinfer.sumcheck.SumcheckClaim(res.point(), res.value());
    }

    /**
     * The last round's degree of one masked factor whose tensor's x_0 is the sumcheck's variable
     * {@code x0Var} (−1: fixed): 2 from Z's x(1 − x), plus δ when x_0 is the last variable.
     */
    static int maskedFactorDegree(int x0Var, int n, int delta) {
        return x0Var == n - 1 ? 2 + delta : 2;
    }

    /**
     * The per-round degrees of a masked sumcheck over n variables whose masked factors span all its
     * variables: their masks enter only in the last round (Z's x(1 − x) vanishes while a variable is
     * still summed over {0, 1}), so every round has the unmasked degree {@code base} and the last
     * one max(base, last), where {@code last} is the last round's degree with the masks.
     */
    public static int[] lastRoundRaised(int n, int base, int last) {
        int[] d = dev.zkinfer.sumcheck.SumcheckVerifier.uniformDegrees(n, base);
        if (n > 0) {
            d[n - 1] = Math.max(base, last);
        }
        return d;
    }

    /** A factor's last-round degree when its tensor's x_0 is the sumcheck's variable 0: 1 unmasked, else as above. */
    static int factorDegree(VerifierContext ctx, int tensor, int n) {
        return factorDegree(ctx, tensor, 0, n);
    }

    /** As above, with the tensor's x_0 at the sumcheck's variable {@code x0Var} (−1: a fixed coordinate). */
    static int factorDegree(VerifierContext ctx, int tensor, int x0Var, int n) {
        int delta = ctx.tensorMaskDegree(tensor);
        return delta < 0 ? 1 : maskedFactorDegree(x0Var, n, delta);
    }

    /**
     * Zero-knowledge claim merging (docs/zero-knowledge.md §3.2): several masked claims T̂(p_j) = v_j
     * become one, T̂(s) at a fresh point, by the masked sumcheck of W(x)·T̂(x), W = Σ_j γ^j eq(p_j, x),
     * on the target Σ_j γ^j v_j, whose masks (coefficients γ^j) the extra variable w removes. Same
     * transcript domain and labels as the integrity-mode merge; wire format: the masked sumcheck,
     * then T̂(s).
     */
    public static Claim merge(VerifierContext ctx, int tensor, java.util.List<Claim> claims) throws InvalidProofException {
        int n = claims.get(0).point().length;
        if (n == 0) {
            throw new IllegalStateException("zero-knowledge mode cannot mask the one-element tensor " + ctx.circuit().tensor(tensor).name());
        }
        var t = ctx.transcript();
        t.domain(ProofProtocol.MERGE_DOMAIN);
        for (Claim c : claims) {
            t.absorbExt("merge/value", c.value());
        }
        Ext3 gamma = t.challengeExt("merge/gamma");
        boolean masked = ctx.tensorMaskDegree(tensor) >= 0;
        Term[] terms = new Term[masked ? claims.size() : 0];
        Ext3 g = Ext3.ONE;
        for (int j = 0; masked && j < claims.size(); j++) {
            terms[j] = new Term(tensor, g, claims.get(j).point());
            g = g.mul(gamma);
        }
        var res = sumcheck(ctx, ProofProtocol.mergeSum(claims, gamma), terms, mergeDegrees(ctx.tensorMaskDegree(tensor), n));
        Ext3 value = ctx.proof().ext("merged evaluation");
        t.absorbExt("merge/evaluation", value);
        if (!value.mul(ProofProtocol.mergeWeight(claims, gamma, res.point())).equals(res.value())) {
            throw new InvalidProofException("claim merging: final sumcheck value does not match");
        }
        return new Claim(tensor, res.point(), value);
    }

    /**
     * A merge's per-round degrees ({@link #merge}: W·T̂ over n variables, T's mask degree δ, −1 when
     * T is not masked): 2, and in the last round 1 + (2, or 2 + δ when n = 1).
     */
    public static int[] mergeDegrees(int delta, int n) {
        return lastRoundRaised(n, 2, 1 + (delta < 0 ? 1 : maskedFactorDegree(0, n, delta)));
    }

    /**
     * The per-round degrees of a masked sum-of-products sumcheck: in each round the largest over
     * terms of the sum of the factors' degrees there, where a factor (a tensor id, or −1 for a
     * public table) has degree 1, except in the round that binds the last of its tensor's variables
     * ({@code lastVar}) where a masked tensor has degree 2, or 2 + δ when its x_0 ({@code x0Var}) is
     * bound in that round too. The prover's {@code SumcheckInstance.roundDegrees} computes the same
     * from its tables.
     */
    public static int[] maskedTermsDegrees(int n, int[][] terms, java.util.function.IntUnaryOperator delta,
            java.util.function.IntUnaryOperator lastVar, java.util.function.IntUnaryOperator x0Var) {
        int[] d = new int[n];
        for (int round = 0; round < n; round++) {
            d[round] = 1;
            for (int[] t : terms) {
                int sum = 0;
                for (int f : t) {
                    int dl = f < 0 ? -1 : delta.applyAsInt(f);
                    sum += dl < 0 || lastVar.applyAsInt(f) != round ? 1 : x0Var.applyAsInt(f) == round ? 2 + dl : 2;
                }
                d[round] = Math.max(d[round], sum);
            }
        }
        return d;
    }

    /** Domain of the model tensors' blinded opening ({@link #modelClaims}). */
    public static final String MODEL_DOMAIN = "zkinfer/zk-model/v1";

    /**
     * Zero-knowledge: discharges the masked claims Ŵ_j(p_j) = v_j on the model tensors, one merged
     * claim per tensor (docs/zero-knowledge.md §5), as one linear claim on the model polynomial
     * that reveals nothing about the weights: a point q of the blinding block Bl is drawn, the
     * prover sends s = B̃l(q), which is absorbed, then κ and β are drawn, and one masked sumcheck
     * over n = max(b, max_j n_j) variables proves
     * Σ_j β^j·Σ_{x∈{0,1}^n_j} eq(p_j, x)·W_j(x) + κ·Σ_{x∈{0,1}^b} eq(q, x)·Bl(x) = Σ_j β^j·v_j + κ·s,
     * each part summed in the sumcheck's first n_j (or b) variables and counted 2^−(n − n_j) in the
     * others (the prover's {@code BatchedRounds}), the W_j's mask terms removed through w. It ends
     * at r with f(r) = Σ_j β^j·2^−(n−n_j)·eq(p_j, r_&lt;n_j)·W̃_j(r_&lt;n_j) + κ·2^−(n−b)·eq(q, r_&lt;b)·B̃l(r_&lt;b),
     * returned as one linear claim on the weights' blocks and Bl's block for the model opening:
     * its value is masked by B̃l(r_&lt;b), so each proof reveals two evaluations of Bl whatever the
     * number of weight tensors.
     *
     * <p>Soundness: s is absorbed before κ is drawn, and β after every v_j and s: s is checked only
     * through the target, so a prover who saw κ first could send s' = s + (W̃(p) − v)/κ and make any
     * claimed v pass (the first version drew κ before s); with κ and β drawn after the values, a
     * false v_j or s leaves the target off the true sum except for the (m + 1)/|E| of (κ, β) that
     * cancel the errors, m the number of tensors. Transcript: domain {@value #MODEL_DOMAIN},
     * challenges "zk-model/q" (b), "zk-model/blinding" = s, challenges "zk-model/kappa",
     * "zk-model/beta", then the masked sumcheck. Wire format: s, the masked sumcheck.
     */
    public static WitnessForm modelClaims(VerifierContext ctx, java.util.List<Claim> claims, CommittedLayout modelLayout,
            int blindingBlock) throws InvalidProofException {
        var t = ctx.transcript();
        int b = modelLayout.blocks(blindingBlock).get(0).numVars();
        int n = b;
        for (Claim c : claims) {
            n = Math.max(n, c.point().length);
        }
        t.domain(MODEL_DOMAIN);
        Ext3[] q = new Ext3[b];
        for (int i = 0; i < b; i++) {
            q[i] = t.challengeExt("zk-model/q");
        }
        Ext3 s = ctx.proof().ext("blinding evaluation");
        t.absorbExt("zk-model/blinding", s);
        Ext3 kappa = t.challengeExt("zk-model/kappa");
        Ext3[] betas = modelBetas(t.challengeExt("zk-model/beta"), claims.size());
        Ext3 target = kappa.mul(s);
        java.util.List<Term> terms = new java.util.ArrayList<>();
        for (int j = 0; j < claims.size(); j++) {
            Claim c = claims.get(j);
            target = target.add(betas[j].mul(c.value()));
            if (ctx.tensorMaskDegree(c.tensor()) >= 0) {
                terms.add(new Term(c.tensor(), betas[j], c.point()));
            }
        }
        var res = sumcheck(ctx, target, terms.toArray(new Term[0]), dev.zkinfer.sumcheck.SumcheckVerifier.uniformDegrees(n, 2));
        return modelForm(modelLayout, blindingBlock, claims, betas, q, kappa, res.point(), res.value());
    }

    /** β^0, ..., β^(m−1): the weights of the model tensors' parts in {@link #modelClaims}. */
    public static Ext3[] modelBetas(Ext3 beta, int m) {
        Ext3[] out = new Ext3[m];
        Ext3 g = Ext3.ONE;
        for (int j = 0; j < m; j++) {
            out[j] = g;
            g = g.mul(beta);
        }
        return out;
    }

    /**
     * The end of the model tensors' blinded opening ({@link #modelClaims}), shared with the prover:
     * at the sumcheck's point r (n coordinates), f(r) = Σ_j β^j·2^−(n−n_j)·eq(p_j, r_&lt;n_j)·W̃_j(r_&lt;n_j)
     * + κ·2^−(n−b)·eq(q, r_&lt;b)·B̃l(r_&lt;b) as one linear claim on the weights' tight blocks and Bl's block.
     */
    public static WitnessForm modelForm(CommittedLayout modelLayout, int blindingBlock, java.util.List<Claim> claims, Ext3[] betas,
            Ext3[] q, Ext3 kappa, Ext3[] r, Ext3 value) {
        int n = r.length;
        int b = q.length;
        java.util.List<WitnessForm.Term> form = new java.util.ArrayList<>();
        for (int j = 0; j < claims.size(); j++) {
            Ext3[] p = claims.get(j).point();
            Ext3[] rw = java.util.Arrays.copyOf(r, p.length);
            Ext3 eqW = dev.zkinfer.poly.Mle.eq(p, rw).mul(betas[j]).mul(dev.zkinfer.sumcheck.MaskedSumcheck.inversePowerOfTwo(n - p.length));
            for (CommittedLayout.Block blk : modelLayout.blocks(claims.get(j).tensor())) {
                Ext3 scale = eqW.mul(modelLayout.weight(blk, rw));
                form.add(new WitnessForm.Term(blk.offset(), new WitnessForm.EqWeight(modelLayout.freePoint(blk, rw), scale)));
            }
        }
        Ext3[] rb = java.util.Arrays.copyOf(r, b);
        Ext3 eqB = dev.zkinfer.poly.Mle.eq(q, rb).mul(kappa).mul(dev.zkinfer.sumcheck.MaskedSumcheck.inversePowerOfTwo(n - b));
        CommittedLayout.Block bl = modelLayout.blocks(blindingBlock).get(0);
        form.add(new WitnessForm.Term(bl.offset(), new WitnessForm.EqWeight(rb, eqB)));
        return new WitnessForm(form, value);
    }

    /** Π_{i ≥ from} (1 − r_i): eq of r's tail with zeros (a zero-extended table's factor). */
    public static Ext3 zeroTail(Ext3[] r, int from) {
        Ext3 z = Ext3.ONE;
        for (int i = from; i < r.length; i++) {
            z = z.mul(Ext3.ONE.sub(r[i]));
        }
        return z;
    }
}
