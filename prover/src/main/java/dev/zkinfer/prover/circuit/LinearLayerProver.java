package dev.zkinfer.prover.circuit;

import dev.zkinfer.prover.concurrent.Cancellation;
import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.LinearLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.Validity;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.sumcheck.SumcheckInstance;
import dev.zkinfer.prover.sumcheck.SumcheckProver;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Prover of {@link LinearLayer}: Thaler's matmul sumcheck with tables A(k) = Σ_o eq(r_o,o)·W[o,k]
 * (O(|W|)) and B(k) = Σ_{b,p} eq((r_p,r_b),(p,b))·X[b,p,k] (O(|X|)); linear in the matrix sizes.
 *
 * <p>Stateless: thread-safe.
 */
public final class LinearLayerProver implements LayerProver<LinearLayer> {
    /**
     * Y over the whole padded domain by the relation: Y[b,o,p] = Σ_k W[o,k]·X[b,p,k] +
     * bias[o]·valid(b,p) (sums over the padded K and padded o as well).
     */
    @Override
    public void computeWitness(LinearLayer layer, WitnessValues w) {
        if (w.has(layer.y())) {
            return;
        }
        Circuit c = w.circuit();
        if (layer.transposed()) {
            computeWitnessTransposed(layer, w);
            return;
        }
        TensorLayout ly = c.tensor(layer.y()).layout();
        long[] xv = w.get(layer.x());
        long[] wv = w.get(layer.weight());
        long[] bv = layer.bias() >= 0 ? w.get(layer.bias()) : null;
        int pv = LinearLayer.positionVars(ly), ov = ly.dimVars(1);
        int kv = c.tensor(layer.weight()).layout().dimVars(1);
        int kPad = 1 << kv, oPad = 1 << ov, pPad = 1 << pv;
        int bPad = 1 << ly.dimVars(0);
        long[] valid = bv == null ? null : Validity.indicator(ly);
        long[] out = new long[ly.paddedSize()];
        int kReal = c.tensor(layer.weight()).layout().dim(1);
        int[] wi = smallInts(wv), xi = smallInts(xv);
        if (wi != null && xi != null && zeroBeyond(wv, oPad, kPad, kReal)
                && (double) maxAbs(wi) * maxAbs(xi) * kReal < Integer.MAX_VALUE) {
            // The common case (int8 weights and activations): exact int dot products over the
            // real K (the weights' padding is zero), in int vectors (no overflow: the bound above,
            // so any order of the additions gives the same sum), then one field conversion. Four
            // rows of X (positions) at a time share each load of a weight row: a deep layer's
            // weights (up to 512 x 4608) outgrow the caches.
            Cancellation cancel = Cancellation.current();
            int rows = bPad * pPad, block = rows % ROW_BLOCK == 0 ? ROW_BLOCK : 1;
            IntStream.range(0, rows / block).parallel().forEach(blk -> {
                cancel.check();
                int bp0 = blk * block;
                int[] acc = new int[ROW_BLOCK];
                for (int o = 0; o < oPad; o++) {
                    if (block == ROW_BLOCK) {
                        dot4(wi, o << kv, xi, bp0 << kv, kPad, kReal, acc);
                    } else {
                        acc[0] = dot(wi, o << kv, xi, bp0 << kv, kReal);
                    }
                    for (int q = 0; q < block; q++) {
                        int bp = bp0 + q, b = bp >>> pv, p = bp & (pPad - 1);
                        int yi = ((b << ov) | o) << pv | p;
                        long v = Goldilocks.fromSigned(acc[q]);
                        if (bv != null && valid[yi] != 0) {
                            v = Goldilocks.add(v, bv[o]);
                        }
                        out[yi] = v;
                    }
                }
            });
            w.put(layer.y(), out);
            return;
        }
        // index in X of (b,p,k): (b << pv | p) << kv | k ; in Y of (b,o,p): (b << ov | o) << pv | p
        Cancellation cancel = Cancellation.current();
        IntStream.range(0, bPad * pPad).parallel().forEach(bp -> {
            cancel.check();
            int b = bp >>> pv, p = bp & (pPad - 1);
            int xBase = bp << kv;
            for (int o = 0; o < oPad; o++) {
                int wBase = o << kv;
                long acc = 0;
                for (int k = 0; k < kPad; k++) {
                    long wk = wv[wBase + k];
                    if (wk != 0) {
                        acc = Goldilocks.add(acc, Goldilocks.mul(wk, xv[xBase + k]));
                    }
                }
                int yi = ((b << ov) | o) << pv | p;
                if (bv != null && valid[yi] != 0) {
                    acc = Goldilocks.add(acc, bv[o]);
                }
                out[yi] = acc;
            }
        });
        w.put(layer.y(), out);
    }

