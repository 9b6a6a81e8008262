package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.ElementwiseLinearLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.Validity;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.sumcheck.SumcheckInstance;

/**
 * Prover of {@link ElementwiseLinearLayer}: sends x̃_k(r) for each input.
 *
 * <p>Stateless: thread-safe.
 */
public final class ElementwiseLinearLayerProver implements LayerProver<ElementwiseLinearLayer> {
    /** y[i] = Σ_k c_k·x_k[i] + constant·valid[i] over the whole padded domain. */
    @Override
    public void computeWitness(ElementwiseLinearLayer layer, WitnessValues w) {
        if (w.has(layer.output())) {
            return;
        }
        Circuit c = w.circuit();
        TensorLayout ly = c.tensor(layer.output()).layout();
        long[] y = new long[ly.paddedSize()];
        int[] ins = layer.inputs();
        long[] co = layer.coefficients();
        for (int k = 0; k < ins.length; k++) {
            long ck = Goldilocks.fromSigned(co[k]);
            long[] x = w.get(ins[k]);
            for (int i = 0; i < y.length; i++) {
                y[i] = Goldilocks.add(y[i], Goldilocks.mul(ck, x[i]));
            }
        }
        if (layer.constant() != 0) {
            long cst = Goldilocks.fromSigned(layer.constant());
            long[] valid = Validity.indicator(ly);
            for (int i = 0; i < y.length; i++) {
                if (valid[i] != 0) {
                    y[i] = Goldilocks.add(y[i], cst);
                }
            }
        }
        w.put(layer.output(), y);
    }

    @Override
    public void prove(ElementwiseLinearLayer layer, Claim[] outputClaims, ProverContext ctx) {
        Claim claim = outputClaims[0];
        if (claim == null) {
            return;
        }
        int[] ins = layer.inputs();
        int n = ins.length;
        var t = ctx.transcript();
        t.domain(ElementwiseLinearLayer.DOMAIN);
        if (ctx.zeroKnowledge()) {
            proveZeroKnowledge(layer, claim, ctx);
            return;
        }
        long[] xs = new long[3 * n];
        Ext3[] evals = new Ext3[n];
        for (int k = 0; k < n; k++) {
            evals[k] = EqTables.evaluate(ctx.backend(), ctx.values(ins[k]), claim.point());
            Ext3.set(xs, k, evals[k]);
            ctx.proof().ext(evals[k]);
        }
        t.absorbExts("elementwise_linear/inputs", xs, 0, n);
        for (int k = 0; k < n; k++) {
            ctx.claim(ins[k], claim.point(), evals[k]);
        }
    }

    /** Zero-knowledge mode: the verifier's {@code ElementwiseLinearLayer.verifyZeroKnowledge}, step for step. */
    private void proveZeroKnowledge(ElementwiseLinearLayer layer, Claim claim, ProverContext ctx) {
        int[] ins = layer.inputs();
        TensorLayout ly = ctx.circuit().tensor(layer.output()).layout();
        int vars = ly.numVars();
        if (vars == 0) {
            throw new UnsupportedOperationException("zero-knowledge mode cannot mask one-element tensors (ElementwiseLinear)");
        }
        Ext3[] r = claim.point();
        Ext3 target = layer.constant() == 0 ? claim.value()
                : claim.value().sub(Validity.valid(ly, r).mul(Goldilocks.fromSigned(layer.constant())));
        SumcheckInstance inst = new SumcheckInstance(vars);
        int eq = inst.addTable(EqTables.eq(ctx.backend(), r));
        int degree = 2;
        int[] idx = new int[ins.length];
        for (int k = 0; k < ins.length; k++) {
            idx[k] = inst.addBaseTable(ctx.values(ins[k]));
            inst.addTerm(Ext3.of(Goldilocks.fromSigned(layer.coefficients()[k])), eq, idx[k]);
            ZkProving.maskTable(ctx, inst, idx[k], ins[k], Ext3.ONE);
            degree = Math.max(degree, 1 + ZkProving.factorDegree(ctx, ins[k], vars));
        }
        var res = ZkProving.sumcheck(ctx, inst, target, ZkProving.outputTerms(ctx, layer.output(), r),
                dev.zkinfer.circuit.ZkSteps.lastRoundRaised(vars, 2, degree));
        long[] xs = new long[3 * ins.length];
        for (int k = 0; k < ins.length; k++) {
            Ext3.set(xs, k, res.tableEvaluations()[idx[k]]);
            ctx.proof().ext(res.tableEvaluations()[idx[k]]);
        }
        ctx.transcript().absorbExts("elementwise_linear/inputs", xs, 0, ins.length);
        for (int k = 0; k < ins.length; k++) {
            ctx.claim(ins[k], res.point(), res.tableEvaluations()[idx[k]]);
        }
    }
}
