package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.SoftmaxLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.sumcheck.SumcheckInstance;
import dev.zkinfer.prover.sumcheck.SumcheckProver;
import dev.zkinfer.transcript.Transcript;
import java.util.Arrays;

/**
 * Prover of {@link SoftmaxLayer}: the witness (y, gaps, exponentials, arg-max selector, row max
 * and sum, remainder limbs) and the one batched sumcheck of the sub-proof.
 *
 * <p>Stateless: thread-safe.
 */
public final class SoftmaxLayerProver implements LayerProver<SoftmaxLayer> {
    @Override
    public void computeWitness(SoftmaxLayer l, WitnessValues w) {
        TensorLayout layout = w.circuit().tensor(l.x()).layout();
        long[] xv = w.get(l.x());
        int size = layout.paddedSize();
        int off = l.axisVarOffset(layout), av = l.axisVars(layout);
        int rows = size >>> av, axis = 1 << av;
        long lowMask = (1L << off) - 1;
        long[] mask = l.axisMaskTable(layout);
        long limit = 1L << l.bits();
        long outMax = l.outMax();
        long[] yv = new long[size], g = new long[size], e = new long[size], sel = new long[size];
        long[] u = new long[size], v = new long[size];
        long[] mx = new long[rows], sm = new long[rows];
        int[] idx = new int[axis];
        for (int r = 0; r < rows; r++) {
            int base = (int) ((r & lowMask) | ((long) (r >>> off) << (off + av)));
            for (int a = 0; a < axis; a++) {
                idx[a] = base | (a << off);
            }
            long best = Long.MIN_VALUE;
            int arg = -1;
            for (int a = 0; a < axis; a++) {
                if (mask[idx[a]] != 0) {
                    long xs = Goldilocks.toSigned(xv[idx[a]]);
                    if (xs > best) {
                        best = xs;
                        arg = a;
                    }
                }
            }
            long s = 0;
            for (int a = 0; a < axis; a++) {
                int i = idx[a];
                long gap = 0;
                if (mask[i] != 0) {
                    gap = best - Goldilocks.toSigned(xv[i]);
                    if (gap >= limit) {
                        throw new IllegalStateException("Softmax layer: input " + w.circuit().tensor(l.x()).name()
                                + " differs by " + gap + " along the axis at padded index " + i + ", beyond "
                                + l.bits() + "-bit inputs");
                    }
                }
                g[i] = gap;
                e[i] = l.expOfGap(gap);
                sel[i] = a == arg ? 1 : 0;
                if (mask[i] != 0) {
                    s += e[i];
                }
            }
            mx[r] = Goldilocks.fromSigned(best);
            sm[r] = s;
            for (int a = 0; a < axis; a++) {
                int i = idx[a];
                if (mask[i] == 0) {
                    continue; // padding axis position: y = u = v = 0 (the relation's P constraints)
                }
                long q = (e[i] * outMax + s / 2) / s;
                long uu = 2 * e[i] * outMax + s - 2 * q * s;
                yv[i] = q;
                u[i] = uu;
                v[i] = 2 * s - 1 - uu;
            }
        }
        if (w.has(l.y()) && !Arrays.equals(w.get(l.y()), yv)) {
            throw new IllegalStateException("Softmax layer: the given values of " + w.circuit().tensor(l.y()).name()
                    + " are not the softmax of " + w.circuit().tensor(l.x()).name());
        }
        w.put(l.y(), yv);
        w.put(l.gap(), g);
        w.put(l.exp(), e);
        w.put(l.selector(), sel);
        w.put(l.max(), mx);
        w.put(l.sum(), sm);
        split(u, l.remainderLimbs(), w);
        split(v, l.boundLimbs(), w);
    }

    private static void split(long[] v, int[] limbs, WitnessValues w) {
        for (int j = 0; j < limbs.length; j++) {
            long[] t = new long[v.length];
            for (int i = 0; i < v.length; i++) {
                t[i] = (v[i] >>> (8 * j)) & 0xFF;
            }
            w.put(limbs[j], t);
        }
    }

