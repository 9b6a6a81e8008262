package dev.zkinfer.prover.pcs;

import dev.zkinfer.prover.concurrent.Cancellation;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.pcs.BlockWeight;
import dev.zkinfer.pcs.EvaluationClaim;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.pcs.WhirProtocol;
import dev.zkinfer.pcs.WhirVerifier;
import dev.zkinfer.pcs.WeightedClaim;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.backend.CommitKernels;
import dev.zkinfer.prover.merkle.MerkleTree;
import dev.zkinfer.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The WHIR prover (ePrint 2024/1586, Construction 5.1), in the regime of its parameters
 * (Johnson bound with out-of-domain samples, or unique decoding): the prover half of
 * {@link WhirVerifier}, whose class comment gives the protocol and the proof layout;
 * the transcript order is in {@link WhirProtocol}.
 *
 * <p>Commit: Möbius transform of the hypercube values to monomial coefficients c, RS encoding
 * of Σ c_b X^b on L_0 in bit-reversed order, Merkle tree over fold blocks of 2^k_0 values.
 * Open: per round, k_i sumcheck rounds on Σ_b w(b)·f̂(b) (the prover keeps f̂ both as hypercube
 * values, for the sumcheck, and as monomial coefficients, for the next encoding, folding both by
 * each α), commit the folded polynomial (or send it) and answer its out-of-domain samples
 * ζ (Σ c_b ζ^b), grind, answer the queries, and add the out-of-domain and query constraints
 * β^j·eq((y, y^2, ...), ·) to the weight table. All heavy loops run in the backend's
 * {@link CommitKernels}, so every backend produces identical proofs; the polynomial's tables
 * and codewords may stay resident in the backend's memory (CommitKernels' "resident tables"),
 * so this class reads them only through the kernels.
 *
 * <p>Thread-safe: it holds only immutable parameters and its kernels; each call works on its own tables, proof and transcript.
 */
public final class WhirProver implements PcsProver {
    private final PcsParameters params;
    private final CommitKernels kernels;

    /** A prover on the backend chosen at start-up ({@link Backends#get()}). */
    public WhirProver(PcsParameters params) {
        this(params, Backends.get());
    }

    public WhirProver(PcsParameters params, Backend backend) {
        this.params = Objects.requireNonNull(params);
        this.kernels = backend.commit();
    }

    public PcsParameters parameters() {
        return params;
    }

    /** A WHIR commitment: root plus the codeword, its tree and the polynomial in both forms. */
    public static final class WhirCommitment implements PcsProver.Committed {
        private final PcsParameters params;
        private final long[] evaluations;
        private final long[] coefficients;
        private final long[] codeword;
        private final MerkleTree tree;
        /** The kernels that made the commitment: its tables may be resident handles of their backend. */
        private final CommitKernels owner;
        /**
         * Answers f̂(oodPoint(ζ)) already computed, by ζ: a model commitment's samples depend only
         * on its verifying key ({@link #outOfDomain}), so every proof after the first reuses them.
         */
        private final java.util.concurrent.ConcurrentHashMap<Ext3, Ext3> oodAnswers = new java.util.concurrent.ConcurrentHashMap<>();

        private WhirCommitment(PcsParameters params, long[] evaluations, long[] coefficients, long[] codeword,
                MerkleTree tree, CommitKernels owner) {
            this.params = params;
            this.owner = owner;
            this.evaluations = evaluations;
            this.coefficients = coefficients;
            this.codeword = codeword;
            this.tree = tree;
        }

        @Override
        public byte[] root() {
            return tree.root();
        }

        @Override
        public int numVars() {
            return params.numVars();
        }
    }