    /**
     * Y[b,o,p] = Σ_k Wᵀ[k,o]·X[b,p,k] + bias[o]·valid(b,p) for weights committed transposed: per row
     * of X, the weight rows k with X[b,p,k] ≠ 0 scaled and added (a one-hot X, as a token
     * embedding's, touches one weight row per position).
     */
    private static void computeWitnessTransposed(LinearLayer layer, WitnessValues w) {
        Circuit c = w.circuit();
        TensorLayout ly = c.tensor(layer.y()).layout();
        long[] xv = w.get(layer.x());
        long[] wv = w.get(layer.weight());
        long[] bv = layer.bias() >= 0 ? w.get(layer.bias()) : null;
        int pv = LinearLayer.positionVars(ly), ov = ly.dimVars(1);
        int kv = c.tensor(layer.weight()).layout().dimVars(0);
        int oPad = 1 << ov, pPad = 1 << pv, kPad = 1 << kv;
        int bPad = 1 << ly.dimVars(0);
        long[] valid = bv == null ? null : Validity.indicator(ly);
        long[] out = new long[ly.paddedSize()];
        Cancellation cancel = Cancellation.current();
        IntStream.range(0, bPad * pPad).parallel().forEach(bp -> {
            cancel.check();
            int b = bp >>> pv, p = bp & (pPad - 1);
            long[] acc = new long[oPad];
            for (int k = 0; k < kPad; k++) {
                long xk = xv[(bp << kv) | k];
                if (xk == 0) {
                    continue;
                }
                int base = k << ov;
                if (xk == 1) {
                    for (int o = 0; o < oPad; o++) {
                        acc[o] = Goldilocks.add(acc[o], wv[base + o]);
                    }
                } else {
                    for (int o = 0; o < oPad; o++) {
                        long wk = wv[base + o];
                        if (wk != 0) {
                            acc[o] = Goldilocks.add(acc[o], Goldilocks.mul(wk, xk));
                        }
                    }
                }
            }
            for (int o = 0; o < oPad; o++) {
                int yi = ((b << ov) | o) << pv | p;
                long v = acc[o];
                if (bv != null && valid[yi] != 0) {
                    v = Goldilocks.add(v, bv[o]);
                }
                out[yi] = v;
            }
        });
        w.put(layer.y(), out);
    }

    @Override
    public void prove(LinearLayer layer, Claim[] outputClaims, ProverContext ctx) {
        Claim claim = outputClaims[0];
        if (claim == null) {
            return;
        }
        Circuit c = ctx.circuit();
        TensorLayout ly = c.tensor(layer.y()).layout();
        Ext3[] r = claim.point();
        int pv = LinearLayer.positionVars(ly), ov = ly.dimVars(1);
        int kv = layer.kVars(c);
        if (ctx.zeroKnowledge()) {
            proveZeroKnowledge(layer, claim, kv, ctx);
            return;
        }
        var t = ctx.transcript();
        var out = ctx.proof();
        t.domain(LinearLayer.DOMAIN);
        Ext3[] ro = LinearLayer.outPoint(ly, r);
        Ext3 target = claim.value();
        Ext3 bEval = null;
        if (layer.bias() >= 0) {
            bEval = EqTables.evaluate(ctx.backend(), ctx.values(layer.bias()), ro);
            out.ext(bEval);
            t.absorbExt("linear/bias", bEval);
            target = target.sub(bEval.mul(Validity.validExcept(ly, r, 1)));
        }
        SumcheckInstance inst = matmulInstance(layer, r, pv, ov, kv, ctx);
        int ia = 0, ib = 1;
        SumcheckProver.Result res = new SumcheckProver(ctx.backend()).prove(inst, target, out, t);
        finish(layer, ly, r, ro, bEval, res.point(), res.tableEvaluations()[ia], res.tableEvaluations()[ib], ctx);
    }

