package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.ElementwiseProductLayer;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.sumcheck.SumcheckInstance;
import dev.zkinfer.prover.sumcheck.SumcheckProver;
import dev.zkinfer.transcript.Transcript;

/**
 * Prover of {@link ElementwiseProductLayer}: z = a ⊙ b and the sumcheck of Σ eq(r,x)·a(x)·b(x).
 *
 * <p>Stateless: thread-safe.
 */
public final class ElementwiseProductLayerProver implements LayerProver<ElementwiseProductLayer> {
    /** z[i] = a[i]·b[i] over the whole padded domain. */
    @Override
    public void computeWitness(ElementwiseProductLayer layer, WitnessValues w) {
        if (w.has(layer.output())) {
            return;
        }
        long[] a = w.get(layer.a());
        long[] b = w.get(layer.b());
        long[] z = new long[a.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = Goldilocks.mul(a[i], b[i]);
        }
        w.put(layer.output(), z);
    }

    @Override
    public void prove(ElementwiseProductLayer layer, Claim[] outputClaims, ProverContext ctx) {
        Claim claim = outputClaims[0];
        if (claim == null) {
            return;
        }
        Transcript t = ctx.transcript();
        t.domain(ElementwiseProductLayer.DOMAIN);
        SumcheckInstance inst = new SumcheckInstance(claim.point().length);
        int eq = inst.addTable(EqTables.eq(ctx.backend(), claim.point()));
        int ai = inst.addBaseTable(ctx.values(layer.a()));
        int bi = inst.addBaseTable(ctx.values(layer.b()));
        inst.addTerm(Ext3.ONE, eq, ai, bi);
        Ext3[] rho;
        Ext3 av, bv;
        if (ctx.zeroKnowledge()) {
            int n = claim.point().length;
            if (n == 0) {
                throw new UnsupportedOperationException("zero-knowledge mode cannot mask one-element tensors (ElementwiseProduct)");
            }
            ZkProving.maskTable(ctx, inst, ai, layer.a(), Ext3.ONE);
            ZkProving.maskTable(ctx, inst, bi, layer.b(), Ext3.ONE);
            int degree = Math.max(3, 1 + ZkProving.factorDegree(ctx, layer.a(), n) + ZkProving.factorDegree(ctx, layer.b(), n));
            var res = ZkProving.sumcheck(ctx, inst, claim.value(), ZkProving.outputTerms(ctx, layer.output(), claim.point()),
                    dev.zkinfer.circuit.ZkSteps.lastRoundRaised(n, 3, degree));
            rho = res.point();
            av = res.tableEvaluations()[ai];
            bv = res.tableEvaluations()[bi];
        } else {
            SumcheckProver.Result res = new SumcheckProver(ctx.backend()).prove(inst, claim.value(), ctx.proof(), t);
            rho = res.point();
            av = res.tableEvaluations()[ai];
            bv = res.tableEvaluations()[bi];
        }
        long[] raw = new long[6];
        Ext3.set(raw, 0, av);
        Ext3.set(raw, 1, bv);
        ctx.proof().ext(av);
        ctx.proof().ext(bv);
        t.absorbExts("elementwise_product/evals", raw, 0, 2);
        ctx.claim(layer.a(), rho, av);
        ctx.claim(layer.b(), rho, bv);
    }
}