    @Override
    public WhirCommitment commit(long[] evaluations, int numVars) {
        if (numVars != params.numVars() || evaluations.length != 1 << numVars) {
            throw new IllegalArgumentException("expected 2^" + params.numVars() + " values for the PCS parameters, got "
                    + evaluations.length + " (numVars " + numVars + ")");
        }
        for (long v : evaluations) {
            if (!Goldilocks.isCanonical(v)) {
                throw new IllegalArgumentException("non-canonical field element in the committed table");
            }
        }
        // evaluations, coefficients and codeword may be resident handles of the backend; a host
        // backend keeps the caller's table itself (no copy of 2^n values: the model's is 128 MB)
        long[] evals = kernels.adopt(evaluations);
        long[] coeffs = kernels.resident(evaluations);
        kernels.evaluationsToCoefficients(coeffs);
        Cancellation.checkpoint();
        long[] codeword = kernels.encodeBitReversed(coeffs, 1, numVars, params.logDomainSize(0));
        Cancellation.checkpoint();
        MerkleTree tree = MerkleTree.build(kernels, codeword, 1 << params.logLeaves(0), 1 << params.foldVars(0));
        return new WhirCommitment(params, evals, coeffs, codeword, tree, kernels);
    }

    /** f̃(point) of a committed polynomial, without proving anything. */
    public Ext3 evaluate(Committed committed, Ext3[] point) {
        WhirCommitment c = cast(committed);
        return Ext3.get(kernels.evaluateMle(tables(c)[0], toArray(point)), 0);
    }

    /**
     * The commitment's evaluations, coefficients and codeword, as tables this prover's kernels
     * can read: the committing backend's own (possibly resident) tables, or ordinary copies when
     * another backend made the commitment.
     */
    private long[][] tables(WhirCommitment c) {
        if (c.owner == kernels) {
            return new long[][] {c.evaluations, c.coefficients, c.codeword};
        }
        int size = 1 << params.numVars();
        return new long[][] {c.owner.toHost(c.evaluations, size), c.owner.toHost(c.coefficients, size),
            c.owner.toHost(c.codeword, 1 << params.logDomainSize(0))};
    }

    private WhirCommitment cast(Committed committed) {
        if (!(committed instanceof WhirCommitment c) || !c.params.equals(params)) {
            throw new IllegalArgumentException("commitment was not made by a WHIR prover with these parameters");
        }
        return c;
    }

    /**
     * The commitment's out-of-domain samples (WHIR §5), to be run right after the caller has
     * absorbed the root, before any other challenge: under {@value WhirProtocol#OOD_DOMAIN},
     * "whir/params", "whir/root", then per sample challenge ζ ("whir/ood"), the answer
     * f̂(ζ, ζ^2, ζ^4, ...) written to {@code out} and absorbed ("whir/ood-answer"). In the
     * Johnson-bound regime a root alone binds the prover only to a list of codewords; the answers
     * leave at most one of them consistent, so every later challenge meets one fixed polynomial.
     *
     * @return the samples as claims, for {@link #open(Committed, List, List, List, ProofWriter, Transcript)}
     */
    public List<EvaluationClaim> outOfDomain(Committed committed, ProofWriter out, Transcript t) {
        WhirCommitment c = cast(committed);
        int n = params.numVars();
        t.domain(WhirProtocol.OOD_DOMAIN);
        t.absorbLongs(WhirProtocol.PARAMS, params.encode());
        t.absorbBytes(WhirProtocol.ROOT, c.root());
        List<EvaluationClaim> samples = new ArrayList<>();
        for (int s = 0; s < params.oodSamples(); s++) {
            Ext3 zeta = t.challengeExt(WhirProtocol.OOD);
            Ext3[] z = WhirProtocol.oodPoint(zeta, n);
            Ext3 u = c.oodAnswers.computeIfAbsent(zeta, k -> Ext3.get(kernels.evaluateMle(tables(c)[0], toArray(z)), 0));
            out.ext(u);
            t.absorbExt(WhirProtocol.OOD_ANSWER, u);
            samples.add(new EvaluationClaim(z, u));
        }
        return samples;
    }

