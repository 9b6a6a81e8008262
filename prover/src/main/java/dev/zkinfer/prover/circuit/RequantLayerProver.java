package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.RequantLayer;
import dev.zkinfer.circuit.RequantZeroChecks;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.sumcheck.BatchedRounds;
import dev.zkinfer.prover.sumcheck.EqLinearRounds;
import dev.zkinfer.prover.sumcheck.SumcheckInstance;
import dev.zkinfer.prover.sumcheck.SumcheckProver;
import dev.zkinfer.transcript.Transcript;
import java.util.Arrays;

/**
 * Prover of {@link RequantLayer}: witness (y, remainder limbs, excess or overflow limbs) and the zero-check sub-proof.
 *
 * <p>Stateless: thread-safe.
 */
public final class RequantLayerProver implements LayerProver<RequantLayer> {
    @Override
    public void computeWitness(RequantLayer l, WitnessValues w) {
        TensorLayout layout = w.circuit().tensor(l.y()).layout();
        long[] xv = w.get(l.x());
        long[] kt = l.multiplierTable(layout);
        int size = xv.length;
        int s = l.commonShift();
        int d = l.overflowBits();
        int lw = l.limbWidth();
        long half = 1L << (s - 1);
        long lo = l.lo(), hi = l.hi();
        long xBound = l.inputBound();
        long eBound = l.excessBound();
        int[] rl = l.remainderLimbs(), dpl = l.overflowUpLimbs(), dnl = l.overflowDownLimbs();
        long[] yv = new long[size];
        long[] ev = l.tableClamp() ? new long[size] : null;
        long[][] r = new long[rl.length][size];
        long[][] dp = new long[dpl.length][size];
        long[][] dn = new long[dnl.length][size];
        for (int i = 0; i < size; i++) {
            long xs = Goldilocks.toSigned(xv[i]);
            if (Math.abs(xs) > xBound) {
                throw new IllegalStateException("Requant layer: input " + w.circuit().tensor(l.x()).name()
                        + " entry at padded index " + i + " = " + xs + " exceeds the compiled bound " + xBound);
            }
            long kc = Goldilocks.toSigned(kt[i]);
            // 128-bit L = xs·kc + 2^(S−1); q = L >> S (arithmetic), rem = L mod 2^S
            long pl = xs * kc;
            long ph = Math.multiplyHigh(xs, kc);
            long sl = pl + half;
            if (Long.compareUnsigned(sl, pl) < 0) {
                ph++;
            }
            long q = (ph << (64 - s)) | (sl >>> s);
            long rem = sl & ((1L << s) - 1);
            long yq = Math.max(lo, Math.min(hi, q));
            long excess = q - yq;
            if (ev != null ? Math.abs(excess) > eBound : Math.abs(excess) >= 1L << d) {
                throw new IllegalStateException("Requant layer: quotient " + q + " at padded index " + i
                        + " is further than " + (ev != null ? eBound : "2^" + d) + " from the clamp range [" + lo + ", "
                        + hi + "] (the excess the layer's bounds allow)");
            }
            yv[i] = Goldilocks.fromSigned(yq);
            split(rem, r, i, lw);
            if (ev != null) {
                ev[i] = Goldilocks.fromSigned(excess);
            } else {
                split(Math.max(excess, 0), dp, i, lw);
                split(Math.max(-excess, 0), dn, i, lw);
            }
        }
        if (w.has(l.y()) && !Arrays.equals(w.get(l.y()), yv)) {
            throw new IllegalStateException("Requant layer: the given values of " + w.circuit().tensor(l.y()).name()
                    + " differ from the requantization of " + w.circuit().tensor(l.x()).name());
        }
        w.put(l.y(), yv);
        if (ev != null) {
            w.put(l.excess(), ev);
        }
        putAll(w, rl, r);
        putAll(w, dpl, dp);
        putAll(w, dnl, dn);
    }

    private static void putAll(WitnessValues w, int[] ids, long[][] values) {
        for (int j = 0; j < ids.length; j++) {
            w.put(ids[j], values[j]);
        }
    }

