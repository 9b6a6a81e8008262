package dev.zkinfer.prover.circuit;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.prover.sumcheck.BatchedRounds;
import dev.zkinfer.prover.sumcheck.EqProductRounds;
import dev.zkinfer.prover.sumcheck.SumcheckInstance;
import dev.zkinfer.prover.sumcheck.SumcheckProver;
import dev.zkinfer.sumcheck.SumcheckMask;
import dev.zkinfer.sumcheck.TensorMask;
import java.util.List;

/**
 * The prover's side of the verifier's {@code ZkSteps}: the steps every layer shares in
 * zero-knowledge mode (docs/zero-knowledge.md §3.1–3.2). Stateless.
 */
final class ZkProving {
    private ZkProving() {}

    /** A masked tensor term of a sumcheck target: c·T̂(p), carrying c·Z(p)·Σ_w R_T(p_0, w). */
    record Term(int tensor, TensorMask mask, Ext3 coefficient, Ext3[] point) {}

    /** T̂(p) = T̃(p) + Z(p)·Σ_w R_T(p_0, w), or T̃(p) when T is not masked. */
    static Ext3 masked(ProverContext ctx, int tensor, Ext3 plain, Ext3[] point) {
        TensorMask m = ctx.tensorMask(tensor);
        return m == null ? plain : plain.add(m.offset(point));
    }

    /** A zero-check's outcome: the point and every table's (masked, in zero-knowledge mode) value there. */
    record Reduced(Ext3[] point, Ext3[] finals) {}

    /**
     * The prover of the verifier's {@code ZkSteps.zeroCheck}: the plain sumcheck of {@code inst} on
     * target 0 in integrity mode; in zero-knowledge mode {@code maskTables} first marks the masked
     * operands' tables, then the masked sumcheck of per-round degrees {@code zkDegrees} runs.
     */
    static Reduced zeroCheck(ProverContext ctx, SumcheckInstance inst, Runnable maskTables, java.util.function.Supplier<int[]> zkDegrees,
            String layer) {
        if (!ctx.zeroKnowledge()) {
            SumcheckProver.Result res = new SumcheckProver(ctx.backend()).prove(inst, Ext3.ZERO, ctx.proof(), ctx.transcript());
            return new Reduced(res.point(), res.tableEvaluations());
        }
        if (inst.numVars() == 0) {
            throw new UnsupportedOperationException("zero-knowledge mode cannot mask one-element tensors (" + layer + ")");
        }
        maskTables.run();
        var res = sumcheck(ctx, inst, Ext3.ZERO, List.of(), zkDegrees.get());
        return new Reduced(res.point(), res.tableEvaluations());
    }

    /** The target's masked term for a claim on {@code output} at {@code point}: none when the output is not masked. */
    static List<Term> outputTerms(ProverContext ctx, int output, Ext3[] point) {
        TensorMask m = ctx.tensorMask(output);
        return m == null ? List.of() : List.of(new Term(output, m, Ext3.ONE, point));
    }

    /**
     * Marks a table that recombines several tensors (limbs) as Σ_j weight_j·T_j with the same
     * combination of their masks ({@link TensorMask#combine}); nothing when none is masked.
     * The weights are successive powers of {@code base} in the field: 1, base, base², ...
     */
    static void maskCombined(ProverContext ctx, SumcheckInstance inst, int table, int[] tensors, long base) {
        TensorMask m = combinedMask(ctx, tensors, base);
        if (m != null) {
            inst.maskTable(table, Ext3.ONE, m, 0, null);
        }
    }

    /** The mask of Σ_j base^j·T_j ({@link TensorMask#combine}), or null when no T_j is masked. */
    static TensorMask combinedMask(ProverContext ctx, int[] tensors, long base) {
        TensorMask[] masks = new TensorMask[tensors.length];
        long[] weights = new long[tensors.length];
        long w = 1;
        for (int j = 0; j < tensors.length; j++) {
            masks[j] = ctx.tensorMask(tensors[j]);
            weights[j] = w;
            w = dev.zkinfer.field.Goldilocks.mul(w, base);
        }
        return TensorMask.combine(masks, weights);
    }

    /** Marks an instance table as tensor T's restriction when T is masked; its x_0 is the instance's variable 0. */
    static void maskTable(ProverContext ctx, SumcheckInstance inst, int table, int tensor, Ext3 zFixed) {
        maskTable(ctx, inst, table, tensor, zFixed, 0, null);
    }

    /** As above, with the tensor's x_0 at the instance's variable x0Var, or the fixed value x0Fixed when x0Var is −1. */
    static void maskTable(ProverContext ctx, SumcheckInstance inst, int table, int tensor, Ext3 zFixed, int x0Var, Ext3 x0Fixed) {
        TensorMask m = ctx.tensorMask(tensor);
        if (m != null) {
            inst.maskTable(table, zFixed, m, x0Var, x0Var < 0 ? x0Fixed : null);
        }
    }

