package dev.zkinfer.pcs;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The parts of the WHIR protocol that prover and verifier must agree on bit for bit: the
 * transcript labels, the codeword layout, the proof-of-work predicate.
 *
 * <h2>Codeword layout</h2>
 * Round i's codeword holds the polynomial's values on L_i = ⟨ω⟩, ω = rootOfUnity(log|L_i|), in
 * <b>bit-reversed order</b>: position p holds f(ω^rev(p)). With K = 2^k_i, the K points whose
 * K-th power is the same y = ω^(K·s) (s &lt; |L_i|/K) then sit in one contiguous block: leaf
 * number rev(s) (over log(|L_i|/K) bits) holds f(ω^s · ω_K^rev(u)) at position u &lt; K, and
 * positions 2v, 2v+1 are the pair ±z folded together (FRI's layout). One Merkle leaf is one
 * such block.
 *
 * <h2>Transcript order (prover and verifier)</h2>
 * <ol>
 *   <li>right after the caller absorbs the commitment root, before any other challenge:
 *       domain {@value #OOD_DOMAIN}; "whir/params"; "whir/root"; then, for each out-of-domain
 *       sample, challenge ζ ("whir/ood") and absorb the answer ("whir/ood-answer").
 *   <li>at the opening: domain {@value #DOMAIN}; "whir/params" = {@link PcsParameters#encode()}; "whir/root" =
 *       the commitment root; "whir/claims" = number of claims; for each claim "whir/point"
 *       (n extension elements) and "whir/value"; if there are weighted claims
 *       ({@link WeightedClaim}), "whir/weighted-claims" = their number, "whir/weight" = every
 *       claim's (k, block) and "whir/value" = every claim's value (nothing otherwise; the weights' parameters
 *       are fixed by the transcript so far and not absorbed, {@link WhirVerifier#absorbWeighted});
 *       challenge γ ("whir/gamma"), which combines the evaluation claims, then the weighted
 *       claims, then the out-of-domain samples.
 *   <li>for each round i: for each of its k_i sumcheck rounds, "whir/sumcheck" = (h(0), h(1),
 *       h(2)) then challenge α ("whir/fold"); then either "whir/root" = root of g_{i+1} followed by
 *       its out-of-domain samples and answers (as above), or, in
 *       the last round, "whir/final-poly" = its 2^m_R coefficients; then, if powBits &gt; 0,
 *       challenge bytes "whir/pow-seed" and absorb "whir/pow-nonce"; then the query indices
 *       ("whir/queries"); then challenge β ("whir/beta"), which combines the out-of-domain and query
 *       answers into constraints on the next polynomial (in the last round the final polynomial, whose
 *       final sumcheck checks them; proof version 22).
 *   <li>the final sumcheck: m_R times "whir/sumcheck" then α ("whir/fold").
 * </ol>
 * Query answers are not absorbed: the Merkle root absorbed before the indices binds them.
 *
 * <h2>Hiding mode ({@link PcsParameters#zeroKnowledge()})</h2>
 * With one opening the commitment's leaves hold f's fold block followed by the mask polynomial's
 * c symbols (the verifier folds them with {@link #maskFolds}); each out-of-domain sample absorbs f̂(ζ) then ĝ(ζ)
 * ("whir/ood-answer" twice). With several, the commitment's samples absorb f̂(ζ) only, and each
 * opening, after the claims, absorbs its mask's root ("whir/zk-mask-root") and its own samples
 * (ζ, then f̂(ζ) and ĝ(ζ)) before γ; with several openings whose mask parts another commitment holds
 * ({@link PcsParameters#zkMaskElsewhere()}) there is no mask root and no sample of the opening's own,
 * and round 0's mask symbols, sent after f's paths, are absorbed ("whir/zk-mask-symbols") before the
 * challenge λ ("whir/zk-mask-lambda") that combines them into claims for that commitment. At the opening, after
 * γ: "whir/zk-mask-sum" = G = the γ-combination of the claims' weights applied to ĝ, then
 * challenge ρ ("whir/zk-rho"); the rounds then run on ρ·f̂ + ĝ. Every opened leaf is followed,
 * after all leaves of its round, by its {@value dev.zkinfer.merkle.MerkleHash#SALT_BYTES}-byte
 * salt (not absorbed: the root binds it).
 * Stateless and thread-safe.
 */
public final class WhirProtocol {
    /** Domain tag of the PCS sub-protocol. */
    public static final String DOMAIN = "zkinfer/pcs/whir/v1";
    /** Domain tag of a commitment's out-of-domain samples, drawn when its root is absorbed. */
    public static final String OOD_DOMAIN = "zkinfer/pcs/whir/ood/v1";
    public static final String PARAMS = "whir/params";
    public static final String ROOT = "whir/root";
    public static final String CLAIMS = "whir/claims";
    public static final String POINT = "whir/point";
    public static final String VALUE = "whir/value";
    public static final String WEIGHTED_CLAIMS = "whir/weighted-claims";
    public static final String WEIGHT = "whir/weight";
    public static final String GAMMA = "whir/gamma";
    public static final String SUMCHECK = "whir/sumcheck";
    public static final String FOLD = "whir/fold";
    public static final String FINAL_POLY = "whir/final-poly";
    public static final String POW_SEED = "whir/pow-seed";
    public static final String POW_NONCE = "whir/pow-nonce";
    public static final String QUERIES = "whir/queries";
    public static final String BETA = "whir/beta";
    public static final String ZK_MASK_SUM = "whir/zk-mask-sum";
    public static final String ZK_RHO = "whir/zk-rho";
    /** Hiding mode with several openings: the root of the opening's own mask polynomial. */
    public static final String ZK_MASK_ROOT = "whir/zk-mask-root";
    /**
     * Several openings, mask parts held by another commitment ({@link PcsParameters#zkMaskElsewhere()}):
     * round 0's opened mask symbols, absorbed before the challenge λ that combines them.
     */
    public static final String ZK_MASK_SYMBOLS = "whir/zk-mask-symbols";
    public static final String ZK_MASK_LAMBDA = "whir/zk-mask-lambda";

    /**
     * What an opening whose mask parts another commitment holds ({@link PcsParameters#zkMaskElsewhere()})
     * leaves to be proved there: for each part S_a, Σ_q λ^q·S_a(y_q) = values[a] over round 0's
     * queried points y_q, one claim per part with {@code weight} on the block of S_a's monomial coefficients.
     */
    public record MaskSymbols(PointSumWeights weight, Ext3[] values) {}
    public static final String OOD = "whir/ood";
    public static final String OOD_ANSWER = "whir/ood-answer";

    /**
     * Whether a claim leaves the hiding mask block (entries [2^n − μ, 2^n), {@link
     * PcsParameters#zkMaskSize()}) unweighted: for an evaluation claim at z, the block's weight is
     * Π_{i ≥ log2 μ} z_i times eq over the low coordinates, so it vanishes iff one of those top
     * coordinates is exactly 0.
     */
    public static boolean avoidsMask(Ext3[] point, int mu) {
        int low = Integer.numberOfTrailingZeros(mu);
        Ext3 top = Ext3.ONE;
        for (int i = low; i < point.length; i++) {
            top = top.mul(point[i]);
        }
        return top.equals(Ext3.ZERO);
    }

    /** Whether the block of a weighted claim lies below the hiding mask block of μ entries. */
    public static boolean avoidsMask(WeightedClaim c, int numVars, int mu) {
        long start = c.block() << c.weight().numVars();
        long end = c.weight() instanceof SparseBlockWeight s ? start + s.supportEnd() : (c.block() + 1) << c.weight().numVars();
        return end <= (1L << numVars) - mu;
    }

    /**
     * The low parts φ_a of the hiding mode's mask polynomial ĝ(X) = Σ_{a&lt;c} φ_a(X)·S_a(X^K), K =
     * 2^k0 ({@link PcsParameters#zkMaskWidth()}), as monomial coefficients over the k0 low
     * variables (row a, entry m: the coefficient of Π_{j∈m} x_j, i.e. of X^m; every φ_a has degree
     * &lt; K, so ĝ's multilinear form is Σ_a φ_a(x_low)·S_a(x_high) and its degree bound is 2^n).
     * c = 3: φ = 1, Σ_j x_j, Σ_j (j+1)·x_j (1 and the two sums span E at a random fold point, and
     * each round-0 variable gets a uniform base-field slope); c = K: φ_a = X^a (ĝ uniform).
     */
    public static long[][] maskLowWeights(int k0, int c) {
        int size = 1 << k0;
        long[][] phi = new long[c][size];
        if (c == size) {
            for (int a = 0; a < c; a++) {
                phi[a][a] = 1;
            }
            return phi;
        }
        if (c != 3) {
            throw new IllegalArgumentException("mask width must be 3 or 2^k0: " + c);
        }
        phi[0][0] = 1;
        for (int j = 0; j < k0; j++) {
            phi[1][1 << j] = Goldilocks.add(phi[1][1 << j], 1);
            phi[2][1 << j] = Goldilocks.add(phi[2][1 << j], j + 1);
        }
        return phi;
    }

    /**
     * The folds of the mask's low parts: φ̃_a(α) for round 0's folding challenges α, i.e. φ_a's
     * monomial coefficients read as a multilinear polynomial (bit j of an exponent is variable j)
     * at α. Folding is linear, every point of a round-0 block has the same K-th power y, and a
     * polynomial of degree below K = 2^(k_0) folds in k_0 rounds to that constant, so the folded
     * block of ĝ = Σ_a φ_a(X)·S_a(X^K) is Σ_a φ̃_a(α)·S_a(y), whatever the block: the verifier
     * needs the c symbols of a queried leaf, not ĝ's K values on it.
     */
    public static Ext3[] maskFolds(long[][] phi, Ext3[] alphas) {
        int k0 = alphas.length, size = 1 << k0;
        // the monomials Π_{j in bits(m)} α_j for every exponent m < K
        Ext3[] monomial = new Ext3[size];
        monomial[0] = Ext3.ONE;
        for (int j = 0; j < k0; j++) {
            for (int m = 0; m < (1 << j); m++) {
                monomial[m | 1 << j] = monomial[m].mul(alphas[j]);
            }
        }
        Ext3[] folds = new Ext3[phi.length];
        for (int a = 0; a < phi.length; a++) {
            if (phi[a].length != size) {
                throw new IllegalArgumentException("mask part " + a + " has " + phi[a].length + " coefficients, expected " + size);
            }
            Ext3 v = Ext3.ZERO;
            for (int m = 0; m < size; m++) {
                if (phi[a][m] != 0) {
                    v = v.add(monomial[m].mul(phi[a][m]));
                }
            }
            folds[a] = v;
        }
        return folds;
    }

    /** Bytes of the proof-of-work seed. */
    public static final int POW_SEED_BYTES = 32;
    private static final byte[] POW_TAG = "zkinfer/pcs/whir/pow".getBytes(StandardCharsets.US_ASCII);

    /** 1/2 in Goldilocks. */
    public static final long INV_TWO = (Goldilocks.P >>> 1) + 1;

    private WhirProtocol() {}

    /**
     * (ζ, ζ^2, ζ^4, ..., ζ^(2^(m-1))): the multilinear f̂ at this point equals the univariate
     * Σ_b c_b ζ^b over f̂'s monomial coefficients, i.e. the codeword's polynomial at ζ ∈ E.
     */
    public static Ext3[] oodPoint(Ext3 zeta, int m) {
        Ext3[] p = new Ext3[m];
        Ext3 cur = zeta;
        for (int j = 0; j < m; j++) {
            p[j] = cur;
            cur = cur.mul(cur);
        }
        return p;
    }

    /** The low {@code bits} bits of x in reverse order. */
    public static int bitReverse(int x, int bits) {
        return bits == 0 ? 0 : Integer.reverse(x) >>> (32 - bits);
    }

    /** The bytes hashed before the nonce in {@link #powValid}: the tag, then the seed. */
    public static byte[] powPrefix(byte[] seed) {
        byte[] prefix = Arrays.copyOf(POW_TAG, POW_TAG.length + seed.length);
        System.arraycopy(seed, 0, prefix, POW_TAG.length, seed.length);
        return prefix;
    }

    /** Writes u64le(nonce) into the last 8 bytes of a proof-of-work message (prefix ‖ nonce). */
    public static void putNonce(byte[] message, long nonce) {
        int at = message.length - 8;
        for (int i = 0; i < 8; i++) {
            message[at + i] = (byte) (nonce >>> (8 * i));
        }
    }

    /**
     * Proof-of-work predicate: SHA-256(tag ‖ seed ‖ u64le(nonce)) starts with {@code bits}
     * zero bits (most significant bit of byte 0 first).
     */
    public static boolean powValid(MessageDigest sha, byte[] seed, long nonce, int bits) {
        byte[] prefix = powPrefix(seed);
        byte[] message = Arrays.copyOf(prefix, prefix.length + 8);
        putNonce(message, nonce);
        return leadingZeros(sha.digest(message), bits);
    }

    /** Whether the digest starts with {@code bits} zero bits (most significant bit of byte 0 first). */
    public static boolean leadingZeros(byte[] d, int bits) {
        int full = bits >>> 3;
        for (int i = 0; i < full; i++) {
            if (d[i] != 0) {
                return false;
            }
        }
        int rest = bits & 7;
        return rest == 0 || ((d[full] & 0xFF) >>> (8 - rest)) == 0;
    }

    /** The value at x of the quadratic with values h0, h1, h2 at 0, 1, 2 (Lagrange). */
    public static Ext3 evalQuadratic(Ext3 h0, Ext3 h1, Ext3 h2, Ext3 x) {
        Ext3 xm1 = x.sub(Ext3.ONE);
        Ext3 xm2 = x.sub(Ext3.of(2));
        // h0 (x-1)(x-2)/2 - h1 x(x-2) + h2 x(x-1)/2
        Ext3 a = h0.mul(xm1.mul(xm2)).mul(INV_TWO);
        Ext3 b = h1.mul(x.mul(xm2));
        Ext3 c = h2.mul(x.mul(xm1)).mul(INV_TWO);
        return a.sub(b).add(c);
    }
}