    private static void split(long v, long[][] limbs, int i, int lw) {
        long mask = (1L << lw) - 1;
        for (int j = 0; j < limbs.length; j++) {
            limbs[j][i] = (v >>> (lw * j)) & mask;
        }
    }

    /** Σ_j limb_j·2^(wj) as a table. */
    private static long[] recombine(int[] limbs, int lw, ProverContext ctx, int size) {
        long[] out = new long[size];
        for (int j = limbs.length - 1; j >= 0; j--) {
            long[] v = ctx.values(limbs[j]);
            for (int i = 0; i < size; i++) {
                out[i] = Goldilocks.add(Goldilocks.mul(out[i], 1L << lw), v[i]);
            }
        }
        return out;
    }

    @Override
    public void prove(RequantLayer l, Claim[] outputClaims, ProverContext ctx) {
        if (l.derivedExcess()) {
            proveDerived(l, outputClaims[0], ctx);
            return;
        }
        Transcript t = ctx.transcript();
        t.domain(RequantLayer.DOMAIN);
        TensorLayout layout = ctx.circuit().tensor(l.y()).layout();
        int n = layout.numVars();
        int size = layout.paddedSize();
        Ext3[] tau = new Ext3[n];
        for (int i = 0; i < n; i++) {
            tau[i] = t.challengeExt("requant/tau");
        }
        Ext3 c0 = t.challengeExt("requant/batch");
        Ext3 c1 = t.challengeExt("requant/batch");
        Ext3 c2 = t.challengeExt("requant/batch");
        SumcheckInstance inst = new SumcheckInstance(n);
        int eq = inst.addTable(EqTables.eq(ctx.backend(), tau));
        ZeroCheckTables tb = addZeroCheck(l, ctx, inst, eq, c0, c1, c2, true);
        int xi = tb.x(), yi = tb.y(), ri = tb.r();
        int lw = l.limbWidth();
        ZkProving.Reduced red = ZkProving.zeroCheck(ctx, inst, () -> {
            ZkProving.maskTable(ctx, inst, xi, l.x(), Ext3.ONE);
            ZkProving.maskTable(ctx, inst, yi, l.y(), Ext3.ONE);
            ZkProving.maskCombined(ctx, inst, ri, l.remainderLimbs(), 1L << lw);
            if (l.tableClamp()) {
                ZkProving.maskTable(ctx, inst, tb.excess(), l.excess(), Ext3.ONE);
            } else {
                ZkProving.maskCombined(ctx, inst, tb.dp(), l.overflowUpLimbs(), 1L << lw);
                ZkProving.maskCombined(ctx, inst, tb.dn(), l.overflowDownLimbs(), 1L << lw);
            }
        }, () -> dev.zkinfer.circuit.ZkSteps.lastRoundRaised(n, 3, l.zeroKnowledgeDegree(tensor -> ZkProving.factorDegree(ctx, tensor, n))),
                "Requant");
        Ext3[] finals = red.finals();
        sendOperandEvaluations(l, ctx, red.point(), finals[xi], finals[yi]);
    }

    /** The bounds of one instance of the batched zero-check: the native kernels' (NativeKernels.MAX_TABLES, MAX_TERMS). */
    private static final int MAX_BATCH_TABLES = 16, MAX_BATCH_TERMS = 32;

    /** The tables and terms {@link #addZeroCheck} adds for a layer. */
    static int[] zeroCheckShape(RequantLayer l, boolean kTable) {
        int k = kTable || l.alignedMultipliers().length > 1 ? 1 : 0;
        return l.tableClamp() ? new int[] {4 + k, 5} : new int[] {5 + k, 8};
    }

    /** Where {@link #addZeroCheck} put a layer's tables in the instance (−1: not there). */
    record ZeroCheckTables(int x, int y, int r, int excess, int dp, int dn) {}

