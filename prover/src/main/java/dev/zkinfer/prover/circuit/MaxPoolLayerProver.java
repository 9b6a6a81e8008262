package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.MaxPoolLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.sumcheck.SumcheckInstance;
import dev.zkinfer.prover.sumcheck.SumcheckProver;
import dev.zkinfer.transcript.Transcript;
import java.util.Arrays;

/**
 * Prover of {@link MaxPoolLayer}: y = max over valid window offsets, gaps f_w, and the zero-check.
 *
 * <p>Stateless: thread-safe.
 */
public final class MaxPoolLayerProver implements LayerProver<MaxPoolLayer> {
    @Override
    public void computeWitness(MaxPoolLayer l, WitnessValues w) {
        TensorLayout layout = w.circuit().tensor(l.y()).layout();
        int[] views = l.views();
        int k = views.length;
        int size = layout.paddedSize();
        long[][] masks = new long[k][];
        long[][] vals = new long[k][];
        for (int j = 0; j < k; j++) {
            masks[j] = l.maskTable(j, layout);
            vals[j] = w.get(views[j]);
        }
        long limit = 1L << (l.bits() + 1);
        long[] yv = new long[size];
        long[][] f = new long[k][size];
        for (int i = 0; i < size; i++) {
            long best = Long.MIN_VALUE;
            for (int j = 0; j < k; j++) {
                if (masks[j][i] != 0) {
                    best = Math.max(best, Goldilocks.toSigned(vals[j][i]));
                }
            }
            if (best == Long.MIN_VALUE) {
                throw new IllegalStateException("MaxPool layer: no valid window offset at padded index " + i);
            }
            yv[i] = Goldilocks.fromSigned(best);
            for (int j = 0; j < k; j++) {
                long gap = masks[j][i] != 0 ? best - Goldilocks.toSigned(vals[j][i]) : 1;
                if (gap >= limit) {
                    throw new IllegalStateException("MaxPool layer: window values at padded index " + i
                            + " differ by " + gap + ", beyond " + l.bits() + "-bit inputs");
                }
                f[j][i] = gap;
            }
        }
        if (w.has(l.y()) && !Arrays.equals(w.get(l.y()), yv)) {
            throw new IllegalStateException("MaxPool layer: the given values of " + w.circuit().tensor(l.y()).name()
                    + " are not the window maxima");
        }
        w.put(l.y(), yv);
        for (int j = 0; j < k; j++) {
            int[] lt = l.gapLimbs(j);
            if (lt.length == 1) {
                w.put(lt[0], f[j]);
            } else {
                long[] lo = new long[size], hi = new long[size];
                for (int i = 0; i < size; i++) {
                    lo[i] = f[j][i] & 0xFFFF;
                    hi[i] = f[j][i] >>> 16;
                }
                w.put(lt[0], lo);
                w.put(lt[1], hi);
            }
        }
    }

