package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.prover.concurrent.Cancellation;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.IndexMapLayer;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.sumcheck.SumcheckInstance;
import dev.zkinfer.prover.sumcheck.SumcheckProver;

/**
 * Prover of {@link IndexMapLayer}: P_k(r, ·) is built by scattering the eq table of r through
 * the map (O(|y|)), then one degree-2 sumcheck of x_k·P_k per input (in zero-knowledge mode one
 * masked sumcheck for all inputs, {@link #proveZeroKnowledge}); a claim transfer
 * ({@link IndexMapLayer#claimTransfer}, integrity mode) sends nothing.
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
        forEachSource(layer, c, (o, k, j) -> y[o] = xs[k][j]);
        w.put(layer.output(), y);
    }

    /**
     * {@link IndexMapLayer#forEachSource(Circuit, IndexMapLayer.Sink)} on the pool's threads, a batch row
     * per task, where the map is {@link IndexMapLayer#batchLocal} (rows write and read disjoint
     * elements: {@code sink} may write the output's and the input's entries of its row); else
     * on this thread. The elements of one row come in row-major order.
     */
    static void forEachSource(IndexMapLayer layer, Circuit c, IndexMapLayer.Sink sink) {
        dev.zkinfer.circuit.TensorLayout out = c.tensor(layer.output()).layout();
        if (!IndexMapLayer.batchLocal(layer.map()) || out.dim(0) == 1) {
            layer.forEachSource(c, sink);
            return;
        }
        dev.zkinfer.circuit.TensorLayout[] ins = layer.inputLayouts(c);
        Cancellation cancel = Cancellation.current();
        java.util.stream.IntStream.range(0, out.dim(0)).parallel().forEach(b -> {
            cancel.check();
            IndexMapLayer.forEachSource(layer.map(), ins, out, b, b + 1, sink);
        });
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
        int[] vm = ctx.zeroKnowledge() ? null : layer.claimTransfer(c);
        if (vm != null) {
            // ỹ(r) = s·x̃(π(r)) (the verifier's IndexMapLayer.claimTransfer): no message; s = 0 leaves no claim on x
            var scale = layer.transferScale(c, claim.point());
            if (!scale.isZero()) {
                ctx.claim(ins[0], IndexMapLayer.transferPoint(vm, claim.point()), IndexMapLayer.transferValue(claim.value(), scale));
            }
            return;
        }
        var t = ctx.transcript();
        var out = ctx.proof();
        t.domain(IndexMapLayer.DOMAIN);
        long[][] p = new long[n][];
        for (int k = 0; k < n; k++) {
            p[k] = new long[3 * c.tensor(ins[k]).layout().paddedSize()];
        }
        scatterEq(layer, c, EqTables.eq(ctx.backend(), claim.point()), p);
        if (ctx.zeroKnowledge()) {
            proveZeroKnowledge(layer, claim, p, ctx);
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

    /**
     * P_k[j] += eq(r, o) for every source (o → (k, j)). The eq table over the output (3·|y| longs: at
     * VGG-16's batch 64 an im2col output's is 1.6 GB) is referenced only here, so it is garbage before
     * the sumchecks allocate their folds.
     */
    private static void scatterEq(IndexMapLayer layer, Circuit c, long[] eqR, long[][] p) {
        forEachSource(layer, c, (o, k, j) -> {
            long[] pk = p[k];
            int a = 3 * j, b = 3 * o;
            pk[a] = Goldilocks.add(pk[a], eqR[b]);
            pk[a + 1] = Goldilocks.add(pk[a + 1], eqR[b + 1]);
            pk[a + 2] = Goldilocks.add(pk[a + 2], eqR[b + 2]);
        });
    }

    /**
     * Zero-knowledge mode (the verifier's {@code IndexMapLayer.verifyZeroKnowledge}): one masked
     * sumcheck over L = max_k n_k variables of Σ_k X̂_k·P_k, input k's table repeated along the
     * variables above its n_k (its mask on its own variables: {@code SumcheckInstance.maskTable}
     * with the bit set of the first n_k) and its wiring zero-extended; then X̂_k(ρ_{<n_k}) per input.
     */
    private static void proveZeroKnowledge(IndexMapLayer layer, Claim claim, long[][] p, ProverContext ctx) {
        Circuit c = ctx.circuit();
        int[] ins = layer.inputs();
        int n = ins.length;
        int[] vars = layer.inputVars(c);
        int sumVars = java.util.Arrays.stream(vars).max().getAsInt();
        SumcheckInstance inst = new SumcheckInstance(sumVars);
        int[] ix = new int[n];
        int[] deltas = new int[n];
        for (int k = 0; k < n; k++) {
            if (sumVars == 0 || (vars[k] == 0 && ctx.tensorMask(ins[k]) != null)) {
                throw new UnsupportedOperationException("zero-knowledge mode cannot mask the one-element tensor " + c.tensor(ins[k]).name());
            }
            ix[k] = inst.addBaseTable(repeated(ctx.values(ins[k]), sumVars));
            int ip = inst.addTable(vars[k] == sumVars ? p[k] : java.util.Arrays.copyOf(p[k], 3 << sumVars));
            inst.addTerm(Ext3.ONE, ix[k], ip);
            if (ctx.tensorMask(ins[k]) != null) {
                inst.maskTable(ix[k], Ext3.ONE, ctx.tensorMask(ins[k]), 0, null, (1 << vars[k]) - 1);
            }
            deltas[k] = ctx.tensorMask(ins[k]) == null ? -1 : ctx.tensorMask(ins[k]).degree();
            p[k] = null;
        }
        var res = ZkProving.sumcheck(ctx, inst, claim.value(), ZkProving.outputTerms(ctx, layer.output(), claim.point()),
                IndexMapLayer.zeroKnowledgeRoundDegrees(vars, sumVars, deltas));
        var t = ctx.transcript();
        Ext3[] xv = new Ext3[n];
        for (int k = 0; k < n; k++) {
            xv[k] = res.tableEvaluations()[ix[k]];
            ctx.proof().ext(xv[k]);
            t.absorbExt("index_map/input", xv[k]);
        }
        for (int k = 0; k < n; k++) {
            ctx.claim(ins[k], java.util.Arrays.copyOf(res.point(), vars[k]), xv[k]);
        }
    }

    /** The table of x over {@code vars} variables, x's own the first: x repeated 2^(vars − n_x) times (x itself when n_x = vars). */
    static long[] repeated(long[] x, int vars) {
        if (x.length == 1 << vars) {
            return x;
        }
        long[] out = new long[1 << vars];
        for (int i = 0; i < out.length; i += x.length) {
            System.arraycopy(x, 0, out, i, x.length);
        }
        return out;
    }
}