    /**
     * Adds one layer's zero-check to {@code inst}: the terms of eq·[c0·(x·K + 2^(S−1) − q·2^S − r) + c1·dp·(hi − y)
     * + c2·dn·(y − lo)] (RequantLayer#summand; c1, c2 with the limb clamp only) over the table {@code eq} and the
     * layer's own tables, which it adds (x, y and the excess as the witness's arrays, r, dp and dn recombined from
     * their limbs). K is a table when {@code kTable} or when the layer has one multiplier per channel, else a factor
     * of the coefficients (the same polynomial, one factor fewer: a table clamp's terms then have degree 2). Used
     * by the per-layer zero-check and by the batched one ({@link #proveBatch}).
     */
    static ZeroCheckTables addZeroCheck(RequantLayer l, ProverContext ctx, SumcheckInstance inst, int eq, Ext3 c0, Ext3 c1,
            Ext3 c2, boolean kTable) {
        TensorLayout layout = ctx.circuit().tensor(l.y()).layout();
        int size = layout.paddedSize();
        long twoS = 1L << l.commonShift();
        int lw = l.limbWidth();
        long[] k = l.alignedMultipliers();
        int xi = inst.addBaseTable(ctx.values(l.x()));
        if (kTable || k.length > 1) {
            int ki = inst.addBaseTable(l.multiplierTable(layout));
            inst.addTerm(c0, eq, xi, ki);
        } else {
            inst.addTerm(c0.mul(k[0]), eq, xi);
        }
        int yi = inst.addBaseTable(ctx.values(l.y()));
        int ri = inst.addBaseTable(recombine(l.remainderLimbs(), lw, ctx, size));
        inst.addTerm(c0.mul(1L << (l.commonShift() - 1)), eq);
        inst.addTerm(c0.mul(twoS).neg(), eq, yi);
        inst.addTerm(c0.neg(), eq, ri);
        if (l.tableClamp()) {
            int ei = inst.addBaseTable(ctx.values(l.excess()));
            inst.addTerm(c0.mul(twoS).neg(), eq, ei);
            return new ZeroCheckTables(xi, yi, ri, ei, -1, -1);
        }
        long hi = Goldilocks.fromSigned(l.hi()), lo = Goldilocks.fromSigned(l.lo());
        int dpi = inst.addBaseTable(recombine(l.overflowUpLimbs(), lw, ctx, size));
        int dni = inst.addBaseTable(recombine(l.overflowDownLimbs(), lw, ctx, size));
        inst.addTerm(c0.mul(twoS).neg().add(c1.mul(hi)), eq, dpi);
        inst.addTerm(c0.mul(twoS).sub(c2.mul(lo)), eq, dni);
        inst.addTerm(c1.neg(), eq, dpi, yi);
        inst.addTerm(c2, eq, dni, yi);
        return new ZeroCheckTables(xi, yi, ri, -1, dpi, dni);
    }

    /**
     * The requantizations' batch (RequantZeroChecks) of the layers {@code batched} (indices in the layer loop's
     * order) as one sumcheck over L = max n_l variables, before the layer loop. A few zero-check layers of one size
     * share an instance and its eq table (τ's first n coordinates); the instances, and in zero-knowledge mode each
     * derived excess's own rounds ({@link #derivedPart}: eq(p_l, ·)·(x̂·K + 2^(S−1) − r̂ − 2^S·ŷ), coefficient γ^(3l),
     * its target term γ^(3l)·2^S·v_l and mask term through w), are the parts of a {@link BatchedRounds} (a part of n
     * variables summed in the first n rounds, then a constant), so that no table grows to 2^L and the prover's work is
     * at most the layers' own sumchecks'. Integrity mode: the plain sumcheck of degree 3; zero-knowledge mode: the
     * operands' tables masked and one masked sumcheck with one mask from the pool. Then each layer's operand
     * evaluations (masked in zero-knowledge mode) at ρ's first n_l coordinates, all sent and absorbed at once, and
     * the layers' claims, in order.
     */
    static void proveBatch(int[] batched, ProverContext ctx) {
        proveBatch(batched, new Claim[batched.length], ctx);
    }