    @Override
    public void prove(MaxPoolLayer l, Claim[] outputClaims, ProverContext ctx) {
        if (l.derivedGaps()) {
            proveDerived(l, outputClaims, ctx);
            return;
        }
        Transcript t = ctx.transcript();
        t.domain(MaxPoolLayer.DOMAIN);
        TensorLayout layout = ctx.circuit().tensor(l.y()).layout();
        int n = layout.numVars();
        int size = layout.paddedSize();
        Ext3[] tau = new Ext3[n];
        for (int i = 0; i < n; i++) {
            tau[i] = t.challengeExt("maxpool/tau");
        }
        Ext3 beta = t.challengeExt("maxpool/batch");
        int[] views = l.views();
        int k = views.length;
        SumcheckInstance inst = new SumcheckInstance(n);
        int eq = inst.addTable(EqTables.eq(ctx.backend(), tau));
        int yi = inst.addBaseTable(ctx.values(l.y()));
        int[] fi = new int[k];
        int[] prod = new int[k + 1];
        prod[0] = eq;
        for (int j = 0; j < k; j++) {
            int[] lt = l.gapLimbs(j);
            long[] f = ctx.values(lt[0]);
            if (lt.length == 2) {
                long[] hi = ctx.values(lt[1]);
                long[] c = new long[size];
                for (int i = 0; i < size; i++) {
                    c[i] = Goldilocks.add(f[i], Goldilocks.mul(hi[i], 1L << 16));
                }
                f = c;
            }
            fi[j] = inst.addBaseTable(f);
            prod[j + 1] = fi[j];
        }
        inst.addTerm(Ext3.ONE, prod);
        Ext3 pw = beta;
        Ext3 total = Ext3.ZERO;
        int[] viewTables = new int[k];
        for (int j = 0; j < k; j++) {
            int mi = inst.addBaseTable(l.maskTable(j, layout));
            int vi = inst.addBaseTable(ctx.values(views[j]));
            viewTables[j] = vi;
            inst.addTerm(pw, eq, fi[j]);
            inst.addTerm(pw.neg(), eq, mi, yi);
            inst.addTerm(pw, eq, mi, vi);
            inst.addTerm(pw, eq, mi);
            total = total.add(pw);
            pw = pw.mul(beta);
        }
        inst.addTerm(total.neg(), eq);
        ZkProving.Reduced red = ZkProving.zeroCheck(ctx, inst, () -> {
            ZkProving.maskTable(ctx, inst, yi, l.y(), Ext3.ONE);
            for (int j = 0; j < k; j++) {
                ZkProving.maskCombined(ctx, inst, fi[j], l.gapLimbs(j), 1L << 16);
                ZkProving.maskTable(ctx, inst, viewTables[j], views[j], Ext3.ONE);
            }
        }, () -> dev.zkinfer.circuit.ZkSteps.lastRoundRaised(n, l.degree(), l.zeroKnowledgeDegree(tensor -> ZkProving.factorDegree(ctx, tensor, n))),
                "MaxPool");
        Ext3[] rho = red.point();
        Ext3[] finals = red.finals();
        int[] ops = l.operands();
        Ext3[] ev = new Ext3[ops.length];
        for (int i = 0; i < ops.length; i++) {
            ev[i] = i == 0 ? finals[yi] : EqTables.evaluate(ctx.backend(), ctx.values(ops[i]), rho);
            if (i > 0 && ctx.zeroKnowledge()) {
                ev[i] = ZkProving.masked(ctx, ops[i], ev[i], rho);
            }
        }
        ctx.sendEvaluations("maxpool/evals", ops, ev, rho);
    }

    /** MaxPoolLayer "Derived gaps": the gaps' claims as claims on y and the views, then the zero-check of Π_w (y − v_w). */
    private static void proveDerived(MaxPoolLayer l, Claim[] outputClaims, ProverContext ctx) {
        Transcript t = ctx.transcript();
        t.domain(MaxPoolLayer.DOMAIN);
        TensorLayout layout = ctx.circuit().tensor(l.y()).layout();
        int n = layout.numVars();
        int[] views = l.views();
        int k = views.length;
        for (int w = 0; w < k; w++) {
            if (outputClaims[w] == null) {
                throw new IllegalStateException("MaxPool layer: no claim on gap " + w + " (its range lookup makes one)");
            }
        }
        if (ctx.zeroKnowledge()) {
            proveDerivedZeroKnowledge(l, outputClaims, ctx);
            return;
        }
        long[] raw = new long[6];
        for (int w = 0; w < k; w++) {
            Claim c = outputClaims[w];
            Ext3 yv = EqTables.evaluate(ctx.backend(), ctx.values(l.y()), c.point());
            Ext3 vv = EqTables.evaluate(ctx.backend(), ctx.values(views[w]), c.point());
            Ext3.set(raw, 0, yv);
            Ext3.set(raw, 1, vv);
            ctx.proof().ext(yv);
            ctx.proof().ext(vv);
            t.absorbExts("maxpool/gap-evals", raw, 0, 2);
            ctx.claim(l.y(), c.point(), yv);
            ctx.claim(views[w], c.point(), vv);
        }
        Ext3[] tau = new Ext3[n];
        for (int i = 0; i < n; i++) {
            tau[i] = t.challengeExt("maxpool/tau");
        }
        SumcheckInstance inst = new SumcheckInstance(n);
        int[] prod = new int[k + 1];
        prod[0] = inst.addTable(EqTables.eq(ctx.backend(), tau));
        for (int w = 0; w < k; w++) {
            prod[w + 1] = inst.addBaseTable(ctx.values(l.gapLimbs(w)[0]));
        }
        inst.addTerm(Ext3.ONE, prod);
        Ext3[] rho = new SumcheckProver(ctx.backend()).prove(inst, Ext3.ZERO, ctx.proof(), t).point();
        int[] ops = l.operands();
        Ext3[] ev = new Ext3[ops.length];
        for (int i = 0; i < ops.length; i++) {
            ev[i] = EqTables.evaluate(ctx.backend(), ctx.values(ops[i]), rho);
        }
        ctx.sendEvaluations("maxpool/evals", ops, ev, rho);
    }

