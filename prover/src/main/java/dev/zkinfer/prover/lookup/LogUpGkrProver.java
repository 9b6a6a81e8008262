package dev.zkinfer.prover.lookup;

import dev.zkinfer.prover.concurrent.Cancellation;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.lookup.LogUpGkrVerifier;
import dev.zkinfer.lookup.SegmentClaim;
import dev.zkinfer.lookup.SegmentKind;
import dev.zkinfer.lookup.SegmentLayout;
import dev.zkinfer.lookup.SegmentShape;
import dev.zkinfer.lookup.ZkLeafLayout;
import dev.zkinfer.prover.sumcheck.SumcheckProver;
import dev.zkinfer.sumcheck.SumcheckMask;
import dev.zkinfer.sumcheck.TensorMask;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.transcript.Transcript;
import java.util.ArrayList;
import java.util.List;

/**
 * Prover of LogUp-GKR (Papini–Haböck, ePrint 2023/1284); protocol, wire format and transcript
 * order in {@link dev.zkinfer.lookup} and {@link LogUpGkrVerifier}.
 *
 * <p><b>α (and β for tuple tables) must be drawn by the caller from the transcript after the
 * witness commitment holding the looked-up values and the multiplicities has been absorbed.</b>
 *
 * <p>Cost, in the backend's {@link dev.zkinfer.prover.backend.LogUpKernels}, for N leaves in
 * segments (the rest of the 2^n is padding, which is never visited): building the tree, at
 * most 3 GF(p^3) multiplications per node (about 2N nodes), then one degree-3 sumcheck per
 * layer, about 12 multiplications per table entry ({@link LayerSumcheck}): O(N) in total.
 * Memory: the layers above the leaves are kept, about 48·N bytes (the tree is built bottom-up and
 * consumed top-down); the leaf layer (another 48·N) is never held: {@link LeafLayer} writes it a
 * chunk at a time for the layer above it and for the first round of the last layer sumcheck
 * (zero-knowledge trees still hold it). Every backend gives the same proof bytes.
 *
 * <p>Thread-safe: it holds only its backend; each call uses its own segments, proof and transcript.
 */
public final class LogUpGkrProver {
    private final Backend backend;
    /** Leaves written at a time ({@link LeafLayer}). */
    private final int leafChunk;

    /** With the backend chosen at start-up ({@link Backends#get()}). */
    public LogUpGkrProver() {
        this(Backends.get());
    }

    public LogUpGkrProver(Backend backend) {
        this(backend, LeafLayer.CHUNK);
    }

    /** With leaves written leafChunk (a positive multiple of 4) at a time: tests cross chunk boundaries with small trees. */
    LogUpGkrProver(Backend backend, int leafChunk) {
        if (leafChunk <= 0 || leafChunk % 4 != 0) {
            throw new IllegalArgumentException("a leaf chunk is a positive multiple of 4 leaves, not " + leafChunk);
        }
        this.backend = backend;
        this.leafChunk = leafChunk;
    }

    /** The public shapes of these segments, as the verifier must be given them. */
    public static List<SegmentShape> shapes(List<? extends LogUpSegment> segments) {
        List<SegmentShape> out = new ArrayList<>(segments.size());
        for (LogUpSegment s : segments) {
            out.add(s.shape());
        }
        return out;
    }

    /**
     * Proves that every lookup segment's values lie in its table, with the table segments'
     * multiplicities, writing the proof to {@code out}.
     *
     * @return the claims the verifier will return (same order as {@code segments}): the caller
     *     proves them (opens the multiplicities and looked-up values in the witness commitment)
     * @throws IllegalArgumentException if the statement is false (the fraction sum is not zero:
     *     a value missing from its table or wrong multiplicities), or α hits a table or lookup
     *     value (probability ≤ 2^n/|E|)
     */
    public List<SegmentClaim> prove(List<? extends LogUpSegment> segments, Ext3 alpha, ProofWriter out,
            Transcript transcript) {
        return prove(segments, alpha, out, transcript, true);
    }