    /**
     * As above; {@code excessClaims[j]} is the (merged) claim on the j-th layer's derived excess, null without one
     * (always in integrity mode, whose batch holds no derived excess).
     */
    static void proveBatch(int[] batched, Claim[] excessClaims, ProverContext ctx) {
        if (batched.length == 0) {
            return;
        }
        Circuit circuit = ctx.circuit();
        boolean zk = ctx.zeroKnowledge();
        int numVars = RequantZeroChecks.numVars(circuit, batched);
        for (int j = 0; j < batched.length; j++) {
            RequantLayer l = (RequantLayer) circuit.layers().get(batched[j]);
            if (zk && RequantZeroChecks.numVars(circuit, l) == 0) {
                throw new UnsupportedOperationException("zero-knowledge mode cannot mask one-element tensors (Requant)");
            }
            if (l.derivedExcess() && (!zk || excessClaims[j] == null)) {
                throw new IllegalStateException("Requant layer: a derived excess in the batch needs zero-knowledge mode and the claim"
                        + " the clamp lookup makes");
            }
        }
        int[] degrees = zk ? RequantZeroChecks.zeroKnowledgeDegrees(circuit, batched, t -> {
            dev.zkinfer.sumcheck.TensorMask m = ctx.tensorMask(t);
            return m == null ? -1 : m.degree();
        }) : null;
        RequantZeroChecks.Challenges ch = RequantZeroChecks.challenges(ctx.transcript(), numVars);
        Ext3[][] c = ch.coefficients(batched.length);
        // Layers of one size share an instance and its eq table (τ's first n coordinates) up to the native kernels'
        // bounds (16 tables, 32 terms): a few layers per instance keep the kernels' per-pair working set small (one
        // instance of hundreds of tables made the round sums slower than the layers' own sumchecks) and native.
        java.util.Map<Integer, SumcheckInstance> open = new java.util.HashMap<>();
        java.util.Map<Integer, Integer> openPart = new java.util.HashMap<>();
        java.util.Map<Integer, long[]> eqTables = new java.util.HashMap<>();
        java.util.List<SumcheckInstance> instances = new java.util.ArrayList<>();
        java.util.List<BatchedRounds.Part> parts = new java.util.ArrayList<>();
        java.util.List<Ext3> coefficients = new java.util.ArrayList<>();
        java.util.List<Ext3> sums = new java.util.ArrayList<>();
        java.util.List<ZkProving.Term> terms = new java.util.ArrayList<>();
        Ext3 target = Ext3.ZERO;
        ZeroCheckTables[] tables = new ZeroCheckTables[batched.length];
        DerivedPart[] derived = new DerivedPart[batched.length];
        int[] part = new int[batched.length];
        for (int j = 0; j < batched.length; j++) {
            RequantLayer l = (RequantLayer) circuit.layers().get(batched[j]);
            int n = RequantZeroChecks.numVars(circuit, l);
            if (l.derivedExcess()) {
                Claim claim = excessClaims[j];
                Ext3 coefficient = c[j][0].mul(1L << l.commonShift());
                target = target.add(coefficient.mul(claim.value()));
                if (ctx.tensorMask(l.excess()) != null) {
                    terms.add(new ZkProving.Term(l.excess(), ctx.tensorMask(l.excess()), coefficient, claim.point()));
                }
                derived[j] = derivedPart(l, claim.point(), ctx);
                part[j] = parts.size();
                parts.add(derived[j].rounds());
                coefficients.add(c[j][0]);
                instances.add(null);
                sums.add(derived[j].sum());
                continue;
            }
            int[] need = zeroCheckShape(l, false);
            SumcheckInstance inst = open.get(n);
            if (inst == null || inst.numTables() + need[0] > MAX_BATCH_TABLES || inst.numTerms() + need[1] > MAX_BATCH_TERMS) {
                inst = new SumcheckInstance(n);
                long[] eq = eqTables.computeIfAbsent(n, v -> EqTables.eq(ctx.backend(), Arrays.copyOf(ch.tau(), v)));
                inst.addTable(open.containsKey(n) ? eq.clone() : eq);
                open.put(n, inst);
                openPart.put(n, parts.size());
                parts.add(null);
                coefficients.add(Ext3.ONE);
                sums.add(Ext3.ZERO);
                instances.add(inst);
            }
            part[j] = openPart.get(n);
            int t0 = inst.numTables(), m0 = inst.numTerms();
            ZeroCheckTables tb = addZeroCheck(l, ctx, inst, 0, c[j][0], c[j][1], c[j][2], false);
            if (inst.numTables() - t0 != need[0] || inst.numTerms() - m0 != need[1]) {
                throw new IllegalStateException("Requant layer: zeroCheckShape disagrees with addZeroCheck");
            }
            tables[j] = tb;
            if (zk) {
                // the operands' masks (docs/zero-knowledge.md §3.2): recombined limbs carry their limbs' masks combined
                int lw = l.limbWidth();
                ZkProving.maskTable(ctx, inst, tb.x(), l.x(), Ext3.ONE);
                ZkProving.maskTable(ctx, inst, tb.y(), l.y(), Ext3.ONE);
                ZkProving.maskCombined(ctx, inst, tb.r(), l.remainderLimbs(), 1L << lw);
                if (l.tableClamp()) {
                    ZkProving.maskTable(ctx, inst, tb.excess(), l.excess(), Ext3.ONE);
                } else {
                    ZkProving.maskCombined(ctx, inst, tb.dp(), l.overflowUpLimbs(), 1L << lw);
                    ZkProving.maskCombined(ctx, inst, tb.dn(), l.overflowDownLimbs(), 1L << lw);
                }
            }
        }
        eqTables.clear();
        for (int p = 0; p < parts.size(); p++) {
            if (instances.get(p) != null) {
                parts.set(p, BatchedRounds.part(ctx.backend(), instances.get(p)));
            }
        }
        instances.clear();
        BatchedRounds rounds = new BatchedRounds(numVars, parts.toArray(new BatchedRounds.Part[0]), coefficients.toArray(new Ext3[0]),
                sums.toArray(new Ext3[0]));
        parts.clear();
        Ext3[] rho = zk ? ZkProving.sumcheck(ctx, rounds, target, terms, degrees).point()
                : SumcheckProver.prove(numVars, 3, Ext3.ZERO, rounds, ctx.proof(), ctx.transcript());
        int total = RequantZeroChecks.evaluationCount(circuit, batched);
        long[] raw = new long[3 * total];
        Ext3[][] evals = new Ext3[batched.length][];
        java.util.Map<Integer, Ext3[]> finals = new java.util.HashMap<>();
        int at = 0;
        for (int j = 0; j < batched.length; j++) {
            RequantLayer l = (RequantLayer) circuit.layers().get(batched[j]);
            Ext3[] pt = Arrays.copyOf(rho, RequantZeroChecks.numVars(circuit, l));
            int[] ops = l.operands();
            Ext3[] ev = new Ext3[ops.length];
            if (derived[j] != null) {
                ev[0] = derived[j].x();
                ev[1] = derived[j].y(pt);
            } else {
                Ext3[] f = finals.computeIfAbsent(part[j], rounds::finals);
                ev[0] = f[tables[j].x()];
                ev[1] = f[tables[j].y()];
            }
            for (int i = 2; i < ops.length; i++) {
                ev[i] = EqTables.evaluate(ctx.backend(), ctx.values(ops[i]), pt);
                if (zk) {
                    ev[i] = ZkProving.masked(ctx, ops[i], ev[i], pt);
                }
            }
            evals[j] = ev;
            for (Ext3 e : ev) {
                Ext3.set(raw, at++, e);
                ctx.proof().ext(e);
            }
        }
        ctx.transcript().absorbExts("requant/evals", raw, 0, total);
        for (int j = 0; j < batched.length; j++) {
            RequantLayer l = (RequantLayer) circuit.layers().get(batched[j]);
            Ext3[] pt = Arrays.copyOf(rho, RequantZeroChecks.numVars(circuit, l));
            int[] ops = l.operands();
            for (int i = 0; i < ops.length; i++) {
                ctx.claim(ops[i], pt, evals[j][i]);
            }
        }
    }

