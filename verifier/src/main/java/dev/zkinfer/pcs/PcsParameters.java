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
 * implementation).
 *
 * <h2>Security (provable, unique decoding)</h2>
 * Every profile is in the <b>unique-decoding regime</b>, δ_i = (1 - ρ_i)/2, list size 1: it
 * relies only on proven proximity gaps (no capacity conjecture — disproved in 2025,
 * ePrint 2025/2046 and 2025/2010 — and no Johnson-bound list decoding, hence no out-of-domain
 * samples, WHIR §5, Remark on the unique-decoding regime). Challenges are drawn from
 * E = GF(p^3), log2|E| ≈ 192. The round-by-round errors (WHIR Theorem 5.2 with ℓ = 1) are:
 * <ul>
 *   <li>claim batching with γ^j over s ≤ {@link #MAX_CLAIMS} claims: (s-1)/|E| (Schwartz–Zippel);
 *   <li>each folding sumcheck round of round i: d⋆/|E| + err(C_i, 2, δ_i), d⋆ = 3, and the
 *       mutual-correlated-agreement error of RS codes in unique decoding err(C, 2, δ) =
 *       |L_i|/|E| (WHIR §4, from the proximity gaps of BCIKS20, Theorem 4.1, for
 *       δ < (1-ρ)/2);
 *   <li>queries of round i: (1 - δ_i)^{t_i} = ((1 + ρ_i)/2)^{t_i}, times 2^-powBits for the
 *       grinding that precedes the query challenge;
 *   <li>combining the t_i query answers of round i into the next constraint with β^j:
 *       t_i/|E|;
 *   <li>each round of the final sumcheck (degree 2): 2/|E|.
 * </ul>
 * t_i is the least number with t_i·log2(2/(1+ρ_i)) + powBits ≥ the target; {@link
 * #forSecurity} checks that every term meets the target.
 */
public final class PcsParameters {
    /** Most evaluation claims one opening may batch. */
    public static final int MAX_CLAIMS = 64;
    /** Largest number of variables (codeword of 2^(n + logInvRate) ≤ 2^28 base elements). */
    public static final int MAX_NUM_VARS = 26;

    private final String profile;
    private final int targetBits;
    private final int numVars;
    private final int logInvRate;
    private final int foldingFactor;
    private final int maxFinalVars;
    private final int powBits;
    private final int[] foldVars;
    private final int[] queries;

    private PcsParameters(String profile, int targetBits, int numVars, int logInvRate, int foldingFactor,
            int maxFinalVars, int powBits, int[] queriesOrNull, int fixedQueries) {
        if (numVars < 1 || numVars > MAX_NUM_VARS) {
            throw new IllegalArgumentException("numVars must be in [1, " + MAX_NUM_VARS + "]: " + numVars);
        }
        if (logInvRate < 1 || logInvRate > 4 || foldingFactor < 1 || foldingFactor > 8 || maxFinalVars < 0
                || powBits < 0 || powBits > 30 || numVars + logInvRate > 30) {
            throw new IllegalArgumentException("unsupported WHIR shape: logInvRate=" + logInvRate + ", foldingFactor="
                    + foldingFactor + ", maxFinalVars=" + maxFinalVars + ", powBits=" + powBits);
        }
        this.profile = profile;
        this.targetBits = targetBits;
        this.numVars = numVars;
        this.logInvRate = logInvRate;
        this.foldingFactor = foldingFactor;
        this.maxFinalVars = maxFinalVars;
        this.powBits = powBits;
        List<Integer> ks = new ArrayList<>();
        int m = numVars;
        do {
            int k = Math.min(foldingFactor, m);
            ks.add(k);
            m -= k;
        } while (m > maxFinalVars);
        this.foldVars = ks.stream().mapToInt(Integer::intValue).toArray();
        this.queries = new int[foldVars.length];
        for (int i = 0; i < foldVars.length; i++) {
            queries[i] = fixedQueries > 0 ? fixedQueries
                    : (int) Math.ceil((targetBits - powBits) / bitsPerQuery(i) - 1e-9);
        }
    }

    /**
     * The provable profile for {@code bits} of security (100 = default, 128 = strong) on a
     * polynomial of {@code numVars} variables: rate 1/4, folding factor 4, 16 bits of grinding
     * per query phase, final polynomial sent in the clear at ≤ 11 variables, unique decoding.
     *
     * @throws IllegalArgumentException if bits is outside [80, 160] or the parameters cannot
     *     reach it
     */
    public static PcsParameters forSecurity(int bits, int numVars) {
        return custom(bits, numVars, 2, 4, 16, 11);
    }

    /**
     * A provable unique-decoding parameter set of a custom shape (for benchmarks and tuning);
     * query counts are derived from {@code bits} as for {@link #forSecurity}.
     */
    public static PcsParameters custom(int bits, int numVars, int logInvRate, int foldingFactor, int powBits,
            int maxFinalVars) {
        if (bits < 80 || bits > 160) {
            throw new IllegalArgumentException("security target must be in [80, 160] bits: " + bits);
        }
        PcsParameters p = new PcsParameters("provable-ud-" + bits, bits, numVars, logInvRate, foldingFactor,
                maxFinalVars, powBits, null, 0);
        double got = p.securityBits();
        if (got < bits) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "parameters reach only %.1f bits, below the target %d", got, bits));
        }
        return p;
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
        return new PcsParameters("INSECURE-test", 0, numVars, 2, 4, 0, 0, null, queriesPerRound);
    }

    private double bitsPerQuery(int round) {
        double rate = Math.pow(2, varsBefore(round) - logDomainSize(round));
        return -Math.log((1 + rate) / 2) / Math.log(2);
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

    /** log2 |L_i|: L_0 has 2^(n + logInvRate) points, L_{i+1} = L_i^2. */
    public int logDomainSize(int round) {
        return numVars + logInvRate - round;
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
        long[] out = new long[9 + 2 * foldVars.length];
        out[0] = 1; // encoding version
        out[1] = 0; // regime: unique decoding
        out[2] = numVars;
        out[3] = logInvRate;
        out[4] = foldingFactor;
        out[5] = maxFinalVars;
        out[6] = powBits;
        out[7] = targetBits; // 0 for the insecure test profile
        out[8] = foldVars.length;
        for (int i = 0; i < foldVars.length; i++) {
            out[9 + 2 * i] = foldVars[i];
            out[10 + 2 * i] = queries[i];
        }
        return out;
    }

    // ---- soundness ----

    /** The round-by-round soundness terms (see the class comment for the formulas). */
    public List<SoundnessTerm> soundnessBits() {
        double f = dev.zkinfer.security.SecurityReport.EXTENSION_FIELD_BITS;
        List<SoundnessTerm> terms = new ArrayList<>();
        terms.add(new SoundnessTerm("claim batching (γ)", f - log2(MAX_CLAIMS - 1), "(s-1)/|E|, s ≤ " + MAX_CLAIMS));
        for (int i = 0; i < foldVars.length; i++) {
            int logL = logDomainSize(i);
            terms.add(new SoundnessTerm("round " + i + " fold x" + foldVars[i] + " (sumcheck+gap)",
                    f - log2(3 + Math.pow(2, logL)), "3/|E| + |L_" + i + "|/|E|, |L_" + i + "| = 2^" + logL
                            + " (WHIR Thm 5.2, UD err*)"));
            double rate = Math.pow(2, varsBefore(i) - logL);
            terms.add(new SoundnessTerm("round " + i + " queries (" + queries[i] + "q + " + powBits + " pow)",
                    queries[i] * bitsPerQuery(i) + powBits, String.format(Locale.ROOT,
                            "((1+ρ)/2)^t·2^-pow, ρ = 2^%d", (int) Math.round(log2(rate)))));
            if (i + 1 < foldVars.length) {
                terms.add(new SoundnessTerm("round " + i + " combination (β)", f - log2(queries[i]), "t_" + i + "/|E|"));
            }
        }
        if (finalVars() > 0) {
            terms.add(new SoundnessTerm("final sumcheck", f - 1, "2/|E| per round"));
        }
        terms.add(new SoundnessTerm("out-of-domain samples", Double.POSITIVE_INFINITY, "none needed in unique decoding"));
        return terms;
    }

    /** The minimum over {@link #soundnessBits()}: the provable security of this parameter set. */
    public double securityBits() {
        return soundnessBits().stream().mapToDouble(SoundnessTerm::bits).min().orElseThrow();
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
        return String.format(Locale.ROOT, "WHIR[%s, n=%d, rho=2^-%d, k=%s, queries=%s, pow=%d, final=%d vars, %.1f bits]",
                profile, numVars, logInvRate, Arrays.toString(foldVars), Arrays.toString(queries), powBits,
                finalVars(), securityBits());
    }
}