    /** As {@link #prove}, optionally without the statement check (soundness tests only). */
    List<SegmentClaim> prove(List<? extends LogUpSegment> segments, Ext3 alpha, ProofWriter out,
            Transcript transcript, boolean checkStatement) {
        SegmentLayout layout = new SegmentLayout(shapes(segments));
        int n = layout.logLeaves();
        transcript.domain(LogUpGkrVerifier.DOMAIN);
        transcript.absorbLongs("logup-gkr/shapes", layout.encode());
        transcript.absorbExt("logup-gkr/alpha", alpha);
        Ext3 gamma = transcript.challengeExt("logup-gkr/gamma");

        // layers[n] stays null: the leaves are written a chunk at a time where they are read
        LeafLayer leaves = leaves(segments, layout, alpha, gamma);
        FractionLayer[] layers = new FractionLayer[n + 1];
        if (n == 1) {
            layers[1] = leaves.held();
        } else {
            layers[n - 1] = leaves.parent(backend.logUp());
        }
        for (int j = n - 2; j >= 1; j--) {
            Cancellation.checkpoint();
            layers[j] = layers[j + 1].parent(backend.logUp());
        }

        // Root: the two children of the root.
        FractionLayer top = layers[1];
        Ext3 p0 = Ext3.get(top.p, 0), p1 = Ext3.get(top.p, 1), q0 = Ext3.get(top.q, 0), q1 = Ext3.get(top.q, 1);
        if (checkStatement) {
            if (q0.mul(q1).isZero()) {
                throw new IllegalArgumentException("α equals a shifted lookup or table value; draw another α");
            }
            if (!p0.mul(q1).add(p1.mul(q0)).isZero()) {
                throw new IllegalArgumentException("the LogUp fraction sum is not zero: a looked-up value is missing"
                        + " from its table or the multiplicities are wrong");
            }
        }
        long[] root = new long[12];
        Ext3.set(root, 0, p0);
        Ext3.set(root, 1, p1);
        Ext3.set(root, 2, q0);
        Ext3.set(root, 3, q1);
        writeExts(out, root);
        transcript.absorbExts("logup-gkr/root", root, 0, 4);
        Ext3 mu = transcript.challengeExt("logup-gkr/mu");
        Ext3[] point = {mu};
        Ext3 claimP = line(p0, p1, mu), claimQ = line(q0, q1, mu);
        if (n > 1) {
            layers[1] = null;
        }

        for (int k = 1; k < n; k++) {
            Cancellation.checkpoint();
            Ext3 lambda = transcript.challengeExt("logup-gkr/lambda");
            LayerSumcheck.Result res = k + 1 == n
                    ? LayerSumcheck.prove(backend.logUp(), leaves, point, claimP, claimQ, lambda, out, transcript)
                    : LayerSumcheck.prove(backend.logUp(), layers[k + 1], point, claimP, claimQ, lambda, out, transcript);
            long[] children = new long[12];
            Ext3.set(children, 0, res.p0());
            Ext3.set(children, 1, res.p1());
            Ext3.set(children, 2, res.q0());
            Ext3.set(children, 3, res.q1());
            writeExts(out, children);
            transcript.absorbExts("logup-gkr/layer", children, 0, 4);
            mu = transcript.challengeExt("logup-gkr/mu");
            Ext3[] next = new Ext3[k + 1];
            next[0] = mu;
            System.arraycopy(res.rho(), 0, next, 1, k);
            point = next;
            claimP = line(res.p0(), res.p1(), mu);
            claimQ = line(res.q0(), res.q1(), mu);
            if (k + 1 < n) {
                layers[k + 1] = null;
            }
        }

        // Leaves: each segment's numerator and denominator MLE at r_low.
        List<SegmentClaim> claims = new ArrayList<>(segments.size());
        long[] sent = new long[6 * segments.size()];
        int count = 0;
        for (int s = 0; s < segments.size(); s++) {
            SegmentShape shape = layout.shapes().get(s);
            Ext3[] low = layout.lowPoint(s, point);
            int from = (int) layout.offset(s);
            Ext3 segP = Ext3.ONE;
            LogUpSegment seg = segments.get(s);
            long[][] slice = shape.kind() == SegmentKind.TABLE || extension(seg) ? leaves.slice(from, shape.logSize()) : null;
            if (shape.kind() == SegmentKind.TABLE) {
                segP = evaluate(slice[0], shape.logSize(), low);
                Ext3.set(sent, count++, segP);
            }
            // q = shift − value: for base-field values, shift − ṽ(r_low) (eq sums to 1), without the leaves
            Ext3 segQ = extension(seg) ? evaluate(slice[1], shape.logSize(), low)
                    : shift(seg, alpha, gamma).sub(evaluateMle(values(seg), low));
            Ext3.set(sent, count++, segQ);
            claims.add(new SegmentClaim(s, shape, low, segP, segQ, alpha, gamma));
        }
        for (int i = 0; i < 3 * count; i++) {
            out.u64(sent[i]);
        }
        transcript.absorbExts("logup-gkr/segments", sent, 0, count);
        return claims;
    }