    /**
     * The derived excess (RequantLayer "Derived excess"): the claim ẽ(ρ₀) = v reduced by the sumcheck
     * of Σ eq(ρ₀, i)·(x_i·K_i + 2^(S−1) − r_i − 2^S·y_i) = 2^S·v to claims on x, y and the remainder limbs.
     */
    private static void proveDerived(RequantLayer l, Claim claim, ProverContext ctx) {
        if (claim == null) {
            throw new IllegalStateException("Requant layer: no claim on the derived excess (the clamp lookup makes one)");
        }
        Transcript t = ctx.transcript();
        t.domain(RequantLayer.DOMAIN);
        TensorLayout layout = ctx.circuit().tensor(l.y()).layout();
        if (!ctx.zeroKnowledge()) {
            transferDerived(l, claim, ctx, layout);
            return;
        }
        int n = layout.numVars();
        long twoS = 1L << l.commonShift();
        var terms = ctx.tensorMask(l.excess()) == null ? java.util.List.<ZkProving.Term>of()
                : java.util.List.of(new ZkProving.Term(l.excess(), ctx.tensorMask(l.excess()), Ext3.of(twoS), claim.point()));
        int[] degrees = l.derivedDegrees(tensor -> ZkProving.factorDegree(ctx, tensor, n), n);
        DerivedPart part = derivedPart(l, claim.point(), ctx);
        var res = ZkProving.sumcheck(ctx, part.rounds(), claim.value().mul(twoS), terms, degrees);
        sendOperandEvaluations(l, ctx, res.point(), part.x(), part.y(res.point()));
    }

