package dev.zkinfer.circuit;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.lookup.Columns;
import dev.zkinfer.lookup.LogUpGkrVerifier;
import dev.zkinfer.lookup.SegmentKind;
import dev.zkinfer.lookup.SegmentShape;
import dev.zkinfer.lookup.ZkLeafLayout;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.poly.PrefixEqTables;
import dev.zkinfer.sumcheck.MaskedSumcheck;
import dev.zkinfer.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * The lookup stage of a zero-knowledge proof (docs/zero-knowledge.md §3.6): the zero-knowledge
 * variant of the integrity-mode lookup stage (LogUp-GKR over every lookup and table segment, then
 * the looked-up columns and the tables checked). It reveals only masked values: the fraction
 * tree through {@link LogUpGkrVerifier#verifyMaskedTree}, and the leaves through one batched masked
 * sumcheck over the segments (the leaf sumcheck below), whose final values are the looked-up
 * columns' and multiplicities' masked extensions T̂ at a fresh point, the public tables'
 * evaluations (computed here) and one evaluation of each committed mask segment.
 *
 * <h2>Leaf sumcheck</h2>
 *
 * The tree ends in masked claims P, Q on the leaf layer at r; the verifier draws z
 * ("zk-logup/leaf-z") and, with L = {@link ZkLeafLayout#leafVars()} and each segment j of log size
 * ℓ_j at weight c_j = eq(r_high, its block), checks by a masked sumcheck over L variables (plus w,
 * which removes the leaf halves' masks from the target)
 *
 * <pre>  Σ_j c_j·Σ_{x∈{0,1}^ℓ_j} eq(r_low, x)·[(1 − z)·p_j(x) + z·q_j(x)] = (1 − z)·P + z·Q − z·(1 − covered(r)) − masks</pre>
 *
 * where segment j is summed in the sumcheck's first ℓ_j variables and counts 2^−(L−ℓ_j) in the
 * others. At the final point s the proof holds, per segment in shape order: the looked-up
 * columns' T̂_c(s_low) (lookup segment), the multiplicities' m̂(s_low) (table segment), then each
 * mask segment's value (1 − z)·p̃(s_low) + z·q̃(s_low), absorbed together ("zk-logup/segments").
 * Each becomes a claim: on T̂ through {@link VerifierContext#claim} (the producers consume it as
 * any masked claim), on the mask segment through {@link VerifierContext#logUpMaskSegmentClaim}.
 * Stateless and thread-safe.
 */
public final class ZkLookups {
    /** The batching challenge of the leaf claims. */
    public static final String LEAF_Z = "zk-logup/leaf-z";
    public static final String SEGMENTS = "zk-logup/segments";

    private ZkLookups() {}

    /** What kind of committed object a {@link MaskBlock} is. */
    public enum MaskKind {
        /** A sumcheck mask ({@link dev.zkinfer.sumcheck.SumcheckMask}): Σ_i (d_i + 1) coefficients for its round degrees d_i. */
        SUMCHECK,
        /** A tree layer half's mask R(x0, w) = a + w·b ({@link dev.zkinfer.sumcheck.TensorMask} of δ = 0): 2 coefficients. */
        HALF,
        /** A mask segment, the multilinear block [p; q] over numVars = {@link ZkLeafLayout#MASK_LOG_SIZE} + 1 variables. */
        SEGMENT
    }

    /**
     * One committed mask object of the lookup stage and its size in GF(p^3) elements.
     *
     * @param numVars SUMCHECK: the sumcheck's variables (w included); HALF: the half's variables
     *     (layer − 1); SEGMENT: the block's variables
     * @param degree SUMCHECK: the mask's largest round degree; HALF: δ = 0; SEGMENT: 1 (multilinear)
     * @param roundDegrees SUMCHECK: the mask's degree per variable (w's first), numVars of them; otherwise empty
     * @param layer HALF: the tree layer (2..n) whose half it masks; otherwise −1
     * @param part HALF: the half (0 p(0,·), 1 p(1,·), 2 q(0,·), 3 q(1,·)); SEGMENT: the side (0 left,
     *     1 right); SUMCHECK: its position among the lookup stage's sumchecks
     * @param elements its size: Σ_i (roundDegrees[i] + 1), 2, or 2^numVars
     */
    public record MaskBlock(String name, MaskKind kind, int numVars, int degree, int[] roundDegrees, int layer, int part, int elements) {
        public MaskBlock {
            roundDegrees = roundDegrees.clone();
        }

        @Override
        public int[] roundDegrees() {
            return roundDegrees.clone();
        }

        static MaskBlock sumcheck(String name, int[] degrees, int part) {
            int max = 0;
            int elements = 0;
            for (int d : degrees) {
                max = Math.max(max, d);
                elements += d + 1;
            }
            return new MaskBlock(name, MaskKind.SUMCHECK, degrees.length, max, degrees, -1, part, elements);
        }
    }

    /**
     * Every committed mask the zero-knowledge lookup stage uses, in a fixed order: the sumcheck
     * masks in proof order (they are the proof's first, the lookup stage preceding the layers),
     * then the half masks (layer 2..n, half 0..3), then the two mask segments. A function of the
     * circuit and of the tensors' mask degrees (the key's δ, −1 for an unmasked public tensor),
     * so the witness layout can reserve them. Empty when the circuit has no lookup.
     */
    public static List<MaskBlock> maskBlocks(Circuit circuit, IntUnaryOperator tensorMaskDegree) {
        List<MaskBlock> out = new ArrayList<>();
        List<SegmentShape> shapes = ProofProtocol.lookupShapes(circuit);
        if (shapes.isEmpty()) {
            return out;
        }
        ZkLeafLayout layout = new ZkLeafLayout(shapes);
        int n = layout.logLeaves();
        for (int k = 1; k < n; k++) {
            out.add(MaskBlock.sumcheck("logup layer " + k + " sumcheck mask",
                    MaskedSumcheck.withWRound(LogUpGkrVerifier.maskedLayerDegrees(k)), k - 1));
        }
        out.add(MaskBlock.sumcheck("logup leaf sumcheck mask", MaskedSumcheck.withWRound(leafDegrees(circuit, tensorMaskDegree)), n - 1));
        for (int layer = 2; layer <= n; layer++) {
            for (int h = 0; h < 4; h++) {
                out.add(new MaskBlock("logup layer " + layer + " half " + h + " mask", MaskKind.HALF, layer - 1, 0, new int[0], layer, h, 2));
            }
        }
        for (int side = 0; side < 2; side++) {
            int m = ZkLeafLayout.MASK_LOG_SIZE + 1;
            out.add(new MaskBlock("logup mask segment " + side, MaskKind.SEGMENT, m, 1, new int[0], -1, side, 1 << m));
        }
        return out;
    }

    /**
     * The leaf sumcheck's round degrees over its L = {@link ZkLeafLayout#leafVars()} variables
     * (without the w round): eq·T̂ per column has degree 2 in every round, except that a masked T̂
     * has degree 2 in the round that binds its segment's last variable (so eq·T̂ has 3 there),
     * 2 + δ when that is also its x_0 (a one-variable segment).
     */
    public static int[] leafDegrees(Circuit circuit, IntUnaryOperator tensorMaskDegree) {
        List<SegmentShape> shapes = ProofProtocol.lookupShapes(circuit);
        List<LookupSpec> specs = ProofProtocol.lookupSpecs(circuit);
        int[] mult = ProofProtocol.multiplicityTensors(circuit);
        int[] d = dev.zkinfer.sumcheck.SumcheckVerifier.uniformDegrees(new ZkLeafLayout(shapes).leafVars(), 2);
        for (int s = 0; s < shapes.size(); s++) {
            int l = shapes.get(s).logSize();
            int[] tensors = s < specs.size() ? specs.get(s).columns() : new int[] {mult[s - specs.size()]};
            for (int t : tensors) {
                int delta = tensorMaskDegree.applyAsInt(t);
                if (delta >= 0 && l >= 1) {
                    d[l - 1] = Math.max(d[l - 1], 1 + (l == 1 ? 2 + delta : 2));
                }
            }
        }
        return d;
    }

    /**
     * Verifies the lookup stage in zero-knowledge mode with the caller's α and β (drawn after the
     * witness commitment, which holds the masks, has been absorbed), reading its part of the proof
     * and recording its claims in {@code ctx}. Does nothing when the circuit has no lookup.
     */
    public static void verify(VerifierContext ctx, Ext3 alpha, Ext3 beta) throws InvalidProofException {
        Circuit circuit = ctx.circuit();
        List<LookupSpec> specs = ProofProtocol.lookupSpecs(circuit);
        if (specs.isEmpty()) {
            return;
        }
        List<SegmentShape> shapes = ProofProtocol.lookupShapes(circuit);
        List<LookupTable> tables = new ArrayList<>(circuit.multiplicities().keySet());
        int[] multTensors = ProofProtocol.multiplicityTensors(circuit);
        for (int s = 0; s < shapes.size(); s++) {
            if (shapes.get(s).logSize() == 0) {
                int[] ts = s < specs.size() ? specs.get(s).columns() : new int[] {multTensors[s - specs.size()]};
                for (int tensor : ts) {
                    if (ctx.tensorMaskDegree(tensor) >= 0) {
                        throw new IllegalStateException("zero-knowledge mode cannot mask the one-element tensor "
                                + circuit.tensor(tensor).name());
                    }
                }
            }
        }
        ZkLeafLayout layout = new ZkLeafLayout(shapes);
        ProofReader in = ctx.proof();
        Transcript t = ctx.transcript();
        int n = layout.logLeaves();
        LogUpGkrVerifier.MaskedLeafClaim leaf = LogUpGkrVerifier.verifyMaskedTree(layout, alpha, new LogUpGkrVerifier.MaskClaims() {
            public void sumcheckMask(int[] degrees, Ext3[] point, Ext3 value) {
                ctx.sumcheckMaskClaim(degrees, point, value);
            }

            public void halfMask(int layer, int half, Ext3 x0, Ext3 w, Ext3 value) {
                ctx.logUpHalfMaskClaim(layer, half, x0, w, value);
            }
        }, in, t);
        Ext3[] r = leaf.point();
        Ext3 z = t.challengeExt(LEAF_Z);
        Ext3 oneMinusZ = Ext3.ONE.sub(z);
        Ext3 target = oneMinusZ.mul(leaf.p()).add(z.mul(leaf.q())).sub(z.mul(Ext3.ONE.sub(layout.covered(r))));
        Ext3[] w = leaf.maskWeights();
        Ext3[] c = {oneMinusZ.mul(w[0]), oneMinusZ.mul(w[1]), z.mul(w[0]), z.mul(w[1])};
        Ext3[] x0 = {leaf.maskX0(), leaf.maskX0(), leaf.maskX0(), leaf.maskX0()};
        int vars = layout.leafVars();
        int[] degrees = leafDegrees(circuit, ctx::tensorMaskDegree);
        MaskedSumcheck.MaskedClaimsResult res = MaskedSumcheck.verifyMaskedClaims(target, c, x0, degrees, in, t);
        Ext3[] full = new Ext3[vars + 1];
        full[0] = res.wChallenge();
        System.arraycopy(res.point(), 0, full, 1, vars);
        ctx.sumcheckMaskClaim(MaskedSumcheck.withWRound(degrees), full, res.maskValue());
        for (int h = 0; h < 4; h++) {
            ctx.logUpHalfMaskClaim(n, h, leaf.maskX0(), res.wChallenge(), res.tensorMaskValues()[h]);
        }

        Ext3[] s = res.point();
        int count = 2;
        for (LookupSpec spec : specs) {
            count += spec.columns().length;
        }
        count += tables.size();
        long[] sent = in.exts("zk-logup segment evaluations", count);
        t.absorbExts(SEGMENTS, sent, 0, count);
        int at = 0;
        Ext3 expected = Ext3.ZERO;
        // every segment's point is a prefix of s: the tables of one size share an eq table
        PrefixEqTables eq = new PrefixEqTables(s);
        for (int seg = 0; seg < shapes.size(); seg++) {
            SegmentShape shape = shapes.get(seg);
            int l = shape.logSize();
            Ext3[] low = Arrays.copyOf(s, l);
            Ext3 shift = alpha.sub(leaf.gamma().mul(shape.tableId()));
            Ext3 value;
            if (shape.kind() == SegmentKind.LOOKUP) {
                LookupSpec spec = specs.get(seg);
                Ext3[] shifted = new Ext3[spec.columns().length];
                for (int col = 0; col < shifted.length; col++) {
                    Ext3 e = Ext3.get(sent, at++);
                    shifted[col] = e.add(Goldilocks.fromSigned(spec.offsets()[col]));
                    ctx.claim(spec.columns()[col], low, e);
                }
                value = oneMinusZ.add(z.mul(shift.sub(Columns.combineEvals(shifted, beta))));
            } else {
                int ti = seg - specs.size();
                LookupTable table = tables.get(ti);
                Ext3 m = Ext3.get(sent, at++);
                ctx.claim(multTensors[ti], low, m);
                Ext3[] cols = new Ext3[table.columns()];
                for (int col = 0; col < cols.length; col++) {
                    cols[col] = table.evaluate(col, eq);
                }
                value = z.mul(shift.sub(Columns.combineEvals(cols, beta))).sub(oneMinusZ.mul(m));
            }
            expected = expected.add(weight(layout.selector(seg, r), r, low, vars).mul(value));
        }
        int ml = ZkLeafLayout.MASK_LOG_SIZE;
        Ext3[] low = Arrays.copyOf(s, ml);
        Ext3[] blockPoint = Arrays.copyOf(s, ml + 1);
        blockPoint[ml] = z;
        for (int side = 0; side < 2; side++) {
            Ext3 v = Ext3.get(sent, at++);
            ctx.logUpMaskSegmentClaim(side, blockPoint.clone(), v);
            expected = expected.add(weight(layout.maskSelector(side, r), r, low, vars).mul(v));
        }
        if (!expected.equals(res.value())) {
            throw new InvalidProofException("zk-logup: the leaf sumcheck does not match the segment evaluations");
        }
    }

    /** A segment's weight at the leaf sumcheck's end: selector·2^−(L−ℓ)·eq(r_low, s_low). */
    private static Ext3 weight(Ext3 selector, Ext3[] r, Ext3[] low, int vars) {
        return selector.mul(MaskedSumcheck.inversePowerOfTwo(vars - low.length)).mul(Mle.eq(Arrays.copyOf(r, low.length), low));
    }
}
