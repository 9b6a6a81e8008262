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
import dev.zkinfer.prover.merkle.SpillFile;
import dev.zkinfer.transcript.Transcript;
import dev.zkinfer.merkle.MerkleHash;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;

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
    /** Commitments whose round-0 codeword has more elements do not keep it ({@link #keepsCodeword}). */
    private final long maxKeptCodewordLongs;
    /** Integrity-mode openings of commitments of more variables run round 0 streamed ({@link #keepsEncoding}). */
    private final int maxKeptCoefficientVars;
    /** Variables of the chunks a streamed round 0 ({@link #streamedRound0}) works on (at least k_0 + 1, at most n). */
    private final int streamChunkVars;
    /** Whether a codeword too large to hold is written to a file as it is encoded ({@link SpillFile}), rather than encoded again for its queries. */
    private final boolean spill;
    /** The layers of a spilled tree: those of at least this many nodes ({@link MerkleTree#spilled(int)}). */
    private final int spillMinNodes;
    /** Chunks of 2^20 entries: a chunk's weight table is 24 MB, and 2^8 of them cover a 2^28 commitment. */
    static final int STREAM_CHUNK_VARS = 20;
    /**
     * Soundness tests only (null otherwise): a cheating prover's change to the last round's folded
     * polynomial, given its hypercube values and the weight table (host, extension values, array form),
     * before the final polynomial is sent; the final sumcheck then runs honestly on the changed values.
     */
    BiConsumer<long[], long[]> cheatFinalForTests;

    /** A prover on the backend chosen at start-up ({@link Backends#get()}). */
    public WhirProver(PcsParameters params) {
        this(params, Backends.get());
    }

    public WhirProver(PcsParameters params, Backend backend) {
        this(params, backend, MAX_KEPT_CODEWORD_LONGS, MAX_KEPT_VARS, STREAM_CHUNK_VARS, true, MerkleTree.SPILL_MIN_NODES);
    }

    /**
     * As {@link #WhirProver(PcsParameters, Backend)}, keeping round-0 codewords of at most {@code
     * maxKeptCodewordLongs} elements (tests: 0 exercises the spilled codewords, and their trees with
     * every layer below the root in a file, at small sizes).
     */
    WhirProver(PcsParameters params, Backend backend, long maxKeptCodewordLongs) {
        this(params, backend, maxKeptCodewordLongs, STREAM_CHUNK_VARS);
    }

    /** As above, with streamed round-0 chunks of 2^streamChunkVars entries (tests: small chunks, so that a small commitment has several). */
    WhirProver(PcsParameters params, Backend backend, long maxKeptCodewordLongs, int streamChunkVars) {
        this(params, backend, maxKeptCodewordLongs, MAX_KEPT_VARS, streamChunkVars, true, 1);
    }

    /**
     * As above, opening in memory only up to 2^maxKeptCoefficientVars values (tests: a small limit
     * takes the path of a 2^26-value commitment, which keeps its codeword and streams round 0, at small sizes).
     */
    WhirProver(PcsParameters params, Backend backend, long maxKeptCodewordLongs, int maxKeptCoefficientVars, int streamChunkVars) {
        this(params, backend, maxKeptCodewordLongs, maxKeptCoefficientVars, streamChunkVars, true, 1);
    }

    /** As above; {@code spill} false encodes a large codeword's queried blocks again instead of writing it to a file (tests: both give the same proof). */
    WhirProver(PcsParameters params, Backend backend, long maxKeptCodewordLongs, int streamChunkVars, boolean spill) {
        this(params, backend, maxKeptCodewordLongs, MAX_KEPT_VARS, streamChunkVars, spill, 1);
    }

    private WhirProver(PcsParameters params, Backend backend, long maxKeptCodewordLongs, int maxKeptCoefficientVars,
            int streamChunkVars, boolean spill, int spillMinNodes) {
        this.spill = spill;
        this.spillMinNodes = spillMinNodes;
        this.params = Objects.requireNonNull(params);
        this.kernels = backend.commit();
        this.maxKeptCodewordLongs = maxKeptCodewordLongs;
        this.maxKeptCoefficientVars = maxKeptCoefficientVars;
        this.streamChunkVars = streamChunkVars;
    }

    public PcsParameters parameters() {
        return params;
    }

    /** A WHIR commitment: root plus the codeword, its tree and the polynomial in both forms. */
    public static final class WhirCommitment implements PcsProver.Committed {
        private final PcsParameters params;
        private final long[] evaluations;
        private final long[] codeword;
        private final MerkleTree tree;
        /** The kernels that made the commitment: its tables may be resident handles of their backend. */
        private final CommitKernels owner;
        /**
         * Answers f̂(oodPoint(ζ)) already computed, by ζ: a model commitment's samples depend only
         * on its verifying key ({@link #outOfDomain}), so every proof after the first reuses them.
         */
        private final java.util.concurrent.ConcurrentHashMap<Ext3, Ext3> oodAnswers = new java.util.concurrent.ConcurrentHashMap<>();
        /** Hiding mode only (null otherwise): the mask polynomial g's host tables, the leaf salts, the source of fresh salts. */
        private final Hiding hiding;
        /** The round-0 codeword of a commitment that holds none ({@link #keepsCodeword}), in a file; null when it is encoded again for the queries. */
        private final SpillFile spilled;

        private WhirCommitment(PcsParameters params, long[] evaluations, long[] codeword, MerkleTree tree, CommitKernels owner,
                Hiding hiding) {
            this(params, evaluations, codeword, tree, owner, hiding, null);
        }

        private WhirCommitment(PcsParameters params, long[] evaluations, long[] codeword, MerkleTree tree, CommitKernels owner,
                Hiding hiding, SpillFile spilled) {
            this.spilled = spilled;
            this.params = params;
            this.owner = owner;
            this.evaluations = evaluations;
            this.codeword = codeword;
            this.tree = tree;
            this.hiding = hiding;
        }

        @Override
        public byte[] root() {
            return tree.root();
        }

        @Override
        public int numVars() {
            return params.numVars();
        }

        /** The round-0 codeword's file, or null (tests). */
        SpillFile spilled() {
            return spilled;
        }
    }

    /**
     * Hiding-mode state of a commitment: with one opening, the mask polynomial committed in its
     * leaves and the combined leaves (per leaf f's block then the mask's c symbols, host); the
     * salts of its leaves; the random source of later salts and masks; the openings made so far.
     */
    private record Hiding(MaskPolynomial mask, long[] leaves, byte[] salts, SecureRandom random,
            java.util.concurrent.atomic.AtomicInteger openings) {}

    /**
     * A mask polynomial ĝ(X) = Σ_{a&lt;c} φ_a(X)·S_a(X^K) ({@link WhirProtocol#maskLowWeights}), as
     * its parts, never as a table of 2^n: S_a's hypercube values and monomial coefficients (2^(n−k_0)
     * each), φ_a's monomial coefficients and hypercube values (2^k_0 each), so that ĝ's multilinear
     * form is Σ_a φ̂_a(x_low)·S_a(x_high) over round 0's k_0 low variables and the rest; its symbols
     * S_a(y) per round-0 leaf (c per leaf, in leaf order), and, when committed apart, its salted tree.
     */
    record MaskPolynomial(long[][] parts, long[][] partCoefficients, long[][] phi, long[][] phiHat, long[] symbols, MerkleTree tree,
            byte[] salts) {
        int width() {
            return parts.length;
        }

        /** ĝ̃(z) = Σ_a φ̂_a(z_low)·S̃_a(z_high) for an array-form point z of n coordinates. */
        Ext3 evaluate(CommitKernels kernels, long[] z) {
            return evaluate(z, partsAt(kernels, z));
        }

        /** ĝ̃(z) from the parts' values S̃_a(z_high) ({@link #partsAt}). */
        Ext3 evaluate(long[] z, Ext3[] partValues) {
            Ext3[] low = lowPoint(z);
            Ext3 v = Ext3.ZERO;
            for (int a = 0; a < parts.length; a++) {
                v = v.add(dev.zkinfer.poly.Mle.evaluate(phiHat[a], low).mul(partValues[a]));
            }
            return v;
        }

        /** S̃_a(z_high) for every part a (the 2^(n−k_0)-entry evaluations a mask answer and its W_a update share). */
        Ext3[] partsAt(CommitKernels kernels, long[] z) {
            long[] high = Arrays.copyOfRange(z, 3 * lowVars(), z.length);
            Ext3[] out = new Ext3[parts.length];
            for (int a = 0; a < parts.length; a++) {
                out[a] = Ext3.get(kernels.evaluateMle(parts[a], high), 0);
            }
            return out;
        }

        int lowVars() {
            return Integer.numberOfTrailingZeros(phi[0].length);
        }

        /** z's first k_0 coordinates. */
        Ext3[] lowPoint(long[] z) {
            Ext3[] low = new Ext3[lowVars()];
            for (int i = 0; i < low.length; i++) {
                low[i] = Ext3.get(z, i);
            }
            return low;
        }

        /**
         * W_a(low) = Σ_high w(low, high)·S_a(high) for an array-form weight table w of 2^n entries:
         * c tables of 2^k_0 extension values (array form). Σ_b w(b)·ĝ(b) = Σ_a Σ_low φ̂_a(low)·W_a(low),
         * and the round-0 sumcheck of w·ĝ needs nothing else (w's folds over the low variables are
         * W_a's folds).
         */
        long[][] lowSums(CommitKernels kernels, long[] w) {
            int c = parts.length, lowSize = phi[0].length, highSize = parts[0].length;
            long[] flat = new long[c * highSize];
            for (int a = 0; a < c; a++) {
                System.arraycopy(parts[a], 0, flat, a * highSize, highSize);
            }
            long[] sums = kernels.maskLowSums(w, flat, c, lowSize);
            long[][] out = new long[c][];
            for (int a = 0; a < c; a++) {
                out[a] = Arrays.copyOfRange(sums, 3 * lowSize * a, 3 * lowSize * (a + 1));
            }
            return out;
        }
    }

    /**
     * Commits in hiding mode ({@link PcsParameters#withZeroKnowledge(int)}): the table's top
     * {@link PcsParameters#zkMaskSize()} entries, which the caller reserves and leaves zero, are
     * filled here (in the caller's array) with uniform values from {@code random}, which also
     * draws every leaf salt and, for a commitment opened once, the mask polynomial committed in
     * its leaves. A commitment for several openings holds f alone in salted leaves; each opening
     * draws its own mask polynomial ({@link #open(Committed, List, List, List, List, SecureRandom,
     * ProofWriter, Transcript)}). In integrity mode this is {@link #commit(long[], int)} and
     * {@code random} is not used. The result depends only on the table and the bytes drawn from
     * {@code random}: a seeded generator recreates the same commitment.
     *
     * @throws IllegalArgumentException if the reserved block holds anything but zeros
     */
    public WhirCommitment commit(long[] evaluations, int numVars, SecureRandom random) {
        if (!params.zeroKnowledge()) {
            return commit(evaluations, numVars);
        }
        Objects.requireNonNull(random, "hiding mode needs a random source");
        checkTable(evaluations, numVars);
        int size = 1 << numVars, mu = params.zkMaskSize();
        for (int b = size - mu; b < size; b++) {
            if (evaluations[b] != 0) {
                throw new IllegalArgumentException("entry " + b + " lies in the hiding mask block [" + (size - mu) + ", " + size
                        + ") that the layout must leave empty");
            }
        }
        System.arraycopy(uniformTable(random, mu), 0, evaluations, size - mu, mu);
        long[][] parts = params.zkSeparateMask() ? null : drawMaskParts(random);
        byte[] salts = salts(random, params.logLeaves(0));
        return commitHiding(evaluations, parts, salts, random);
    }

    /** The mask polynomial's parts S_a: c uniform tables of 2^(n − k_0) base-field values. */
    private long[][] drawMaskParts(SecureRandom random) {
        long[][] parts = new long[params.zkMaskWidth()][];
        for (int a = 0; a < parts.length; a++) {
            parts[a] = uniformTable(random, 1 << params.zkMaskVars());
        }
        return parts;
    }

    /**
     * The mask polynomial with parts {@code parts} (hypercube values of S_a over n − k_0
     * variables); with {@code salts}, committed in its own salted tree (one leaf of c symbols per
     * round-0 leaf of f).
     */
    MaskPolynomial mask(long[][] parts, byte[] salts) {
        int k0 = params.foldVars(0), m = params.zkMaskVars(), c = parts.length;
        if (c != params.zkMaskWidth()) {
            throw new IllegalArgumentException("the mask polynomial has " + params.zkMaskWidth() + " parts, got " + c);
        }
        int lowSize = 1 << k0, highSize = 1 << m, logWord = params.logDomainSize(0) - k0;
        long[][] phi = WhirProtocol.maskLowWeights(k0, c);
        // φ_a's hypercube values (sums of its monomial coefficients over subsets)
        long[][] phiHat = new long[c][];
        for (int a = 0; a < c; a++) {
            phiHat[a] = phi[a].clone();
            for (int j = 0; j < k0; j++) {
                for (int b = 0; b < lowSize; b++) {
                    if ((b >>> j & 1) != 0) {
                        phiHat[a][b] = Goldilocks.add(phiHat[a][b], phiHat[a][b ^ (1 << j)]);
                    }
                }
            }
        }
        long[][] coeffs = new long[c][];
        int leaves = 1 << logWord;
        for (int a = 0; a < c; a++) {
            if (parts[a].length != highSize) {
                throw new IllegalArgumentException("mask part " + a + " must hold 2^" + m + " values");
            }
            long[] r = kernels.resident(parts[a]);
            kernels.evaluationsToCoefficients(r);
            coeffs[a] = kernels.toHost(r, highSize);
        }
        long[] symbols;
        if (c == 3) {
            // the three parts' codewords in one encoding of width 3 (the encoding acts on each
            // component alone): its entry l is (S_0, S_1, S_2)(y_l), the symbols' leaf order already
            long[] interleaved = new long[3 * highSize];
            for (int b = 0; b < highSize; b++) {
                interleaved[3 * b] = coeffs[0][b];
                interleaved[3 * b + 1] = coeffs[1][b];
                interleaved[3 * b + 2] = coeffs[2][b];
            }
            symbols = kernels.toHost(kernels.encodeBitReversed(kernels.adopt(interleaved), 3, m, logWord), 3 * leaves);
        } else {
            symbols = new long[leaves * c];
            for (int a = 0; a < c; a++) {
                long[] word = kernels.toHost(kernels.encodeBitReversed(kernels.resident(coeffs[a]), 1, m, logWord), leaves);
                for (int l = 0; l < leaves; l++) {
                    symbols[l * c + a] = word[l];
                }
            }
        }
        MerkleTree tree = salts == null ? null : MerkleTree.buildSalted(kernels, kernels.adopt(symbols.clone()), leaves, c, salts);
        return new MaskPolynomial(parts, coeffs, phi, phiHat, symbols, tree, salts);
    }

    /**
     * {@code size} uniform base-field elements: rejection sampling of the 64-bit words of an
     * AES-256-CTR keystream under a key drawn from {@code random} ({@link KeystreamRandom}, a PRG:
     * drawing 2^22 words from the platform's SecureRandom directly costs several times the rest of
     * the commitment).
     */
    static long[] uniformTable(SecureRandom random, int size) {
        KeystreamRandom words = new KeystreamRandom(random);
        long[] out = new long[size];
        int filled = 0;
        while (filled < size) {
            long v = words.nextLong();
            if (Long.compareUnsigned(v, Goldilocks.P) < 0) {
                out[filled++] = v;
            }
        }
        return out;
    }

    /**
     * Fresh salts for a tree of 2^logLeaves leaves, from an AES-256-CTR keystream keyed from
     * {@code random} ({@link KeystreamRandom}): a tree's 16-byte salts drawn from the platform's
     * SecureRandom directly cost about 5 % of a zero-knowledge LeNet-5 proof.
     */
    static byte[] salts(SecureRandom random, int logLeaves) {
        byte[] salts = new byte[MerkleHash.SALT_BYTES << logLeaves];
        new KeystreamRandom(random).nextBytes(salts);
        return salts;
    }

    /**
     * The hiding commitment for a table whose mask block is already filled, with the mask
     * polynomial's parts {@code parts} (one opening; null for several) and the leaf salts given
     * (package-private: tests fix them to measure the opening as a linear map of the masks).
     */
    WhirCommitment commitHiding(long[] evaluations, long[][] parts, byte[] salts, SecureRandom random) {
        int n = params.numVars();
        long[] evals = kernels.adopt(evaluations);
        long[] coeffs = kernels.resident(evaluations);
        kernels.evaluationsToCoefficients(coeffs);
        Cancellation.checkpoint();
        int logN = params.logDomainSize(0);
        int leaves = 1 << params.logLeaves(0), block = 1 << params.foldVars(0);
        long[] fWord = kernels.encodeBitReversed(coeffs, 1, n, logN);
        Cancellation.checkpoint();
        java.util.concurrent.atomic.AtomicInteger openings = new java.util.concurrent.atomic.AtomicInteger();
        if (params.zkSeparateMask()) {
            if (parts != null) {
                throw new IllegalArgumentException("a commitment for several openings holds no mask polynomial: each opening draws one");
            }
            MerkleTree tree = MerkleTree.buildSalted(kernels, fWord, leaves, block, salts);
            return new WhirCommitment(params, evals, fWord, tree, kernels, new Hiding(null, null, salts, random, openings));
        }
        MaskPolynomial mask = mask(parts, null);
        int c = parts.length;
        long[] f = kernels.toHost(fWord, 1 << logN);
        long[] combined = new long[leaves * (block + c)];
        for (int l = 0; l < leaves; l++) {
            System.arraycopy(f, l * block, combined, l * (block + c), block);
            System.arraycopy(mask.symbols(), l * c, combined, l * (block + c) + block, c);
        }
        // hashing reads the leaves only: the tree is built on the table the commitment keeps (a backend
        // with its own memory hashes a resident copy)
        MerkleTree tree = MerkleTree.buildSalted(kernels, kernels.adopt(combined), leaves, block + c, salts);
        return new WhirCommitment(params, evals, combined, tree, kernels, new Hiding(mask, combined, salts, random, openings));
    }

    /**
     * Commits in integrity mode (deterministic).
     *
     * @throws IllegalStateException for hiding parameters: use {@link #commit(long[], int, SecureRandom)}
     */
    @Override
    public WhirCommitment commit(long[] evaluations, int numVars) {
        if (params.zeroKnowledge()) {
            throw new IllegalStateException("hiding WHIR parameters: commit with a random source (commit(values, numVars, random))");
        }
        checkTable(evaluations, numVars);
        // evaluations, coefficients and codeword may be resident handles of the backend; a host
        // backend keeps the caller's table itself (no copy of 2^n values: the model's is 128 MB)
        long[] evals = kernels.adopt(evaluations);
        long[] coeffs = kernels.resident(evaluations);
        kernels.evaluationsToCoefficients(coeffs);
        Cancellation.checkpoint();
        if (!keepsCodeword()) {
            // the codeword is not kept: hashed one coset block at a time, never whole (4 GiB at 2^28), and
            // written to a file for the opening's queries where one can be made
            SpillFile spilled = spill ? SpillFile.create(8L << params.logDomainSize(0)) : null;
            MerkleTree tree = MerkleTree.fromLeafDigests(kernels, encodedLeafDigests(coeffs, 1, numVars, params.logDomainSize(0),
                    1 << params.foldVars(0), spilled, false));
            if (spilled != null && !spilled.complete()) {
                spilled.close();
                spilled = null;
            }
            // and its tree's large layers (2 GiB at 2^28) too: the proof reads its paths from the file
            return new WhirCommitment(params, evals, null, spill ? tree.spilled(spillMinNodes) : tree, kernels, null, spilled);
        }
        long[] codeword = kernels.encodeBitReversed(coeffs, 1, numVars, params.logDomainSize(0));
        Cancellation.checkpoint();
        MerkleTree tree = MerkleTree.build(kernels, codeword, 1 << params.logLeaves(0), 1 << params.foldVars(0));
        // the codeword (1 GiB at 2^26 values) is kept for round 0's queries; f̂'s coefficients are not
        // (the rounds compute their folded polynomials' own: coefficientsOf)
        return new WhirCommitment(params, evals, codeword, tree, kernels, null);
    }

    /**
     * Whether this prover's integrity-mode commitments are too large to keep their round-0 codeword
     * ({@link #keepsCodeword}): their opening streams round 0 and is the largest step of a proof
     * that opens one (GPT-2 small's 2^28-value model commitment).
     */
    public boolean streamsRoundZero() {
        return !params.zeroKnowledge() && !keepsCodeword();
    }

    /**
     * {@code committed} made to wait for its opening with only its values on the heap (a proof's
     * witness commitment while the model commitment's much larger opening runs): its round-0
     * codeword and its tree's large layers written to files ({@link SpillFile}, as a commitment
     * too large to keep them does when it is made). The commitment itself where it holds nothing to move, in hiding mode, or where
     * no file can be written. Its opening gives the same proof bytes (the same leaves and paths).
     */
    public WhirCommitment stowed(Committed committed) {
        WhirCommitment c = cast(committed);
        if (!spill || c.hiding != null || c.codeword == null || c.spilled != null) {
            return c;
        }
        long words = 1L << params.logDomainSize(0);
        SpillFile file = SpillFile.create(8 * words);
        if (file == null) {
            return c;
        }
        long[] word = c.owner.toHost(c.codeword, Math.toIntExact(words));
        if (!file.appendLongs(word, 0, word.length) || !file.complete()) {
            file.close();
            return c;
        }
        return new WhirCommitment(params, c.evaluations, null, c.tree.spilled(spillMinNodes), c.owner, null, file);
    }

    /** Most base elements of a round-0 codeword a commitment keeps (1 GiB: 2^25 values at rate 1/4, 2^26 at rate 1/2); larger ones are computed again when opened. */
    static final long MAX_KEPT_CODEWORD_LONGS = 1L << 27;

    /**
     * Whether an integrity-mode commitment's opening runs in memory: it keeps its round-0 codeword
     * ({@link #keepsCodeword}) and has at most {@link #MAX_KEPT_VARS} values. Otherwise (2^26 values
     * and more) an opening at points runs round 0 chunk by chunk ({@link #streamedRound0}: no
     * 3·2^n-long weight table); one whose codeword is not kept (longer than {@link
     * #MAX_KEPT_CODEWORD_LONGS} elements) keeps only its values and Merkle tree (at 2^27 values: 2 GB
     * instead of 5 GB while the rest of a proof runs), never holds a whole codeword (it hashes it one
     * coset block at a time, {@link #encodedLeafDigests}), and encodes again only the coset blocks
     * round 0's queries fall in ({@link #reencodedLeaves}), as it does for a later round's codeword
     * of more than that many elements. All deterministic: the leaves and the proof are the same bytes.
     */
    boolean keepsEncoding() {
        return keepsCodeword() && params.numVars() <= maxKeptCoefficientVars;
    }

    /**
     * Whether an integrity-mode commitment keeps its round-0 codeword until it is opened: up to
     * {@link #MAX_KEPT_CODEWORD_LONGS} elements. One of more than {@link #MAX_KEPT_VARS} values
     * that does (2^26 at rate 1/2, VGG-16's batch of 64) keeps it, 1 GiB: its opening runs round 0
     * streamed ({@link #streamedRound0}) and reads round 0's queried leaves from the kept codeword instead of encoding their
     * coset blocks again (three NTTs of 2^26 values and a Möbius transform: the opening's process
     * CPU fell by 8.5–12 s of about 30, README "Measured performance"). Same leaves, same proof bytes.
     */
    boolean keepsCodeword() {
        return params.codewordLongs(0) <= maxKeptCodewordLongs;
    }

    /**
     * Most values of a commitment whose opening runs in memory ({@link #keepsEncoding}): 2^25, whose
     * rate-1/4 codeword is {@link #MAX_KEPT_CODEWORD_LONGS} long. A 2^26-value commitment (VGG-16's
     * batch of 64, whose heap already nears the launcher's default limit) streams its round 0.
     */
    static final int MAX_KEPT_VARS = 25;

    private void checkTable(long[] evaluations, int numVars) {
        if (numVars != params.numVars() || evaluations.length != 1 << numVars) {
            throw new IllegalArgumentException("expected 2^" + params.numVars() + " values for the PCS parameters, got "
                    + evaluations.length + " (numVars " + numVars + ")");
        }
        for (long v : evaluations) {
            if (!Goldilocks.isCanonical(v)) {
                throw new IllegalArgumentException("non-canonical field element in the committed table");
            }
        }
    }

    /** f̃(point) of a committed polynomial, without proving anything. */
    public Ext3 evaluate(Committed committed, Ext3[] point) {
        WhirCommitment c = cast(committed);
        return Ext3.get(kernels.evaluateMle(tables(c)[0], toArray(point)), 0);
    }

    /**
     * The commitment's evaluations and codeword, as tables this prover's kernels
     * can read: the committing backend's own (possibly resident) tables, or ordinary copies when
     * another backend made the commitment.
     */
    private long[][] tables(WhirCommitment c) {
        if (c.owner == kernels) {
            return new long[][] {c.evaluations, c.codeword};
        }
        int size = 1 << params.numVars();
        return new long[][] {c.owner.toHost(c.evaluations, size),
            c.codeword == null || c.hiding != null && c.hiding.mask() != null ? c.codeword
                    : c.owner.toHost(c.codeword, 1 << params.logDomainSize(0))};
    }

    private WhirCommitment cast(Committed committed) {
        // a commitment for several openings opens with or without its openings' mask parts held elsewhere (the same tree)
        if (!(committed instanceof WhirCommitment c) || !(c.params.equals(params) || params.zkMaskElsewhere() && c.params.zkSeparateMask()
                && c.params.withZkMaskElsewhere().equals(params))) {
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
        return outOfDomain(c.root(), c, (zeta, z) -> c.oodAnswers.computeIfAbsent(zeta,
                k -> Ext3.get(kernels.evaluateMle(tables(c)[0], toArray(z)), 0)), out, t);
    }

    /**
     * {@link #outOfDomain(Committed, ProofWriter, Transcript)} for a non-hiding commitment still
     * being made (a proving key's recommitment running in the background): the same messages,
     * from the root it must have and the evaluations it commits to. The caller opens it only
     * once it is made and its root checked.
     */
    public List<EvaluationClaim> outOfDomain(byte[] root, long[] evaluations, ProofWriter out, Transcript t) {
        return outOfDomain(root, null, (zeta, z) -> Ext3.get(kernels.evaluateMle(evaluations, toArray(z)), 0), out, t);
    }

    private List<EvaluationClaim> outOfDomain(byte[] root, WhirCommitment c, java.util.function.BiFunction<Ext3, Ext3[], Ext3> answer,
            ProofWriter out, Transcript t) {
        int n = params.numVars();
        t.domain(WhirProtocol.OOD_DOMAIN);
        t.absorbLongs(WhirProtocol.PARAMS, params.encode());
        t.absorbBytes(WhirProtocol.ROOT, root);
        List<EvaluationClaim> samples = new ArrayList<>();
        List<EvaluationClaim> maskSamples = new ArrayList<>();
        for (int s = 0; s < params.oodSamples(); s++) {
            Ext3 zeta = t.challengeExt(WhirProtocol.OOD);
            Ext3[] z = WhirProtocol.oodPoint(zeta, n);
            Ext3 u = answer.apply(zeta, z);
            out.ext(u);
            t.absorbExt(WhirProtocol.OOD_ANSWER, u);
            samples.add(new EvaluationClaim(z, u));
            if (c != null && c.hiding != null && c.hiding.mask() != null) {
                Ext3 v = c.hiding.mask().evaluate(kernels, toArray(z));
                out.ext(v);
                t.absorbExt(WhirProtocol.OOD_ANSWER, v);
                maskSamples.add(new EvaluationClaim(z, v));
            }
        }
        // hiding mode with one opening: f̂'s answers, then the mask polynomial's
        samples.addAll(maskSamples);
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
        open(committed, ood, points, values, weighted, null, out, t);
    }

    /**
     * As {@link #open(Committed, List, List, List, List, ProofWriter, Transcript)}, with the
     * opening's randomness drawn from {@code random} (hiding mode: the mask polynomial of a
     * commitment for several openings, the folded trees' salts; null: the source the commitment
     * was made with). The mask block of a commitment for T openings ({@link
     * PcsParameters#withZeroKnowledge(int)}) hides T openings' revealed symbols: this object
     * refuses an opening beyond the T-th; a caller that recreates the commitment (from a proving
     * key) must count the openings across processes itself.
     *
     * @throws IllegalStateException in hiding mode, beyond the openings the parameters cover, or
     *     with no random source
     */
    public void open(Committed committed, List<EvaluationClaim> ood, List<Ext3[]> points, List<Ext3> values,
            List<WeightedClaim> weighted, SecureRandom random, ProofWriter out, Transcript t) {
        open(committed, ood, points, values, weighted, random, null, null, out, t);
    }

    /**
     * The opening of a commitment for several openings whose mask parts S_a another commitment holds
     * ({@link PcsParameters#zkMaskElsewhere()}): {@code parts} are their hypercube values (c tables of
     * 2^(n − k_0)), already committed there. Returns the claims on the parts that the other
     * commitment's opening must prove (the verifier's {@code verifyOpeningMaskElsewhere}).
     */
    public WhirProtocol.MaskSymbols openMaskElsewhere(Committed committed, List<EvaluationClaim> ood, List<Ext3[]> points, List<Ext3> values,
            List<WeightedClaim> weighted, SecureRandom random, long[][] parts, ProofWriter out, Transcript t) {
        if (!params.zkMaskElsewhere()) {
            throw new IllegalStateException("these parameters commit each opening's mask in a tree of its own");
        }
        WhirProtocol.MaskSymbols[] result = new WhirProtocol.MaskSymbols[1];
        open(committed, ood, points, values, weighted, random, Objects.requireNonNull(parts, "the mask parts"), null, result, out, t);
        return result[0];
    }

    /** The opening, with a fixed mask polynomial (parts and salts) for a commitment of several openings when non-null (tests). */
    void open(Committed committed, List<EvaluationClaim> ood, List<Ext3[]> points, List<Ext3> values,
            List<WeightedClaim> weighted, SecureRandom random, long[][] fixedParts, byte[] fixedSalts, ProofWriter out,
            Transcript t) {
        if (params.zkMaskElsewhere()) {
            throw new IllegalStateException("an opening whose mask parts another commitment holds: openMaskElsewhere");
        }
        open(committed, ood, points, values, weighted, random, fixedParts, fixedSalts, null, out, t);
    }

    private void open(Committed committed, List<EvaluationClaim> ood, List<Ext3[]> points, List<Ext3> values,
            List<WeightedClaim> weighted, SecureRandom random, long[][] fixedParts, byte[] fixedSalts,
            WhirProtocol.MaskSymbols[] elsewhereOut, ProofWriter out, Transcript t) {
        WhirCommitment c = cast(committed);
        boolean zk = c.hiding != null;
        boolean separate = zk && params.zkSeparateMask();
        boolean elsewhere = separate && params.zkMaskElsewhere();
        if (zk) {
            if (c.hiding.openings().incrementAndGet() > params.zkOpenings()) {
                // one more opening than the mask block covers: with one opening, ρ'·f̂ + ĝ next to ρ·f̂ + ĝ would give f̂ away
                throw new IllegalStateException("this hiding commitment's masks cover " + params.zkOpenings() + " opening"
                        + (params.zkOpenings() == 1 ? "" : "s") + ": no more may be made");
            }
            random = random != null ? random : c.hiding.random();
            Objects.requireNonNull(random, "a hiding opening needs a random source");
        }
        if (ood.size() != params.oodSamples() * (zk && !separate ? 2 : 1)) {
            throw new IllegalArgumentException(ood.size() + " out-of-domain answers, the parameters have " + params.oodSamples()
                    + " samples" + (zk ? " (two answers each in hiding mode)" : ""));
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
        if (zk) {
            int mu = params.zkMaskSize();
            for (Ext3[] z : points) {
                if (!WhirProtocol.avoidsMask(z, mu)) {
                    throw new IllegalArgumentException("an evaluation claim weighs the hiding mask block (a top coordinate must be 0)");
                }
            }
            for (WeightedClaim wc : weighted) {
                if (!WhirProtocol.avoidsMask(wc, n, mu)) {
                    throw new IllegalArgumentException("a weighted claim's block overlaps the hiding mask block");
                }
            }
        }
        // f̂'s own samples (integrity mode, or several openings) join the claims on f̂; in hiding
        // mode the samples answered for f̂ and ĝ are constraints on ρ·f̂ + ĝ
        List<Ext3[]> fOod = new ArrayList<>();
        List<long[]> hOod = new ArrayList<>();
        // S̃_a at each hOod point's high coordinates, where already computed for the mask's answer (else null)
        List<Ext3[]> hOodParts = new ArrayList<>();
        if (!zk || separate) {
            for (EvaluationClaim s : ood) {
                fOod.add(s.point());
            }
        } else {
            for (EvaluationClaim s : ood.subList(0, params.oodSamples())) {
                hOod.add(toArray(s.point()));
                hOodParts.add(null);
            }
        }
        MaskPolynomial mask = zk ? c.hiding.mask() : null;
        if (elsewhere) {
            // the parts are committed in the other commitment already: no tree, no samples of their own
            mask = mask(fixedParts, null);
        } else if (separate) {
            // this opening's own mask polynomial, in its own salted tree, bound by its own samples
            byte[] maskSalts = fixedSalts;
            if (maskSalts == null) {
                maskSalts = salts(random, params.logLeaves(0));
            }
            mask = mask(fixedParts != null ? fixedParts : drawMaskParts(random), maskSalts);
            byte[] maskRoot = mask.tree().root();
            out.bytes(maskRoot);
            t.absorbBytes(WhirProtocol.ZK_MASK_ROOT, maskRoot);
            for (int s = 0; s < params.oodSamples(); s++) {
                Ext3[] z = WhirProtocol.oodPoint(t.challengeExt(WhirProtocol.OOD), n);
                Ext3 u = Ext3.get(kernels.evaluateMle(committedTables[0], toArray(z)), 0);
                out.ext(u);
                t.absorbExt(WhirProtocol.OOD_ANSWER, u);
                Ext3[] partValues = mask.partsAt(kernels, toArray(z));
                Ext3 v = mask.evaluate(toArray(z), partValues);
                out.ext(v);
                t.absorbExt(WhirProtocol.OOD_ANSWER, v);
                hOod.add(toArray(z));
                hOodParts.add(partValues);
            }
        }
        Ext3 gamma = t.challengeExt(WhirProtocol.GAMMA);

        // a large integrity-mode commitment opened at points only: round 0 streamed (streamedRound0),
        // never holding its 3·2^n-long weight table nor the first folds of f̂
        boolean streamed = !zk && weighted.isEmpty() && !keepsEncoding() && n > params.foldVars(0);
        if (streamed) {
            List<Ext3[]> termPoints = new ArrayList<>(points);
            termPoints.addAll(fOod);
            Ext3[] termCoefs = new Ext3[termPoints.size()];
            Ext3 gj = Ext3.ONE;
            for (int j = 0; j < termCoefs.length; j++) {
                termCoefs[j] = gj;
                gj = gj.mul(gamma);
            }
            long[][] folded = streamedRound0(c.owner.toHost(c.evaluations, 1 << n), termPoints, termCoefs, out, t);
            openRounds(c, folded[0], folded[1], committedTables[1], 3, 1 << (n - params.foldVars(0)),
                    params.foldVars(0), null, null, null, false, null, out, t);
            return;
        }

        // w = Σ_j γ^j eq(z_j, ·) over the claims (built on the host, block-sparse), then the
        // out-of-domain samples
        long[] hostWeight = new long[3 << n];
        Ext3 g = WeightTables.addBatch(kernels, hostWeight, points, gamma, Ext3.ONE, n);
        g = WeightTables.addWeightedClaims(kernels, hostWeight, weighted, gamma, g, n);
        long[] f = committedTables[0];
        // the rounds never read f̂'s coefficients (each round's are those of its folded values,
        // coefficientsOf); a codeword neither kept nor in a file is encoded again from them at
        // round 0's queries (openRounds computes them there)
        int width = 1;
        // hiding mode: ĝ enters only through W_a(low) = Σ_high w(low, high)·S_a(high) (MaskPolynomial.lowSums):
        // G, the g-part of round 0's sumcheck and, once round 0's k_0 variables are bound, the
        // half-size table ρ·f̂_1 + ĝ_1; ρ·f̂ + ĝ is never built at full size
        long[][] maskLow = zk ? mask.lowSums(kernels, hostWeight) : null;
        Ext3 maskSum = zk ? maskLowSum(mask, maskLow) : null;
        long[] w = kernels.adopt(hostWeight);
        hostWeight = null; // w is its only reference: the first fold frees it (3·2^n longs)
        // the out-of-domain samples' eq tables are added to w in one batch below (one pass over the
        // 2^n entries instead of one per sample; w is not read before the rounds)
        List<long[]> oodEqPoints = new ArrayList<>();
        List<long[]> oodEqCoefs = new ArrayList<>();
        for (Ext3[] z : fOod) {
            oodEqPoints.add(toArray(z));
            oodEqCoefs.add(ext(g));
            if (zk) {
                long[] za = toArray(z);
                Ext3[] partValues = mask.partsAt(kernels, za);
                maskSum = maskSum.add(g.mul(mask.evaluate(za, partValues)));
                addLowEq(mask, maskLow, za, g, partValues);
            }
            g = g.mul(gamma);
        }
        HidingRounds hiding = null;
        if (zk) {
            // G = Σ_b w(b)·ĝ(b) over the weights of the claims on f̂, then ρ; the rounds run on ρ·f̂ + ĝ
            out.ext(maskSum);
            t.absorbExt(WhirProtocol.ZK_MASK_SUM, maskSum);
            Ext3 rho = t.challengeExt(WhirProtocol.ZK_RHO);
            hiding = new HidingRounds(mask, maskLow, rho);
        }
        for (int j = 0; j < hOod.size(); j++) {
            long[] z = hOod.get(j);
            oodEqPoints.add(z);
            oodEqCoefs.add(ext(g));
            addLowEq(mask, maskLow, z, g, hOodParts.get(j) != null ? hOodParts.get(j) : mask.partsAt(kernels, z));
            g = g.mul(gamma);
        }
        if (!oodEqPoints.isEmpty()) {
            kernels.addScaledEqBatch(w, oodEqPoints.toArray(new long[0][]), oodEqCoefs.toArray(new long[0][]));
        }

        openRounds(c, w, f, committedTables[1], width, 1 << n, 0, hiding, mask, random, separate, elsewhereOut, out, t);
    }

    /**
     * WHIR's rounds from f̂'s tables (w, f: kernel tables of {@code size} entries of {@code width},
     * w always extension) with round 0's first {@code bound} sumcheck rounds already run;
     * {@code codeword} the commitment's round-0 codeword, or null when it keeps none (then f̂'s
     * coefficients are computed again to encode its queried blocks). The folded polynomial's
     * monomial coefficients, which a round's end needs (the next codeword, its out-of-domain
     * answers, the final polynomial), are the Möbius transform of its folded values ({@link
     * #coefficientsOf}): the same values as folding f̂'s coefficients by every challenge, without a
     * fold of a coefficient table per sumcheck round (round 0's first one over 2^n entries).
     */
    private void openRounds(WhirCommitment c, long[] w, long[] f, long[] codeword, int width, int size,
            int bound,
            HidingRounds hiding, MaskPolynomial mask, SecureRandom random, boolean separate, WhirProtocol.MaskSymbols[] elsewhereOut,
            ProofWriter out, Transcript t) {
        boolean zk = c.hiding != null;
        int n = params.numVars();
        MerkleTree tree = c.tree;
        long[] wordCoeffs = null; // a later round's codeword not held: its coefficients (host, array form)
        SpillFile wordSpill = null; // or the codeword itself, in a file
        byte[] salts = zk ? c.hiding.salts() : null;
        int rounds = params.numRounds();
        for (int i = 0; i < rounds; i++) {
            int k = params.foldVars(i);
            for (int j = i == 0 ? bound : 0; j < k; j++) {
                Cancellation.checkpoint();
                Ext3 alpha = sumcheckRound(f, width, w, size, hiding, out, t);
                long[] a = ext(alpha);
                // w first: its table (3·2^n longs in the first round) is garbage before f's and the
                // coefficients' folds are allocated, which lowers the peak of large openings
                w = kernels.fold(w, 3, size, a, false);
                f = kernels.fold(f, width, size, a, false);
                width = 3;
                size >>>= 1;
                if (hiding != null && hiding.bind(alpha)) {
                    // round 0's variables are bound: from here on the rounds run on ρ·f̂_1 + ĝ_1
                    f = kernels.adopt(hiding.combine(kernels, kernels.toHost(f, 3 * size), mask.parts()));
                    hiding = null;
                }
            }
            boolean last = i == rounds - 1;
            if (last && cheatFinalForTests != null) {
                long[] values = kernels.toHost(f, 3 * size);
                cheatFinalForTests.accept(values, kernels.toHost(w, 3 * size));
                f = kernels.adopt(values);
            }
            // the folded polynomial's monomial coefficients (host, array form, 2^mNext extension values)
            long[] hostCoeffs = coefficientsOf(f, width, size);
            int mNext = params.varsBefore(i + 1);
            long[] nextCodeword = null;
            long[] nextWordCoeffs = null;
            SpillFile nextSpill = null;
            MerkleTree nextTree = null;
            byte[] nextSalts = null;
            List<long[]> oodPoints = new ArrayList<>();
            boolean largeWord = !zk && (3L << params.logDomainSize(i + 1)) > maxKeptCodewordLongs;
            if (!last) {
              if (largeWord) {
                // a large folded codeword (3 GiB in round 1 at 2^28) is never held: encoded and hashed one coset
                // block at a time from a copy of its coefficients (2^(n−k_0) extension values), and written to a
                // file for its queries, or, where no file can be made, encoded again from those coefficients
                nextWordCoeffs = hostCoeffs.clone();
                nextSpill = spill ? SpillFile.create(24L << params.logDomainSize(i + 1)) : null;
                nextTree = MerkleTree.fromLeafDigests(kernels, encodedLeafDigests(nextWordCoeffs, 3, mNext, params.logDomainSize(i + 1),
                        3 << params.foldVars(i + 1), nextSpill, true));
                if (nextSpill != null && nextSpill.complete()) {
                    nextWordCoeffs = null;
                    nextTree = nextTree.spilled(spillMinNodes);
                } else if (nextSpill != null) {
                    nextSpill.close();
                    nextSpill = null;
                }
              } else {
                nextCodeword = kernels.encodeBitReversed(kernels.resident(hostCoeffs), 3, mNext, params.logDomainSize(i + 1));
                if (zk) {
                    nextSalts = salts(random, params.logLeaves(i + 1));
                    nextTree = MerkleTree.buildSalted(kernels, nextCodeword, 1 << params.logLeaves(i + 1), 3 << params.foldVars(i + 1),
                            nextSalts);
                } else {
                    nextTree = MerkleTree.build(kernels, nextCodeword, 1 << params.logLeaves(i + 1), 3 << params.foldVars(i + 1));
                }
              }
                byte[] root = nextTree.root();
                out.bytes(root);
                t.absorbBytes(WhirProtocol.ROOT, root);
                for (int s = 0; s < params.oodSamples(); s++) {
                    Ext3 zeta = t.challengeExt(WhirProtocol.OOD);
                    Ext3 u = evalUnivariateExt(hostCoeffs, 1 << mNext, zeta);
                    out.ext(u);
                    t.absorbExt(WhirProtocol.OOD_ANSWER, u);
                    oodPoints.add(toArray(WhirProtocol.oodPoint(zeta, mNext)));
                }
            } else {
                out.bases(hostCoeffs);
                t.absorbExts(WhirProtocol.FINAL_POLY, hostCoeffs, 0, 1 << mNext);
            }
            if (params.powBits() > 0) {
                byte[] seed = t.challengeBytes(WhirProtocol.POW_SEED, WhirProtocol.POW_SEED_BYTES);
                long nonce = kernels.grind(seed, params.powBits());
                out.u64(nonce);
                t.absorbLong(WhirProtocol.POW_NONCE, nonce);
            }
            int logLeaves = params.logLeaves(i);
            int[] indices = WhirVerifier.sortedDistinct(t.challengeIndices(WhirProtocol.QUERIES, params.queries(i), 1 << logLeaves));
            int leafLongs = (i == 0 ? 1 : 3) << k;
            if (zk && i == 0 && !separate) {
                out.bases(hostLeaves(c.hiding.leaves(), indices, leafLongs + mask.symbols().length / (1 << params.logLeaves(0))));
            } else if (i == 0 && codeword == null && c.spilled != null) {
                // a large commitment's codeword, written to a file when it was made
                out.bases(c.spilled.leaves(indices, leafLongs));
            } else if (codeword == null && wordSpill != null) {
                out.bases(wordSpill.leaves(indices, leafLongs));
                wordSpill.close();
            } else if (i == 0 && codeword == null) {
                // a large commitment's codeword (not kept: keepsCodeword), encoded again from f̂'s coefficients
                // (a Möbius transform: no commitment keeps f̂'s coefficients)
                long[] coeffs0 = kernels.resident(c.owner.toHost(c.evaluations, 1 << n));
                kernels.evaluationsToCoefficients(coeffs0);
                out.bases(reencodedLeaves(coeffs0, 1, n, params.logDomainSize(0), indices, leafLongs));
            } else if (codeword == null) {
                out.bases(reencodedLeaves(wordCoeffs, 3, params.varsBefore(i), params.logDomainSize(i), indices, leafLongs));
            } else {
                out.bases(kernels.leaves(codeword, indices, leafLongs));
            }
            if (zk) {
                writeSalts(salts, indices, out);
            }
            tree.writeMultiProof(indices, out);
            if (elsewhereOut != null && i == 0) {
                // the mask parts' symbols, unsalted and without paths: absorbed, then λ; the other commitment proves them
                int cw = params.zkMaskWidth();
                long[] symbols = hostLeaves(mask.symbols(), indices, cw);
                out.bases(symbols);
                t.absorbLongs(WhirProtocol.ZK_MASK_SYMBOLS, symbols);
                Ext3 lambda = t.challengeExt(WhirProtocol.ZK_MASK_LAMBDA);
                int[] exps = new int[indices.length];
                Ext3[] sums = new Ext3[cw];
                Arrays.fill(sums, Ext3.ZERO);
                Ext3 lq = Ext3.ONE;
                for (int q = 0; q < indices.length; q++) {
                    exps[q] = WhirProtocol.bitReverse(indices[q], logLeaves);
                    for (int a = 0; a < cw; a++) {
                        sums[a] = sums[a].add(lq.mul(symbols[q * cw + a]));
                    }
                    lq = lq.mul(lambda);
                }
                dev.zkinfer.pcs.PointSumWeights weight = new dev.zkinfer.pcs.PointSumWeights(params.zkMaskVars(), params.logDomainSize(0) - k,
                        exps, lambda);
                // its table for the witness opening: three NTTs on the backend's kernel
                long[][] spectra = weight.dftInputs();
                for (long[] component : spectra) {
                    kernels.ntt(component, params.logDomainSize(0) - k);
                }
                weight.useTransformed(spectra);
                elsewhereOut[0] = new WhirProtocol.MaskSymbols(weight, sums);
            } else if (separate && i == 0) {
                out.bases(hostLeaves(mask.symbols(), indices, params.zkMaskWidth()));
                writeSalts(mask.salts(), indices, out);
                mask.tree().writeMultiProof(indices, out);
            }
            // in the last round the constraints are on the final polynomial: the final sumcheck checks its query answers
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
            codeword = nextCodeword;
            wordCoeffs = nextWordCoeffs;
            wordSpill = nextSpill;
            tree = nextTree;
            salts = nextSalts;
        }
        for (int j = 0; j < params.finalVars(); j++) {
            Cancellation.checkpoint();
            Ext3 alpha = sumcheckRound(f, 3, w, size, null, out, t);
            long[] a = ext(alpha);
            f = kernels.fold(f, 3, size, a, false);
            w = kernels.fold(w, 3, size, a, false);
            size >>>= 1;
        }
    }

    /**
     * Round 0's k_0 sumcheck rounds for an initial weight w = Σ_j coefs_j·eq(points_j, ·), without
     * a table of 2^n extension values (at 2^28 values the whole weight table is 6 GiB, the first
     * folds of f̂ and its coefficients 3 GiB each). eq factors over the k_0 low variables and the
     * rest, so round r's polynomial is Σ_j coefs_j·Π_{t&lt;r} eq(z_{j,t}, α_t)·eq(z_{j,r}, X)·
     * Σ_{y'} g_j(α_0..α_{r−1}, X, y')·eq((z_{j,r+1}, .., z_{j,k−1}), y'), where g_j(y) = Σ_x f̂(y, x)·
     * eq(z_j's coordinates from k_0 on, x) ({@link #lowPartial}): one pass over each claim's block
     * before the rounds, which then run on tables of 2^k_0 entries. The values sent are those of
     * the rounds on the whole tables (the same polynomials: the proof is the same bytes). The
     * folded tables are then made in one pass each: w chunk by chunk (aligned chunks of 2^c
     * entries, c = {@link #streamChunkVars} or less, a chunk's weight being again a sum of eq
     * tables, Σ_j coefs_j·Π_{t&lt;k} eq(z_{j,t}, α_t)·eq(z_j's top coordinates, the chunk's index)·
     * eq((z_{j,k}, .., z_{j,c−1}), ·)), f̂ and its coefficients by the composed folds
     * ({@link #foldLowVariables}).
     *
     * @param f f̂'s hypercube values (host, 2^n)
     * @return w and f̂ folded by round 0's k_0 challenges (kernel tables of 2^(n−k_0) extension values)
     */
    private long[][] streamedRound0(long[] f, List<Ext3[]> points, Ext3[] coefs, ProofWriter out, Transcript t) {
        int n = params.numVars(), k = params.foldVars(0);
        int cv = Math.min(n, Math.max(k + 1, streamChunkVars));
        int chunks = 1 << (n - cv);
        List<Ext3> alphas = new ArrayList<>();
        // w = Σ_j coefs_j·eq(z_j, ·) and eq factors over (low k variables, the rest), so round r's
        // polynomial needs of f̂ only g_j(y) = Σ_x f̂(y, x)·eq(z_j[k..n), x) on y ∈ {0,1}^k: one pass
        // over each claim's block, before any challenge, instead of k passes over f̂'s chunks
        int terms = points.size();
        long[][] g = new long[terms][];
        for (int j = 0; j < terms; j++) {
            Cancellation.checkpoint();
            g[j] = lowPartial(f, points.get(j), k);
        }
        Ext3[] scale = coefs.clone();
        for (int r = 0; r < k; r++) {
            int rest = k - r - 1;
            Ext3 h0 = Ext3.ZERO, h1 = Ext3.ZERO, h2 = Ext3.ZERO;
            for (int j = 0; j < terms; j++) {
                Ext3[] z = points.get(j);
                if (scale[j].isZero()) {
                    continue;
                }
                long[] eqRest = dev.zkinfer.poly.Mle.eqTable(Arrays.copyOfRange(z, r + 1, k));
                Ext3 a0 = Ext3.ZERO, a1 = Ext3.ZERO;
                for (int i = 0; i < 1 << rest; i++) {
                    Ext3 e = Ext3.get(eqRest, i);
                    a0 = a0.add(Ext3.get(g[j], 2 * i).mul(e));
                    a1 = a1.add(Ext3.get(g[j], 2 * i + 1).mul(e));
                }
                // h(X) = Σ_j scale_j·eq(z_r, X)·((1 − X)·a0 + X·a1), at X = 0, 1, 2 (eq(z, 2) = 3z − 1)
                Ext3 zr = z[r];
                h0 = h0.add(scale[j].mul(Ext3.ONE.sub(zr)).mul(a0));
                h1 = h1.add(scale[j].mul(zr).mul(a1));
                h2 = h2.add(scale[j].mul(zr.mul(3).sub(Ext3.ONE)).mul(a1.mul(2).sub(a0)));
            }
            long[] h = new long[9];
            Ext3.set(h, 0, h0);
            Ext3.set(h, 1, h1);
            Ext3.set(h, 2, h2);
            Ext3 alpha = sendRound(h, out, t);
            alphas.add(alpha);
            for (int j = 0; j < terms; j++) {
                Ext3 zr = points.get(j)[r];
                scale[j] = scale[j].mul(zr.mul(alpha).add(Ext3.ONE.sub(zr).mul(Ext3.ONE.sub(alpha))));
                long[] folded = new long[3 << rest];
                for (int i = 0; i < 1 << rest; i++) {
                    Ext3 lo = Ext3.get(g[j], 2 * i);
                    Ext3.set(folded, i, lo.add(alpha.mul(Ext3.get(g[j], 2 * i + 1).sub(lo))));
                }
                g[j] = folded;
            }
        }
        int half = 3 << (cv - k);
        long[] w = new long[half * chunks];
        for (int ch = 0; ch < chunks; ch++) {
            Cancellation.checkpoint();
            System.arraycopy(weightChunk(points, coefs, alphas, ch, cv), 0, w, ch * half, half);
        }
        // f̂ folded by the k challenges in one pass: Σ_y eq(α, y)·f̂(y, x) (the k folds composed: the same
        // values, no intermediate table); its monomial coefficients are those of f̂(α, X_high), i.e.
        // Σ_y α^y·c(y, x), the Möbius transform of the folded values (openRounds' coefficientsOf):
        // f̂'s own 2^n coefficients are never made
        long[] fk = foldLowVariables(f, dev.zkinfer.poly.Mle.eqTable(alphas.toArray(new Ext3[0])), k);
        return new long[][] {kernels.adopt(w), kernels.adopt(fk)};
    }

    /**
     * The monomial coefficients of the multilinear polynomial whose hypercube values are the first
     * {@code size} entries of the kernel table {@code f} (width 1 or 3): a new host table of
     * {@code size} extension values in array form, the Möbius transform of each component on the
     * kernels. The folded polynomial's coefficients are those of f̂ folded in monomial form by the
     * same challenges (a multilinear polynomial has one coefficient vector), so this is what
     * folding f̂'s coefficient table round by round gives.
     */
    private long[] coefficientsOf(long[] f, int width, int size) {
        long[] values = kernels.toHost(f, width * size);
        long[] out = new long[3 * size];
        for (int q = 0; q < width; q++) {
            long[] part = new long[size];
            for (int b = 0; b < size; b++) {
                part[b] = values[width * b + q];
            }
            long[] r = kernels.resident(part);
            kernels.evaluationsToCoefficients(r);
            part = kernels.toHost(r, size);
            for (int b = 0; b < size; b++) {
                out[3 * b + q] = part[b];
            }
        }
        return out;
    }

    /**
     * out(x) = Σ_{y &lt; 2^k} weights(y)·table(y + 2^k·x) for a base-field table and 2^k extension
     * weights (array form): 2^(n−k) extension values, in parallel.
     */
    static long[] foldLowVariables(long[] table, long[] weights, int k) {
        return dev.zkinfer.prover.backend.ExtMath.rowSums(table, weights, table.length >>> k, 1 << k);
    }

    /**
     * g(y) = Σ_x f(y + 2^k·x)·eq(z[k..n), x) for y ∈ {0,1}^k (array form, 2^k extension values),
     * over the block z's top coordinates select when they are 0 or 1 (a claim lifted into the
     * layout): as many products as the block has entries, in parallel over its rows of 2^k.
     */
    static long[] lowPartial(long[] f, Ext3[] z, int k) {
        int n = z.length, m = n;
        while (m > 0 && (z[m - 1].equals(Ext3.ZERO) || z[m - 1].equals(Ext3.ONE))) {
            m--;
        }
        int free = Math.max(0, m - k); // rows' free variables: z[k..k+free)
        long rowStart = 0;
        for (int i = n - 1; i >= k + free; i--) {
            rowStart = (rowStart << 1) | (z[i].equals(Ext3.ONE) ? 1 : 0);
        }
        rowStart <<= free;
        int loVars = Math.min(free, 10), hiVars = free - loVars;
        long[] eqLo = dev.zkinfer.poly.Mle.eqTable(Arrays.copyOfRange(z, k, k + loVars));
        long[] eqHi = dev.zkinfer.poly.Mle.eqTable(Arrays.copyOfRange(z, k + loVars, k + free));
        int width = 1 << k, loSize = 1 << loVars;
        long base = rowStart;
        Cancellation cancel = Cancellation.current();
        int tasks = Math.min(1 << hiVars, 256), perTask = (1 << hiVars) / tasks;
        long[][] parts = new long[tasks][];
        java.util.stream.IntStream.range(0, tasks).parallel().forEach(task -> {
            cancel.check();
            long[] acc = new long[3 * width];
            long[] inner = new long[3 * width];
            for (int c = task * perTask; c < (task + 1) * perTask; c++) {
                Arrays.fill(inner, 0);
                long row = base + ((long) c << loVars);
                for (int i = 0; i < loSize; i++) {
                    long e0 = eqLo[3 * i], e1 = eqLo[3 * i + 1], e2 = eqLo[3 * i + 2];
                    int at = (int) ((row + i) << k);
                    for (int y = 0; y < width; y++) {
                        long v = f[at + y];
                        inner[3 * y] = Goldilocks.add(inner[3 * y], Goldilocks.mul(e0, v));
                        inner[3 * y + 1] = Goldilocks.add(inner[3 * y + 1], Goldilocks.mul(e1, v));
                        inner[3 * y + 2] = Goldilocks.add(inner[3 * y + 2], Goldilocks.mul(e2, v));
                    }
                }
                Ext3 eh = Ext3.get(eqHi, c);
                for (int y = 0; y < width; y++) {
                    Ext3.set(acc, y, Ext3.get(acc, y).add(Ext3.get(inner, y).mul(eh)));
                }
            }
            parts[task] = acc;
        });
        long[] out = new long[3 * width];
        for (long[] part : parts) {
            for (int q = 0; q < out.length; q++) {
                out[q] = Goldilocks.add(out[q], part[q]);
            }
        }
        return out;
    }

    /**
     * Σ_j coefs_j·eq(points_j, ·) on chunk {@code ch} of 2^cv entries, folded by {@code alphas}
     * (the chunk's low variables bound to them, in order): 2^(cv − |alphas|) extension values (host).
     */
    private long[] weightChunk(List<Ext3[]> points, Ext3[] coefs, List<Ext3> alphas, int ch, int cv) {
        int r = alphas.size();
        List<Ext3[]> low = new ArrayList<>();
        List<Ext3> scales = new ArrayList<>();
        for (int j = 0; j < points.size(); j++) {
            Ext3[] z = points.get(j);
            Ext3 s = coefs[j];
            for (int i = cv; i < z.length && !s.equals(Ext3.ZERO); i++) {
                s = s.mul(((ch >>> (i - cv)) & 1) == 1 ? z[i] : Ext3.ONE.sub(z[i]));
            }
            if (s.equals(Ext3.ZERO)) {
                continue; // the point's block lies outside the chunk
            }
            for (int i = 0; i < r; i++) {
                // eq(z_i, α_i) = z_i·α_i + (1 − z_i)(1 − α_i)
                Ext3 a = alphas.get(i);
                s = s.mul(z[i].mul(a).add(Ext3.ONE.sub(z[i]).mul(Ext3.ONE.sub(a))));
            }
            low.add(Arrays.copyOfRange(z, r, cv));
            scales.add(s);
        }
        long[] buf = new long[3 << (cv - r)];
        if (!low.isEmpty()) {
            WeightTables.addScaledBatch(kernels, buf, low, scales.toArray(new Ext3[0]), cv - r);
        }
        return buf;
    }

    /**
     * A round's codeword's leaves at {@code indices} (sorted), encoded again from the coefficients
     * (2^n entries of {@code width} longs, on a domain of 2^logN) one coset block at a time: block
     * B of the bit-reversed codeword is the NTT of c_b·ω_N^(s·b), s = bitrev(B), so the
     * coefficients are scaled in place from one block's s to the next and encoded at rate 1, and
     * only a block (2^n entries) is held beside them, not the whole codeword (round 0 at 2^28:
     * 4 GiB). Base-field coefficients (round 0) hold not even the block: it is transformed in
     * place and back ({@link #inverseNttInPlace}) when another block follows, one more NTT for 2
     * GiB less at 2^28. Takes the coefficients over (a host table is scaled and transformed in place).
     */
    private long[] reencodedLeaves(long[] coeffs, int width, int n, int logN, int[] indices, int leafLongs) {
        int r = logN - n;
        int m = 1 << n, leavesPerBlock = width * m / leafLongs;
        long[] c = kernels.toHost(coeffs, width * m);
        long omegaN = Goldilocks.rootOfUnity(logN);
        long[] out = new long[indices.length * leafLongs];
        int prevS = 0;
        int q = 0;
        while (q < indices.length) {
            int block = indices[q] / leavesPerBlock;
            int s = WhirProtocol.bitReverse(block, r);
            scaleByPowersInPlace(c, width, Goldilocks.pow(omegaN, Math.floorMod(s - prevS, 1L << logN)));
            prevS = s;
            if (width == 1) {
                // the block in place (natural order: c[j] = f_s(ω^j); the bit-reversed word's entry p is c[rev(p)]),
                // not a 2^n-value word beside the coefficients (2 GB at 2^28)
                kernels.ntt(c, n);
                for (; q < indices.length && indices[q] / leavesPerBlock == block; q++) {
                    int from = (indices[q] - block * leavesPerBlock) * leafLongs;
                    for (int e = 0; e < leafLongs; e++) {
                        out[q * leafLongs + e] = c[WhirProtocol.bitReverse(from + e, n)];
                    }
                }
                if (q < indices.length) {
                    inverseNttInPlace(c, n);
                }
                continue;
            }
            long[] word = kernels.toHost(kernels.encodeBitReversed(c, width, n, n), width * m);
            for (; q < indices.length && indices[q] / leavesPerBlock == block; q++) {
                System.arraycopy(word, (indices[q] - block * leavesPerBlock) * leafLongs, out, q * leafLongs, leafLongs);
            }
        }
        return out;
    }

    /**
     * The inverse of {@link CommitKernels#ntt} in place, by the forward transform: applied twice it
     * gives 2^n·v[−j mod 2^n], so entries j and 2^n − j are swapped and every entry divided by 2^n.
     */
    private void inverseNttInPlace(long[] v, int n) {
        kernels.ntt(v, n);
        int size = 1 << n;
        for (int j = 1; j < size - j; j++) {
            long t = v[j];
            v[j] = v[size - j];
            v[size - j] = t;
        }
        long inv = Goldilocks.inv(Goldilocks.reduce(size));
        int chunk = 1 << 16, chunks = Math.max(1, size / chunk), len = size / chunks;
        Cancellation cancel = Cancellation.current();
        java.util.stream.IntStream.range(0, chunks).parallel().forEach(ch -> {
            cancel.check();
            for (int b = ch * len; b < (ch + 1) * len; b++) {
                v[b] = Goldilocks.mul(v[b], inv);
            }
        });
    }

    /**
     * The leaf digests of a codeword of coefficients of {@code width} longs (2^n of them, scaled in
     * place, and restored at the end when {@code restore}), encoded one coset block at a time as {@link #reencodedLeaves}
     * does: a block of 2^n entries beside the coefficients instead of the whole codeword; each block
     * is also appended to {@code spill} when non-null (which closes itself if a write fails).
     */
    private byte[] encodedLeafDigests(long[] coeffs, int width, int n, int logN, int leafLongs, SpillFile spill,
            boolean restore) {
        int r = logN - n, m = 1 << n, leavesPerBlock = width * m / leafLongs;
        long[] c = kernels.toHost(coeffs, width * m);
        long omegaN = Goldilocks.rootOfUnity(logN);
        byte[] digests = new byte[(leavesPerBlock << r) * 32];
        int prevS = 0;
        for (int block = 0; block < 1 << r; block++) {
            Cancellation.checkpoint();
            int s = WhirProtocol.bitReverse(block, r);
            scaleByPowersInPlace(c, width, Goldilocks.pow(omegaN, Math.floorMod(s - prevS, 1L << logN)));
            prevS = s;
            long[] word = kernels.toHost(kernels.encodeBitReversed(c, width, n, n), width * m);
            if (spill != null && !spill.appendLongs(word, 0, width * m)) {
                spill = null;
            }
            byte[] d = kernels.hashLeaves(word, leafLongs);
            System.arraycopy(d, 0, digests, block * leavesPerBlock * 32, d.length);
        }
        if (restore) {
            scaleByPowersInPlace(c, width, Goldilocks.pow(omegaN, Math.floorMod(-prevS, 1L << logN)));
        }
        return digests;
    }

    /** c_b ·= x^b for all b (entries of {@code width} longs), in parallel over chunks (x = 1: nothing). */
    private static void scaleByPowersInPlace(long[] c, int width, long x) {
        if (x == 1) {
            return;
        }
        int size = c.length / width, chunk = 1 << 16, chunks = Math.max(1, size / chunk);
        int len = size / chunks;
        Cancellation cancel = Cancellation.current();
        java.util.stream.IntStream.range(0, chunks).parallel().forEach(ch -> {
            cancel.check();
            long p = Goldilocks.pow(x, (long) ch * len);
            for (int b = ch * len; b < (ch + 1) * len; b++) {
                for (int q = 0; q < width; q++) {
                    c[width * b + q] = Goldilocks.mul(c[width * b + q], p);
                }
                p = Goldilocks.mul(p, x);
            }
        });
    }

    private static void writeSalts(byte[] salts, int[] indices, ProofWriter out) {
        for (int q : indices) {
            out.bytes(Arrays.copyOfRange(salts, q * MerkleHash.SALT_BYTES, (q + 1) * MerkleHash.SALT_BYTES));
        }
    }

    /** The leaves at {@code indices} of a host table of leaves of {@code leafLongs} longs. */
    private static long[] hostLeaves(long[] table, int[] indices, int leafLongs) {
        long[] out = new long[indices.length * leafLongs];
        for (int q = 0; q < indices.length; q++) {
            System.arraycopy(table, indices[q] * leafLongs, out, q * leafLongs, leafLongs);
        }
        return out;
    }

    /** Σ_b w(b)·ĝ(b) = Σ_a Σ_low φ̂_a(low)·W_a(low). */
    private static Ext3 maskLowSum(MaskPolynomial mask, long[][] low) {
        Ext3 sum = Ext3.ZERO;
        for (int a = 0; a < mask.width(); a++) {
            for (int i = 0; i < mask.phiHat()[a].length; i++) {
                sum = sum.add(Ext3.get(low[a], i).mul(mask.phiHat()[a][i]));
            }
        }
        return sum;
    }

    /**
     * W_a += coef·eq(z_low, ·)·S̃_a(z_high): the change of W_a when w gains coef·eq(z, ·) (an
     * out-of-domain constraint), since Σ_high eq(z, (low, high))·S_a(high) = eq(z_low, low)·S̃_a(z_high),
     * with {@code partValues} the S̃_a(z_high) ({@link MaskPolynomial#partsAt}). Hiding mode only.
     */
    private static void addLowEq(MaskPolynomial mask, long[][] low, long[] z, Ext3 coef, Ext3[] partValues) {
        long[] eq = dev.zkinfer.poly.Mle.eqTable(mask.lowPoint(z));
        for (int a = 0; a < mask.width(); a++) {
            Ext3 scale = coef.mul(partValues[a]);
            for (int i = 0; i < mask.phi()[a].length; i++) {
                Ext3.set(low[a], i, Ext3.get(low[a], i).add(Ext3.get(eq, i).mul(scale)));
            }
        }
    }

    /**
     * The mask's share of round 0's sumcheck in hiding mode: the rounds run on ρ·f̂ + ĝ, whose round
     * polynomial is ρ times f̂'s (the kernels' round on f̂ alone, base field in the first round as
     * in integrity mode) plus ĝ's, Σ_{x'} Σ_a φ̂_a(X, x')·W_a(X, x') over the low variables not yet
     * bound (φ̂_a and W_a folded by the challenges so far: 2^k_0-entry tables). Once the k_0 low
     * variables are bound, ĝ_1 = Σ_a φ̂_a(α)·S_a (and the same for the monomial coefficients), which
     * {@link #combine} adds to ρ·f̂_1. The values sent are those of the rounds on the full table.
     */
    private static final class HidingRounds {
        private final Ext3 rho;
        private long[][] phi;
        private long[][] low;
        private int size;

        HidingRounds(MaskPolynomial mask, long[][] low, Ext3 rho) {
            this.rho = rho;
            this.size = mask.phi()[0].length;
            if (size < 2) {
                // bind() combines ρ·f̂_1 + ĝ_1 after round 0's last variable: there must be one
                throw new IllegalStateException("a hiding opening needs round 0 to fold at least one variable");
            }
            this.low = low;
            this.phi = new long[mask.width()][];
            for (int a = 0; a < phi.length; a++) {
                phi[a] = new long[3 * size];
                for (int i = 0; i < size; i++) {
                    phi[a][3 * i] = mask.phiHat()[a][i];
                }
            }
        }

        /** ρ·h_f + h_g at 0, 1, 2 (array form, 9 longs) for f's round values h_f. */
        long[] message(long[] hf) {
            long[] h = new long[9];
            for (int x = 0; x < 3; x++) {
                Ext3 v = Ext3.get(hf, x).mul(rho);
                for (int a = 0; a < phi.length; a++) {
                    for (int i = 0; i < size / 2; i++) {
                        v = v.add(at(phi[a], i, x).mul(at(low[a], i, x)));
                    }
                }
                Ext3.set(h, x, v);
            }
            return h;
        }

        /** t(2i) + x·(t(2i + 1) − t(2i)). */
        private static Ext3 at(long[] t, int i, int x) {
            Ext3 t0 = Ext3.get(t, 2 * i);
            return x == 0 ? t0 : x == 1 ? Ext3.get(t, 2 * i + 1) : Ext3.get(t, 2 * i + 1).mul(2).sub(t0);
        }

        /** Binds the next low variable to α; true when the last one is bound. */
        boolean bind(Ext3 alpha) {
            size >>>= 1;
            for (int a = 0; a < phi.length; a++) {
                phi[a] = fold(phi[a], alpha, size);
                low[a] = fold(low[a], alpha, size);
            }
            return size == 1;
        }

        private static long[] fold(long[] t, Ext3 alpha, int half) {
            long[] out = new long[3 * half];
            for (int i = 0; i < half; i++) {
                Ext3 t0 = Ext3.get(t, 2 * i);
                Ext3.set(out, i, t0.add(alpha.mul(Ext3.get(t, 2 * i + 1).sub(t0))));
            }
            return out;
        }

        /** ρ·t + Σ_a φ̂_a(α)·parts_a for an array-form table t and the mask's base-field parts (same length), on the backend's kernel. */
        long[] combine(CommitKernels kernels, long[] t, long[][] parts) {
            int size = t.length / 3;
            long[] flat = new long[parts.length * size];
            long[] e = new long[3 * parts.length];
            for (int a = 0; a < parts.length; a++) {
                System.arraycopy(parts[a], 0, flat, a * size, size);
                System.arraycopy(phi[a], 0, e, 3 * a, 3);
            }
            return kernels.maskCombine(t, new long[] {rho.c0, rho.c1, rho.c2}, flat, parts.length, e);
        }
    }

    private Ext3 sumcheckRound(long[] f, int width, long[] w, int size, HidingRounds hiding, ProofWriter out, Transcript t) {
        long[] h = kernels.sumcheckRound(f, width, w, size);
        if (hiding != null) {
            h = hiding.message(h);
        }
        return sendRound(h, out, t);
    }

    /** Sends and absorbs a sumcheck round's values at 0, 1, 2 (array form) and draws its folding challenge. */
    private static Ext3 sendRound(long[] h, ProofWriter out, Transcript t) {
        out.bases(h);
        t.absorbExts(WhirProtocol.SUMCHECK, h, 0, 3);
        return t.challengeExt(WhirProtocol.FOLD);
    }

    /**
     * Σ_{b < size} c_b ζ^b for array-form extension coefficients c: Horner on primitive arrays,
     * over {@link #HORNER_CHUNKS} chunks in parallel from 2^{@value #HORNER_PARALLEL_VARS} entries
     * on (chunk j's sum times ζ^(j·len), added in the field: the same value).
     */
    static Ext3 evalUnivariateExt(long[] coeffs, int size, Ext3 zeta) {
        long[] z = ext(zeta);
        if (size < 1 << HORNER_PARALLEL_VARS || Integer.bitCount(size) != 1) {
            return horner(coeffs, 0, size, z);
        }
        int len = size / HORNER_CHUNKS;
        Ext3[] parts = new Ext3[HORNER_CHUNKS];
        java.util.stream.IntStream.range(0, HORNER_CHUNKS).parallel().forEach(j -> parts[j] = horner(coeffs, j * len, len, z));
        Ext3 step = zeta.pow(len), r = Ext3.ZERO;
        for (int j = HORNER_CHUNKS - 1; j >= 0; j--) {
            r = r.mul(step).add(parts[j]);
        }
        return r;
    }

    /** Chunks of a parallel {@link #evalUnivariateExt}: a power of two. */
    private static final int HORNER_CHUNKS = 4;
    /** {@link #evalUnivariateExt} of fewer entries runs on the calling thread. */
    private static final int HORNER_PARALLEL_VARS = 11;

    /** Σ_{b < len} c_(from + b) ζ^b (Horner, array-form ζ). */
    private static Ext3 horner(long[] coeffs, int from, int len, long[] zeta) {
        long[] r = new long[3];
        for (int b = from + len - 1; b >= from; b--) {
            Ext3.mulInto(r, 0, zeta, 0, r, 0);
            int o = 3 * b;
            r[0] = Goldilocks.add(r[0], coeffs[o]);
            r[1] = Goldilocks.add(r[1], coeffs[o + 1]);
            r[2] = Goldilocks.add(r[2], coeffs[o + 2]);
        }
        return new Ext3(r[0], r[1], r[2]);
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