    /**
     * Zero-knowledge: the rounds of the derived excess's sumcheck of Σ_i eq(p, i)·(x̂_i·K_i + 2^(S−1) − r̂_i − 2^S·ŷ_i)
     * over the masked operands, and where x̂ and ŷ are found at its end ({@link #x}, {@link #y}).
     */
    record DerivedPart(dev.zkinfer.prover.sumcheck.BatchedRounds.Part rounds, Ext3 sum, int xTable, int yTable, long[] yValues,
            ProverContext ctx, int yTensor) {
        Ext3 x() {
            return rounds.finals()[xTable];
        }

        /** ŷ(ρ): a final table value, or evaluated (masked) when y is folded into another table. */
        Ext3 y(Ext3[] rho) {
            return yTable >= 0 ? rounds.finals()[yTable] : ZkProving.masked(ctx, yTensor, EqTables.evaluate(ctx.backend(), yValues, rho), rho);
        }
    }

    private static DerivedPart derivedPart(RequantLayer l, Ext3[] point, ProverContext ctx) {
        TensorLayout layout = ctx.circuit().tensor(l.y()).layout();
        int n = layout.numVars();
        int size = layout.paddedSize();
        long twoS = 1L << l.commonShift();
        long[] k = l.alignedMultipliers();
        if (k.length == 1 && n >= 2) {
            // one multiplier: eq(p, ·)·(K·x̂ + 2^(S−1) − 2^S·ŷ − r̂) is eq times a linear form, the rounds of
            // EqLinearRounds (split eq, no eq table, no column folded); the same messages as the instance below
            EqLinearRounds rounds = new EqLinearRounds(ctx.backend().sumcheck(), point, Ext3.of(1L << (l.commonShift() - 1)),
                    java.util.List.of(new EqLinearRounds.Column(ctx.values(l.x()), true, Ext3.of(k[0]), ctx.tensorMask(l.x())),
                            new EqLinearRounds.Column(ctx.values(l.y()), true, Ext3.of(Goldilocks.neg(twoS)), ctx.tensorMask(l.y())),
                            new EqLinearRounds.Column(recombine(l.remainderLimbs(), l.limbWidth(), ctx, size), true, Ext3.of(Goldilocks.neg(1)),
                                    ZkProving.combinedMask(ctx, l.remainderLimbs(), 1L << l.limbWidth()))),
                    new EqLinearRounds.PointTables(p -> EqTables.eq(ctx.backend(), p)));
            return new DerivedPart(rounds, rounds.sum(), 0, 1, null, ctx, l.y());
        }
        // K per channel: eq·x̂·K plus eq times one table L = 2^(S−1) − 2^S·y − r (base field) whose mask is y's and
        // r's combined with the same weights: the same polynomial as the terms eq·2^(S−1), −2^S·eq·ŷ, −eq·r̂ (the
        // messages are its values), on four tables and two terms instead of five and four; ŷ(ρ) is evaluated after
        SumcheckInstance inst = new SumcheckInstance(n);
        int eq = inst.addTable(EqTables.eq(ctx.backend(), point));
        long[] xv = ctx.values(l.x());
        long[] kv = l.multiplierTable(layout);
        int xi = inst.addBaseTable(xv);
        int ki = inst.addBaseTable(kv);
        long[] y = ctx.values(l.y());
        long[] lin = recombine(l.remainderLimbs(), l.limbWidth(), ctx, size);
        long half = 1L << (l.commonShift() - 1);
        for (int i = 0; i < size; i++) {
            lin[i] = Goldilocks.sub(Goldilocks.sub(half, Goldilocks.mul(twoS, y[i])), lin[i]);
        }
        int li = inst.addBaseTable(lin);
        inst.addTerm(Ext3.ONE, eq, xi, ki);
        inst.addTerm(Ext3.ONE, eq, li);
        // zero knowledge: masked operands (docs/zero-knowledge.md §3.8)
        ZkProving.maskTable(ctx, inst, xi, l.x(), Ext3.ONE);
        dev.zkinfer.sumcheck.TensorMask ml = dev.zkinfer.sumcheck.TensorMask.combine(new dev.zkinfer.sumcheck.TensorMask[] {ctx.tensorMask(l.y()),
                ZkProving.combinedMask(ctx, l.remainderLimbs(), 1L << l.limbWidth())}, new long[] {Goldilocks.neg(twoS), Goldilocks.neg(1)});
        if (ml != null) {
            inst.maskTable(li, Ext3.ONE, ml, 0, null);
        }
        // its sum Σ_i eq(p, i)·(x_i·K_i + L_i) (the masks vanish on the cube), computed before any round folds a table
        long[] summand = new long[size];
        for (int i = 0; i < size; i++) {
            summand[i] = Goldilocks.add(Goldilocks.mul(kv[i], xv[i]), lin[i]);
        }
        Ext3 sum = EqTables.evaluate(ctx.backend(), summand, point);
        return new DerivedPart(dev.zkinfer.prover.sumcheck.BatchedRounds.part(ctx.backend(), inst), sum, xi, -1, y, ctx, l.y());
    }