    /** The leaf layer, not held: (1, α − γ·id − w), (−m, α − γ·id − t), padding (0, 1). */
    private LeafLayer leaves(List<? extends LogUpSegment> segments, SegmentLayout layout, Ext3 alpha, Ext3 gamma) {
        int used = 0;
        for (LogUpSegment seg : segments) {
            used += seg.shape().size();
        }
        // the segments lie back to back from 0: the padding is the suffix
        return new LeafLayer(segments, layout, layout.logLeaves(), used, alpha, gamma, leafChunk);
    }

    /**
     * The committed masks of zero-knowledge LogUp-GKR's tree (docs/zero-knowledge.md §3.6): the
     * half masks R_{j,h} of layers j = 2..n ({@code halves[j][h]}, h: p(0,·), p(1,·), q(0,·), q(1,·),
     * δ = 0) and the two mask segments, each the array-form block [p_0..p_{2^m−1}, q_0..q_{2^m−1}]
     * ({@link ZkLeafLayout#MASK_LOG_SIZE} = m). The caller draws them (uniform, non-zero
     * denominators, the two segments' fraction sums opposite) and commits them before α.
     */
    public record TreeMasks(TensorMask[][] halves, long[][] segments) {}

    /** Where the zero-knowledge tree takes its sumcheck masks and records its mask values. */
    public interface ZkHooks extends LogUpGkrVerifier.MaskClaims {
        /** The next sumcheck mask, in proof order (committed before the proof's first challenge). */
        SumcheckMask nextSumcheckMask(int[] degrees);
    }

    /**
     * The prover of {@link LogUpGkrVerifier#verifyMaskedTree}: the tree over the segments and the
     * two mask segments laid out by {@link ZkLeafLayout}, every layer sumcheck masked, down to the
     * masked leaf claims, which the caller reduces to the segments.
     *
     * @throws IllegalArgumentException if the statement is false or α hits a value (as {@link #prove})
     */
    public LogUpGkrVerifier.MaskedLeafClaim proveMaskedTree(List<? extends LogUpSegment> segments, TreeMasks masks, Ext3 alpha,
            ZkHooks hooks, ProofWriter out, Transcript transcript) {
        return proveMaskedTree(segments, masks, alpha, hooks, out, transcript, true);
    }

    /**
     * As {@link #proveMaskedTree}, without the statement check: a false statement is proven as an
     * honest prover would compute it. For soundness tests only.
     */
    public LogUpGkrVerifier.MaskedLeafClaim proveMaskedTreeInsecureUnchecked(List<? extends LogUpSegment> segments, TreeMasks masks,
            Ext3 alpha, ZkHooks hooks, ProofWriter out, Transcript transcript) {
        return proveMaskedTree(segments, masks, alpha, hooks, out, transcript, false);
    }