    /** {@link #outOfDomain} then the opening: for a commitment whose samples were not drawn when it was made. */
    @Override
    public Ext3[] open(Committed committed, List<Ext3[]> points, ProofWriter out, Transcript t) {
        WhirCommitment c = cast(committed);
        long[] evaluations = tables(c)[0];
        Ext3[] values = new Ext3[points.size()];
        for (int j = 0; j < values.length; j++) {
            Ext3[] z = points.get(j);
            if (z.length != params.numVars()) {
                throw new IllegalArgumentException("point " + j + " has " + z.length + " coordinates, expected " + params.numVars());
            }
            values[j] = Ext3.get(kernels.evaluateMle(evaluations, toArray(z)), 0);
        }
        List<EvaluationClaim> ood = outOfDomain(c, out, t);
        open(c, ood, points, Arrays.asList(values), out, t);
        return values;
    }

    /**
     * Proves the claims f̃(points_j) = values_j, whose values the caller already knows (they must
     * be the true evaluations: the verifier rejects anything else). Many claims are cheap: the
     * initial weight Σ_j γ^j eq(z_j, ·) is built block by block ({@link WeightTables}).
     */
    public void open(Committed committed, List<Ext3[]> points, List<Ext3> values, ProofWriter out, Transcript t) {
        open(committed, outOfDomain(committed, out, t), points, values, out, t);
    }

    /**
     * As {@link #open(Committed, List, List, ProofWriter, Transcript)}, for a commitment whose
     * out-of-domain samples {@code ood} were drawn when its root was absorbed ({@link #outOfDomain}):
     * they join the claims in WHIR's γ combination.
     */
    public void open(Committed committed, List<EvaluationClaim> ood, List<Ext3[]> points, List<Ext3> values, ProofWriter out,
            Transcript t) {
        open(committed, ood, points, values, List.of(), out, t);
    }

    /**
     * Σ_b w(b)·f̂(b) over the block of a weighted claim ({@link WeightedClaim}): the value the
     * verifier must be given for it.
     */
    public Ext3 weightedSum(Committed committed, BlockWeight weight, long block) {
        WhirCommitment c = cast(committed);
        int k = weight.numVars();
        if (k > params.numVars() || block < 0 || block >= (1L << (params.numVars() - k))) {
            throw new IllegalArgumentException("block " + block + " of 2^" + k + " entries is outside the polynomial");
        }
        long[] host = c.owner.toHost(c.evaluations, 1 << params.numVars());
        long[] wt = weight.table();
        int off = (int) (block << k);
        long a0 = 0, a1 = 0, a2 = 0;
        for (int b = 0; b < (1 << k); b++) {
            long v = host[off + b];
            a0 = Goldilocks.add(a0, Goldilocks.mul(wt[3 * b], v));
            a1 = Goldilocks.add(a1, Goldilocks.mul(wt[3 * b + 1], v));
            a2 = Goldilocks.add(a2, Goldilocks.mul(wt[3 * b + 2], v));
        }
        return new Ext3(a0, a1, a2);
    }

