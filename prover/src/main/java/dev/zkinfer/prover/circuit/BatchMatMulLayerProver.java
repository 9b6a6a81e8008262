package dev.zkinfer.prover.circuit;

import dev.zkinfer.prover.backend.ExtMath;
import dev.zkinfer.prover.concurrent.Cancellation;
import dev.zkinfer.circuit.BatchMatMulLayer;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.sumcheck.SumcheckInstance;
import dev.zkinfer.prover.sumcheck.SumcheckProver;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Prover of {@link BatchMatMulLayer}: tables A'(t,k) = Σ_m eq(r_m,m)·A[t,m,k] (O(|A|)),
 * B'(t,k) = Σ_n eq(r_n,n)·B[t,k,n] (O(|B|)) and eq(r_t, t), then the degree-3 sumcheck of their
 * product over (k ‖ t).
 *
 * <p>Stateless: thread-safe.
 */
public final class BatchMatMulLayerProver implements LayerProver<BatchMatMulLayer> {
    /** Y[t,m,n] = Σ_k A[t,m,k]·B[t,k,n] over the whole padded domain (k over the padded K). */
    @Override
    public void computeWitness(BatchMatMulLayer layer, WitnessValues w) {
        if (w.has(layer.y())) {
            return;
        }
        Circuit c = w.circuit();
        TensorLayout ly = c.tensor(layer.y()).layout();
        int tv = ly.dimVars(0), mv = ly.dimVars(1), nv = ly.dimVars(2);
        int kv = c.tensor(layer.a()).layout().dimVars(2);
        long[] av = w.get(layer.a());
        long[] bv = w.get(layer.b());
        long[] out = new long[ly.paddedSize()];
        int mPad = 1 << mv, nPad = 1 << nv, kPad = 1 << kv;
        Cancellation cancel = Cancellation.current();
        IntStream.range(0, (1 << tv) * mPad).parallel().forEach(tm -> {
            cancel.check();
            int t = tm >>> mv;
            int aBase = tm << kv;
            int bBase = t << (kv + nv);
            int yBase = tm << nv;
            for (int k = 0; k < kPad; k++) {
                long ak = av[aBase + k];
                if (ak == 0) {
                    continue;
                }
                int bRow = bBase + (k << nv);
                for (int n = 0; n < nPad; n++) {
                    out[yBase + n] = Goldilocks.add(out[yBase + n], Goldilocks.mul(ak, bv[bRow + n]));
                }
            }
        });
        w.put(layer.y(), out);
    }

    @Override
    public void prove(BatchMatMulLayer layer, Claim[] outputClaims, ProverContext ctx) {
        Claim claim = outputClaims[0];
        if (claim == null) {
            return;
        }
        Circuit c = ctx.circuit();
        TensorLayout ly = c.tensor(layer.y()).layout();
        int tv = ly.dimVars(0), mv = ly.dimVars(1), nv = ly.dimVars(2);
        int kv = c.tensor(layer.a()).layout().dimVars(2);
        Ext3[] r = claim.point();
        var t = ctx.transcript();
        t.domain(BatchMatMulLayer.DOMAIN);
        long[] eqN = EqTables.eq(ctx.backend(), Arrays.copyOfRange(r, 0, nv));
        long[] eqM = EqTables.eq(ctx.backend(), Arrays.copyOfRange(r, nv, nv + mv));
        long[] eqT = EqTables.eq(ctx.backend(), BatchMatMulLayer.batchPoint(ly, r));
        long[] av = ctx.values(layer.a());
        long[] bv = ctx.values(layer.b());
        int size = 1 << (kv + tv);
        int kPad = 1 << kv, mPad = 1 << mv, nPad = 1 << nv;
        long[] ap = new long[3 * size];
        long[] bp = new long[3 * size];
        long[] e = new long[3 * size];
        Cancellation cancel = Cancellation.current();
        IntStream.range(0, size).parallel().forEach(z -> {
            cancel.check();
            int tt = z >>> kv, k = z & (kPad - 1);
            ExtMath.dotInto(av, (tt << mv) << kv | k, kPad, mPad, eqM, ap, 3 * z);
            ExtMath.dotInto(bv, z << nv, 1, nPad, eqN, bp, 3 * z); // row (t << kv | k) of b
            e[3 * z] = eqT[3 * tt];
            e[3 * z + 1] = eqT[3 * tt + 1];
            e[3 * z + 2] = eqT[3 * tt + 2];
        });
        SumcheckInstance inst = new SumcheckInstance(kv + tv);
        int ie = inst.addTable(e);
        int ia = inst.addTable(ap);
        int ib = inst.addTable(bp);
        inst.addTerm(Ext3.ONE, ie, ia, ib);
        Ext3[] rho;
        Ext3 aEval, bEval;
        if (ctx.zeroKnowledge()) {
            int n = kv + tv;
            if (n == 0) {
                throw new UnsupportedOperationException("zero-knowledge mode needs a BatchMatMul layer to sum over at least two elements");
            }
            Ext3[] rn = Arrays.copyOfRange(r, 0, nv), rm = Arrays.copyOfRange(r, nv, nv + mv);
            int aVar = BatchMatMulLayer.aMaskVar(ly, kv), bVar = BatchMatMulLayer.bMaskVar(ly);
            ZkProving.maskTable(ctx, inst, ia, layer.a(), dev.zkinfer.sumcheck.TensorMask.vanishing(rm), aVar, aVar < 0 ? rm[0] : null);
            ZkProving.maskTable(ctx, inst, ib, layer.b(), dev.zkinfer.sumcheck.TensorMask.vanishing(rn), bVar, bVar < 0 ? rn[0] : null);
            int degree = Math.max(3, 1 + ZkProving.factorDegree(ctx, layer.a(), aVar, n) + ZkProving.factorDegree(ctx, layer.b(), bVar, n));
            var res = ZkProving.sumcheck(ctx, inst, claim.value(), ZkProving.outputTerms(ctx, layer.y(), r),
                    dev.zkinfer.circuit.ZkSteps.lastRoundRaised(n, 3, degree));
            rho = res.point();
            aEval = res.tableEvaluations()[ia];
            bEval = res.tableEvaluations()[ib];
        } else {
            SumcheckProver.Result res = new SumcheckProver(ctx.backend()).prove(inst, claim.value(), ctx.proof(), t);
            rho = res.point();
            aEval = res.tableEvaluations()[ia];
            bEval = res.tableEvaluations()[ib];
        }
        long[] raw = new long[6];
        Ext3.set(raw, 0, aEval);
        Ext3.set(raw, 1, bEval);
        ctx.proof().ext(aEval);
        ctx.proof().ext(bEval);
        t.absorbExts("batch_matmul/evals", raw, 0, 2);
        ctx.claim(layer.a(), BatchMatMulLayer.aPoint(ly, kv, r, rho), aEval);
        ctx.claim(layer.b(), BatchMatMulLayer.bPoint(ly, kv, r, rho), bEval);
    }
}