    private LogUpGkrVerifier.MaskedLeafClaim proveMaskedTree(List<? extends LogUpSegment> segments, TreeMasks masks, Ext3 alpha,
            ZkHooks hooks, ProofWriter out, Transcript transcript, boolean checkStatement) {
        ZkLeafLayout layout = new ZkLeafLayout(shapes(segments));
        int n = layout.logLeaves();
        if (masks.halves().length != n + 1 || masks.segments().length != 2) {
            throw new IllegalArgumentException("tree masks for " + (masks.halves().length - 1) + " layers, the tree has " + n);
        }
        transcript.domain(LogUpGkrVerifier.ZK_DOMAIN);
        transcript.absorbLongs("logup-gkr/shapes", layout.encode());
        transcript.absorbExt("logup-gkr/alpha", alpha);
        Ext3 gamma = transcript.challengeExt("logup-gkr/gamma");

        // The tree's two halves (top index bit 0 and 1) as separate subtrees: left[j] and right[j] hold
        // layer j + 1's halves (2^j fractions each). The left half is the segments and the left mask
        // segment, then padding; the right half is the right mask segment, then padding. Held whole,
        // layer n's left half would be live up to the right mask segment (2^(n-1) + 2 leaves); held
        // apart, each half's padding suffix is never visited (FractionLayer), so the work follows the
        // segments' size as in integrity mode. The same values, so the same proof bytes.
        FractionLayer[][] halves = maskedLeaves(segments, layout, masks.segments(), alpha, gamma);
        FractionLayer[] left = halves[0], right = halves[1];
        for (int j = n - 2; j >= 0; j--) {
            Cancellation.checkpoint();
            left[j] = left[j + 1].parent(backend.logUp());
            right[j] = right[j + 1].parent(backend.logUp());
        }
        Ext3 p0 = Ext3.get(left[0].p, 0), p1 = Ext3.get(right[0].p, 0), q0 = Ext3.get(left[0].q, 0), q1 = Ext3.get(right[0].q, 0);
        if (checkStatement) {
            if (q0.mul(q1).isZero()) {
                throw new IllegalArgumentException("α equals a shifted lookup or table value (or a mask denominator is zero); draw another α");
            }
            if (!p0.mul(q1).add(p1.mul(q0)).isZero()) {
                throw new IllegalArgumentException("the LogUp fraction sum is not zero: a looked-up value is missing"
                        + " from its table, the multiplicities are wrong, or the mask segments' sums do not cancel");
            }
        }
        long[] root = new long[12];
        Ext3.set(root, 0, p0);
        Ext3.set(root, 1, p1);
        Ext3.set(root, 2, q0);
        Ext3.set(root, 3, q1);
        writeExts(out, root);
        transcript.absorbExts("logup-gkr/root", root, 0, 4);
        Ext3 mu = transcript.challengeExt("logup-gkr/mu");
        Ext3[] point = {mu};
        Ext3 claimP = line(p0, p1, mu), claimQ = line(q0, q1, mu);
        Ext3 x0 = null;
        Ext3[] weights = null;
        for (int k = 1; k < n; k++) {
            Cancellation.checkpoint();
            Ext3 lambda = transcript.challengeExt("logup-gkr/lambda");
            TensorMask[] termMasks = k == 1 ? new TensorMask[0] : masks.halves()[k];
            Ext3[] c = new Ext3[termMasks.length];
            Ext3[] xs = new Ext3[c.length];
            Ext3 fSum = claimP.add(lambda.mul(claimQ));
            if (k > 1) {
                c[0] = weights[0];
                c[1] = weights[1];
                c[2] = lambda.mul(weights[0]);
                c[3] = lambda.mul(weights[1]);
                java.util.Arrays.fill(xs, x0);
                for (int h = 0; h < 4; h++) {
                    fSum = fSum.sub(c[h].mul(termMasks[h].cubeSum(x0)));
                }
            }
            MaskedLayerRounds rounds = k == 1
                    ? new MaskedLayerRounds(backend.logUp(), FractionLayer.concat(left[1], right[1]), point, lambda, masks.halves()[2])
                    : new MaskedLayerRounds(backend.logUp(), left[k], right[k], point, lambda, masks.halves()[k + 1]);
            left[k] = null;
            right[k] = null;
            int[] degrees = LogUpGkrVerifier.maskedLayerDegrees(k);
            int[] all = dev.zkinfer.sumcheck.MaskedSumcheck.withWRound(degrees);
            SumcheckMask g = hooks.nextSumcheckMask(all);
            SumcheckProver.MaskedClaimsResult res = SumcheckProver.proveMaskedClaims(degrees, fSum, rounds, termMasks, c, xs, g,
                    out, transcript);
            Ext3[] full = new Ext3[k + 1];
            full[0] = res.wChallenge();
            System.arraycopy(res.point(), 0, full, 1, k);
            hooks.sumcheckMask(all, full, res.maskValue());
            for (int h = 0; h < c.length; h++) {
                hooks.halfMask(k, h, x0, res.wChallenge(), res.tensorMaskValues()[h]);
            }
            Ext3[] f = rounds.finals();
            long[] children = new long[12];
            for (int h = 0; h < 4; h++) {
                Ext3.set(children, h, f[h]);
            }
            writeExts(out, children);
            transcript.absorbExts("logup-gkr/layer", children, 0, 4);
            mu = transcript.challengeExt("logup-gkr/mu");
            Ext3[] next = new Ext3[k + 1];
            next[0] = mu;
            System.arraycopy(res.point(), 0, next, 1, k);
            point = next;
            claimP = line(f[0], f[1], mu);
            claimQ = line(f[2], f[3], mu);
            Ext3 z = TensorMask.vanishing(res.point());
            weights = new Ext3[] {Ext3.ONE.sub(mu).mul(z), mu.mul(z)};
            x0 = res.point()[0];
        }
        return new LogUpGkrVerifier.MaskedLeafClaim(point, claimP, claimQ, gamma, x0, weights);
    }