    /** Sends W's and X's evaluations at the sumcheck's point ρ and records the claims (bias, W, X). */
    private static void finish(LinearLayer layer, TensorLayout ly, Ext3[] r, Ext3[] ro, Ext3 bEval, Ext3[] rho, Ext3 wEval,
            Ext3 xEval, ProverContext ctx) {
        ctx.proof().ext(wEval);
        ctx.transcript().absorbExt("linear/weight", wEval);
        ctx.proof().ext(xEval);
        ctx.transcript().absorbExt("linear/input", xEval);
        if (layer.bias() >= 0) {
            ctx.claim(layer.bias(), ro, bEval);
        }
        ctx.claim(layer.weight(), LinearLayer.weightPoint(ly, r, rho, layer.transposed()), wEval);
        ctx.claim(layer.x(), LinearLayer.inputPoint(ly, r, rho), xEval);
    }

    /** (r_p ‖ r_b): Y's point without its O coordinates. */
    private static Ext3[] positionBatchPoint(Ext3[] r, int pv, int ov) {
        Ext3[] rbp = new Ext3[r.length - ov];
        System.arraycopy(r, 0, rbp, 0, pv);
        System.arraycopy(r, pv + ov, rbp, pv, r.length - pv - ov);
        return rbp;
    }

    /**
     * Thaler's matmul instance over K's variables: table 0 is A(k) = Σ_o eq(r_o, o)·W[o,k] (O(|W|)),
     * table 1 is B(k) = Σ_{b,p} eq((r_p, r_b), (p, b))·X[b,p,k] (O(|X|)), one term A·B.
     */
    private static SumcheckInstance matmulInstance(LinearLayer layer, Ext3[] r, int pv, int ov, int kv, ProverContext ctx) {
        Ext3[] ro = Arrays.copyOfRange(r, pv, pv + ov);
        long[] a = layer.transposed()
                ? dev.zkinfer.prover.backend.ExtMath.rowSums(ctx.values(layer.weight()), EqTables.eq(ctx.backend(), ro), 1 << kv, 1 << ov)
                : weightedRowSum(EqTables.eq(ctx.backend(), ro), ctx.values(layer.weight()), 1 << ov, 1 << kv);
        Ext3[] rbp = positionBatchPoint(r, pv, ov);
        long[] b = weightedRowSum(EqTables.eq(ctx.backend(), rbp), ctx.values(layer.x()), 1 << rbp.length, 1 << kv);
        SumcheckInstance inst = new SumcheckInstance(kv);
        inst.addTable(a);
        inst.addTable(b);
        inst.addTerm(Ext3.ONE, 0, 1);
        return inst;
    }

    /** Zero-knowledge mode: the verifier's {@code LinearLayer.verifyZeroKnowledge}, step for step. */
    private void proveZeroKnowledge(LinearLayer layer, Claim claim, int kv, ProverContext ctx) {
        if (kv == 0) {
            throw new UnsupportedOperationException("zero-knowledge mode needs a Linear layer to sum over at least two elements");
        }
        if (layer.transposed()) {
            throw new UnsupportedOperationException("zero-knowledge mode does not support a Linear layer with transposed weights");
        }
        Circuit c = ctx.circuit();
        TensorLayout ly = c.tensor(layer.y()).layout();
        Ext3[] r = claim.point();
        int pv = LinearLayer.positionVars(ly), ov = ly.dimVars(1);
        var t = ctx.transcript();
        var out = ctx.proof();
        t.domain(LinearLayer.DOMAIN);
        Ext3[] ro = LinearLayer.outPoint(ly, r);
        Ext3 target = claim.value();
        java.util.List<ZkProving.Term> terms = new java.util.ArrayList<>();
        if (ctx.tensorMask(layer.y()) != null) {
            terms.add(new ZkProving.Term(layer.y(), ctx.tensorMask(layer.y()), Ext3.ONE, r));
        }
        Ext3 bEval = null;
        if (layer.bias() >= 0) {
            bEval = ZkProving.masked(ctx, layer.bias(), EqTables.evaluate(ctx.backend(), ctx.values(layer.bias()), ro), ro);
            out.ext(bEval);
            t.absorbExt("linear/bias", bEval);
            Ext3 valid = Validity.validExcept(ly, r, 1);
            target = target.sub(bEval.mul(valid));
            if (ctx.tensorMask(layer.bias()) != null) {
                terms.add(new ZkProving.Term(layer.bias(), ctx.tensorMask(layer.bias()), valid.neg(), ro));
            }
        }
        SumcheckInstance inst = matmulInstance(layer, r, pv, ov, kv, ctx);
        int ia = 0, ib = 1;
        ZkProving.maskTable(ctx, inst, ia, layer.weight(), dev.zkinfer.sumcheck.TensorMask.vanishing(ro));
        ZkProving.maskTable(ctx, inst, ib, layer.x(), dev.zkinfer.sumcheck.TensorMask.vanishing(positionBatchPoint(r, pv, ov)));
        int degree = Math.max(2, ZkProving.factorDegree(ctx, layer.weight(), kv) + ZkProving.factorDegree(ctx, layer.x(), kv));
        var res = ZkProving.sumcheck(ctx, inst, target, terms, dev.zkinfer.circuit.ZkSteps.lastRoundRaised(kv, 2, degree));
        finish(layer, ly, r, ro, bEval, res.point(), res.tableEvaluations()[ia], res.tableEvaluations()[ib], ctx);
    }

