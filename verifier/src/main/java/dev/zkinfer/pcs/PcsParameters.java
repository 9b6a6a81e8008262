package dev.zkinfer.pcs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Parameters of the WHIR polynomial commitment (Arnon, Chiesa, Fenzi, Yogev, "WHIR:
 * Reed–Solomon Proximity Testing with Super-Fast Verification", ePrint 2024/1586), for one
 * committed multilinear polynomial of {@link #numVars()} variables. Immutable; obtained from a
 * named profile ({@link #forSecurity}) or, for fast tests, from {@link #insecureForTests}.
 *
 * <h2>Shape</h2>
 * The polynomial is encoded as a Reed–Solomon codeword of rate ρ_0 = 2^-logInvRate on the
 * multiplicative subgroup L_0 of size 2^(n + logInvRate). Round i folds k_i variables (the
 * folding factor, fewer in the last round if n is not a multiple) by k_i sumcheck rounds; the
 * folded polynomial g_{i+1} (m_{i+1} = m_i - k_i variables) is committed on L_{i+1} = L_i^2
 * (half the size, so ρ_{i+1} = ρ_i · 2^(1-k_i)), or sent in the clear once m_{i+1} ≤
 * maxFinalVars. Each round ends with t_i queries to the round's codeword, after a
 * proof-of-work of powBits (WHIR §5.1, Construction 5.1; "grinding" as in the WHIR
 * implementation). The named profiles shrink the domain by 2^{@link #domainShrink()} = 4 a round
 * (L_{i+1} = L_i^4, so ρ_{i+1} = ρ_i · 2^(2−k_i)); the model-commitment profile ({@link
 * #forModelCommitment}) shrinks it by 2^{@link #firstShrink()} = 8 from L_0 to L_1, so that a
 * rate-1/4 round 0 is followed by the same codewords as a rate-1/2 one. Nothing in the protocol
 * ties L_{i+1} to L_i beyond the rate: each round's codeword is a fresh Reed–Solomon code
 * whose queries and fold constraints are checked on its own domain.
 *
 * <h2>Security (provable; Johnson bound by default)</h2>
 * Every profile relies only on proven results: no capacity conjecture (disproved in 2025,
 * ePrint 2025/2046 and 2025/2010). Two regimes are supported ({@link Regime}):
 * <ul>
 *   <li><b>Johnson bound</b> (the named profiles): δ_i = 1 − √ρ_i − η_i with η_i = √ρ_i/20,
 *       list size ℓ_i ≤ 1/(2·η_i·√ρ_i) = 10/ρ_i (Johnson). Each committed codeword is followed
 *       by {@link #oodSamples()} out-of-domain samples (WHIR §5) that leave at most one
 *       polynomial of the list consistent with the prover's answers. The samples are drawn
 *       right after the codeword's root is absorbed, before any other challenge: for the
 *       committed polynomial f̂ itself, when the caller absorbs its root
 *       ({@link WhirVerifier#readOutOfDomain}; in a whole-model proof, the model commitment's
 *       right after the verifying-key digest that holds its root, the witness commitment's right
 *       after the witness root), so every challenge of the protocol that reduces claims to f̂
 *       (layer sumchecks, lookups) meets one fixed polynomial and its soundness error is not
 *       multiplied by the list size; the folded polynomials' samples follow their roots.
 *   <li><b>Unique decoding</b> ({@link #custom} with {@link Regime#UNIQUE_DECODING} and the
 *       insecure test profile): δ_i = (1 − ρ_i)/2, ℓ = 1, no out-of-domain samples.
 * </ul>
 * Challenges are drawn from E = GF(p^3), log2|E| ≈ 192. The round-by-round errors (WHIR
 * Theorem 5.2) are:
 * <ul>
 *   <li>batching the s ≤ {@link #MAX_CLAIMS} claims and the out-of-domain answers with γ^j:
 *       ℓ_0·(s + ood)/|E| (Schwartz–Zippel, for each of the ℓ_0 list elements);
 *   <li>out-of-domain samples of each committed polynomial (m_i variables):
 *       ℓ_i²/2·(2^m_i/|E|)^ood (two distinct list elements agree on a random point of E
 *       with probability ≤ 2^m_i/|E|);
 *   <li>each folding sumcheck round of round i: d⋆·ℓ_i/|E| + err⋆(C_i, 2, δ_i), d⋆ = 3, with
 *       the mutual-correlated-agreement error of RS codes err⋆ = |L_i|/|E| in unique
 *       decoding and, up to the Johnson bound, the bound of Ben-Sasson, Carmon, Haböck,
 *       Kopparty and Saraf, "On Proximity Gaps for Reed–Solomon Codes" (BCHKS25, ePrint
 *       2025/2055, Theorem 4.2, which proves mutual correlated agreement up to the Johnson
 *       bound): err⋆ = [(2(m+½)^5 + 3(m+½)·δ_i·ρ_i)·|L_i|/(3·ρ_i^{3/2}) + (m+½)/√ρ_i]/|E|,
 *       m = max(⌈√ρ_i/η_i⌉, 3) = 20 (linear in |L_i|, where the earlier BCIKS20 bound,
 *       (m+½)^7·|L_i|²/(3ρ^{3/2}|E|) with m = ⌈√ρ/(2η)⌉, was quadratic). The theorem's
 *       statement was taken as transcribed in the Ethereum Foundation's soundcalc
 *       (proxgaps/johnson_bound.py), not from the paper's text;
 *   <li>queries of round i: (1 − δ_i)^{t_i}, times 2^-powBits for the grinding that
 *       precedes the query challenge (the term records its powBits, so that reports can give
 *       the statistical security without grinding next to the total);
 *   <li>combining the out-of-domain answers and the t_i query answers of round i into the next
 *       constraint with β^j: ℓ_{i+1}·(t_i + ood + 1)/|E|; in the last round the constraints are
 *       on the final polynomial, sent in the clear, which the final sumcheck checks with the rest
 *       (proof version 22; before, each answer was compared with the final polynomial at its
 *       point): (t_R + 1)/|E|;
 *   <li>each round of the final sumcheck (degree 2): 2/|E|.
 * </ul>
 * t_i is the least number with t_i·(−log2(1 − δ_i)) + powBits ≥ the target; {@link
 * #forSecurity} checks that every term meets the target.
 *
 * <h2>Hiding mode</h2>
 * {@link #withZeroKnowledge(int)} (docs/zero-knowledge.md §3.3) adds two terms: the combination
 * ρ·f + g of the committed polynomial with its mask polynomial (err⋆ of round 0 plus ℓ_0²/|E|),
 * and a factor 2 on round 0's out-of-domain term (two polynomials bound by the samples).
 * The degree bound does not change (the mask block lies inside the committed table).
 * Immutable and thread-safe.
 */
public final class PcsParameters {
    /** log2(|L_i|/|L_{i+1}|) of the named profiles. */
    static final int DEFAULT_DOMAIN_SHRINK = 2;

    /** Most evaluation claims one opening may batch. */
    public static final int MAX_CLAIMS = 1 << 16;
    /**
     * Largest number of variables of an integrity-mode commitment: 2^28 values, whose rate-1/2
     * codeword ({@link #forSecurity} halves the rate above {@link #MAX_RATE_QUARTER_VARS}) holds
     * 2^29 base elements (4 GiB) and its Merkle tree 2^25 leaves.
     */
    public static final int MAX_NUM_VARS = 28;
    /**
     * Largest number of variables of a hiding commitment ({@link #withZeroKnowledge(int)}): its
     * mask polynomial and combined tables are host arrays as large as the polynomial again, so
     * zero-knowledge keys keep the limit of 2^26 values (where a hiding commitment is now encoded at rate 1/2, as any other).
     */
    public static final int MAX_ZK_NUM_VARS = 26;
    /**
     * The named profiles encode at rate 1/4 up to 2^25 values, at rate 1/2 above (codewords of at
     * most 2^29 elements). From 2^26 values on, rate 1/2 halves the round-0 encoding and Merkle
     * hashing (at commitment and again at opening, where such a codeword is not kept) for about
     * twice the round-0 queries: VGG-16's batch of 64 commits 2^26 witness values. A model
     * commitment, made once per key rather than per proof, stays at rate 1/4 up to {@link
     * #MAX_RATE_QUARTER_MODEL_VARS} ({@link #forModelCommitment}).
     */
    public static final int MAX_RATE_QUARTER_VARS = 25;
    /**
     * log2 of the most leaves a Merkle tree of a codeword may have: its digest layer (32 bytes a
     * leaf) must fit one Java array, so at most 2^30 bytes.
     */
    public static final int MAX_LOG_LEAVES = 25;
    /** log2 of the most base elements of a codeword table (a Java array: below 2^31 elements). */
    public static final int MAX_LOG_CODEWORD_LONGS = 30;

    /** The proximity regime of a parameter set (see the class comment). */
    public enum Regime {
        UNIQUE_DECODING,
        JOHNSON_BOUND
    }

    private final String profile;
    private final Regime regime;
    private final int oodSamples;
    private final int targetBits;
    private final int numVars;
    private final int logInvRate;
    private final int foldingFactor;
    private final int maxFinalVars;
    private final int powBits;
    private final int domainShrink;
    /** log2(|L_0|/|L_1|): {@link #domainShrink} except in the model-commitment profile ({@link #forModelCommitment}). */
    private final int firstShrink;
    private final int[] foldVars;
    private final int[] queries;
    /** Hiding mode ({@link #withZeroKnowledge()}); false for every factory. */
    private final boolean zeroKnowledge;
    /** Hiding mode: the number of openings the commitment's mask block covers (1: a per-proof commitment); 0 otherwise. */
    private final int zkOpenings;
    /** Several openings: each opening's mask parts are held by another commitment (the proof's witness), not by a tree of its own. */
    private final boolean zkMaskElsewhere;

    private PcsParameters(String profile, Regime regime, int targetBits, int numVars, int logInvRate, int foldingFactor,
            int maxFinalVars, int powBits, int domainShrink, int[] queriesOrNull, int fixedQueries) {
        this(profile, regime, targetBits, numVars, logInvRate, foldingFactor, maxFinalVars, powBits, domainShrink, domainShrink,
                queriesOrNull, fixedQueries);
    }

    private PcsParameters(String profile, Regime regime, int targetBits, int numVars, int logInvRate, int foldingFactor,
            int maxFinalVars, int powBits, int domainShrink, int firstShrink, int[] queriesOrNull, int fixedQueries) {
        if (numVars < 1 || numVars > MAX_NUM_VARS) {
            throw new IllegalArgumentException("numVars must be in [1, " + MAX_NUM_VARS + "]: " + numVars);
        }
        if (logInvRate < 1 || logInvRate > 4 || foldingFactor < 1 || foldingFactor > 8 || maxFinalVars < 0
                || powBits < 0 || powBits > 30 || numVars + logInvRate > MAX_LOG_CODEWORD_LONGS) {
            throw new IllegalArgumentException("unsupported WHIR shape: logInvRate=" + logInvRate + ", foldingFactor="
                    + foldingFactor + ", maxFinalVars=" + maxFinalVars + ", powBits=" + powBits);
        }
        this.profile = profile;
        this.regime = regime;
        this.targetBits = targetBits;
        this.numVars = numVars;
        this.logInvRate = logInvRate;
        this.foldingFactor = foldingFactor;
        this.maxFinalVars = maxFinalVars;
        this.powBits = powBits;
        if (domainShrink < 1 || domainShrink > foldingFactor) {
            throw new IllegalArgumentException("domain shrink must be in [1, folding factor]: " + domainShrink);
        }
        this.domainShrink = domainShrink;
        if (firstShrink < 1 || firstShrink > foldingFactor) {
            throw new IllegalArgumentException("round 0's domain shrink must be in [1, folding factor]: " + firstShrink);
        }
        this.firstShrink = firstShrink;
        // loops rather than streams here and in securityBits(): the parameter search runs this for
        // every candidate, and a stream pipeline's first uses cost a cold verification milliseconds
        int[] ks = new int[numVars];
        int rounds = 0;
        int m = numVars;
        do {
            int k = Math.min(foldingFactor, m);
            ks[rounds++] = k;
            m -= k;
        } while (m > maxFinalVars);
        this.foldVars = Arrays.copyOf(ks, rounds);
        for (int i = 0; i < foldVars.length; i++) {
            if (logDomainSize(i) - varsBefore(i) < 1 || logLeaves(i) < 0) {
                throw new IllegalArgumentException("unsupported WHIR shape: round " + i + " code has rate above 1/2");
            }
            if (logLeaves(i) > MAX_LOG_LEAVES || codewordLongs(i) >= 1L << 31) {
                throw new IllegalArgumentException("unsupported WHIR shape: round " + i + "'s codeword (2^" + logDomainSize(i)
                        + " symbols in 2^" + logLeaves(i) + " leaves) exceeds the prover's array limits");
            }
        }
        this.queries = new int[foldVars.length];
        for (int i = 0; i < foldVars.length; i++) {
            queries[i] = fixedQueries > 0 ? fixedQueries
                    : (int) Math.ceil((targetBits - powBits) / bitsPerQuery(i) - 1e-9);
        }
        int ood = 0;
        if (regime == Regime.JOHNSON_BOUND) {
            ood = 1;
            while (ood < 8 && oodBits(ood) < Math.max(targetBits, 1)) {
                ood++;
            }
        }
        this.oodSamples = ood;
        this.zeroKnowledge = false;
        this.zkOpenings = 0;
        this.zkMaskElsewhere = false;
    }

    /** A copy of {@code p} in hiding mode (see {@link #withZeroKnowledge()}). */
    private PcsParameters(PcsParameters p, int zkOpenings) {
        this(p, zkOpenings, false);
    }

    private PcsParameters(PcsParameters p, int zkOpenings, boolean zkMaskElsewhere) {
        this.profile = p.profile;
        this.regime = p.regime;
        this.oodSamples = p.oodSamples;
        this.targetBits = p.targetBits;
        this.numVars = p.numVars;
        this.logInvRate = p.logInvRate;
        this.foldingFactor = p.foldingFactor;
        this.maxFinalVars = p.maxFinalVars;
        this.powBits = p.powBits;
        this.domainShrink = p.domainShrink;
        this.firstShrink = p.firstShrink;
        this.foldVars = p.foldVars;
        this.queries = p.queries;
        this.zeroKnowledge = zkOpenings > 0;
        this.zkOpenings = zkOpenings;
        this.zkMaskElsewhere = zkMaskElsewhere;
    }

    /**
     * The same shape in hiding (zero-knowledge) mode for a per-proof commitment, opened once:
     * {@link #withZeroKnowledge(int) withZeroKnowledge(1)}.
     */
    public PcsParameters withZeroKnowledge() {
        return withZeroKnowledge(1);
    }

    /** Most openings a hiding commitment may be made for ({@link #withZeroKnowledge(int)}). */
    public static final int MAX_ZK_OPENINGS = 1 << 20;

    /**
     * The same shape in hiding (zero-knowledge) mode, for a commitment opened up to {@code
     * openings} times (docs/zero-knowledge.md §3.3, §5): every opening reveals nothing about the
     * committed polynomial beyond its claimed values. The committed table must reserve its top
     * {@link #zkMaskSize()} entries (filled by the prover with uniform values, never weighted by a
     * claim), enough to hide the codeword symbols and out-of-domain answers of f that all the
     * openings together reveal. Each opening runs WHIR on ρ·f̂ + ĝ for a small uniformly random
     * mask polynomial ĝ ({@link #zkMaskWidth()} symbols per round-0 leaf): with one opening ĝ is
     * committed in f's leaves; with several, each opening commits a fresh ĝ in its own small tree.
     * Every Merkle leaf is salted. The mode and the opening count are part of {@link #encode()},
     * so keys and transcripts bind them.
     *
     * @throws IllegalArgumentException if {@code openings} is outside [1, {@link
     *     #MAX_ZK_OPENINGS}], if the mask block would fill more than half of the polynomial (the
     *     message says how many openings fit: {@link #maxZkOpenings()}), or if the extra
     *     soundness terms fall below the target
     */
    public PcsParameters withZeroKnowledge(int openings) {
        if (openings < 1 || openings > MAX_ZK_OPENINGS) {
            throw new IllegalArgumentException("a hiding commitment covers 1 to " + MAX_ZK_OPENINGS + " openings: " + openings);
        }
        if (numVars > MAX_ZK_NUM_VARS) {
            throw new IllegalArgumentException("a hiding commitment holds at most 2^" + MAX_ZK_NUM_VARS + " values, not 2^" + numVars
                    + " (zero-knowledge keys keep the smaller limit; integrity keys go up to 2^" + MAX_NUM_VARS + ")");
        }
        if (firstShrink != domainShrink) {
            throw new IllegalArgumentException("the model-commitment shape (round 0's own domain shrink) has no hiding mode");
        }
        if (zeroKnowledge) {
            if (zkOpenings == openings) {
                return this;
            }
            throw new IllegalArgumentException("these parameters are already in hiding mode for " + zkOpenings + " openings");
        }
        PcsParameters zk = new PcsParameters(this, openings);
        if (zk.zkMaskSize() > (1L << (numVars - 1))) {
            int max = maxZkOpenings();
            throw new IllegalArgumentException("2^" + numVars + " values are too few to hide " + zk.zkRevealedSymbols()
                    + " revealed codeword values (" + openings + " opening" + (openings == 1 ? "" : "s")
                    + "): the hiding mask would fill more than half of the polynomial"
                    + (max > 0 ? "; at most " + max + " openings fit" : ""));
        }
        if (targetBits > 0 && zk.securityBits() < targetBits) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "in hiding mode the parameters reach only %.1f bits, below the target %d", zk.securityBits(), targetBits));
        }
        return zk;
    }

    /**
     * Whether this shape leaves room for the hiding mask block of one opening (at most half of the
     * polynomial) and is small enough for a hiding commitment ({@link #MAX_ZK_NUM_VARS}).
     */
    public boolean withZeroKnowledgeFits() {
        return numVars <= MAX_ZK_NUM_VARS && firstShrink == domainShrink && maxZkOpenings() >= 1;
    }

    /**
     * The most openings ({@link #withZeroKnowledge(int)}) whose revealed symbols a mask block of
     * at most half of the polynomial hides: T with T·(t_0·2^k_0 + 3·ood) + 3·ood ≤ 2^(n−1) (for
     * T = 1: t_0·2^k_0 + 3·ood ≤ 2^(n−1)); 0 if not even one fits. At most {@link #MAX_ZK_OPENINGS}.
     */
    public int maxZkOpenings() {
        long half = 1L << (numVars - 1);
        long one = (long) queries[0] << foldVars[0];
        if (one + 3L * oodSamples > half) {
            return 0;
        }
        long t = Math.max(1, (half - 3L * oodSamples) / (one + 3L * oodSamples));
        return (int) Math.min(MAX_ZK_OPENINGS, t);
    }

    /** Openings the hiding mask block covers (1 for a per-proof commitment); 0 in integrity mode. */
    public int zkOpenings() {
        return zkOpenings;
    }

    /**
     * Whether each hiding opening commits its own mask polynomial in a separate tree (several
     * openings of one commitment) rather than in the commitment's leaves (one opening).
     */
    public boolean zkSeparateMask() {
        return zkOpenings > 1;
    }

    /**
     * The same hiding parameters for several openings, with each opening's mask parts S_a held by
     * another commitment made before the opening (a proof's witness polynomial, docs/zero-knowledge.md
     * §3.3 item 3): an opening sends round 0's c mask symbols per queried leaf, unsalted and without
     * a tree, absorbs them ("whir/zk-mask-symbols"), draws λ ("whir/zk-mask-lambda") and leaves
     * the claims Σ_q λ^q·S_a(y_q) to that commitment ({@link WhirProtocol.MaskSymbols}); it has no
     * mask root and no samples of its own (the mask is fixed before the commitment's samples are
     * answered). Part of {@link #encode()}.
     *
     * @throws IllegalStateException unless these are hiding parameters for several openings
     */
    public PcsParameters withZkMaskElsewhere() {
        if (!zkSeparateMask()) {
            throw new IllegalStateException("only a hiding commitment for several openings has its mask parts elsewhere");
        }
        return zkMaskElsewhere ? this : new PcsParameters(this, zkOpenings, true);
    }

    /** Whether each opening's mask parts are held by another commitment ({@link #withZkMaskElsewhere()}). */
    public boolean zkMaskElsewhere() {
        return zkMaskElsewhere;
    }

    /** Variables of each of the mask polynomial's parts S_a: n − k_0. */
    public int zkMaskVars() {
        return numVars - foldVars[0];
    }

    /**
     * c: the mask polynomial's symbols per round-0 leaf, ĝ(X) = Σ_{a&lt;c} φ_a(X)·S_a(X^K) with K =
     * 2^k_0 ({@link WhirProtocol#maskLowWeights}). 3 (φ = 1, Σ_j x_j, Σ_j (j+1)·x_j) where
     * c·2^(n−k_0) base-field coefficients are at least twice the values ĝ must hide ({@link
     * #zkMaskNeed()}) and the c·t_0 symbols of its opened leaves, else K (ĝ uniform over all
     * 2^n coefficients, the first hiding form's mask). 0 in integrity mode.
     */
    public int zkMaskWidth() {
        if (!zeroKnowledge) {
            return 0;
        }
        // the small form needs room for a generic position (twice the values it must hide); the
        // full form (ĝ uniform over all 2^n coefficients) hides any linear view of ρ·f̂ + ĝ
        int full = 1 << foldVars[0];
        return 3 < full && (3L << zkMaskVars()) >= 2 * zkMaskNeed() + 6L * queries[0] ? 3 : full;
    }

    /**
     * Base-field values about ĝ (and ρ·f̂ + ĝ) that one hiding opening reveals, leaves of ĝ
     * aside: the sumcheck messages (3 extension elements per round), the folded codewords' opened
     * leaves and out-of-domain answers, the final polynomial, ĝ's out-of-domain answers and the
     * mask sum; three base values per extension element.
     */
    public long zkMaskNeed() {
        long ext = 3L * numVars + 2L * oodSamples + 1 + (1L << finalVars());
        for (int i = 1; i < foldVars.length; i++) {
            ext += ((long) queries[i] << foldVars[i]) + oodSamples;
        }
        return 3 * ext;
    }

    /** Whether openings hide the polynomial ({@link #withZeroKnowledge()}). */
    public boolean zeroKnowledge() {
        return zeroKnowledge;
    }

    /**
     * Base-field values of f that the hiding openings reveal together: per opening the t_0
     * opened leaves of 2^k_0 codeword symbols each, and the three components of each
     * out-of-domain answer f̂(ζ), ζ ∈ E, drawn when the commitment is received; with several
     * openings, each also answers f̂ at its own ood samples (bound with the opening's mask
     * polynomial). T·(t_0·2^k_0 + 3·ood) + 3·ood for T &gt; 1 openings, t_0·2^k_0 + 3·ood for one.
     */
    public int zkRevealedSymbols() {
        long perOpening = ((long) queries[0] << foldVars[0]) + (zkOpenings > 1 ? 3L * oodSamples : 0);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, zkOpenings) * perOpening + 3L * oodSamples);
    }

    /**
     * μ: the size of the aligned block at the top of the hypercube (entries [2^n − μ, 2^n)) that
     * the caller's table reserves in hiding mode, the least power of two ≥ {@link
     * #zkRevealedSymbols()}: uniform values there make the top μ monomial coefficients of f
     * uniform, so any μ base-field evaluations of f (distinct codeword points, the components of
     * out-of-domain answers outside a rank-deficient set of ζ) are jointly uniform. 0 in integrity
     * mode.
     */
    public int zkMaskSize() {
        if (!zeroKnowledge) {
            return 0;
        }
        long mu = Long.highestOneBit(Math.max(1, zkRevealedSymbols() - 1L)) << 1;
        return (int) Math.min(mu, 1L << 30);
    }

    /**
     * The provable profile for {@code bits} of security (100 = default, 128 = strong) on a
     * polynomial of {@code numVars} variables: rate 1/4 (1/2 above {@link
     * #MAX_RATE_QUARTER_VARS} variables, {@link #defaultLogInvRate}), folding factor 4, {@link
     * #defaultPowBits} bits of grinding per query phase (16 from 2^21 values, 22 from 2^26), and the final
     * polynomial sent in the clear once it has at most as many variables as gives the smallest
     * proof (between 4 and 11). The Johnson-bound regime is
     * used wherever its proven proximity-gap bound reaches the target (it needs about a quarter
     * fewer queries in round 0 and far fewer after); otherwise (large polynomials at 128+
     * bits) unique decoding.
     *
     * @throws IllegalArgumentException if bits is outside [80, 160] or the parameters cannot
     *     reach it
     */
    public static PcsParameters forSecurity(int bits, int numVars) {
        if (bits < 80 || bits > 160) {
            throw new IllegalArgumentException("security target must be in [80, 160] bits: " + bits);
        }
        for (Regime regime : new Regime[] {Regime.JOHNSON_BOUND, Regime.UNIQUE_DECODING}) {
            PcsParameters best = null;
            for (int maxFinal = 4; maxFinal <= 11; maxFinal++) {
                PcsParameters p = new PcsParameters(profileName(regime, bits), regime, bits, numVars, defaultLogInvRate(numVars), 4, maxFinal,
                        defaultPowBits(numVars), DEFAULT_DOMAIN_SHRINK, null, 0);
                if (p.securityBits() >= bits && (best == null || p.estimatedProofBytes() < best.estimatedProofBytes())) {
                    best = p;
                }
            }
            if (best != null) {
                return best;
            }
        }
        throw new IllegalArgumentException("no provable WHIR parameters reach " + bits + " bits for 2^" + numVars + " values");
    }

    /**
     * The provable profile of a model commitment (made once, when a key is compiled or loaded, and
     * opened by every proof): {@link #forSecurity}'s, except for 2^26–2^27 values (GPT-2 small's
     * 2^27), which are encoded at rate 1/4 rather than 1/2 with a round-0 domain shrink of 3 ({@link
     * #firstShrink()}): round 0 needs about half the queries (0.93 instead of 0.43 bits each in the
     * Johnson-bound regime), and round 1 onwards run on the same codewords, with the same
     * queries, as {@link #forSecurity}'s rate-1/2 shape, so only the commitment (twice the
     * encoding and hashing, a codeword of 2^29 elements at 2^27 values, which is never held:
     * written to a file) costs more, not the opening. Above 2^27 values rate 1/4 would need more
     * than 2^{@value #MAX_LOG_LEAVES} Merkle leaves: {@link #forSecurity}'s rate 1/2.
     *
     * @throws IllegalArgumentException as {@link #forSecurity}
     */
    public static PcsParameters forModelCommitment(int bits, int numVars) {
        PcsParameters p = forSecurity(bits, numVars);
        if (numVars <= MAX_RATE_QUARTER_VARS || numVars > MAX_RATE_QUARTER_MODEL_VARS) {
            return p;
        }
        PcsParameters best = null;
        for (int maxFinal = 4; maxFinal <= 11; maxFinal++) {
            PcsParameters q = new PcsParameters(p.profile, p.regime, bits, numVars, 2, 4, maxFinal, defaultPowBits(numVars),
                    DEFAULT_DOMAIN_SHRINK, MODEL_FIRST_SHRINK, null, 0);
            if (q.securityBits() >= bits && (best == null || q.estimatedProofBytes() < best.estimatedProofBytes())) {
                best = q;
            }
        }
        return best != null && best.estimatedProofBytes() < p.estimatedProofBytes() ? best : p;
    }

    /** Most variables of a model commitment encoded at rate 1/4 ({@link #forModelCommitment}): 2^27 values, 2^25 leaves. */
    public static final int MAX_RATE_QUARTER_MODEL_VARS = 27;

    /** Round 0's domain shrink of {@link #forModelCommitment}'s rate-1/4 shape for large polynomials. */
    static final int MODEL_FIRST_SHRINK = 3;

    /**
     * log2(1/ρ_0) of the named profiles: 2 (rate 1/4) up to {@link #MAX_RATE_QUARTER_VARS}
     * variables, 1 (rate 1/2) above, so that the largest polynomials' codewords (2^29 base
     * elements, 4 GiB, at 2^28 values) and Merkle trees (2^25 leaves) fit the prover's memory and
     * Java's array limits, and a 2^26-value commitment encodes and hashes half as much; rate 1/2
     * costs about twice the round-0 queries (a larger proof), not security: the query counts
     * follow the rate.
     */
    static int defaultLogInvRate(int numVars) {
        return numVars <= MAX_RATE_QUARTER_VARS ? 2 : 1;
    }

    /** Base-field longs of round i's codeword table: width (1 in round 0, 3 after) × |L_i|. */
    public long codewordLongs(int round) {
        return (round == 0 ? 1L : 3L) << logDomainSize(round);
    }

    /**
     * Grinding bits per query phase of the default profiles: {@value #LARGE_POW_BITS} from
     * 2^{@value #LARGE_POW_VARS} values on (proof version 20; 16 before), 16 from 2^21 values on,
     * fewer for smaller polynomials (numVars − 5, at least 8), where 2^16 hashes per phase would
     * cost more than the rest of the opening; each bit less costs about one more query per round
     * (2.3 in round 0 at rate 1/2).
     */
    static int defaultPowBits(int numVars) {
        return numVars >= LARGE_POW_VARS ? LARGE_POW_BITS : Math.max(8, Math.min(16, numVars - 5));
    }

    /** Polynomials of at least 2^this many values grind {@link #LARGE_POW_BITS} bits per query phase ({@link #defaultPowBits}). */
    static final int LARGE_POW_VARS = 26;
    /**
     * Grinding bits per query phase from 2^{@value #LARGE_POW_VARS} values on: 2^22 hashes on
     * average (about 0.2 s of the native backend's SHA-256 on one core) save about 14 of the ~200
     * round-0 queries at rate 1/2 (0.43 bits each in the Johnson-bound regime), 7 at rate 1/4, and
     * 4, 2, 2, 1 in the later rounds, against an opening of 10–40 s.
     */
    static final int LARGE_POW_BITS = 22;

    /**
     * A provable parameter set of a custom shape and regime (for benchmarks and tuning); query
     * counts are derived from {@code bits} as for {@link #forSecurity}.
     */
    public static PcsParameters custom(Regime regime, int bits, int numVars, int logInvRate, int foldingFactor,
            int powBits, int maxFinalVars) {
        return custom(regime, bits, numVars, logInvRate, foldingFactor, powBits, maxFinalVars, 1);
    }

    /**
     * As {@link #custom(Regime, int, int, int, int, int, int)}, with L_{i+1} = L_i^(2^domainShrink)
     * (1 = WHIR's halving; larger values keep later codewords smaller at the cost of more
     * queries).
     */
    public static PcsParameters custom(Regime regime, int bits, int numVars, int logInvRate, int foldingFactor,
            int powBits, int maxFinalVars, int domainShrink) {
        if (bits < 80 || bits > 160) {
            throw new IllegalArgumentException("security target must be in [80, 160] bits: " + bits);
        }
        PcsParameters p = new PcsParameters(profileName(regime, bits), regime, bits, numVars, logInvRate, foldingFactor,
                maxFinalVars, powBits, domainShrink, null, 0);
        double got = p.securityBits();
        if (got < bits) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "parameters reach only %.1f bits, below the target %d", got, bits));
        }
        return p;
    }

    /**
     * As {@link #custom(Regime, int, int, int, int, int, int, int)}, with round 0's own domain
     * shrink: L_1 = L_0^(2^firstShrink) (for benchmarks and tuning).
     */
    public static PcsParameters custom(Regime regime, int bits, int numVars, int logInvRate, int foldingFactor,
            int powBits, int maxFinalVars, int domainShrink, int firstShrink) {
        if (bits < 80 || bits > 160) {
            throw new IllegalArgumentException("security target must be in [80, 160] bits: " + bits);
        }
        PcsParameters p = new PcsParameters(profileName(regime, bits), regime, bits, numVars, logInvRate, foldingFactor,
                maxFinalVars, powBits, domainShrink, firstShrink, null, 0);
        double got = p.securityBits();
        if (got < bits) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "parameters reach only %.1f bits, below the target %d", got, bits));
        }
        return p;
    }

    private static String profileName(Regime regime, int bits) {
        return (regime == Regime.JOHNSON_BOUND ? "provable-jb-" : "provable-ud-") + bits;
    }

    /**
     * INSECURE: {@code queriesPerRound} queries per round and no grinding, for fast tests of
     * completeness and of the verifier's checks. Never use for real proofs; the profile name
     * (absorbed into the transcript) says "insecure".
     */
    public static PcsParameters insecureForTests(int numVars, int queriesPerRound) {
        if (queriesPerRound < 1) {
            throw new IllegalArgumentException("at least one query per round");
        }
        return new PcsParameters("INSECURE-test", Regime.UNIQUE_DECODING, 0, numVars, 2, 4, 0, 0, 1, null, queriesPerRound);
    }

    /**
     * INSECURE: as {@link #insecureForTests(int, int)} with the Johnson-bound shape's {@code ood}
     * out-of-domain samples per commitment (0 to 8), folding factor {@code foldingFactor} and a
     * final polynomial of at most {@code maxFinalVars} variables, so that small tests exercise
     * every message of the protocol. Never use for real proofs.
     */
    public static PcsParameters insecureForTests(int numVars, int queriesPerRound, int foldingFactor, int maxFinalVars, int ood) {
        if (queriesPerRound < 1 || ood < 0 || ood > 8) {
            throw new IllegalArgumentException("at least one query per round and 0 to 8 out-of-domain samples");
        }
        PcsParameters p = new PcsParameters("INSECURE-test-ood", Regime.JOHNSON_BOUND, 0, numVars, 2, foldingFactor, maxFinalVars,
                0, 1, null, queriesPerRound);
        return new PcsParameters(ood, p);
    }

    private PcsParameters(int ood, PcsParameters p) {
        this.profile = p.profile;
        this.regime = p.regime;
        this.oodSamples = ood;
        this.targetBits = p.targetBits;
        this.numVars = p.numVars;
        this.logInvRate = p.logInvRate;
        this.foldingFactor = p.foldingFactor;
        this.maxFinalVars = p.maxFinalVars;
        this.powBits = p.powBits;
        this.domainShrink = p.domainShrink;
        this.firstShrink = p.firstShrink;
        this.foldVars = p.foldVars;
        this.queries = p.queries;
        this.zeroKnowledge = p.zeroKnowledge;
        this.zkOpenings = p.zkOpenings;
        this.zkMaskElsewhere = p.zkMaskElsewhere;
    }

    /** ρ_i = 2^(m_i − log|L_i|). */
    private double rate(int round) {
        return Math.pow(2, varsBefore(round) - logDomainSize(round));
    }

    /** −log2(1 − δ_i): UD δ = (1 − ρ)/2; JB δ = 1 − √ρ − η, η = √ρ/20. */
    private double bitsPerQuery(int round) {
        double rate = rate(round);
        double agreement = regime == Regime.JOHNSON_BOUND ? Math.sqrt(rate) * (1 + JOHNSON_SLACK) : (1 + rate) / 2;
        return -log2(agreement);
    }

    /**
     * |E|·err⋆(C, 2, δ) up to the Johnson bound (BCHKS25 Theorem 4.2, see the class comment) for
     * a code of rate {@code rate} on 2^logL points, δ = 1 − √ρ − η, η = √ρ/20.
     */
    static double johnsonAgreementError(double rate, int logL) {
        double sqrtRate = Math.sqrt(rate);
        double delta = 1 - sqrtRate * (1 + JOHNSON_SLACK);
        // m = max(⌈√ρ/η⌉, 3) = ⌈1/slack⌉ (rounded against floating-point noise)
        double m = Math.max(Math.ceil(1 / JOHNSON_SLACK - 1e-9), 3) + 0.5;
        return (2 * Math.pow(m, 5) + 3 * m * delta * rate) * Math.pow(2, logL) / (3 * rate * sqrtRate) + m / sqrtRate;
    }

    /** η_i/√ρ_i in the Johnson-bound regime. */
    private static final double JOHNSON_SLACK = 1.0 / 20;

    /** log2 of the list size ℓ_i: 0 in UD, log2(1/(2η√ρ)) = log2(10/ρ_i) in JB. */
    private double logListSize(int round) {
        return regime == Regime.JOHNSON_BOUND ? -log2(2 * JOHNSON_SLACK * rate(round)) : 0;
    }

    /** Bits of the out-of-domain step of round i's polynomial with s samples: −log2(ℓ²/2·(2^m/|E|)^s). */
    private double oodBits(int round, int s) {
        double f = dev.zkinfer.security.SecurityReport.EXTENSION_FIELD_BITS;
        return 1 - 2 * logListSize(round) + s * (f - varsBefore(round));
    }

    /** The out-of-domain bits of the weakest committed polynomial, with s samples. */
    private double oodBits(int s) {
        double worst = Double.POSITIVE_INFINITY;
        for (int i = 0; i < foldVars.length; i++) {
            worst = Math.min(worst, oodBits(i, s));
        }
        return worst;
    }

    // ---- shape ----

    public String profile() {
        return profile;
    }

    public int targetBits() {
        return targetBits;
    }

    public int numVars() {
        return numVars;
    }

    public int logInvRate() {
        return logInvRate;
    }

    public int foldingFactor() {
        return foldingFactor;
    }

    public int powBits() {
        return powBits;
    }

    public Regime regime() {
        return regime;
    }

    /** Out-of-domain samples after each commitment: 0 in unique decoding. */
    public int oodSamples() {
        return oodSamples;
    }

    /** Number of folding rounds R (≥ 1). */
    public int numRounds() {
        return foldVars.length;
    }

    /** k_i: variables folded in round i. */
    public int foldVars(int round) {
        return foldVars[round];
    }

    /** m_i: variables of the polynomial entering round i (m_0 = n; m_R = {@link #finalVars()}). */
    public int varsBefore(int round) {
        int m = numVars;
        for (int i = 0; i < round; i++) {
            m -= foldVars[i];
        }
        return m;
    }

    /** Variables of the final polynomial, sent in the clear. */
    public int finalVars() {
        return varsBefore(foldVars.length);
    }

    /**
     * log2 |L_i|: L_0 has 2^(n + logInvRate) points, L_1 = L_0^(2^firstShrink) ({@link
     * #firstShrink()}), L_{i+1} = L_i^(2^domainShrink) after.
     */
    public int logDomainSize(int round) {
        return round == 0 ? numVars + logInvRate : numVars + logInvRate - firstShrink - domainShrink * (round - 1);
    }

    /**
     * log2(|L_0| / |L_1|): {@link #domainShrink()} in every profile but {@link
     * #forModelCommitment}'s rate-1/4 shape for 2^26–2^27 values, where it is 3, so that round 1
     * onwards run on the same codewords as at rate 1/2 with the default shrink.
     */
    public int firstShrink() {
        return firstShrink;
    }

    /** log2(|L_i| / |L_{i+1}|). */
    public int domainShrink() {
        return domainShrink;
    }

    /** log2 of the number of Merkle leaves of round i's codeword (one leaf per fold block). */
    public int logLeaves(int round) {
        return logDomainSize(round) - foldVars[round];
    }

    /** t_i: queries of round i. */
    public int queries(int round) {
        return queries[round];
    }

    /** The parameter set as absorbed into the transcript (binds every shape choice). */
    public long[] encode() {
        boolean ownFirstShrink = firstShrink != domainShrink;
        long[] out = new long[11 + 2 * foldVars.length + (zeroKnowledge ? 3 : 0) + (ownFirstShrink ? 1 : 0)];
        // encoding version; 4 = hiding mode with a small mask polynomial, (T, μ, c) appended (3 was
        // the full-size mask polynomial of the first hiding form, which no key uses any more);
        // 5 = the same with the openings' mask parts held by another commitment; 6 = version 2 with
        // round 0's own domain shrink appended (the model-commitment profile; never hiding)
        out[0] = zkMaskElsewhere ? 5 : zeroKnowledge ? 4 : ownFirstShrink ? 6 : 2;
        out[1] = regime == Regime.JOHNSON_BOUND ? 1 : 0;
        out[2] = numVars;
        out[3] = logInvRate;
        out[4] = foldingFactor;
        out[5] = maxFinalVars;
        out[6] = powBits;
        out[7] = targetBits; // 0 for the insecure test profile
        out[8] = oodSamples;
        out[9] = domainShrink;
        out[10] = foldVars.length;
        for (int i = 0; i < foldVars.length; i++) {
            out[11 + 2 * i] = foldVars[i];
            out[12 + 2 * i] = queries[i];
        }
        if (zeroKnowledge) {
            out[out.length - 3] = zkOpenings;
            out[out.length - 2] = zkMaskSize();
            out[out.length - 1] = zkMaskWidth();
        }
        if (ownFirstShrink) {
            out[out.length - 1] = firstShrink;
        }
        return out;
    }

    // ---- soundness ----

    /** The round-by-round soundness terms (see the class comment for the formulas). */
    public List<SoundnessTerm> soundnessBits() {
        double f = dev.zkinfer.security.SecurityReport.EXTENSION_FIELD_BITS;
        boolean jb = regime == Regime.JOHNSON_BOUND;
        String reg = jb ? "JB" : "UD";
        List<SoundnessTerm> terms = new ArrayList<>();
        terms.add(new SoundnessTerm("claim batching (γ)", f - logListSize(0) - log2(MAX_CLAIMS + oodSamples),
                "ℓ_0·(s + ood)/|E|, s ≤ " + MAX_CLAIMS));
        if (jb) {
            for (int i = 0; i < foldVars.length; i++) {
                // in hiding mode round 0's samples bind two polynomials (f̂ and the mask ĝ): a union bound
                boolean two = zeroKnowledge && i == 0;
                terms.add(new SoundnessTerm("round " + i + " out-of-domain (" + oodSamples + " sample"
                        + (oodSamples == 1 ? "" : "s") + (two ? ", f and g" : "") + ")", oodBits(i, oodSamples) - (two ? 1 : 0),
                        (two ? "2·" : "") + "ℓ²/2·(2^m/|E|)^ood, m = " + varsBefore(i)));
            }
        } else {
            terms.add(new SoundnessTerm("out-of-domain samples", Double.POSITIVE_INFINITY, "none needed in unique decoding"));
        }
        if (zeroKnowledge) {
            // ρ·f + g: a line through two committed codewords (proximity: the same correlated-agreement
            // error as a fold step), and a false claim on f survives for at most one ρ per pair of
            // list elements
            int logL = logDomainSize(0);
            double gap = jb ? log2(johnsonAgreementError(rate(0), logL)) : logL;
            double err = Math.pow(2, 2 * logListSize(0) - f) + Math.pow(2, gap - f);
            terms.add(new SoundnessTerm("hiding mask combination (ρ)", -log2(err),
                    "ℓ_0²/|E| + err*, |L_0| = 2^" + logL));
            if (zkMaskElsewhere) {
                // a wrong mask symbol of round 0 survives the λ-combination checked by the other commitment for ≤ t_0 values of λ
                terms.add(new SoundnessTerm("hiding mask symbols (λ)", f - log2(queries[0]), "t_0/|E|"));
            }
        }
        for (int i = 0; i < foldVars.length; i++) {
            int logL = logDomainSize(i);
            double rate = rate(i);
            double gap = jb ? log2(johnsonAgreementError(rate, logL)) : logL;
            double foldError = Math.pow(2, log2(3) + logListSize(i) - f) + Math.pow(2, gap - f);
            terms.add(new SoundnessTerm("round " + i + " fold x" + foldVars[i] + " (sumcheck+gap)", -log2(foldError),
                    (jb ? "3ℓ/|E| + BCHKS25 Thm 4.2 err*" : "3/|E| + |L|/|E|") + ", |L_" + i + "| = 2^" + logL
                            + " (WHIR Thm 5.2, " + reg + " err*)"));
            terms.add(new SoundnessTerm("round " + i + " queries (" + queries[i] + "q + " + powBits + " pow)",
                    // concatenation, not String.format: the parameter search builds these terms for every
                    // candidate, and a formatter's first use loads locale data (10 ms of a cold verify)
                    queries[i] * bitsPerQuery(i) + powBits, "(1-δ)^t·2^-pow, " + reg + ", ρ = 2^" + (int) Math.round(log2(rate)), powBits));
            if (i + 1 < foldVars.length) {
                terms.add(new SoundnessTerm("round " + i + " combination (β)",
                        f - logListSize(i + 1) - log2(queries[i] + oodSamples + 1), "ℓ·(t_" + i + " + ood + 1)/|E|"));
            } else {
                // the final polynomial is sent in the clear (one candidate): a wrong answer, or a wrong σ before it,
                // survives the β-combination checked by the final sumcheck for at most t values of β
                terms.add(new SoundnessTerm("round " + i + " combination (β)", f - log2(queries[i] + 1), "(t_" + i + " + 1)/|E|"));
            }
        }
        if (finalVars() > 0) {
            terms.add(new SoundnessTerm("final sumcheck", f - 1, "2/|E| per round"));
        }
        return terms;
    }

    /**
     * Estimated proof bytes of one opening with one claim (for choosing the shape): sumcheck
     * messages, roots, out-of-domain answers, nonces, opened leaves, Merkle siblings (about
     * t·(depth − log2 t) after de-duplication) and the final polynomial.
     */
    public long estimatedProofBytes() {
        double bytes = 0;
        for (int i = 0; i < foldVars.length; i++) {
            int k = foldVars[i];
            bytes += k * 72.0 + 8;
            int depth = logLeaves(i);
            double t = Math.min(queries[i], Math.pow(2, depth));
            bytes += t * (i == 0 ? 8 : 24) * (1 << k);
            if (zeroKnowledge) {
                bytes += t * 16.0; // salts of the opened leaves
                if (i == 0) {
                    bytes += t * 8.0 * zkMaskWidth(); // the mask polynomial's symbols
                    if (zkSeparateMask() && !zkMaskElsewhere) {
                        // its own tree: a root, salts and a second multi-path
                        bytes += 32 + t * 16.0 + 32 * Math.max(t, t * (depth - log2(t) + 1.5));
                    }
                }
            }
            bytes += 32 * Math.max(t, t * (depth - log2(t) + 1.5));
            if (i + 1 < foldVars.length) {
                bytes += 32 + 24.0 * oodSamples;
            }
        }
        bytes += 24.0 * (1 << finalVars()) + 72.0 * finalVars();
        if (zeroKnowledge) {
            // the mask's out-of-domain answers and its claimed sum; with several openings f̂'s answers at the opening's samples
            bytes += 24.0 * (oodSamples * (zkSeparateMask() && !zkMaskElsewhere ? 2 : 1) + 1);
        }
        return (long) bytes;
    }

    /** The minimum over {@link #soundnessBits()}: the provable security of this parameter set. */
    public double securityBits() {
        double min = Double.POSITIVE_INFINITY;
        for (SoundnessTerm term : soundnessBits()) {
            min = Math.min(min, term.bits());
        }
        return min;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcsParameters p && Arrays.equals(encode(), p.encode()) && profile.equals(p.profile)
                && targetBits == p.targetBits;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "WHIR[%s%s, n=%d, rho=2^-%d, shrink=%s, k=%s, queries=%s, ood=%d, pow=%d, final=%d vars, %.1f bits]",
                profile, zeroKnowledge ? ", zk openings=" + zkOpenings + " mask=" + zkMaskSize() + " width=" + zkMaskWidth() : "", numVars, logInvRate,
                firstShrink == domainShrink ? Integer.toString(domainShrink) : firstShrink + "," + domainShrink, Arrays.toString(foldVars), Arrays.toString(queries), oodSamples, powBits,
                finalVars(), securityBits());
    }
}