    /**
     * The verifier's {@code MaxPoolLayer.verifyDerivedZeroKnowledge}: one masked sumcheck of
     * eq(τ, ·)·Π_w d_w + Σ_w β^(w+1)·eq(ρ_w, ·)·d_w with d_w = ŷ − v̂_w (each table masked by R_y − R_v_w),
     * the gaps' mask terms in the target; then ŷ and the v̂_w at its point.
     */
    private static void proveDerivedZeroKnowledge(MaxPoolLayer l, Claim[] outputClaims, ProverContext ctx) {
        Transcript t = ctx.transcript();
        TensorLayout layout = ctx.circuit().tensor(l.y()).layout();
        int n = layout.numVars();
        if (n == 0) {
            throw new UnsupportedOperationException("zero-knowledge mode cannot mask one-element tensors (MaxPool)");
        }
        int size = layout.paddedSize();
        int[] views = l.views();
        int k = views.length;
        Ext3[] tau = new Ext3[n];
        for (int i = 0; i < n; i++) {
            tau[i] = t.challengeExt("maxpool/tau");
        }
        Ext3 beta = t.challengeExt("maxpool/batch");
        SumcheckInstance inst = new SumcheckInstance(n);
        int[] prod = new int[k + 1];
        prod[0] = inst.addTable(EqTables.eq(ctx.backend(), tau));
        long[] yv = ctx.values(l.y());
        dev.zkinfer.sumcheck.TensorMask my = ctx.tensorMask(l.y());
        Ext3 target = Ext3.ZERO;
        java.util.List<ZkProving.Term> terms = new java.util.ArrayList<>();
        Ext3 pw = beta;
        int[] eqOf = new int[k];
        for (int w = 0; w < k; w++) {
            long[] v = ctx.values(views[w]);
            long[] d = new long[size];
            for (int i = 0; i < size; i++) {
                d[i] = Goldilocks.sub(yv[i], v[i]);
            }
            int di = inst.addBaseTable(d);
            prod[w + 1] = di;
            dev.zkinfer.sumcheck.TensorMask m = dev.zkinfer.sumcheck.TensorMask.combine(
                    new dev.zkinfer.sumcheck.TensorMask[] {my, ctx.tensorMask(views[w])}, new long[] {1, Goldilocks.neg(1)});
            if (m != null) {
                inst.maskTable(di, Ext3.ONE, m, 0, null);
            }
            Claim c = outputClaims[w];
            // the gaps' claims come from one lookup and usually share their point: one eq table per distinct point
            int ei = -1;
            for (int u = 0; u < w && ei < 0; u++) {
                if (java.util.Arrays.equals(outputClaims[u].point(), c.point())) {
                    ei = eqOf[u];
                }
            }
            eqOf[w] = ei >= 0 ? ei : inst.addTable(EqTables.eq(ctx.backend(), c.point()));
            inst.addTerm(pw, eqOf[w], di);
            target = target.add(pw.mul(c.value()));
            dev.zkinfer.sumcheck.TensorMask mg = ctx.tensorMask(c.tensor());
            if (mg != null) {
                terms.add(new ZkProving.Term(c.tensor(), mg, pw, c.point()));
            }
            pw = pw.mul(beta);
        }
        inst.addTerm(Ext3.ONE, prod);
        var res = ZkProving.sumcheck(ctx, inst, target, terms, l.derivedDegrees(tensor -> ZkProving.factorDegree(ctx, tensor, n), n));
        Ext3[] rho = res.point();
        int[] ops = l.operands();
        Ext3[] ev = new Ext3[ops.length];
        for (int i = 0; i < ops.length; i++) {
            ev[i] = ZkProving.masked(ctx, ops[i], EqTables.evaluate(ctx.backend(), ctx.values(ops[i]), rho), rho);
        }
        ctx.sendEvaluations("maxpool/evals", ops, ev, rho);
    }
}