    /** Rows of X whose dot products with one weight row are taken together. */
    private static final int ROW_BLOCK = 4;

    /**
     * Whether the Vector API is there: a short run (a small key's {@code prove}) starts without
     * the incubator module, and then the scalar loops below compute the same sums.
     */
    private static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** Σ_{k &lt; n} a[aOff + k]·b[bOff + k] in ints (the caller rules out overflow). */
    static int dot(int[] a, int aOff, int[] b, int bOff, int n) {
        return VECTOR ? IntDotVector.dot(a, aOff, b, bOff, n) : dotScalar(a, aOff, b, bOff, n);
    }

    /**
     * out[q] = Σ_{k &lt; n} w[wOff + k]·x[xOff + q·stride + k] for q &lt; 4: one row of w against four rows
     * of x, each load of w shared (ints; the caller rules out overflow).
     */
    static void dot4(int[] w, int wOff, int[] x, int xOff, int stride, int n, int[] out) {
        if (VECTOR) {
            IntDotVector.dot4(w, wOff, x, xOff, stride, n, out);
        } else {
            dot4Scalar(w, wOff, x, xOff, stride, n, out);
        }
    }

    static int dotScalar(int[] a, int aOff, int[] b, int bOff, int n) {
        int r = 0;
        for (int k = 0; k < n; k++) {
            r += a[aOff + k] * b[bOff + k];
        }
        return r;
    }

    static void dot4Scalar(int[] w, int wOff, int[] x, int xOff, int stride, int n, int[] out) {
        for (int q = 0; q < 4; q++) {
            out[q] = dotScalar(w, wOff, x, xOff + q * stride, n);
        }
    }

    /** The field elements as signed ints when all of them are in [−2^15, 2^15], else null. */
    static int[] smallInts(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            long s = Goldilocks.toSigned(v[i]);
            if (s < -(1 << 15) || s > 1 << 15) {
                return null;
            }
            out[i] = (int) s;
        }
        return out;
    }

    static long maxAbs(int[] v) {
        long m = 0;
        for (int x : v) {
            m = Math.max(m, Math.abs((long) x));
        }
        return m;
    }

    /** Whether every row of a rows × cols matrix is zero at columns ≥ real. */
    static boolean zeroBeyond(long[] m, int rows, int cols, int real) {
        for (int r = 0; r < rows; r++) {
            for (int k = r * cols + real, end = (r + 1) * cols; k < end; k++) {
                if (m[k] != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** out(k) = Σ_row eq[row]·m[row·cols + k] (array form, length 3·cols); parallel over column blocks. */
    static long[] weightedRowSum(long[] eq, long[] m, int rows, int cols) {
        long[] out = new long[3 * cols];
        int block = Math.max(64, cols / (4 * Runtime.getRuntime().availableProcessors()));
        int blocks = (cols + block - 1) / block;
        Cancellation cancel = Cancellation.current();
        IntStream.range(0, blocks).parallel().forEach(bi -> {
            cancel.check();
            int from = bi * block, to = Math.min(cols, from + block);
            for (int row = 0; row < rows; row++) {
                long e0 = eq[3 * row], e1 = eq[3 * row + 1], e2 = eq[3 * row + 2];
                if ((e0 | e1 | e2) == 0) {
                    continue;
                }
                int base = row * cols;
                for (int k = from; k < to; k++) {
                    long v = m[base + k];
                    if (v == 0) {
                        continue;
                    }
                    int o = 3 * k;
                    out[o] = Goldilocks.add(out[o], Goldilocks.mul(e0, v));
                    out[o + 1] = Goldilocks.add(out[o + 1], Goldilocks.mul(e1, v));
                    out[o + 2] = Goldilocks.add(out[o + 2], Goldilocks.mul(e2, v));
                }
            }
        });
        return out;
    }

}