    /**
     * Integrity mode: the derived excess's claim ẽ(ρ₀) = v moved to x, y and the remainder limbs
     * (RequantLayer.verifyDerivedTransfer): with one multiplier their values at ρ₀ (no sumcheck);
     * with one per channel y and the limbs at ρ₀, the degree-2 sumcheck over the channel variables of
     * Σ_c eq(ρ₀_c, c)·K_c·x̃(c, ρ₀_rest), and x̃ at ρ₀ with the channel variables bound by it.
     */
    private static void transferDerived(RequantLayer l, Claim claim, ProverContext ctx, TensorLayout layout) {
        Ext3[] p0 = claim.point();
        int[] ops = l.operands();
        long[] k = l.alignedMultipliers();
        if (k.length == 1) {
            Ext3[] ev = new Ext3[ops.length];
            for (int i = 0; i < ops.length; i++) {
                ev[i] = EqTables.evaluate(ctx.backend(), ctx.values(ops[i]), p0);
            }
            ctx.sendEvaluations("requant/evals", ops, ev, p0);
            return;
        }
        int[] rest = Arrays.copyOfRange(ops, 1, ops.length);
        Ext3[] ev = new Ext3[ops.length];
        ev[0] = Ext3.ZERO;
        for (int i = 1; i < ops.length; i++) {
            ev[i] = EqTables.evaluate(ctx.backend(), ctx.values(ops[i]), p0);
        }
        ctx.sendEvaluations("requant/evals", rest, Arrays.copyOfRange(ev, 1, ev.length), p0);
        Ext3 channelSum = claim.value().mul(1L << l.commonShift()).sub(l.derivedSummand(Ext3.ZERO, ev));
        int off = layout.varOffset(l.axis());
        int dv = layout.dimVars(l.axis());
        Ext3[] p0c = Arrays.copyOfRange(p0, off, off + dv);
        long[] w = Mle.eqTable(p0c);
        for (int c = 0; c < w.length / 3; c++) {
            long kc = c < k.length ? k[c] : 0;
            w[3 * c] = Goldilocks.mul(w[3 * c], kc);
            w[3 * c + 1] = Goldilocks.mul(w[3 * c + 1], kc);
            w[3 * c + 2] = Goldilocks.mul(w[3 * c + 2], kc);
        }
        SumcheckInstance inst = new SumcheckInstance(dv);
        int wi = inst.addTable(w);
        int xi = inst.addTable(channelSlices(ctx, ctx.values(l.x()), p0, off, dv));
        inst.addTerm(Ext3.ONE, wi, xi);
        SumcheckProver.Result res = new SumcheckProver(ctx.backend()).prove(inst, channelSum, ctx.proof(), ctx.transcript());
        Ext3[] pt = RequantLayer.channelPoint(p0, off, res.point());
        ctx.sendEvaluations("requant/x", new int[] {l.x()}, new Ext3[] {res.tableEvaluations()[xi]}, pt);
    }