    /**
     * The zero-knowledge leaf layer's two halves, at {@code [0][n-1]} and {@code [1][n-1]} of two
     * arrays of n entries (the caller fills the layers above): the left half holds the segments and
     * the left mask segment, the right half the right mask segment, padding (0, 1) after them.
     */
    private FractionLayer[][] maskedLeaves(List<? extends LogUpSegment> segments, ZkLeafLayout layout, long[][] maskSegments,
            Ext3 alpha, Ext3 gamma) {
        int h = layout.logLeaves() - 1;
        int size = 1 << ZkLeafLayout.MASK_LOG_SIZE;
        int leftOffset = Math.toIntExact(layout.maskOffset(0));
        if (layout.maskOffset(1) != 1L << h || leftOffset + size > 1 << h) {
            throw new IllegalStateException("the mask segments are not where the tree's halves expect them");
        }
        FractionLayer[][] halves = new FractionLayer[2][h + 1];
        FractionLayer leftLeaves = new FractionLayer(h, leftOffset + size, false);
        new LeafLayer(segments, layout.segments(), h, leftOffset + size, alpha, gamma, 4)
                .write(0, leftLeaves.p.length / 3, leftLeaves.p, leftLeaves.q);
        halves[0][h] = leftLeaves;
        halves[1][h] = new FractionLayer(h, size, false);
        for (int side = 0; side < 2; side++) {
            long[] block = maskSegments[side];
            if (block.length != 6 * size) {
                throw new IllegalArgumentException("a mask segment holds " + 2 * size + " extension elements");
            }
            int from = side == 0 ? leftOffset : 0;
            System.arraycopy(block, 0, halves[side][h].p, 3 * from, 3 * size);
            System.arraycopy(block, 3 * size, halves[side][h].q, 3 * from, 3 * size);
        }
        return halves;
    }

    /** α − γ·tableId: a segment's denominators are this minus its values. */
    static Ext3 shift(LogUpSegment seg, Ext3 alpha, Ext3 gamma) {
        return alpha.sub(gamma.mul(seg.shape().tableId()));
    }

    /** The looked-up values or table rows (base field, or array form when {@link #extension}). */
    static long[] values(LogUpSegment seg) {
        return seg instanceof LookupSegment l ? l.values() : ((TableSegment) seg).values();
    }

    static boolean extension(LogUpSegment seg) {
        return seg instanceof LookupSegment l ? l.extension() : ((TableSegment) seg).extension();
    }

    /** The MLE of base-field values at point, in the backend's kernels. */
    private Ext3 evaluateMle(long[] values, Ext3[] point) {
        long[] z = new long[3 * point.length];
        for (int k = 0; k < point.length; k++) {
            Ext3.set(z, k, point[k]);
        }
        long[] v = backend.commit().evaluateMle(values, z);
        return new Ext3(v[0], v[1], v[2]);
    }

    /** The MLE of 2^logSize array-form elements at point (t is folded in place). */
    private Ext3 evaluate(long[] t, int logSize, Ext3[] point) {
        int size = 1 << logSize;
        for (int k = 0; k < logSize; k++) {
            size >>= 1;
            backend.sumcheck().fold(t, size, point[k]);
        }
        return Ext3.get(t, 0);
    }

    private static void writeExts(ProofWriter out, long[] arrayForm) {
        for (long v : arrayForm) {
            out.u64(v);
        }
    }

    private static Ext3 line(Ext3 a, Ext3 b, Ext3 mu) {
        return a.add(b.sub(a).mul(mu));
    }
}