    /**
     * The masked sumcheck of {@code inst} on a target holding the terms' masks, of per-round
     * degrees {@code degrees} (the verifier's); records the mask claims.
     */
    static SumcheckProver.MaskedClaimsResult sumcheck(ProverContext ctx, SumcheckInstance inst, Ext3 maskedTarget, List<Term> terms,
            int[] degrees) {
        if (degrees.length != inst.numVars()) {
            throw new IllegalStateException(degrees.length + " round degrees for a sumcheck over " + inst.numVars() + " variables");
        }
        return sumcheck(ctx, maskedTarget, terms, degrees, (fSum, masks, c, x0, g) -> new SumcheckProver(ctx.backend())
                .proveMaskedClaims(inst, fSum, degrees, masks, c, x0, g, ctx.proof(), ctx.transcript()));
    }

    /**
     * The masked sumcheck of any {@link dev.zkinfer.prover.sumcheck.SumcheckRounds} (round degrees at
     * most {@code degrees}) on a target holding the terms' masks; records the mask claims.
     */
    static SumcheckProver.MaskedClaimsResult sumcheck(ProverContext ctx, dev.zkinfer.prover.sumcheck.SumcheckRounds rounds,
            Ext3 maskedTarget, List<Term> terms, int[] degrees) {
        return sumcheck(ctx, maskedTarget, terms, degrees, (fSum, masks, c, x0, g) -> SumcheckProver.proveMaskedClaims(degrees, fSum,
                rounds, masks, c, x0, g, ctx.proof(), ctx.transcript()));
    }

    /** The masked-claims sumcheck itself, given the target with the terms' mask sums removed and the terms' masks. */
    @FunctionalInterface
    private interface MaskedProof {
        SumcheckProver.MaskedClaimsResult prove(Ext3 fSum, TensorMask[] masks, Ext3[] c, Ext3[] x0, SumcheckMask g);
    }

    /** What both masked sumchecks share: the terms' masks taken out of the target, the sumcheck's mask drawn, the mask claims recorded. */
    private static SumcheckProver.MaskedClaimsResult sumcheck(ProverContext ctx, Ext3 maskedTarget, List<Term> terms, int[] degrees,
            MaskedProof proof) {
        int k = terms.size();
        TensorMask[] masks = new TensorMask[k];
        Ext3[] c = new Ext3[k];
        Ext3[] x0 = new Ext3[k];
        Ext3 fSum = maskedTarget;
        for (int i = 0; i < k; i++) {
            Term term = terms.get(i);
            masks[i] = term.mask();
            c[i] = term.coefficient().mul(TensorMask.vanishing(term.point()));
            x0[i] = term.point()[0];
            fSum = fSum.sub(c[i].mul(masks[i].cubeSum(x0[i])));
        }
        int n = degrees.length;
        int[] all = dev.zkinfer.sumcheck.MaskedSumcheck.withWRound(degrees);
        SumcheckMask g = ctx.nextSumcheckMask(all);
        SumcheckProver.MaskedClaimsResult res = proof.prove(fSum, masks, c, x0, g);
        Ext3[] full = new Ext3[n + 1];
        full[0] = res.wChallenge();
        System.arraycopy(res.point(), 0, full, 1, n);
        ctx.sumcheckMaskClaim(all, full, res.maskValue());
        for (int i = 0; i < k; i++) {
            ctx.tensorMaskClaim(terms.get(i).tensor(), x0[i], res.wChallenge(), res.tensorMaskValues()[i]);
        }
        return res;
    }

    /** Mirrors the verifier's factor degree: 1 unmasked; masked with x_0 = variable 0 of n: 2, or 2 + δ when n = 1. */
    static int factorDegree(ProverContext ctx, int tensor, int n) {
        return factorDegree(ctx, tensor, 0, n);
    }

    /** As above, with the tensor's x_0 at the instance's variable x0Var (−1: fixed). */
    static int factorDegree(ProverContext ctx, int tensor, int x0Var, int n) {
        TensorMask m = ctx.tensorMask(tensor);
        return m == null ? 1 : x0Var == n - 1 ? 2 + m.degree() : 2;
    }

    /** The prover of the verifier's {@code ZkSteps.merge}: several masked claims on one tensor become one. */
    static dev.zkinfer.circuit.Claim merge(ProverContext ctx, int tensor, List<dev.zkinfer.circuit.Claim> claims, long[] values) {
        int n = claims.get(0).point().length;
        if (n == 0) {
            throw new UnsupportedOperationException("zero-knowledge mode cannot mask a one-element tensor");
        }
        var t = ctx.transcript();
        t.domain(dev.zkinfer.circuit.ProofProtocol.MERGE_DOMAIN);
        for (dev.zkinfer.circuit.Claim c : claims) {
            t.absorbExt("merge/value", c.value());
        }
        Ext3 gamma = t.challengeExt("merge/gamma");
        SumcheckInstance inst = new SumcheckInstance(n);
        int a = inst.addBaseTable(values);
        int b = inst.addTable(EqTables.mergeWeights(claims, gamma, n));
        inst.addTerm(Ext3.ONE, a, b);
        maskTable(ctx, inst, a, tensor, Ext3.ONE);
        TensorMask m = ctx.tensorMask(tensor);
        List<Term> terms = new java.util.ArrayList<>();
        Ext3 g = Ext3.ONE;
        for (int j = 0; m != null && j < claims.size(); j++) {
            terms.add(new Term(tensor, m, g, claims.get(j).point()));
            g = g.mul(gamma);
        }
        var res = sumcheck(ctx, inst, dev.zkinfer.circuit.ProofProtocol.mergeSum(claims, gamma), terms,
                dev.zkinfer.circuit.ZkSteps.mergeDegrees(m == null ? -1 : m.degree(), n));
        Ext3 value = res.tableEvaluations()[a];
        ctx.proof().ext(value);
        t.absorbExt("merge/evaluation", value);
        return new dev.zkinfer.circuit.Claim(tensor, res.point(), value);
    }

