package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.LookupSpec;
import dev.zkinfer.circuit.LookupTable;
import dev.zkinfer.circuit.ProofProtocol;
import dev.zkinfer.circuit.ZkLookups;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.lookup.Columns;
import dev.zkinfer.lookup.LogUpGkrVerifier;
import dev.zkinfer.lookup.SegmentShape;
import dev.zkinfer.lookup.ZkLeafLayout;
import dev.zkinfer.prover.lookup.LogUpGkrProver;
import dev.zkinfer.prover.lookup.LogUpSegment;
import dev.zkinfer.prover.lookup.LookupSegment;
import dev.zkinfer.prover.lookup.TableSegment;
import dev.zkinfer.prover.sumcheck.BatchedRounds;
import dev.zkinfer.prover.sumcheck.EqLinearRounds;
import dev.zkinfer.prover.sumcheck.SumcheckProver;
import dev.zkinfer.sumcheck.SumcheckMask;
import dev.zkinfer.sumcheck.TensorMask;
import dev.zkinfer.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The prover of the zero-knowledge lookup stage ({@link ZkLookups}, docs/zero-knowledge.md §3.6):
 * the masked fraction tree ({@link LogUpGkrProver#proveMaskedTree}), then the leaf sumcheck over
 * the segments, whose final values are the looked-up columns' and multiplicities' masked
 * extensions T̂ at a fresh point. Stateless.
 */
public final class ZkLookupProving {
    private ZkLookupProving() {}

    /**
     * Draws the lookup stage's own masks (the tree's half masks and the two mask segments; the
     * sumcheck masks come from {@link ProverContext#nextSumcheckMask}) from {@code random}, a
     * {@link java.security.SecureRandom} in a real proof. They must be committed before α is drawn.
     * Null when the circuit has no lookup.
     */
    public static LogUpGkrProver.TreeMasks drawMasks(Circuit circuit, RandomGenerator random) {
        List<SegmentShape> shapes = ProofProtocol.lookupShapes(circuit);
        if (ProofProtocol.lookupSpecs(circuit).isEmpty()) {
            return null;
        }
        int n = new ZkLeafLayout(shapes).logLeaves();
        TensorMask[][] halves = new TensorMask[n + 1][];
        for (int layer = 2; layer <= n; layer++) {
            halves[layer] = new TensorMask[4];
            for (int h = 0; h < 4; h++) {
                halves[layer][h] = new TensorMask(new Ext3[] {uniform(random)}, new Ext3[] {uniform(random)});
            }
        }
        int size = 1 << ZkLeafLayout.MASK_LOG_SIZE;
        long[][] segments = new long[2][6 * size];
        Ext3 sum = Ext3.ZERO;
        for (int side = 0; side < 2; side++) {
            for (int i = 0; i < size; i++) {
                Ext3 q = nonZero(random);
                Ext3 p = uniform(random);
                if (side == 1 && i == size - 1) {
                    p = sum.neg().mul(q); // the right segment's sum is the left one's negation
                }
                sum = sum.add(p.mul(q.inv()));
                Ext3.set(segments[side], i, p);
                Ext3.set(segments[side], size + i, q);
            }
        }
        return new LogUpGkrProver.TreeMasks(halves, segments);
    }

    /** Proves the lookup stage with the caller's α and β (drawn after the witness commitment). */
    public static void prove(ProverContext ctx, LogUpGkrProver.TreeMasks masks, Ext3 alpha, Ext3 beta) {
        prove(ctx, masks, alpha, beta, true);
    }

    /** As {@link #prove}; {@code checkStatement} false proves a false statement as computed (soundness tests only). */
    static void prove(ProverContext ctx, LogUpGkrProver.TreeMasks masks, Ext3 alpha, Ext3 beta, boolean checkStatement) {
        Circuit circuit = ctx.circuit();
        List<LookupSpec> specs = ProofProtocol.lookupSpecs(circuit);
        if (specs.isEmpty()) {
            return;
        }
        List<LookupTable> tables = new ArrayList<>(circuit.multiplicities().keySet());
        int[] multTensors = ProofProtocol.multiplicityTensors(circuit);
        List<LogUpSegment> segments = new ArrayList<>();
        for (LookupSpec spec : specs) {
            long[][] cols = new long[spec.columns().length][];
            for (int c = 0; c < cols.length; c++) {
                long off = Goldilocks.fromSigned(spec.offsets()[c]);
                long[] v = ctx.values(spec.columns()[c]);
                if (off != 0) {
                    v = v.clone();
                    for (int i = 0; i < v.length; i++) {
                        v[i] = Goldilocks.add(v[i], off);
                    }
                }
                cols[c] = v;
            }
            // one column combines to itself (β^0 = 1): the base-field segment has the same leaves
            // (as in integrity mode, CircuitProver), without a 3-long copy
            segments.add(cols.length == 1 ? LookupSegment.of(cols[0], tables.indexOf(spec.table()))
                    : LookupSegment.ofExt(Columns.combine(cols, beta), tables.indexOf(spec.table())));
        }
        long[][] tableRows = new long[tables.size()][];
        boolean[] baseRows = new boolean[tables.size()];
        for (int ti = 0; ti < tables.size(); ti++) {
            LookupTable table = tables.get(ti);
            long[][] cols = new long[table.columns()][];
            for (int c = 0; c < cols.length; c++) {
                cols[c] = table.column(c);
            }
            baseRows[ti] = cols.length == 1;
            if (baseRows[ti]) {
                // canonical, as Columns.combine's values are (column(c) is the caller's copy)
                for (int i = 0; i < cols[0].length; i++) {
                    cols[0][i] = Goldilocks.reduce(cols[0][i]);
                }
            }
            tableRows[ti] = baseRows[ti] ? cols[0] : Columns.combine(cols, beta);
            segments.add(baseRows[ti] ? TableSegment.of(tableRows[ti], ctx.values(multTensors[ti]), ti)
                    : TableSegment.ofExt(tableRows[ti], ctx.values(multTensors[ti]), ti));
        }
        ZkLeafLayout layout = new ZkLeafLayout(LogUpGkrProver.shapes(segments));
        Transcript t = ctx.transcript();
        LogUpGkrProver.ZkHooks hooks = new LogUpGkrProver.ZkHooks() {
            public SumcheckMask nextSumcheckMask(int[] degrees) {
                return ctx.nextSumcheckMask(degrees);
            }

            public void sumcheckMask(int[] degrees, Ext3[] point, Ext3 value) {
                ctx.sumcheckMaskClaim(degrees, point, value);
            }

            public void halfMask(int layer, int half, Ext3 x0, Ext3 w, Ext3 value) {
                ctx.logUpHalfMaskClaim(layer, half, x0, w, value);
            }
        };
        LogUpGkrProver gkr = new LogUpGkrProver(ctx.backend());
        LogUpGkrVerifier.MaskedLeafClaim leaf = checkStatement
                ? gkr.proveMaskedTree(segments, masks, alpha, hooks, ctx.proof(), t)
                : gkr.proveMaskedTreeInsecureUnchecked(segments, masks, alpha, hooks, ctx.proof(), t);
        int n = layout.logLeaves();

        // the leaf sumcheck: one part per segment, then the two mask segments
        Ext3[] r = leaf.point();
        Ext3 z = t.challengeExt(ZkLookups.LEAF_Z);
        Ext3 oneMinusZ = Ext3.ONE.sub(z);
        Ext3 target = oneMinusZ.mul(leaf.p()).add(z.mul(leaf.q())).sub(z.mul(Ext3.ONE.sub(layout.covered(r))));
        Ext3[] w = leaf.maskWeights();
        Ext3[] c = {oneMinusZ.mul(w[0]), oneMinusZ.mul(w[1]), z.mul(w[0]), z.mul(w[1])};
        Ext3[] x0 = {leaf.maskX0(), leaf.maskX0(), leaf.maskX0(), leaf.maskX0()};
        TensorMask[] leafHalves = masks.halves()[n];
        Ext3 fSum = target;
        for (int h = 0; h < 4; h++) {
            fSum = fSum.sub(c[h].mul(leafHalves[h].cubeSum(x0[h])));
        }
        int parts = segments.size() + 2;
        // each part is eq(r_<l, ·) times a linear form of its columns (EqLinearRounds: no eq table, no
        // per-column folds; its sum is the form's value at r_<l, and the columns' final values share
        // one eq table per segment size)
        EqLinearRounds.PointTables shared = new EqLinearRounds.PointTables(point -> EqTables.eq(ctx.backend(), point));
        EqLinearRounds[] inst = new EqLinearRounds[parts];
        Ext3[] coef = new Ext3[parts];
        Ext3[] sums = new Ext3[parts];
        for (int s = 0; s < segments.size(); s++) {
            SegmentShape shape = segments.get(s).shape();
            int l = shape.logSize();
            Ext3[] low = Arrays.copyOf(r, l);
            Ext3 shift = alpha.sub(leaf.gamma().mul(shape.tableId()));
            List<EqLinearRounds.Column> columns = new ArrayList<>();
            Ext3 constant;
            if (s < specs.size()) {
                LookupSpec spec = specs.get(s);
                constant = oneMinusZ.add(z.mul(shift));
                Ext3 power = Ext3.ONE;
                for (int col = 0; col < spec.columns().length; col++) {
                    int tensor = spec.columns()[col];
                    Ext3 off = Ext3.of(Goldilocks.fromSigned(spec.offsets()[col]));
                    constant = constant.sub(z.mul(power).mul(off));
                    columns.add(new EqLinearRounds.Column(ctx.values(tensor), true, z.mul(power).neg(), mask(ctx, tensor, l)));
                    power = power.mul(beta);
                }
            } else {
                int ti = s - specs.size();
                int tensor = multTensors[ti];
                constant = z.mul(shift);
                columns.add(new EqLinearRounds.Column(ctx.values(tensor), true, oneMinusZ.neg(), mask(ctx, tensor, l)));
                columns.add(new EqLinearRounds.Column(tableRows[ti], baseRows[ti], z.neg(), null));
            }
            inst[s] = new EqLinearRounds(ctx.backend().sumcheck(), low, constant, columns, shared);
            sums[s] = inst[s].sum();
            coef[s] = layout.selector(s, r);
        }
        int ml = ZkLeafLayout.MASK_LOG_SIZE;
        int size = 1 << ml;
        Ext3[] maskLow = Arrays.copyOf(r, ml);
        for (int side = 0; side < 2; side++) {
            int j = segments.size() + side;
            long[] block = masks.segments()[side];
            long[] p = Arrays.copyOfRange(block, 0, 3 * size), q = Arrays.copyOfRange(block, 3 * size, 6 * size);
            inst[j] = new EqLinearRounds(ctx.backend().sumcheck(), maskLow, Ext3.ZERO,
                    List.of(new EqLinearRounds.Column(p, false, oneMinusZ, null), new EqLinearRounds.Column(q, false, z, null)), shared);
            sums[j] = inst[j].sum();
            coef[j] = layout.maskSelector(side, r);
        }
        int vars = layout.leafVars();
        int[] degrees = ZkLookups.leafDegrees(circuit, tensor -> {
            TensorMask m = ctx.tensorMask(tensor);
            return m == null ? -1 : m.degree();
        });
        BatchedRounds rounds = new BatchedRounds(vars, inst, coef, sums);
        int[] all = dev.zkinfer.sumcheck.MaskedSumcheck.withWRound(degrees);
        SumcheckMask g = ctx.nextSumcheckMask(all);
        SumcheckProver.MaskedClaimsResult res = SumcheckProver.proveMaskedClaims(degrees, fSum, rounds, leafHalves, c, x0, g,
                ctx.proof(), t);
        Ext3[] full = new Ext3[vars + 1];
        full[0] = res.wChallenge();
        System.arraycopy(res.point(), 0, full, 1, vars);
        ctx.sumcheckMaskClaim(all, full, res.maskValue());
        for (int h = 0; h < 4; h++) {
            ctx.logUpHalfMaskClaim(n, h, leaf.maskX0(), res.wChallenge(), res.tensorMaskValues()[h]);
        }

        Ext3[] s = res.point();
        List<Ext3> sent = new ArrayList<>();
        for (int j = 0; j < segments.size(); j++) {
            Ext3[] low = Arrays.copyOf(s, segments.get(j).shape().logSize());
            int[] tensors = j < specs.size() ? specs.get(j).columns() : new int[] {multTensors[j - specs.size()]};
            // a table segment's rows are public (the verifier evaluates them): only the multiplicities' value
            Ext3[] finals = inst[j].finals(tensors.length);
            for (int k = 0; k < tensors.length; k++) {
                Ext3 v = finals[k]; // the columns in order: a lookup's columns, or the multiplicities first
                sent.add(v);
                ctx.claim(tensors[k], low, v);
            }
        }
        Ext3[] blockPoint = Arrays.copyOf(s, ml + 1);
        blockPoint[ml] = z;
        for (int side = 0; side < 2; side++) {
            Ext3[] finals = rounds.finals(segments.size() + side);
            Ext3 v = oneMinusZ.mul(finals[0]).add(z.mul(finals[1]));
            sent.add(v);
            ctx.logUpMaskSegmentClaim(side, blockPoint.clone(), v);
        }
        long[] arr = new long[3 * sent.size()];
        for (int i = 0; i < sent.size(); i++) {
            Ext3.set(arr, i, sent.get(i));
            ctx.proof().ext(sent.get(i));
        }
        t.absorbExts(ZkLookups.SEGMENTS, arr, 0, sent.size());
    }

    /** A tensor's mask (its x_0 is the segment's variable 0), or null; refuses a one-element masked tensor. */
    private static TensorMask mask(ProverContext ctx, int tensor, int vars) {
        TensorMask m = ctx.tensorMask(tensor);
        if (m != null && vars == 0) {
            throw new UnsupportedOperationException("zero-knowledge mode cannot mask the one-element tensor "
                    + ctx.circuit().tensor(tensor).name());
        }
        return m;
    }

    private static Ext3 uniform(RandomGenerator random) {
        return new Ext3(uniformBase(random), uniformBase(random), uniformBase(random));
    }

    private static Ext3 nonZero(RandomGenerator random) {
        while (true) {
            Ext3 v = uniform(random);
            if (!v.isZero()) {
                return v;
            }
        }
    }

    private static long uniformBase(RandomGenerator random) {
        while (true) {
            long x = random.nextLong();
            if (Long.compareUnsigned(x, Goldilocks.P) < 0) {
                return x;
            }
        }
    }
}