    /** Σ_j limb_j·2^(8j) as a table. */
    private static long[] recombine(int[] limbs, ProverContext ctx, int size) {
        long[] out = new long[size];
        for (int j = limbs.length - 1; j >= 0; j--) {
            long[] v = ctx.values(limbs[j]);
            for (int i = 0; i < size; i++) {
                out[i] = Goldilocks.add(Goldilocks.mul(out[i], 256), v[i]);
            }
        }
        return out;
    }

    /** A reduced-layout table broadcast along the (padded) axis. */
    private static long[] broadcast(long[] row, int off, int av, int size) {
        long lowMask = (1L << off) - 1;
        long[] out = new long[size];
        for (int i = 0; i < size; i++) {
            out[i] = row[(int) ((i & lowMask) | ((long) (i >>> (off + av)) << off))];
        }
        return out;
    }

    private static long[] broadcastExt(long[] row, int off, int av, int size) {
        long lowMask = (1L << off) - 1;
        long[] out = new long[3 * size];
        for (int i = 0; i < size; i++) {
            int r = (int) ((i & lowMask) | ((long) (i >>> (off + av)) << off));
            System.arraycopy(row, 3 * r, out, 3 * i, 3);
        }
        return out;
    }

    @Override
    public void prove(SoftmaxLayer l, Claim[] outputClaims, ProverContext ctx) {
        Transcript t = ctx.transcript();
        t.domain(SoftmaxLayer.DOMAIN);
        TensorLayout layout = ctx.circuit().tensor(l.x()).layout();
        int n = layout.numVars();
        int size = layout.paddedSize();
        int off = l.axisVarOffset(layout), av = l.axisVars(layout);
        Ext3[] tau = new Ext3[n];
        for (int i = 0; i < n; i++) {
            tau[i] = t.challengeExt("softmax/tau");
        }
        Ext3 beta = t.challengeExt("softmax/batch");
        Ext3[] bp = SoftmaxLayer.betaPowers(beta);
        Ext3 b2 = bp[2], b3 = bp[3], b4 = bp[4], b5 = bp[5];

        long[] axisMask = l.axisMaskTable(layout);
        long[] freeMask = new long[size];
        for (int i = 0; i < size; i++) {
            freeMask[i] = 1 - axisMask[i];
        }
        SumcheckInstance inst = new SumcheckInstance(n);
        int eq = inst.addTable(Mle.eqTable(tau));
        int eqRow = inst.addTable(broadcastExt(Mle.eqTable(l.dropAxis(layout, tau)), off, av, size));
        int ai = inst.addBaseTable(axisMask);
        int fi = inst.addBaseTable(freeMask);
        int d0 = inst.addBaseTable(l.axisFirstTable(layout));
        int xi = inst.addBaseTable(ctx.values(l.x()));
        int yi = inst.addBaseTable(ctx.values(l.y()));
        int gi = inst.addBaseTable(ctx.values(l.gap()));
        int ei = inst.addBaseTable(ctx.values(l.exp()));
        int si = inst.addBaseTable(ctx.values(l.selector()));
        int ui = inst.addBaseTable(recombine(l.remainderLimbs(), ctx, size));
        int vi = inst.addBaseTable(recombine(l.boundLimbs(), ctx, size));
        int mi = inst.addBaseTable(broadcast(ctx.values(l.max()), off, av, size));
        int smi = inst.addBaseTable(broadcast(ctx.values(l.sum()), off, av, size));
        // Z1 = A·(m − x − g)
        inst.addTerm(Ext3.ONE, eq, ai, mi);
        inst.addTerm(Ext3.ONE.neg(), eq, ai, xi);
        inst.addTerm(Ext3.ONE.neg(), eq, ai, gi);
        // β·Z2 = β·σ·g
        inst.addTerm(beta, eq, si, gi);
        // β²·Z3 = β²·A·(2·outMax·e + s − 2·y·s − u);  β³·Z4 = β³·A·(v − 2s + 1 + u)
        inst.addTerm(b2.mul(2L * l.outMax()), eq, ai, ei);
        inst.addTerm(b2.sub(b3.mul(2)), eq, ai, smi);
        inst.addTerm(b2.mul(2).neg(), eq, ai, yi, smi);
        inst.addTerm(b3.sub(b2), eq, ai, ui);
        inst.addTerm(b3, eq, ai, vi);
        inst.addTerm(b3, eq, ai);
        // padding axis positions: β⁶..β¹⁰ · (1 − A)·(g, σ, y, u, v)
        int[] padded = {gi, si, yi, ui, vi};
        for (int k = 0; k < padded.length; k++) {
            inst.addTerm(bp[6 + k], eq, fi, padded[k]);
        }
        // row sums: β⁴·(A·e − δ0·s) + β⁵·(A·σ − δ0), weighted by eq(τ_na, x_na)
        inst.addTerm(b4, eqRow, ai, ei);
        inst.addTerm(b4.neg(), eqRow, d0, smi);
        inst.addTerm(b5, eqRow, ai, si);
        inst.addTerm(b5.neg(), eqRow, d0);
        if (ctx.zeroKnowledge() && av == n) {
            throw new UnsupportedOperationException("zero-knowledge mode cannot mask one-element tensors (Softmax)");
        }
        ZkProving.Reduced red = ZkProving.zeroCheck(ctx, inst, () -> {
            int[] full = {xi, yi, gi, ei, si};
            int[] fullTensors = {l.x(), l.y(), l.gap(), l.exp(), l.selector()};
            for (int k = 0; k < full.length; k++) {
                ZkProving.maskTable(ctx, inst, full[k], fullTensors[k], Ext3.ONE);
            }
            ZkProving.maskCombined(ctx, inst, ui, l.remainderLimbs(), 256);
            ZkProving.maskCombined(ctx, inst, vi, l.boundLimbs(), 256);
            int rows = l.rowVars(layout);
            for (int[] tt : new int[][] {{mi, l.max()}, {smi, l.sum()}}) {
                dev.zkinfer.sumcheck.TensorMask m = ctx.tensorMask(tt[1]);
                if (m != null) {
                    inst.maskTable(tt[0], Ext3.ONE, m, Integer.numberOfTrailingZeros(rows), null, rows);
                }
            }
        }, () -> l.zeroKnowledgeDegrees(layout, tensor -> ctx.tensorMask(tensor) == null ? -1 : ctx.tensorMask(tensor).degree()),
                "Softmax");
        Ext3[] rho = red.point();
        Ext3[] te = red.finals();
        Ext3[] rhoRow = l.dropAxis(layout, rho);

        int[] ops = l.operands();
        int lc = l.remainderLimbs().length;
        Ext3[] ev = new Ext3[ops.length];
        ev[0] = te[xi];
        ev[1] = te[yi];
        ev[2] = te[gi];
        ev[3] = te[ei];
        ev[4] = te[si];
        for (int i = 5; i < 5 + 2 * lc; i++) {
            ev[i] = EqTables.evaluate(ctx.backend(), ctx.values(ops[i]), rho);
            if (ctx.zeroKnowledge()) {
                ev[i] = ZkProving.masked(ctx, ops[i], ev[i], rho);
            }
        }
        ev[5 + 2 * lc] = te[mi];
        ev[6 + 2 * lc] = te[smi];
        long[] raw = new long[3 * ops.length];
        for (int i = 0; i < ops.length; i++) {
            Ext3.set(raw, i, ev[i]);
            ctx.proof().ext(ev[i]);
        }
        t.absorbExts("softmax/evals", raw, 0, ops.length);
        for (int i = 0; i < ops.length; i++) {
            ctx.claim(ops[i], i < ops.length - 2 ? rho : rhoRow, ev[i]);
        }
    }
}