    /**
     * Proves the evaluation claims f̃(points_j) = values_j and the weighted claims together (at
     * least one claim in all; the values must be the true ones). With no weighted claim, proof and
     * transcript are those of {@link #open(Committed, List, List, List, ProofWriter, Transcript)}.
     */
    public void open(Committed committed, List<EvaluationClaim> ood, List<Ext3[]> points, List<Ext3> values,
            List<WeightedClaim> weighted, ProofWriter out, Transcript t) {
        WhirCommitment c = cast(committed);
        if (ood.size() != params.oodSamples()) {
            throw new IllegalArgumentException(ood.size() + " out-of-domain samples, the parameters have " + params.oodSamples());
        }
        int n = params.numVars();
        if (points.size() + weighted.size() < 1 || points.size() + weighted.size() > PcsParameters.MAX_CLAIMS
                || values.size() != points.size()) {
            throw new IllegalArgumentException("an opening needs between 1 and " + PcsParameters.MAX_CLAIMS
                    + " points, each with its value");
        }
        t.domain(WhirProtocol.DOMAIN);
        t.absorbLongs(WhirProtocol.PARAMS, params.encode());
        t.absorbBytes(WhirProtocol.ROOT, c.root());
        t.absorbLong(WhirProtocol.CLAIMS, points.size());
        long[][] committedTables = tables(c);
        for (int j = 0; j < points.size(); j++) {
            Ext3[] z = points.get(j);
            if (z.length != n) {
                throw new IllegalArgumentException("point " + j + " has " + z.length + " coordinates, expected " + n);
            }
            t.absorbExts(WhirProtocol.POINT, toArray(z), 0, n);
            t.absorbExt(WhirProtocol.VALUE, values.get(j));
        }
        for (WeightedClaim wc : weighted) {
            int k = wc.weight().numVars();
            if (k > n || wc.block() < 0 || wc.block() >= (1L << (n - k))) {
                throw new IllegalArgumentException("weighted claim's block " + wc.block() + " of 2^" + k + " entries is outside the polynomial");
            }
        }
        WhirVerifier.absorbWeighted(t, weighted);
        List<long[]> oodPoints0 = new ArrayList<>();
        for (EvaluationClaim s : ood) {
            oodPoints0.add(toArray(s.point()));
        }
        Ext3 gamma = t.challengeExt(WhirProtocol.GAMMA);

        // w = Σ_j γ^j eq(z_j, ·) over the claims (built on the host, block-sparse), then the
        // out-of-domain samples
        long[] hostWeight = new long[3 << n];
        Ext3 g = WeightTables.addBatch(kernels, hostWeight, points, gamma, Ext3.ONE, n);
        for (WeightedClaim wc : weighted) {
            WeightTables.addWeighted(hostWeight, wc.weight(), wc.block(), g);
            g = g.mul(gamma);
        }
        long[] w = kernels.adopt(hostWeight);
        hostWeight = null; // w is its only reference: the first fold frees it (3·2^n longs)
        for (long[] z : oodPoints0) {
            kernels.addScaledEq(w, z, ext(g));
            g = g.mul(gamma);
        }

        long[] f = committedTables[0];
        long[] coeffs = committedTables[1];
        int width = 1;
        int size = 1 << n;
        long[] codeword = committedTables[2];
        MerkleTree tree = c.tree;
        int rounds = params.numRounds();
        for (int i = 0; i < rounds; i++) {
            int k = params.foldVars(i);
            for (int j = 0; j < k; j++) {
                Cancellation.checkpoint();
                Ext3 alpha = sumcheckRound(f, width, w, size, out, t);
                long[] a = ext(alpha);
                f = kernels.fold(f, width, size, a, false);
                coeffs = kernels.fold(coeffs, width, size, a, true);
                w = kernels.fold(w, 3, size, a, false);
                width = 3;
                size >>>= 1;
            }
            boolean last = i == rounds - 1;
            int mNext = params.varsBefore(i + 1);
            long[] nextCodeword = null;
            MerkleTree nextTree = null;
            List<long[]> oodPoints = new ArrayList<>();
            if (!last) {
                nextCodeword = kernels.encodeBitReversed(coeffs, 3, mNext, params.logDomainSize(i + 1));
                nextTree = MerkleTree.build(kernels, nextCodeword, 1 << params.logLeaves(i + 1), 3 << params.foldVars(i + 1));
                byte[] root = nextTree.root();
                out.bytes(root);
                t.absorbBytes(WhirProtocol.ROOT, root);
                long[] hostCoeffs = params.oodSamples() > 0 ? kernels.toHost(coeffs, 3 << mNext) : null;
                for (int s = 0; s < params.oodSamples(); s++) {
                    Ext3 zeta = t.challengeExt(WhirProtocol.OOD);
                    Ext3 u = evalUnivariateExt(hostCoeffs, 1 << mNext, zeta);
                    out.ext(u);
                    t.absorbExt(WhirProtocol.OOD_ANSWER, u);
                    oodPoints.add(toArray(WhirProtocol.oodPoint(zeta, mNext)));
                }
            } else {
                coeffs = kernels.toHost(coeffs, 3 << mNext);
                out.bases(coeffs);
                t.absorbExts(WhirProtocol.FINAL_POLY, coeffs, 0, 1 << mNext);
            }
            if (params.powBits() > 0) {
                byte[] seed = t.challengeBytes(WhirProtocol.POW_SEED, WhirProtocol.POW_SEED_BYTES);
                long nonce = kernels.grind(seed, params.powBits());
                out.u64(nonce);
                t.absorbLong(WhirProtocol.POW_NONCE, nonce);
            }
            int logLeaves = params.logLeaves(i);
            int[] indices = Arrays.stream(t.challengeIndices(WhirProtocol.QUERIES, params.queries(i), 1 << logLeaves))
                    .sorted().distinct().toArray();
            int leafLongs = (i == 0 ? 1 : 3) << k;
            out.bases(kernels.leaves(codeword, indices, leafLongs));
            tree.writeMultiProof(indices, out);
            if (!last) {
                Ext3 beta = t.challengeExt(WhirProtocol.BETA);
                Ext3 b = beta;
                for (long[] z : oodPoints) {
                    kernels.addScaledEq(w, z, ext(b));
                    b = b.mul(beta);
                }
                long omegaY = Goldilocks.rootOfUnity(params.logDomainSize(i) - k);
                long[][] qPoints = new long[indices.length][];
                long[][] qCoefs = new long[indices.length][];
                for (int q = 0; q < indices.length; q++) {
                    long y = Goldilocks.pow(omegaY, WhirProtocol.bitReverse(indices[q], logLeaves));
                    qPoints[q] = powers(y, mNext);
                    qCoefs[q] = ext(b);
                    b = b.mul(beta);
                }
                kernels.addScaledEqBatch(w, qPoints, qCoefs);
            }
            codeword = nextCodeword;
            tree = nextTree;
        }
        for (int j = 0; j < params.finalVars(); j++) {
            Cancellation.checkpoint();
            Ext3 alpha = sumcheckRound(f, 3, w, size, out, t);
            long[] a = ext(alpha);
            f = kernels.fold(f, 3, size, a, false);
            w = kernels.fold(w, 3, size, a, false);
            size >>>= 1;
        }
    }