    /**
     * The prover of the verifier's {@code ZkSteps.modelClaims}: one blinded opening for the merged
     * masked claims on all model tensors, as one batched masked sumcheck ({@link BatchedRounds}:
     * each tensor's eq(p_j, ·)·W_j over its own n_j variables, the blinding block's over b, so the
     * work is Σ_j 2^n_j + 2^b, no table stretched to the largest). {@code modelTable} is the packed
     * model polynomial (weights and blinding block); {@code blindingShift} ≠ 0 sends s + shift
     * instead of s = B̃l(q) (tests only: a prover that adjusts s to pass a false claimed value, which
     * κ drawn after s defeats).
     */
    static dev.zkinfer.circuit.WitnessForm modelClaims(ProverContext ctx, List<dev.zkinfer.circuit.Claim> claims,
            dev.zkinfer.circuit.CommittedLayout modelLayout, int blindingBlock, long[] modelTable, Ext3 blindingShift) {
        var t = ctx.transcript();
        dev.zkinfer.circuit.CommittedLayout.Block bl = modelLayout.blocks(blindingBlock).get(0);
        int b = bl.numVars();
        int n = b;
        for (dev.zkinfer.circuit.Claim c : claims) {
            n = Math.max(n, c.point().length);
        }
        t.domain(dev.zkinfer.circuit.ZkSteps.MODEL_DOMAIN);
        Ext3[] q = new Ext3[b];
        for (int i = 0; i < b; i++) {
            q[i] = t.challengeExt("zk-model/q");
        }
        long[] blinding = java.util.Arrays.copyOfRange(modelTable, (int) bl.offset(), (int) bl.offset() + (1 << b));
        // each part's rounds without its eq table (EqProductRounds); its first pass gives its sum
        EqProductRounds blindingRounds = new EqProductRounds(ctx.backend().sumcheck(), blinding, q);
        Ext3 sTrue = blindingRounds.sum();
        Ext3 s = sTrue.add(blindingShift);
        ctx.proof().ext(s);
        t.absorbExt("zk-model/blinding", s);
        // κ and β after s (ZkSteps.modelClaims): s is bound before the combination that checks it
        Ext3 kappa = t.challengeExt("zk-model/kappa");
        Ext3[] betas = dev.zkinfer.circuit.ZkSteps.modelBetas(t.challengeExt("zk-model/beta"), claims.size());
        int m = claims.size();
        BatchedRounds.Part[] parts = new BatchedRounds.Part[m + 1];
        Ext3[] coefficients = new Ext3[m + 1];
        Ext3[] sums = new Ext3[m + 1];
        Ext3 target = kappa.mul(s);
        List<Term> terms = new java.util.ArrayList<>();
        for (int j = 0; j < m; j++) {
            dev.zkinfer.circuit.Claim c = claims.get(j);
            Ext3[] p = c.point();
            long[] values = ctx.values(c.tensor());
            EqProductRounds part = new EqProductRounds(ctx.backend().sumcheck(), values.length > 1 << p.length ? java.util.Arrays.copyOf(values, 1 << p.length)
                    : values, p);
            parts[j] = part;
            coefficients[j] = betas[j];
            sums[j] = part.sum();
            target = target.add(betas[j].mul(c.value()));
            TensorMask mask = ctx.tensorMask(c.tensor());
            if (mask != null) {
                terms.add(new Term(c.tensor(), mask, betas[j], p));
            }
        }
        parts[m] = blindingRounds;
        coefficients[m] = kappa;
        sums[m] = sTrue;
        BatchedRounds rounds = new BatchedRounds(n, parts, coefficients, sums);
        var res = sumcheck(ctx, rounds, target, terms, dev.zkinfer.sumcheck.SumcheckVerifier.uniformDegrees(n, 2));
        Ext3 value = Ext3.ZERO;
        for (int j = 0; j <= m; j++) {
            Ext3[] f = rounds.finals(j);
            int vars = j < m ? claims.get(j).point().length : b;
            value = value.add(coefficients[j].mul(f[0]).mul(f[1]).mul(dev.zkinfer.sumcheck.MaskedSumcheck.inversePowerOfTwo(n - vars)));
        }
        return dev.zkinfer.circuit.ZkSteps.modelForm(modelLayout, blindingBlock, claims, betas, q, kappa, res.point(), value);
    }
}