    /**
     * x̃(c, ρ₀_rest) for every channel coordinate c of the dv variables from {@code off} (array
     * form): Σ_i eq(ρ₀_rest, rest(i))·x_i accumulated by the channel bits of i, in one pass.
     */
    private static long[] channelSlices(ProverContext ctx, long[] xv, Ext3[] p0, int off, int dv) {
        int n = p0.length;
        Ext3[] restPoint = new Ext3[n - dv];
        System.arraycopy(p0, 0, restPoint, 0, off);
        System.arraycopy(p0, off + dv, restPoint, off, n - off - dv);
        long[] eqRest = EqTables.eq(ctx.backend(), restPoint);
        long[] out = new long[3 << dv];
        int lowMask = (1 << off) - 1;
        int cMask = (1 << dv) - 1;
        for (int i = 0; i < xv.length; i++) {
            long v = xv[i];
            if (v == 0) {
                continue;
            }
            int c = (i >>> off) & cMask;
            int r = (i & lowMask) | ((i >>> (off + dv)) << off);
            out[3 * c] = Goldilocks.add(out[3 * c], Goldilocks.mul(eqRest[3 * r], v));
            out[3 * c + 1] = Goldilocks.add(out[3 * c + 1], Goldilocks.mul(eqRest[3 * r + 1], v));
            out[3 * c + 2] = Goldilocks.add(out[3 * c + 2], Goldilocks.mul(eqRest[3 * r + 2], v));
        }
        return out;
    }

    /**
     * The layer's closing message at the sumcheck's point ρ: x and y from the sumcheck's final table
     * values, every other operand (limbs, clamp) evaluated there (masked in zero-knowledge mode).
     */
    private static void sendOperandEvaluations(RequantLayer l, ProverContext ctx, Ext3[] rho, Ext3 x, Ext3 y) {
        int[] ops = l.operands();
        Ext3[] ev = new Ext3[ops.length];
        ev[0] = x;
        ev[1] = y;
        for (int i = 2; i < ops.length; i++) {
            ev[i] = EqTables.evaluate(ctx.backend(), ctx.values(ops[i]), rho);
            if (ctx.zeroKnowledge()) {
                ev[i] = ZkProving.masked(ctx, ops[i], ev[i], rho);
            }
        }
        ctx.sendEvaluations("requant/evals", ops, ev, rho);
    }
}
