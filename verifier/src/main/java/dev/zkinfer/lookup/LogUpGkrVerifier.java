package dev.zkinfer.lookup;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.security.SecurityReport;
import dev.zkinfer.sumcheck.MaskedSumcheck;
import dev.zkinfer.sumcheck.SumcheckClaim;
import dev.zkinfer.sumcheck.SumcheckVerifier;
import dev.zkinfer.sumcheck.TensorMask;
import dev.zkinfer.transcript.Transcript;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifier of LogUp-GKR (Papini–Haböck, "Improving logarithmic derivative lookups using GKR",
 * ePrint 2023/1284): the LogUp identity (Haböck, ePrint 2022/1530)
 *
 * <pre>  Σ_i 1/(α − γ·id_i − w_i) − Σ_j m_j/(α − γ·id_j − t_j) = 0</pre>
 *
 * proven by a GKR over the binary tree of fraction sums (2023/1284 §3), for several lookup
 * segments and several tables in ONE tree. See the package documentation for the leaf layout,
 * the wire format and the transcript order.
 *
 * <h2>The rule for α (and β)</h2>
 *
 * <b>The caller draws α (and β for tuple tables) from the transcript AFTER the witness
 * commitment holding the looked-up values and the multiplicities has been absorbed.</b> A
 * prover who sees α before committing can choose multiplicities that satisfy the identity for
 * false lookups. Structured tables (ranges, (x, f(x)) tables of the circuit) are fixed by the
 * verifying key and need no commitment.
 *
 * <h2>What the caller must still check</h2>
 *
 * {@link #verify} returns one {@link SegmentClaim} per segment. The argument is sound only if
 * the caller checks, per claim: lookup segment: {@link SegmentClaim#valuesEval()} equals the
 * looked-up values' MLE at the claim's point (combined across columns with β); table segment:
 * {@link SegmentClaim#valuesEval()} equals the table's MLE (e.g. {@link RangeTable#evaluate})
 * and {@link SegmentClaim#multiplicitiesEval()} equals the committed multiplicities' MLE.
 * Segments hold exactly 2^logSize values: a caller with fewer lookups pads the segment with a
 * value of the table and counts the padding in that table's multiplicities; a table with fewer
 * rows is padded with copies of a row whose padding multiplicity is 0.
 *
 * <h2>Several tables</h2>
 *
 * Lookups into table id k are separated from the rows of every other table by the shift γ·k,
 * γ drawn by this protocol after the shapes and α are absorbed (the table id acts as one more
 * tuple column), so a value of table A never satisfies a lookup into table B.
 *
 * <h2>Soundness</h2>
 *
 * With N = 2^n leaves, W tuple columns combined by the caller, E = GF(p^3):
 * <ul>
 *   <li>LogUp (2022/1530 Lemma 5, Plonky3 {@code logup.rs}): ≤ N·(W + 3)/|E| (W + 1 columns
 *       counting the table id; the fractional identity has at most N poles);
 *   <li>the root and each of the n − 1 layer reductions (2023/1284 §3.1): layer k (k variables)
 *       costs a degree-3 sumcheck, 3k/|E|, the batching by λ, 1/|E|, and the line reduction by
 *       μ, 1/|E|; the root layer only μ: in total 1 + Σ_{k=1}^{n−1} (3k + 2).
 * </ul>
 * {@link #soundnessBits} returns −log2 of the sum; for n = 20, W = 2 it is ≈ 169 bits. The
 * caller's openings of the claims add their own error. Multiplicities must be &lt; p (counts of at
 * most 2^30 lookups are).
 * Stateless and thread-safe.
 */
public final class LogUpGkrVerifier {
    /** The sub-protocol's domain tag. */
    public static final String DOMAIN = "zkinfer/logup-gkr/v1";

    private LogUpGkrVerifier() {}

    /**
     * Verifies a LogUp-GKR proof for the given public shapes and the caller's α, reading exactly
     * the proof's bytes (the caller calls {@link ProofReader#finish()} when the LogUp proof ends
     * the stream).
     *
     * @return one claim per shape, in the order of {@code shapes}
     * @throws InvalidProofException if any check fails or the proof is malformed
     * @throws IllegalArgumentException if the shapes themselves are malformed (a circuit bug)
     */
    public static List<SegmentClaim> verify(List<SegmentShape> shapes, Ext3 alpha, ProofReader proof,
            Transcript transcript) throws InvalidProofException {
        SegmentLayout layout = new SegmentLayout(shapes);
        int n = layout.logLeaves();
        transcript.domain(DOMAIN);
        transcript.absorbLongs("logup-gkr/shapes", layout.encode());
        transcript.absorbExt("logup-gkr/alpha", alpha);
        Ext3 gamma = transcript.challengeExt("logup-gkr/gamma");

        // Root layer: the prover sends the two children of the root.
        long[] root = proof.exts("logup-gkr root children", 4);
        transcript.absorbExts("logup-gkr/root", root, 0, 4);
        Ext3 p0 = Ext3.get(root, 0), p1 = Ext3.get(root, 1), q0 = Ext3.get(root, 2), q1 = Ext3.get(root, 3);
        if (!p0.mul(q1).add(p1.mul(q0)).isZero()) {
            throw new InvalidProofException("logup-gkr: the fraction sum is not zero (root numerator ≠ 0)");
        }
        if (q0.mul(q1).isZero()) {
            throw new InvalidProofException("logup-gkr: the root denominator is zero");
        }
        Ext3 mu = transcript.challengeExt("logup-gkr/mu");
        Ext3[] point = {mu};
        Ext3 claimP = line(p0, p1, mu);
        Ext3 claimQ = line(q0, q1, mu);

        // Layers 1..n-1: reduce the claim on layer k (k variables) to one on layer k+1.
        for (int k = 1; k < n; k++) {
            Ext3 lambda = transcript.challengeExt("logup-gkr/lambda");
            SumcheckClaim sc = SumcheckVerifier.verify(claimP.add(lambda.mul(claimQ)), k, 3, proof, transcript);
            long[] children = proof.exts("logup-gkr layer " + k + " child evaluations", 4);
            transcript.absorbExts("logup-gkr/layer", children, 0, 4);
            p0 = Ext3.get(children, 0);
            p1 = Ext3.get(children, 1);
            q0 = Ext3.get(children, 2);
            q1 = Ext3.get(children, 3);
            Ext3 expected = Mle.eq(point, sc.point())
                    .mul(p0.mul(q1).add(p1.mul(q0)).add(lambda.mul(q0.mul(q1))));
            if (!expected.equals(sc.value())) {
                throw new InvalidProofException("logup-gkr: layer " + k + " sumcheck does not match the child evaluations");
            }
            mu = transcript.challengeExt("logup-gkr/mu");
            Ext3[] next = new Ext3[k + 1];
            next[0] = mu;
            System.arraycopy(sc.point(), 0, next, 1, k);
            point = next;
            claimP = line(p0, p1, mu);
            claimQ = line(q0, q1, mu);
        }

        // Leaves: the per-segment claims recombine into the leaf claims.
        int segments = layout.size();
        int count = 0;
        for (SegmentShape s : layout.shapes()) {
            count += s.kind() == SegmentKind.TABLE ? 2 : 1;
        }
        long[] sent = proof.exts("logup-gkr segment evaluations", count);
        transcript.absorbExts("logup-gkr/segments", sent, 0, count);
        List<SegmentClaim> claims = new ArrayList<>(segments);
        Ext3 sumP = Ext3.ZERO, sumQ = Ext3.ZERO, covered = Ext3.ZERO;
        int at = 0;
        for (int s = 0; s < segments; s++) {
            SegmentShape shape = layout.shapes().get(s);
            Ext3 segP = shape.kind() == SegmentKind.TABLE ? Ext3.get(sent, at++) : Ext3.ONE;
            Ext3 segQ = Ext3.get(sent, at++);
            Ext3 sel = layout.selector(s, point);
            sumP = sumP.add(sel.mul(segP));
            sumQ = sumQ.add(sel.mul(segQ));
            covered = covered.add(sel);
            claims.add(new SegmentClaim(s, shape, layout.lowPoint(s, point), segP, segQ, alpha, gamma));
        }
        // Padding leaves (0, 1): numerator 0, denominator MLE = Σ_{padding i} eq(r, i) = 1 − covered.
        sumQ = sumQ.add(Ext3.ONE.sub(covered));
        if (!sumP.equals(claimP)) {
            throw new InvalidProofException("logup-gkr: segment numerators do not match the leaf claim");
        }
        if (!sumQ.equals(claimQ)) {
            throw new InvalidProofException("logup-gkr: segment denominators do not match the leaf claim");
        }
        return claims;
    }

    /** The zero-knowledge variant's domain tag. */
    public static final String ZK_DOMAIN = "zkinfer/zk-logup-gkr/v1";
    /**
     * The last round's degree of a zero-knowledge layer sumcheck: eq·(child)·(child) with both
     * children masked by Z·R (δ = 0, so R does not depend on x_0), whose masks enter only in the
     * round that binds the last variable: 1 + 2 + 2 there, 3 (the integrity layer's) before.
     */
    public static final int MASKED_LAYER_DEGREE = 5;

    /**
     * The round degrees of layer k's zero-knowledge sumcheck over its k variables (without the w
     * round, which {@link MaskedSumcheck#verifyMaskedClaims} adds): 3, ..., 3, then
     * {@link #MASKED_LAYER_DEGREE}.
     */
    public static int[] maskedLayerDegrees(int k) {
        int[] d = new int[k];
        java.util.Arrays.fill(d, 3);
        d[k - 1] = MASKED_LAYER_DEGREE;
        return d;
    }

    /**
     * Where a zero-knowledge LogUp-GKR proof's mask values go: each must be bound to the commitment
     * that holds the mask (the witness commitment); a value that is not the mask's is caught there.
     */
    public interface MaskClaims {
        /** The next committed sumcheck mask (proof order; round degrees {@code degrees}) takes {@code value} at {@code point}. */
        void sumcheckMask(int[] degrees, Ext3[] point, Ext3 value);

        /** The mask of half {@code half} (0 p(0,·), 1 p(1,·), 2 q(0,·), 3 q(1,·)) of tree layer {@code layer} takes {@code value} at (x0, w). */
        void halfMask(int layer, int half, Ext3 x0, Ext3 w, Ext3 value);
    }

    /**
     * What the zero-knowledge tree reduces to: masked claims on the leaf layer at {@code point}
     * (n coordinates): p = p̃_n(point) + Σ_b weights[b]·Σ_w R_{n,b}(x0, w) and
     * q = q̃_n(point) + Σ_b weights[b]·Σ_w R_{n,2+b}(x0, w), where R_{n,h} are the leaf layer's
     * half masks ({@link MaskClaims#halfMask} with layer n); the caller removes these terms through
     * the extra variable w of its leaf sumcheck.
     */
    public record MaskedLeafClaim(Ext3[] point, Ext3 p, Ext3 q, Ext3 gamma, Ext3 maskX0, Ext3[] maskWeights) {}

    /**
     * The fraction tree of zero-knowledge LogUp-GKR (docs/zero-knowledge.md §3.6), down to masked
     * claims on the leaf layer; the caller reduces those to the segments (the real leaves and the
     * two committed mask segments, {@link ZkLeafLayout}).
     *
     * <p>Differences from {@link #verify}: the tree has the mask segments' leaves; the root's
     * children are sent as they are (uniform subject to p0·q1 + p1·q0 = 0, because the mask
     * segments' sums are a committed random M and −M and their denominators a random factor of
     * each half's product), with the same two checks; every layer sumcheck k = 1..n−1 is masked
     * ({@link MaskedSumcheck#verifyMaskedClaims}, k + 1 variables, round degrees 1 (w),
     * {@link #maskedLayerDegrees}(k)) over children halves masked by Z·R with their own committed
     * masks, and its target carries the previous layer's half masks, removed through w. Transcript:
     * domain {@link #ZK_DOMAIN}, then the labels of {@link #verify} ("logup-gkr/shapes" holds
     * {@link ZkLeafLayout#encode()}), each layer sumcheck's masked-sumcheck labels in place of the
     * plain sumcheck's.
     */
    public static MaskedLeafClaim verifyMaskedTree(ZkLeafLayout layout, Ext3 alpha, MaskClaims masks, ProofReader proof,
            Transcript transcript) throws InvalidProofException {
        int n = layout.logLeaves();
        transcript.domain(ZK_DOMAIN);
        transcript.absorbLongs("logup-gkr/shapes", layout.encode());
        transcript.absorbExt("logup-gkr/alpha", alpha);
        Ext3 gamma = transcript.challengeExt("logup-gkr/gamma");

        long[] root = proof.exts("logup-gkr root children", 4);
        transcript.absorbExts("logup-gkr/root", root, 0, 4);
        Ext3 p0 = Ext3.get(root, 0), p1 = Ext3.get(root, 1), q0 = Ext3.get(root, 2), q1 = Ext3.get(root, 3);
        if (!p0.mul(q1).add(p1.mul(q0)).isZero()) {
            throw new InvalidProofException("logup-gkr: the fraction sum is not zero (root numerator ≠ 0)");
        }
        // Every leaf denominator (the mask segments' included) is a factor of q0 or q1: this check
        // is what keeps a mask leaf (0, 0) from making the root check vacuous. It reveals nothing:
        // honest q0, q1 are never zero.
        if (q0.mul(q1).isZero()) {
            throw new InvalidProofException("logup-gkr: the root denominator is zero");
        }
        Ext3 mu = transcript.challengeExt("logup-gkr/mu");
        Ext3[] point = {mu};
        Ext3 claimP = line(p0, p1, mu);
        Ext3 claimQ = line(q0, q1, mu);
        Ext3 x0 = null;
        Ext3[] weights = null;
        for (int k = 1; k < n; k++) {
            Ext3 lambda = transcript.challengeExt("logup-gkr/lambda");
            Ext3[] c = new Ext3[k == 1 ? 0 : 4];
            Ext3[] xs = new Ext3[c.length];
            if (k > 1) {
                c[0] = weights[0];
                c[1] = weights[1];
                c[2] = lambda.mul(weights[0]);
                c[3] = lambda.mul(weights[1]);
                java.util.Arrays.fill(xs, x0);
            }
            int[] degrees = maskedLayerDegrees(k);
            MaskedSumcheck.MaskedClaimsResult res = MaskedSumcheck.verifyMaskedClaims(claimP.add(lambda.mul(claimQ)), c, xs, degrees,
                    proof, transcript);
            Ext3[] full = new Ext3[k + 1];
            full[0] = res.wChallenge();
            System.arraycopy(res.point(), 0, full, 1, k);
            masks.sumcheckMask(MaskedSumcheck.withWRound(degrees), full, res.maskValue());
            for (int h = 0; h < c.length; h++) {
                masks.halfMask(k, h, x0, res.wChallenge(), res.tensorMaskValues()[h]);
            }
            long[] children = proof.exts("logup-gkr layer " + k + " child evaluations", 4);
            transcript.absorbExts("logup-gkr/layer", children, 0, 4);
            p0 = Ext3.get(children, 0);
            p1 = Ext3.get(children, 1);
            q0 = Ext3.get(children, 2);
            q1 = Ext3.get(children, 3);
            Ext3 expected = Mle.eq(point, res.point())
                    .mul(p0.mul(q1).add(p1.mul(q0)).add(lambda.mul(q0.mul(q1))));
            if (!expected.equals(res.value())) {
                throw new InvalidProofException("logup-gkr: layer " + k + " sumcheck does not match the child evaluations");
            }
            mu = transcript.challengeExt("logup-gkr/mu");
            Ext3[] next = new Ext3[k + 1];
            next[0] = mu;
            System.arraycopy(res.point(), 0, next, 1, k);
            point = next;
            claimP = line(p0, p1, mu);
            claimQ = line(q0, q1, mu);
            Ext3 z = TensorMask.vanishing(res.point());
            weights = new Ext3[] {Ext3.ONE.sub(mu).mul(z), mu.mul(z)};
            x0 = res.point()[0];
        }
        return new MaskedLeafClaim(point, claimP, claimQ, gamma, x0, weights);
    }

    /**
     * −log2 of the soundness error of zero-knowledge LogUp-GKR (docs/zero-knowledge.md §3.6) with
     * 2^logLeaves leaves (the {@link ZkLeafLayout}'s, mask segments included), numColumns tuple
     * columns, and a leaf sumcheck with round degrees leafDegrees (its w round of degree 1 added here):
     * ε = (2^n·(W + 3) + 1 + Σ_{k=1}^{n−1}(1 + 3(k − 1) + 5 + 3) + 1 + Σ leafDegrees + 2) / p^3.
     * The LogUp term is unchanged by the mask segments (their sum is a constant fixed before α, so
     * a false lookup leaves a non-zero rational function of degree ≤ 2^n whose value must hit it);
     * the root-denominator check is kept, so it adds nothing; each layer sumcheck has one more
     * variable (w, degree 1) and a last round of degree 5, plus its ρ, λ and μ; the leaf sumcheck adds its rounds, its ρ and
     * the batching challenge z. Excludes the caller's openings.
     */
    public static double soundnessBitsMasked(int logLeaves, int numColumns, int[] leafDegrees) {
        boolean valid = leafDegrees.length >= 1;
        for (int d : leafDegrees) {
            valid &= d >= 1;
        }
        if (logLeaves < 3 || logLeaves > 62 || numColumns < 1 || !valid) {
            throw new IllegalArgumentException("logLeaves must be in [3, 62], numColumns ≥ 1, at least one leaf round, each of degree ≥ 1");
        }
        double terms = Math.scalb((double) numColumns + 3, logLeaves) + 1;
        for (int k = 1; k < logLeaves; k++) {
            terms += MaskedSumcheck.W_ROUND_DEGREE + SumcheckVerifier.totalDegree(maskedLayerDegrees(k)) + 3;
        }
        terms += MaskedSumcheck.W_ROUND_DEGREE + SumcheckVerifier.totalDegree(leafDegrees) + 2;
        return SecurityReport.EXTENSION_FIELD_BITS - SecurityReport.log2(terms);
    }

    /** (1 − μ)·a + μ·b: the child-bit restriction of a layer MLE. */
    static Ext3 line(Ext3 a, Ext3 b, Ext3 mu) {
        return a.add(b.sub(a).mul(mu));
    }

    /** The proof size in bytes for these shapes (fixed by the shapes). */
    public static int proofBytes(List<SegmentShape> shapes) {
        SegmentLayout layout = new SegmentLayout(shapes);
        int n = layout.logLeaves();
        long elements = 4;
        for (int k = 1; k < n; k++) {
            elements += 3L * k + 4;
        }
        for (SegmentShape s : layout.shapes()) {
            elements += s.kind() == SegmentKind.TABLE ? 2 : 1;
        }
        return Math.toIntExact(elements * 24);
    }

    /**
     * −log2 of the soundness error of LogUp-GKR with 2^logLeaves leaves and numColumns tuple
     * columns combined by the caller (1 for plain values; the table id adds one more):
     * ε = (2^n·(W + 3) + 1 + Σ_{k=1}^{n−1}(3k + 2)) / p^3. Excludes the caller's openings.
     */
    public static double soundnessBits(int logLeaves, int numColumns) {
        if (logLeaves < 1 || logLeaves > 62 || numColumns < 1) {
            throw new IllegalArgumentException("logLeaves must be in [1, 62] and numColumns ≥ 1");
        }
        double terms = Math.scalb((double) numColumns + 3, logLeaves) + 1;
        for (int k = 1; k < logLeaves; k++) {
            terms += 3.0 * k + 2;
        }
        return SecurityReport.EXTENSION_FIELD_BITS - SecurityReport.log2(terms);
    }
}