    private Ext3 sumcheckRound(long[] f, int width, long[] w, int size, ProofWriter out, Transcript t) {
        long[] h = kernels.sumcheckRound(f, width, w, size);
        out.bases(h);
        t.absorbExts(WhirProtocol.SUMCHECK, h, 0, 3);
        return t.challengeExt(WhirProtocol.FOLD);
    }

    /** Σ_{b < size} c_b ζ^b for array-form extension coefficients c (Horner). */
    static Ext3 evalUnivariateExt(long[] coeffs, int size, Ext3 zeta) {
        Ext3 r = Ext3.ZERO;
        for (int b = size - 1; b >= 0; b--) {
            r = r.mul(zeta).add(Ext3.get(coeffs, b));
        }
        return r;
    }

    /** (y, y^2, ..., y^(2^(m-1))) as array-form base coordinates. */
    private static long[] powers(long y, int m) {
        long[] p = new long[3 * m];
        long cur = y;
        for (int j = 0; j < m; j++) {
            p[3 * j] = cur;
            cur = Goldilocks.mul(cur, cur);
        }
        return p;
    }

    private static long[] ext(Ext3 a) {
        return new long[] {a.c0, a.c1, a.c2};
    }

    private static long[] toArray(Ext3[] v) {
        long[] a = new long[3 * v.length];
        for (int i = 0; i < v.length; i++) {
            Ext3.set(a, i, v[i]);
        }
        return a;
    }
}
