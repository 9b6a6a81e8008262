package dev.zkinfer.circuit;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.MalformedProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.sumcheck.SumcheckClaim;
import dev.zkinfer.sumcheck.SumcheckVerifier;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Requantization (QRequant): {@code y = clamp((x·M_c + 2^(s_c−1)) >> s_c, lo, hi)} per channel c
 * along {@code axis} of x (c = 0 everywhere when there is one multiplier), proven as a
 * shift-with-remainder relation plus a clamp, with range lookups on remainder limbs.
 *
 * <h2>Relation</h2>
 * All channels are aligned to a common shift S ≥ max_c s_c: with K_c = M_c·2^(S−s_c),
 * (x·M_c + 2^(s_c−1)) >> s_c = ⌊(x·K_c + 2^(S−1)) / 2^S⌋. The compiler states a bound X on
 * the input (|x| ≤ X ≤ 2^48, from the weights and the ranges of the layer's inputs), which
 * bounds the honest quotient q to [qMin, qMax]. The prover supplies (ADVICE, same layout as
 * y) the remainder r as ⌈S/w⌉ limbs of w bits (w, the limb width, is a layer parameter in
 * [8, 20]; S is the largest shift rounded up to a multiple of w where that stays sound, so
 * that all limbs share RANGE(w); else the top limb is narrower) and the clamp excess e = q − y
 * in one of two forms, chosen by the compiler (a layer parameter):
 * <ul>
 *   <li><b>table clamp</b> (possible when the excess range is small): e as one tensor, and the pair
 *       (e + E, y − lo) looked up in an explicit two-column table whose rows are (E, v) for
 *       v ∈ [0, hi − lo], (E + d, hi − lo) and (E − d, 0) for 1 ≤ d ≤ E. One lookup proves
 *       lo ≤ y ≤ hi, |e| ≤ E, and e &gt; 0 ⇒ y = hi, e &lt; 0 ⇒ y = lo, i.e. y = clamp(y + e).
 *       E is rounded up so that the table has 2^t rows; layers with the same clamp range and
 *       t share one table.</li>
 *   <li><b>limb clamp</b>: e = dp − dn with dp, dn ≥ 0 as ⌈D/w⌉ limbs each (D covers the
 *       honest excess, rounded up to a multiple of w where that stays sound),
 *       constrained by dp·(hi − y) = 0 and dn·(y − lo) = 0, and y − lo range-checked (one
 *       lookup when hi − lo + 1 is a power of two, else y − lo and y + 2^bits − 1 − hi in
 *       RANGE(bits)).</li>
 *   <li><b>derived table clamp</b> (the compiler's choice wherever the table clamp is possible): as the table clamp, but e is not committed: it is a COMPUTED
 *       tensor that the layer defines as e = (x·K + 2^(S−1) − r)·2^(−S) − y (see "Derived excess"
 *       below), so each activation commits y and the remainder limbs only.</li>
 * </ul>
 * With q = y + e the layer proves for every padded index i
 * <pre>
 *   x_i·K_i + 2^(S−1) = q_i·2^S + r_i   (and, limb clamp only, dp_i·(hi − y_i) = 0, dn_i·(y_i − lo) = 0)
 * </pre>
 * where K is the per-channel multiplier broadcast over the padded domain (K_i = K_c for the
 * channel coordinate c of i, and 0 for padding channel coordinates c ≥ C; with one multiplier,
 * K_i = K_0 everywhere). Its multilinear extension at ρ depends only on the channel variables
 * and costs the verifier O(C). Padding entries satisfy the same relation with their K_i.
 *
 * <h2>Soundness (bound analysis)</h2>
 * The lookups give, as integers: 0 ≤ r &lt; 2^S, and q ∈ [lo − E, hi + E] (table clamp) or
 * q ∈ [lo − 2^D + 1, hi + 2^D − 1] (limb clamp). x is an exact integer with |x| ≤ X (upstream
 * layers are exact and the compiler's bound holds for every input in the model's input range).
 * Hence L = x·K_c + 2^(S−1) ∈ [Lmin, Lmax] and R = q·2^S + r ∈ [Rmin, Rmax]. The field equation
 * says L ≡ R (mod p); the parameters are accepted only if max(Lmax − Rmin, Rmax − Lmin) &lt; p
 * for every channel, so L = R over the integers, i.e. q = ⌊L / 2^S⌋ and r = L mod 2^S. The
 * clamp then follows from the table's rows, or case by case from the two products (small
 * integers whose field product is zero; lo &lt; hi, so dp and dn are never both nonzero). All
 * element-wise constraints are batched into one degree-3 zero-check sumcheck (soundness error
 * ≤ (3n + 3)/|GF(p^3)| plus the Schwartz–Zippel error n/|GF(p^3)| of the eq-weighted zero-check).
 *
 * <h2>Derived excess</h2>
 * With the derived table clamp the field equation x_i·K_i + 2^(S−1) = (y_i + e_i)·2^S + r_i holds
 * by the definition of e, and the clamp lookup (e + E, y − lo) and the limb lookups give the same
 * integer ranges as above, so the same bound analysis makes it an integer equation. What is left to
 * prove is that the claims on e (from the clamp lookup) are claims on that definition, ẽ(ρ₀) = v.
 * <ul>
 *   <li><b>Integrity mode, one multiplier</b> (K_i = K₀ at every padded index, padding included):
 *       e is the same affine function of x, r and y at every index, and the extension of a constant
 *       is that constant (eq(ρ₀, ·) sums to 1 over the padded cube), so
 *       2^S·ẽ(ρ₀) = K₀·x̃(ρ₀) + 2^(S−1) − r̃(ρ₀) − 2^S·ỹ(ρ₀) exactly. The prover sends x̃, ỹ and the
 *       limbs at ρ₀, the verifier checks that equation with 2^S·v and emits claims at ρ₀: no
 *       sumcheck, no soundness error.</li>
 *   <li><b>Integrity mode, one multiplier per channel</b> (the channel variables [o, o + d) of
 *       {@code axis}, d = its variable count, C ≤ 2^d channels, K_c = 0 for padding channels):
 *       Σ_i eq(ρ₀, i)·K_i·x_i = Σ_c eq(ρ₀_c, c)·K_c·x̃(c, ρ₀_rest) where ρ₀_c are ρ₀'s channel
 *       coordinates and x̃(c, ρ₀_rest) is x̃ at ρ₀ with those replaced by c. The prover sends ỹ and
 *       the limbs at ρ₀, then the sumcheck of Σ_c W(c)·X(c) = 2^S·v − 2^(S−1) + r̃(ρ₀) + 2^S·ỹ(ρ₀)
 *       over the d channel variables (degree 2; W(c) = eq(ρ₀_c, c)·K_c, whose extension the verifier
 *       evaluates in O(2^d)), ending at ρ_c, then x̃ at ρ₀ with its channel coordinates replaced by
 *       ρ_c; the verifier checks W̃(ρ_c)·x̃ against the sumcheck's final value (error 2d/|GF(p^3)|).
 *       Claims: y and the limbs at ρ₀, x at that point.</li>
 *   <li><b>Zero-knowledge mode</b>: the claim is on the masked ê, whose mask is not the affine
 *       combination of x̂'s, r̂'s and ŷ's, so the claim cannot move by the equation above. The
 *       sumcheck of Σ_i eq(ρ₀, i)·(x_i·K_i + 2^(S−1) − r_i − 2^S·y_i) = 2^S·v (n variables, degree 3,
 *       masked) ends at ρ, then x̂(ρ), ŷ(ρ) and the limbs' masked evaluations, checked against
 *       eq(ρ₀, ρ)·(x̂·K̃ + 2^(S−1) − r̂ − 2^S·ŷ)(ρ); its target 2^S·v carries ê's mask term with
 *       coefficient 2^S (removed through w, as for every masked claim a layer reduces;
 *       {@link ZkSteps#sumcheck}; docs/zero-knowledge.md §3.8). No zero-check and no τ. In a proof this
 *       sumcheck is a part of the requantizations' one batched masked sumcheck ({@link RequantZeroChecks}).</li>
 * </ul>
 *
 * <p>Example, LeNet-5's first convolution: M_c ∈ [2^23, 2^24), s_c ∈ [32, 35], clamp [0, 127],
 * X = 201,966 ≈ 2^17.6: S = 36 (35 rounded up to 3 limbs of w = 12), |q| &lt; 2^9, a table clamp of 2^10
 * rows: four lookups and four advice values per output besides y (the int32 bound X = 2^31
 * would need D = 23, and with 8-bit limbs 5 + 1 + 2·3 lookups).
 *
 * <h2>Sub-proof</h2>
 * Parameters in the verifying key: x, y, axis, the (M_c, s_c), lo, hi, bits, X (u64), w and the
 * clamp form (u8: 0 limbs, 1 table), then the advice tensor ids; the rest is derived and
 * re-checked on decoding (clamp form 2, the derived table clamp, lists the remainder limbs then the
 * excess, the layer's output). Transcript and wire format of the derived table clamp (domain
 * "zkinfer/layer/Requant/v2" first), integrity mode: with one multiplier the evaluations of
 * {@link #operands()} at ρ₀ (GF(p^3) each, absorbed as "requant/evals"); with one per channel those of
 * y and the limbs at ρ₀ ("requant/evals"), the channel sumcheck ({@link SumcheckVerifier}: claimed sum,
 * d rounds of 2 values) and x̃'s evaluation ("requant/x"); zero-knowledge mode: the masked sumcheck
 * over n variables, then the evaluations of {@link #operands()} at ρ ("requant/evals"). The other forms
 * (limb clamp, table clamp without derived excess) define no output: their zero-check depends on no
 * incoming claim. In integrity mode all of them are proved together, before the layer loop, as one
 * sumcheck ({@link RequantZeroChecks}, since proof version 19: a τ and coefficients shared by the batch,
 * each layer's operand evaluations at the prefix of the common point that fits its size), and the layer
 * itself sends nothing. Zero-knowledge proofs batch every requantization, derived excesses included, as one
 * masked sumcheck ({@link RequantZeroChecks}, "Zero-knowledge mode", since proof version 22); this class's
 * {@link #verify} called alone uses the per-layer sumchecks below (masked in zero-knowledge mode). Transcript and wire format of that per-layer zero-check: domain
 * "zkinfer/layer/Requant/v2"; τ ∈ GF(p^3)^n
 * ("requant/tau"), c0, c1, c2 ("requant/batch"); the sumcheck (claimed sum 0, n variables,
 * degree 3; {@link SumcheckVerifier}) of Σ_i eq(τ, i)·[c0·(x_i·K_i + 2^(S−1) − q_i·2^S − r_i)
 * + c1·dp_i·(hi − y_i) + c2·dn_i·(y_i − lo)] (the c1, c2 terms with the limb clamp only) with
 * r = Σ_k rLimb_k·2^(wk), dp, dn likewise, ending at ρ; then the evaluations at ρ of the
 * operands in {@link #operands()} order (GF(p^3) each, absorbed as "requant/evals"); the
 * verifier recomputes the summand at ρ (K̃(ρ) itself) and emits claims in that same order, all
 * at ρ.
 * Immutable and thread-safe.
 */
public final class RequantLayer implements Layer {
    public static final String DOMAIN = "zkinfer/layer/Requant/v2";
    public static final int MAX_SHIFT = 56;
    /**
     * The largest input bound. Accumulators of dense and convolution layers are int32, but a sum
     * of two requantized tensors (Add) can exceed 2^31; the field-size check of the bound
     * analysis decides soundness for every X up to this limit.
     */
    public static final long MAX_X_BOUND = 1L << 48;
    /** The bound of any int32 accumulator. */
    public static final long INT32_X_BOUND = 1L << 31;
    /** The largest clamp table (rows 2^this); a wider excess uses the limb clamp. */
    public static final int MAX_CLAMP_TABLE_LOG = 16;
    public static final int MIN_LIMB_WIDTH = 8;
    /**
     * The widest limb: a range table of 2^20 rows (the largest lookup table), committed once per
     * proof whatever the number of limbs; wide limbs pay when the activations far outnumber it
     * (a shift of 36 in two 18-bit limbs instead of three 12-bit ones).
     */
    public static final int MAX_LIMB_WIDTH = LookupTable.MAX_LOG_SIZE;
    private static final BigInteger P = new BigInteger(Long.toUnsignedString(Goldilocks.P));

    private final int x;
    private final int y;
    private final int axis;
    private final int[] m;
    private final int[] shift;
    private final int lo;
    private final int hi;
    private final int bits;
    private final long xBound;
    private final int limbWidth;
    private final Params p;
    private final int[] rLimbs;
    private final int excess;
    private final int[] dpLimbs;
    private final int[] dnLimbs;
    private final boolean derivedExcess;

    private RequantLayer(int x, int y, int axis, int[] m, int[] shift, int lo, int hi, int bits, long xBound,
            int limbWidth, Params p, int[] rLimbs, int excess, int[] dpLimbs, int[] dnLimbs) {
        this(x, y, axis, m, shift, lo, hi, bits, xBound, limbWidth, p, rLimbs, excess, dpLimbs, dnLimbs, false);
    }

    private RequantLayer(int x, int y, int axis, int[] m, int[] shift, int lo, int hi, int bits, long xBound,
            int limbWidth, Params p, int[] rLimbs, int excess, int[] dpLimbs, int[] dnLimbs, boolean derivedExcess) {
        this.x = x;
        this.y = y;
        this.axis = axis;
        this.m = m.clone();
        this.shift = shift.clone();
        this.lo = lo;
        this.hi = hi;
        this.bits = bits;
        this.xBound = xBound;
        this.limbWidth = limbWidth;
        this.p = p;
        this.rLimbs = rLimbs.clone();
        this.excess = excess;
        this.dpLimbs = dpLimbs.clone();
        this.dnLimbs = dnLimbs.clone();
        this.derivedExcess = derivedExcess;
    }

    /**
     * The derived parameters: S, K_c, and either the table clamp's E and table (d = 0) or the
     * limb clamp's width D (e = −1), all checked for soundness.
     */
    record Params(int s, long[] k, long e, int d, LookupTable clampTable) {
        boolean tableClamp() {
            return clampTable != null;
        }

        /**
         * S is the largest shift rounded up to a multiple of w when that is sound (then every
         * remainder limb is w bits wide and shares RANGE(w)), else the largest shift.
         *
         * @throws IllegalArgumentException on invalid parameters, or when no sound encoding of
         *     the requested clamp form exists
         */
        static Params check(int[] m, int[] shift, int lo, int hi, int bits, long xBound, int w, boolean table) {
            if (m.length == 0 || m.length != shift.length) {
                throw new IllegalArgumentException("Requant layer: " + m.length + " multipliers and " + shift.length + " shifts");
            }
            if (bits < 1 || bits > 16) {
                throw new IllegalArgumentException("Requant layer: output width " + bits + " is outside [1, 16]");
            }
            if (lo >= hi || (long) hi - lo + 1 > 1L << bits) {
                throw new IllegalArgumentException("Requant layer: clamp range [" + lo + ", " + hi + "] does not fit "
                        + bits + " bits with lo < hi");
            }
            if (xBound < 1 || xBound > MAX_X_BOUND) {
                throw new IllegalArgumentException("Requant layer: input bound " + xBound + " is outside [1, 2^48]");
            }
            if (w < MIN_LIMB_WIDTH || w > MAX_LIMB_WIDTH) {
                throw new IllegalArgumentException("Requant layer: limb width " + w + " is outside ["
                        + MIN_LIMB_WIDTH + ", " + MAX_LIMB_WIDTH + "]");
            }
            int s0 = 0;
            for (int sc : shift) {
                if (sc < 1 || sc > MAX_SHIFT) {
                    throw new IllegalArgumentException("Requant layer: shift " + sc + " is outside [1, " + MAX_SHIFT + "]");
                }
                s0 = Math.max(s0, sc);
            }
            int sUp = Math.min(MAX_SHIFT, (s0 + w - 1) / w * w);
            for (int s : sUp == s0 ? new int[] {s0} : new int[] {sUp, s0}) {
                // The bound analysis depends on the K_c only through max_c |K_c|: for each
                // channel L ranges over [−X·|K_c| + 2^(S−1), X·|K_c| + 2^(S−1)] whatever the sign
                // of K_c, and these intervals are nested. So one big-integer multiplier is enough.
                BigInteger kMax = maxAbsMultiplier(m, shift, s);
                Params p = table ? tableClamp(m, shift, kMax, s, lo, hi, xBound)
                        : limbClamp(m, shift, kMax, s, lo, hi, xBound, w, s == s0);
                if (p != null) {
                    return p;
                }
            }
            throw new IllegalArgumentException(table
                    ? "Requant layer: no sound clamp table of at most 2^" + MAX_CLAMP_TABLE_LOG + " rows for |x| ≤ " + xBound
                    : "Requant layer: multipliers too large for a sound field encoding: |x·K_c + 2^(S−1)| for |x| ≤ "
                            + xBound + " with K_c = M_c·2^(S−s_c), S = " + s0 + ", together with (hi + 1)·2^S, reaches p"
                            + " (reduce the spread of the shifts or the multipliers)");
        }

        /**
         * The excess an honest prover needs on either side of [lo, hi] for |x| ≤ xBound, for
         * multipliers of absolute value at most kMax (the quotient's range widens with |K_c|).
         */
        private static BigInteger excessNeeded(BigInteger kMax, int s, int lo, int hi, long xBound) {
            BigInteger half = BigInteger.ONE.shiftLeft(s - 1);
            BigInteger xk = BigInteger.valueOf(xBound).multiply(kMax);
            BigInteger qMin = xk.negate().add(half).shiftRight(s);
            BigInteger qMax = xk.add(half).shiftRight(s);
            return BigInteger.ZERO.max(qMax.subtract(BigInteger.valueOf(hi))).max(BigInteger.valueOf(lo).subtract(qMin));
        }

        /** The table clamp with E rounded up to fill 2^t rows, or null when too large or unsound. */
        private static Params tableClamp(int[] m, int[] shift, BigInteger kMax, int s, int lo, int hi, long xBound) {
            BigInteger need = excessNeeded(kMax, s, lo, hi, xBound);
            long width = (long) hi - lo + 1;
            if (need.bitLength() > MAX_CLAMP_TABLE_LOG) {
                return null;
            }
            int t = 1;
            while ((1L << t) < width + 2 * need.longValue()) {
                t++;
            }
            long e = ((1L << t) - width) / 2;
            if (t > MAX_CLAMP_TABLE_LOG || !sound(kMax, s, xBound, e, lo, hi)) {
                return null;
            }
            return new Params(s, fieldValues(m, shift, s), e, 0, clampTable(lo, hi, e));
        }

        /**
         * The limb clamp: D covers the needed excess, rounded up to a multiple of w when that is
         * still sound. Null when not even D = 1 is sound, or when the largest sound width D_max
         * is below the need, unless {@code capped} (then D = D_max: an honest prover fails on
         * inputs beyond it, which the int32 analysis rules out for the multipliers in use).
         */
        private static Params limbClamp(int[] m, int[] shift, BigInteger kMax, int s, int lo, int hi, long xBound, int w,
                boolean capped) {
            if (!sound(kMax, s, xBound, 1, lo, hi)) {
                return null;
            }
            int dMax = maxSoundLimbBits(kMax, s, xBound, lo, hi);
            int need = excessNeeded(kMax, s, lo, hi, xBound).bitLength();
            if (need > dMax && !capped) {
                return null;
            }
            int d = Math.max(1, Math.min(dMax, need));
            int dUp = (d + w - 1) / w * w;
            return new Params(s, fieldValues(m, shift, s), -1, dUp <= dMax ? dUp : d, null);
        }

        /**
         * The largest D in [1, 62] with D = 1 or an excess of 2^D − 1 {@link #sound} (given that an
         * excess of 1 is). Soundness only weakens as the excess grows (the remainder's interval
         * widens on both sides), so a binary search finds it: 6 big-integer checks instead of up to 61.
         */
        static int maxSoundLimbBits(BigInteger kMax, int s, long xBound, int lo, int hi) {
            int good = 1, bad = 63; // sound at `good` (or good = 1); not sound at `bad` (63: past the range)
            while (bad - good > 1) {
                int mid = (good + bad) >>> 1;
                if (sound(kMax, s, xBound, (1L << mid) - 1, lo, hi)) {
                    good = mid;
                } else {
                    bad = mid;
                }
            }
            return good;
        }

        /** K_c = M_c·2^(S−s_c) as field elements. */
        private static long[] fieldValues(int[] m, int[] shift, int s) {
            long[] k = new long[m.length];
            for (int c = 0; c < m.length; c++) {
                long a = Math.abs((long) m[c]);
                int d = s - shift[c];
                if (a != 0 && 64 - Long.numberOfLeadingZeros(a) + d > 63) {
                    // Not reached after a passing bound check (X·|K_c| < p), but never wrap around.
                    throw new IllegalArgumentException("Requant layer: multiplier " + m[c] + "·2^" + d + " does not fit 63 bits");
                }
                k[c] = Goldilocks.fromSigned((long) m[c] << d);
            }
            return k;
        }

        /**
         * max(Lmax − Rmin, Rmax − Lmin) &lt; p for every channel whose |K_c| ≤ kMax (all of them
         * when kMax is their maximum: each channel's interval of L lies within kMax's), with
         * q ∈ [lo − excess, hi + excess] (see the class javadoc).
         */
        static boolean sound(BigInteger kMax, int s, long xBound, long excess, int lo, int hi) {
            BigInteger half = BigInteger.ONE.shiftLeft(s - 1);
            BigInteger twoS = BigInteger.ONE.shiftLeft(s);
            BigInteger ex = BigInteger.valueOf(excess);
            BigInteger rMin = BigInteger.valueOf(lo).subtract(ex).multiply(twoS);
            BigInteger rMax = BigInteger.valueOf(hi).add(ex).multiply(twoS).add(twoS).subtract(BigInteger.ONE);
            BigInteger xk = BigInteger.valueOf(xBound).multiply(kMax);
            BigInteger lMin = xk.negate().add(half);
            BigInteger lMax = xk.add(half);
            return lMax.subtract(rMin).compareTo(P) < 0 && rMax.subtract(lMin).compareTo(P) < 0;
        }

        /** Rows (E + e, y − lo) of y = clamp(y + e) for |e| ≤ E, in order of e + E then y ({@link LookupTable#clamp}). */
        static LookupTable clampTable(int lo, int hi, long e) {
            return LookupTable.clamp(hi - lo + 1, e);
        }
    }

    /** The number of w-bit limbs of a {@code width}-bit quantity: ⌈width / w⌉. */
    public static int limbCount(int width, int w) {
        return (width + w - 1) / w;
    }

    /**
     * max_c |M_c|·2^(S−s_c), exactly, comparing the channels without a big integer each: two
     * products a·2^d and b·2^e with a, b &lt; 2^32 compare by bit length, and at equal bit lengths
     * by the factors aligned to the smaller exponent (then both fit 64 bits).
     */
    static BigInteger maxAbsMultiplier(int[] m, int[] shift, int s) {
        long best = 0;
        int bestD = 0;
        for (int c = 0; c < m.length; c++) {
            long a = Math.abs((long) m[c]);
            int d = s - shift[c];
            if (a == 0) {
                continue;
            }
            if (best == 0) {
                best = a;
                bestD = d;
                continue;
            }
            int la = 64 - Long.numberOfLeadingZeros(a) + d;
            int lb = 64 - Long.numberOfLeadingZeros(best) + bestD;
            boolean greater = la != lb ? la > lb
                    : d >= bestD ? (a << (d - bestD)) > best : a > (best << (bestD - d));
            if (greater) {
                best = a;
                bestD = d;
            }
        }
        return BigInteger.valueOf(best).shiftLeft(bestD);
    }

    /** The width of limb j of a {@code width}-bit quantity split into w-bit limbs (the top one narrower). */
    public static int limbWidth(int width, int w, int j) {
        return Math.min(w, width - w * j);
    }

    /**
     * As {@link #create(Circuit.Builder, int, int, int, int[], int[], int, int, int, long, int, boolean)}
     * for any int32 input, with 8-bit limbs and the limb clamp.
     */
    public static RequantLayer create(Circuit.Builder b, int x, int y, int axis, int[] m, int[] shift, int lo, int hi,
            int bits) {
        return create(b, x, y, axis, m, shift, lo, hi, bits, INT32_X_BOUND, MIN_LIMB_WIDTH, false);
    }

    /**
     * What each clamp form would cost, for a caller choosing between them.
     *
     * @param clampTableLog log2 of the clamp table's rows, or −1 when the table clamp is impossible
     * @param overflowBits D of the limb clamp
     * @param remainderLimbs the number of remainder limbs (the same in both forms)
     */
    public record Plan(int clampTableLog, int overflowBits, int remainderLimbs) {}

    /** The {@link Plan} of a layer with these parameters (see {@link #create}). */
    public static Plan plan(int[] m, int[] shift, int lo, int hi, int bits, long xBound, int limbWidth) {
        Params limbs = Params.check(m, shift, lo, hi, bits, xBound, limbWidth, false);
        int t = -1;
        try {
            t = Params.check(m, shift, lo, hi, bits, xBound, limbWidth, true).clampTable.logSize();
        } catch (IllegalArgumentException e) {
            // no sound clamp table: the limb clamp only
        }
        return new Plan(t, limbs.d, limbCount(limbs.s, limbWidth));
    }

    /**
     * Adds the ADVICE tensors of the gadget (remainder limbs, then the excess or the dp and dn
     * limbs; all with y's layout) and returns the layer (add it to the builder yourself).
     *
     * @param x accumulator tensor (any role) whose entries satisfy |x| ≤ xBound for every valid
     *     model input (the caller's bound analysis; soundness rests on it)
     * @param y ADVICE output of {@code bits}-bit integers in [lo, hi]
     * @param m multipliers (length 1, or the size of {@code axis})
     * @param shift shifts in [1, 56], same length as m
     * @param xBound the input bound, in [1, 2^48]
     * @param limbWidth remainder (and overflow) limb width, in [8, 20]
     * @param tableClamp the table clamp (else the limb clamp)
     * @throws IllegalArgumentException on inconsistent shapes or parameters, or when the
     *     multipliers make a sound encoding of that clamp form in Goldilocks impossible
     */
    public static RequantLayer create(Circuit.Builder b, int x, int y, int axis, int[] m, int[] shift, int lo, int hi,
            int bits, long xBound, int limbWidth, boolean tableClamp) {
        return create(b, x, y, axis, m, shift, lo, hi, bits, xBound, limbWidth, tableClamp, false);
    }

    /**
     * As {@link #create(Circuit.Builder, int, int, int, int[], int[], int, int, int, long, int, boolean)};
     * with {@code derivedExcess} (table clamp only) the excess is a COMPUTED tensor this layer
     * defines (the derived table clamp: one committed value fewer per element; in both modes).
     */
    public static RequantLayer create(Circuit.Builder b, int x, int y, int axis, int[] m, int[] shift, int lo, int hi,
            int bits, long xBound, int limbWidth, boolean tableClamp, boolean derivedExcess) {
        if (derivedExcess && !tableClamp) {
            throw new IllegalArgumentException("Requant layer: a derived excess needs the table clamp");
        }
        Params p = Params.check(m, shift, lo, hi, bits, xBound, limbWidth, tableClamp);
        TensorLayout lx = b.get(x).layout();
        TensorLayout ly = b.get(y).layout();
        if (!lx.equals(ly)) {
            throw new IllegalArgumentException("Requant layer: x " + lx + " and y " + ly + " have different layouts");
        }
        if (b.get(y).role() != TensorRole.ADVICE) {
            throw new IllegalArgumentException("Requant layer: y must be an ADVICE tensor");
        }
        checkAxis(lx, axis, m.length);
        String name = b.get(y).name();
        int[] r = advice(b, name + "/requant remainder limb ", ly, limbCount(p.s, limbWidth));
        if (p.tableClamp()) {
            int e = b.tensor(name + "/requant excess", ly, derivedExcess ? TensorRole.COMPUTED : TensorRole.ADVICE);
            return new RequantLayer(x, y, axis, m, shift, lo, hi, bits, xBound, limbWidth, p, r, e, new int[0], new int[0],
                    derivedExcess);
        }
        int[] dp = advice(b, name + "/requant overflow+ limb ", ly, limbCount(p.d, limbWidth));
        int[] dn = advice(b, name + "/requant overflow- limb ", ly, limbCount(p.d, limbWidth));
        return new RequantLayer(x, y, axis, m, shift, lo, hi, bits, xBound, limbWidth, p, r, -1, dp, dn);
    }

    private static int[] advice(Circuit.Builder b, String prefix, TensorLayout layout, int count) {
        int[] ids = new int[count];
        for (int j = 0; j < count; j++) {
            ids[j] = b.tensor(prefix + j, layout, TensorRole.ADVICE);
        }
        return ids;
    }

    private static void checkAxis(TensorLayout l, int axis, int channels) {
        if (axis < 0 || axis >= Math.max(1, l.rank()) || (l.rank() == 0 && channels != 1)) {
            throw new IllegalArgumentException("Requant layer: axis " + axis + " of a rank-" + l.rank() + " tensor");
        }
        if (channels != 1 && channels != l.dim(axis)) {
            throw new IllegalArgumentException("Requant layer: " + channels + " multipliers for axis " + axis + " of size "
                    + l.dim(axis));
        }
    }

    public int x() {
        return x;
    }

    public int y() {
        return y;
    }

    public int axis() {
        return axis;
    }

    public int[] m() {
        return m.clone();
    }

    public int[] shift() {
        return shift.clone();
    }

    public int lo() {
        return lo;
    }

    public int hi() {
        return hi;
    }

    public int bits() {
        return bits;
    }

    /** X: the bound on |x| the soundness analysis assumes. */
    public long inputBound() {
        return xBound;
    }

    /** w: the width of the remainder and overflow limbs (the top limb of each narrower). */
    public int limbWidth() {
        return limbWidth;
    }

    public int[] remainderLimbs() {
        return rLimbs.clone();
    }

    /** Whether the clamp is proven by the clamp table (else by overflow limbs). */
    public boolean tableClamp() {
        return p.tableClamp();
    }

    /** Whether the excess is a COMPUTED tensor defined by this layer (the derived table clamp). */
    public boolean derivedExcess() {
        return derivedExcess;
    }

    /** The excess tensor e = q − y (table clamp), else −1. */
    public int excess() {
        return excess;
    }

    /** E: the largest |e| the clamp table holds (table clamp), else −1. */
    public long excessBound() {
        return p.e;
    }

    /** The dp limbs (limb clamp), else empty. */
    public int[] overflowUpLimbs() {
        return dpLimbs.clone();
    }

    /** The dn limbs (limb clamp), else empty. */
    public int[] overflowDownLimbs() {
        return dnLimbs.clone();
    }

    /** S: the common shift (max s_c). */
    public int commonShift() {
        return p.s;
    }

    /** D: the width of dp and dn (limb clamp), else 0. */
    public int overflowBits() {
        return p.d;
    }

    /** K_c = M_c·2^(S − s_c) as field elements. */
    public long[] alignedMultipliers() {
        return p.k.clone();
    }

    /** K broadcast over the padded domain of {@code layout} (see the class javadoc). */
    public long[] multiplierTable(TensorLayout layout) {
        long[] k = p.k;
        long[] t = new long[layout.paddedSize()];
        if (k.length == 1) {
            Arrays.fill(t, k[0]);
            return t;
        }
        int off = layout.varOffset(axis);
        int mask = (1 << layout.dimVars(axis)) - 1;
        for (int i = 0; i < t.length; i++) {
            int c = (i >>> off) & mask;
            t[i] = c < k.length ? k[c] : 0;
        }
        return t;
    }

    /** K̃(ρ), in O(channels). */
    public Ext3 multiplierAt(TensorLayout layout, Ext3[] rho) {
        long[] k = p.k;
        if (k.length == 1) {
            return Ext3.of(k[0]);
        }
        int off = layout.varOffset(axis);
        int dv = layout.dimVars(axis);
        return Mle.evaluate(k, Arrays.copyOfRange(rho, off, off + dv));
    }

    @Override
    public int tag() {
        return LayerCodec.REQUANT;
    }

    @Override
    public String kind() {
        return "Requant";
    }

    /** The excess with the derived table clamp, else none. */
    @Override
    public int[] outputs() {
        return derivedExcess ? new int[] {excess} : new int[0];
    }

    /**
     * x, y, the remainder limbs, then the excess (table clamp) or the dp limbs and dn limbs; with the
     * derived table clamp x, y and the remainder limbs only (the excess is the output).
     */
    @Override
    public int[] operands() {
        int[] clamp = derivedExcess ? new int[0] : p.tableClamp() ? new int[] {excess} : concat(dpLimbs, dnLimbs);
        return concat(new int[] {x, y}, concat(rLimbs, clamp));
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public List<LookupSpec> lookups() {
        List<LookupSpec> l = new ArrayList<>();
        if (p.tableClamp()) {
            l.add(new LookupSpec(p.clampTable, new int[] {excess, y}, new long[] {p.e, -(long) lo}));
        } else {
            long width = (long) hi - lo + 1;
            if (Long.bitCount(width) == 1) {
                l.add(LookupSpec.range(Long.numberOfTrailingZeros(width), y, -(long) lo));
            } else {
                l.add(LookupSpec.range(bits, y, -(long) lo));
                l.add(LookupSpec.range(bits, y, (1L << bits) - 1 - hi));
            }
        }
        addLimbLookups(l, rLimbs, p.s);
        addLimbLookups(l, dpLimbs, p.d);
        addLimbLookups(l, dnLimbs, p.d);
        return l;
    }

    private void addLimbLookups(List<LookupSpec> l, int[] limbs, int width) {
        for (int j = 0; j < limbs.length; j++) {
            l.add(LookupSpec.range(limbWidth(width, limbWidth, j), limbs[j], 0));
        }
    }

    /** Σ_j evals[from + j]·2^(wj). */
    private Ext3 recombine(Ext3[] evals, int from, int count) {
        Ext3 acc = Ext3.ZERO;
        for (int j = count - 1; j >= 0; j--) {
            acc = acc.mul(1L << limbWidth).add(evals[from + j]);
        }
        return acc;
    }

    /** Every operand has y's layout and the multipliers fit the axis; IllegalArgumentException if not. */
    @Override
    public void checkShapes(Circuit c) {
        TensorLayout layout = c.tensor(y).layout();
        for (int t : operands()) {
            if (!c.tensor(t).layout().equals(layout)) {
                throw new IllegalArgumentException("Requant layer: operand layouts differ");
            }
        }
        if (derivedExcess && !c.tensor(excess).layout().equals(layout)) {
            throw new IllegalArgumentException("Requant layer: the excess's layout differs from y's");
        }
        checkAxis(layout, axis, m.length);
    }

    @Override
    public void verify(Claim[] outputClaims, VerifierContext ctx) throws InvalidProofException {
        if (derivedExcess) {
            verifyDerived(outputClaims[0], ctx);
            return;
        }
        ctx.transcript().domain(DOMAIN);
        TensorLayout layout = ctx.layout(y);
        int[] ops = operands();
        int n = layout.numVars();
        Ext3[] tau = new Ext3[n];
        for (int i = 0; i < n; i++) {
            tau[i] = ctx.transcript().challengeExt("requant/tau");
        }
        Ext3 c0 = ctx.transcript().challengeExt("requant/batch");
        Ext3 c1 = ctx.transcript().challengeExt("requant/batch");
        Ext3 c2 = ctx.transcript().challengeExt("requant/batch");
        // in zero-knowledge mode the zero-check is masked, over the masked operands (docs/zero-knowledge.md §3.2)
        SumcheckClaim sc = ZkSteps.zeroCheck(ctx, n, 3,
                () -> ZkSteps.lastRoundRaised(n, 3, zeroKnowledgeDegree(tensor -> ZkSteps.factorDegree(ctx, tensor, n))),
                "Requant");
        Ext3[] rho = sc.point();
        Ext3 finalValue = sc.value();
        int count = ops.length;
        long[] raw = ctx.proof().exts("requant evaluations", count);
        ctx.transcript().absorbExts("requant/evals", raw, 0, count);
        Ext3[] ev = new Ext3[count];
        for (int i = 0; i < count; i++) {
            ev[i] = Ext3.get(raw, i);
        }
        Ext3 expected = summand(c0, c1, c2, multiplierAt(layout, rho), ev).mul(Mle.eq(tau, rho));
        if (!expected.equals(finalValue)) {
            throw new InvalidProofException("Requant layer: the shift/clamp constraints do not hold at the sumcheck point");
        }
        for (int i = 0; i < count; i++) {
            ctx.claim(ops[i], rho, ev[i]);
        }
    }

    /** The derived excess's claim reduced to claims on x, y and the remainder limbs ("Derived excess"). */
    private void verifyDerived(Claim claim, VerifierContext ctx) throws InvalidProofException {
        TensorLayout layout = ctx.layout(y);
        int n = layout.numVars();
        // the clamp lookup always claims the excess; without a claim the definition would go unchecked
        if (claim == null || claim.tensor() != excess || claim.point().length != n) {
            throw new InvalidProofException("Requant layer: no claim on the derived excess");
        }
        ctx.transcript().domain(DOMAIN);
        long twoS = 1L << p.s;
        if (!ctx.zeroKnowledge()) {
            verifyDerivedTransfer(claim, ctx, layout);
            return;
        }
        // zero-knowledge: the claim is on ê, its mask term (coefficient 2^S) removed through w (docs/zero-knowledge.md §3.8)
        ZkSteps.Term[] terms = ctx.tensorMaskDegree(excess) >= 0
                ? new ZkSteps.Term[] {new ZkSteps.Term(excess, Ext3.of(twoS), claim.point())} : new ZkSteps.Term[0];
        var res = ZkSteps.sumcheck(ctx, claim.value().mul(twoS), terms,
                derivedDegrees(tensor -> ZkSteps.factorDegree(ctx, tensor, n), n));
        SumcheckClaim sc = new SumcheckClaim(res.point(), res.value());
        int[] ops = operands();
        long[] raw = ctx.proof().exts("requant evaluations", ops.length);
        ctx.transcript().absorbExts("requant/evals", raw, 0, ops.length);
        Ext3[] ev = new Ext3[ops.length];
        for (int i = 0; i < ops.length; i++) {
            ev[i] = Ext3.get(raw, i);
        }
        Ext3[] rho = sc.point();
        Ext3 expected = derivedSummand(multiplierAt(layout, rho), ev).mul(Mle.eq(claim.point(), rho));
        if (!expected.equals(sc.value())) {
            throw new InvalidProofException("Requant layer: the derived excess does not match its definition at the sumcheck point");
        }
        for (int i = 0; i < ops.length; i++) {
            ctx.claim(ops[i], rho, ev[i]);
        }
    }

    /**
     * Integrity mode: the derived excess's claim ẽ(ρ₀) = v moved to its operands ("Derived excess").
     * One multiplier: e is the affine function (x·K₀ + 2^(S−1) − r)·2^(−S) − y of x, r and y at every
     * padded index, so ẽ(ρ₀) is the same function of x̃(ρ₀), r̃(ρ₀), ỹ(ρ₀): those values, checked
     * against 2^S·v, and claims on them at ρ₀, no sumcheck. Per-channel multipliers: ỹ and the limbs
     * at ρ₀, then the sumcheck over the channel variables only of
     * Σ_c eq(ρ₀_c, c)·K_c·x̃(c, ρ₀_rest) = 2^S·v − 2^(S−1) + r̃(ρ₀) + 2^S·ỹ(ρ₀) (degree 2) ending at
     * ρ_c, then x̃ at ρ₀ with its channel variables replaced by ρ_c.
     */
    private void verifyDerivedTransfer(Claim claim, VerifierContext ctx, TensorLayout layout) throws InvalidProofException {
        Ext3[] p0 = claim.point();
        Ext3 target = claim.value().mul(1L << p.s);
        int[] ops = operands();
        if (p.k.length == 1) {
            Ext3[] ev = readEvaluations(ctx, "requant/evals", ops.length);
            if (!derivedSummand(Ext3.of(p.k[0]), ev).equals(target)) {
                throw new InvalidProofException("Requant layer: the derived excess does not match its definition at the claim's point");
            }
            for (int i = 0; i < ops.length; i++) {
                ctx.claim(ops[i], p0, ev[i]);
            }
            return;
        }
        // y and the limbs at ρ₀ (operands() order without x), then the channel sumcheck
        Ext3[] ev = new Ext3[ops.length];
        Ext3[] rest = readEvaluations(ctx, "requant/evals", ops.length - 1);
        System.arraycopy(rest, 0, ev, 1, rest.length);
        ev[0] = Ext3.ZERO;
        // derivedSummand with x = 0: 2^(S−1) − r − 2^S·y at ρ₀
        Ext3 channelSum = target.sub(derivedSummand(Ext3.ZERO, ev));
        int off = layout.varOffset(axis);
        int dv = layout.dimVars(axis);
        SumcheckClaim sc = SumcheckVerifier.verify(channelSum, dv, 2, ctx.proof(), ctx.transcript());
        Ext3[] rc = sc.point();
        Ext3 xv = readEvaluations(ctx, "requant/x", 1)[0];
        if (!channelWeightAt(Arrays.copyOfRange(p0, off, off + dv), rc).mul(xv).equals(sc.value())) {
            throw new InvalidProofException("Requant layer: the derived excess does not match its definition at the sumcheck point");
        }
        ctx.claim(x, channelPoint(p0, off, rc), xv);
        for (int i = 1; i < ops.length; i++) {
            ctx.claim(ops[i], p0, ev[i]);
        }
    }

    private static Ext3[] readEvaluations(VerifierContext ctx, String label, int count) throws InvalidProofException {
        long[] raw = ctx.proof().exts("requant evaluations", count);
        ctx.transcript().absorbExts(label, raw, 0, count);
        Ext3[] ev = new Ext3[count];
        for (int i = 0; i < count; i++) {
            ev[i] = Ext3.get(raw, i);
        }
        return ev;
    }

    /** ρ₀ with its channel variables [off, off + ρ_c.length) replaced by ρ_c. */
    public static Ext3[] channelPoint(Ext3[] p0, int off, Ext3[] rc) {
        Ext3[] pt = p0.clone();
        System.arraycopy(rc, 0, pt, off, rc.length);
        return pt;
    }

    /**
     * The multilinear extension at ρ_c of the channel weights W(c) = eq(ρ₀_c, c)·K_c (0 for padding
     * channels): Σ_{c &lt; C} eq(ρ_c, c)·eq(ρ₀_c, c)·K_c, in O(2^dv).
     */
    public Ext3 channelWeightAt(Ext3[] p0c, Ext3[] rc) {
        long[] a = Mle.eqTable(p0c);
        long[] b = Mle.eqTable(rc);
        Ext3 acc = Ext3.ZERO;
        for (int c = 0; c < p.k.length; c++) {
            acc = acc.add(Ext3.get(a, c).mul(Ext3.get(b, c)).mul(p.k[c]));
        }
        return acc;
    }

    /**
     * x·K + 2^(S−1) − r − 2^S·y at one point from the evaluations of x, y and the remainder limbs
     * ({@link #operands()} order) and K there: 2^S times the derived excess.
     */
    public Ext3 derivedSummand(Ext3 kAt, Ext3[] ev) {
        Ext3 r = recombine(ev, 2, rLimbs.length);
        return ev[0].mul(kAt).add(1L << (p.s - 1)).sub(r).sub(ev[1].mul(1L << p.s));
    }

    /**
     * Zero-knowledge: the per-round degrees of the derived excess's masked sumcheck over n variables
     * of eq·(x·K + 2^(S−1) − r − 2^S·y), from each operand's last-round degree ({@code factor}): 3 in
     * every round but the last, which has the largest of 3, eq·x·K, eq·r and eq·y there.
     */
    public int[] derivedDegrees(java.util.function.IntUnaryOperator factor, int n) {
        int last = Math.max(2 + factor.applyAsInt(x), Math.max(1 + factor.applyAsInt(y), 1 + maxDegree(rLimbs, factor)));
        return ZkSteps.lastRoundRaised(n, 3, last);
    }

    /**
     * Zero-knowledge: the masked zero-check's degree, from each operand's last-round degree
     * ({@code factor}: 1 unmasked, more when masked): the largest term among eq·x·K, eq·y, eq·r,
     * eq·excess or eq·dp·y, eq·dn·y (recombined limbs take their largest limb's degree).
     */
    public int zeroKnowledgeDegree(java.util.function.IntUnaryOperator factor) {
        int dy = factor.applyAsInt(y);
        int deg = Math.max(3, Math.max(2 + factor.applyAsInt(x), Math.max(1 + dy, 1 + maxDegree(rLimbs, factor))));
        if (p.tableClamp()) {
            return Math.max(deg, 1 + factor.applyAsInt(excess));
        }
        return Math.max(deg, Math.max(1 + maxDegree(dpLimbs, factor) + dy, 1 + maxDegree(dnLimbs, factor) + dy));
    }

    private static int maxDegree(int[] tensors, java.util.function.IntUnaryOperator factor) {
        int d = 1;
        for (int t : tensors) {
            d = Math.max(d, factor.applyAsInt(t));
        }
        return d;
    }

    /**
     * The bracket of the zero-check at one point from the evaluations of the operands (in
     * {@link #operands()} order) and K there.
     */
    public Ext3 summand(Ext3 c0, Ext3 c1, Ext3 c2, Ext3 kAt, Ext3[] ev) {
        Ext3 xv = ev[0], yv = ev[1];
        int from = 2 + rLimbs.length;
        Ext3 r = recombine(ev, 2, rLimbs.length);
        long twoS = 1L << p.s;
        if (p.tableClamp()) {
            Ext3 q = yv.add(ev[from]);
            return c0.mul(xv.mul(kAt).add(1L << (p.s - 1)).sub(q.mul(twoS)).sub(r));
        }
        Ext3 dp = recombine(ev, from, dpLimbs.length);
        Ext3 dn = recombine(ev, from + dpLimbs.length, dnLimbs.length);
        Ext3 lin = xv.mul(kAt).add(1L << (p.s - 1)).sub(yv.add(dp).sub(dn).mul(twoS)).sub(r);
        Ext3 upper = dp.mul(Ext3.of(Goldilocks.fromSigned(hi)).sub(yv));
        Ext3 lower = dn.mul(yv.sub(Ext3.of(Goldilocks.fromSigned(lo))));
        return c0.mul(lin).add(c1.mul(upper)).add(c2.mul(lower));
    }

    @Override
    public void encode(ProofWriter out) {
        out.u32(x).u32(y).u32(axis).u32(m.length);
        for (int c = 0; c < m.length; c++) {
            out.u32(m[c]).u32(shift[c]);
        }
        out.u32(lo).u32(hi).u32(bits).u64(xBound).u32(limbWidth).u8(derivedExcess ? 2 : p.tableClamp() ? 1 : 0);
        for (int t : operands()) {
            if (t != x && t != y) {
                out.u32(t);
            }
        }
        if (derivedExcess) {
            out.u32(excess);
        }
    }

    /** Decodes {@link #encode}'s format; the limb counts and the clamp form follow from the (re-checked) parameters. */
    public static RequantLayer decode(ProofReader in, int tensorCount) throws MalformedProofException {
        int x = LayerCodec.tensorId(in, tensorCount, "requant input");
        int y = LayerCodec.tensorId(in, tensorCount, "requant output");
        int axis = in.length("requant axis", 0, Circuit.MAX_RANK - 1);
        int nc = in.length("requant channel count", 1, 1 << TensorLayout.MAX_VARS);
        if (nc > in.remaining() / 8) {
            throw new MalformedProofException("truncated requant parameters");
        }
        int[] m = new int[nc];
        int[] shift = new int[nc];
        for (int c = 0; c < nc; c++) {
            m[c] = in.u32("requant multiplier");
            shift[c] = in.length("requant shift", 1, MAX_SHIFT);
        }
        int lo = in.u32("requant lo");
        int hi = in.u32("requant hi");
        int bits = in.length("requant bits", 1, 16);
        long xBound = in.u64("requant input bound");
        int limbWidth = in.length("requant limb width", MIN_LIMB_WIDTH, MAX_LIMB_WIDTH);
        int form = in.u8("requant clamp form");
        if (form > 2) {
            throw new MalformedProofException("requant clamp form " + form + " is none of 0 (limbs), 1 (table), 2 (derived table)");
        }
        Params p;
        try {
            p = Params.check(m, shift, lo, hi, bits, xBound, limbWidth, form >= 1);
        } catch (IllegalArgumentException e) {
            throw new MalformedProofException(e.getMessage());
        }
        int[] r = tensorIds(in, tensorCount, limbCount(p.s, limbWidth), "requant remainder limb");
        if (p.tableClamp()) {
            int e = LayerCodec.tensorId(in, tensorCount, "requant excess");
            return new RequantLayer(x, y, axis, m, shift, lo, hi, bits, xBound, limbWidth, p, r, e, new int[0], new int[0],
                    form == 2);
        }
        int[] dp = tensorIds(in, tensorCount, limbCount(p.d, limbWidth), "requant overflow limb");
        int[] dn = tensorIds(in, tensorCount, limbCount(p.d, limbWidth), "requant overflow limb");
        return new RequantLayer(x, y, axis, m, shift, lo, hi, bits, xBound, limbWidth, p, r, -1, dp, dn);
    }

    private static int[] tensorIds(ProofReader in, int tensorCount, int count, String what) throws MalformedProofException {
        int[] ids = new int[count];
        for (int j = 0; j < count; j++) {
            ids[j] = LayerCodec.tensorId(in, tensorCount, what);
        }
        return ids;
    }
}
