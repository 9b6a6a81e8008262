package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.IndexMapLayer;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.sumcheck.SumcheckInstance;
import dev.zkinfer.prover.sumcheck.SumcheckProver;

/**
 * Prover of {@link IndexMapLayer}: P_k(r, ·) is built by scattering the eq table of r through
 * the map (O(|y|)), then one degree-2 sumcheck of x_k·P_k per input.
 *
 * <p>Stateless: thread-safe.
 */
public final class IndexMapLayerProver implements LayerProver<IndexMapLayer> {
    /** y[pad_y(i)] = x_k[pad_x(j)] for src(i) = (k, j); 0 where there is no source and on padding. */
    @Override
    public void computeWitness(IndexMapLayer layer, WitnessValues w) {
        if (w.has(layer.output())) {
            return;
        }
        Circuit c = w.circuit();
        int[] ins = layer.inputs();
        long[][] xs = new long[ins.length][];
        for (int k = 0; k < ins.length; k++) {
            xs[k] = w.get(ins[k]);
        }
        long[] y = new long[c.tensor(layer.output()).layout().paddedSize()];
        layer.forEachSource(c, (o, k, j) -> y[o] = xs[k][j]);
        w.put(layer.output(), y);
    }

    @Override
    public void prove(IndexMapLayer layer, Claim[] outputClaims, ProverContext ctx) {
        Claim claim = outputClaims[0];
        if (claim == null) {
            return;
        }
        Circuit c = ctx.circuit();
        int[] ins = layer.inputs();
        int n = ins.length;
        var t = ctx.transcript();
        var out = ctx.proof();
        if (ctx.zeroKnowledge() && n != 1) {
            throw new UnsupportedOperationException("zero-knowledge mode does not support IndexMap layers with several inputs");
        }
        t.domain(IndexMapLayer.DOMAIN);
        long[] eqR = EqTables.eq(claim.point());
        long[][] p = new long[n][];
        for (int k = 0; k < n; k++) {
            p[k] = new long[3 * c.tensor(ins[k]).layout().paddedSize()];
        }
        layer.forEachSource(c, (o, k, j) -> {
            long[] pk = p[k];
            int a = 3 * j, b = 3 * o;
            pk[a] = Goldilocks.add(pk[a], eqR[b]);
            pk[a + 1] = Goldilocks.add(pk[a + 1], eqR[b + 1]);
            pk[a + 2] = Goldilocks.add(pk[a + 2], eqR[b + 2]);
        });
        if (ctx.zeroKnowledge()) {
            int vars = c.tensor(ins[0]).layout().numVars();
            SumcheckInstance inst = new SumcheckInstance(vars);
            int ix = inst.addBaseTable(ctx.values(ins[0]));
            int ip = inst.addTable(p[0]);
            inst.addTerm(Ext3.ONE, ix, ip);
            ZkProving.maskTable(ctx, inst, ix, ins[0], Ext3.ONE);
            java.util.List<ZkProving.Term> terms = ctx.tensorMask(layer.output()) == null ? java.util.List.of()
                    : java.util.List.of(new ZkProving.Term(layer.output(), ctx.tensorMask(layer.output()), Ext3.ONE, claim.point()));
            int degree = Math.max(2, ZkProving.factorDegree(ctx, ins[0], vars) + 1);
            var res = ZkProving.sumcheck(ctx, inst, claim.value(), terms, dev.zkinfer.circuit.ZkSteps.lastRoundRaised(vars, 2, degree));
            Ext3 xv = res.tableEvaluations()[ix];
            out.ext(xv);
            t.absorbExt("index_map/input", xv);
            ctx.claim(ins[0], res.point(), xv);
            return;
        }
        long[] parts = new long[3 * n];
        for (int k = 0; k < n; k++) {
            long[] x = ctx.values(ins[k]);
            long[] pk = p[k];
            long s0 = 0, s1 = 0, s2 = 0;
            for (int j = 0; j < x.length; j++) {
                long v = x[j];
                if (v != 0) {
                    s0 = Goldilocks.add(s0, Goldilocks.mul(v, pk[3 * j]));
                    s1 = Goldilocks.add(s1, Goldilocks.mul(v, pk[3 * j + 1]));
                    s2 = Goldilocks.add(s2, Goldilocks.mul(v, pk[3 * j + 2]));
                }
            }
            parts[3 * k] = s0;
            parts[3 * k + 1] = s1;
            parts[3 * k + 2] = s2;
            out.ext(Ext3.get(parts, k));
        }
        t.absorbExts("index_map/parts", parts, 0, n);
        SumcheckProver prover = new SumcheckProver(ctx.backend());
        Ext3[][] points = new Ext3[n][];
        Ext3[] evals = new Ext3[n];
        for (int k = 0; k < n; k++) {
            SumcheckInstance inst = new SumcheckInstance(c.tensor(ins[k]).layout().numVars());
            int ix = inst.addBaseTable(ctx.values(ins[k]));
            int ip = inst.addTable(p[k]);
            inst.addTerm(Ext3.ONE, ix, ip);
            SumcheckProver.Result res = prover.prove(inst, Ext3.get(parts, k), out, t);
            points[k] = res.point();
            evals[k] = res.tableEvaluations()[ix];
            out.ext(evals[k]);
            t.absorbExt("index_map/input", evals[k]);
            p[k] = null;
        }
        for (int k = 0; k < n; k++) {
            ctx.claim(ins[k], points[k], evals[k]);
        }
    }
}
