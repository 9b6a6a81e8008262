package dev.zkinfer.prover.sumcheck;

import dev.zkinfer.prover.concurrent.Cancellation;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.sumcheck.MaskedSumcheck;
import dev.zkinfer.sumcheck.SumcheckMask;
import dev.zkinfer.sumcheck.TensorMask;
import dev.zkinfer.poly.Univariate;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.SumcheckKernels;
import dev.zkinfer.transcript.Transcript;

/**
 * Prover of the sum-of-products sumcheck; the wire format and transcript order are those of
 * {@link dev.zkinfer.sumcheck.SumcheckVerifier}. Prover time O(2^n · (#factors + #terms·d)),
 * in the backend's kernels.
 *
 * <p>Thread-safe: it holds only its kernels; each call has its own instance, proof and transcript.
 */
public final class SumcheckProver {
    private final SumcheckKernels kernels;

    public SumcheckProver(Backend backend) {
        this.kernels = backend.sumcheck();
    }

    /** The random point and the evaluation of every table of the instance at that point. */
    public record Result(Ext3[] point, Ext3[] tableEvaluations) {}

    /**
     * Proves Σ g = claimedSum, writing the round messages to {@code out}. The degree sent per
     * round is {@link SumcheckInstance#degree()}, which the verifier must use too.
     */
    public Result prove(SumcheckInstance instance, Ext3 claimedSum, ProofWriter out, Transcript transcript) {
        InstanceRounds rounds = new InstanceRounds(kernels, instance);
        Ext3[] point = prove(instance.numVars(), instance.degree(), claimedSum, rounds, out, transcript);
        return new Result(point, rounds.finals());
    }

    /**
     * Proves that the n-variate polynomial of {@code rounds} (degree {@code degree} in each
     * variable) sums to {@code claimedSum} over {0,1}^n: per round, the message (values at
     * 0, 2, ..., degree) is written and absorbed, then the challenge drawn and bound.
     *
     * @return the random point (the challenges, round by round)
     */
    public static Ext3[] prove(int n, int degree, Ext3 claimedSum, SumcheckRounds rounds, ProofWriter out,
            Transcript transcript) {
        return prove(dev.zkinfer.sumcheck.SumcheckVerifier.uniformDegrees(n, degree), claimedSum, rounds, out, transcript);
    }

    /**
     * As above with a degree per round (the statement's, as the verifier computes them): round k's
     * message is sent as the values at 0, 2, ..., degrees[k]. A round polynomial that
     * {@code rounds} gives at fewer points is extended by interpolation, one given at more points
     * is cut (its degree must then be at most degrees[k]: the verifier's check fails otherwise).
     */
    public static Ext3[] prove(int[] degrees, Ext3 claimedSum, SumcheckRounds rounds, ProofWriter out, Transcript transcript) {
        transcript.absorbExt("sumcheck/claim", claimedSum);
        Ext3 claim = claimedSum;
        int n = degrees.length;
        Ext3[] point = new Ext3[n];
        for (int k = 0; k < n; k++) {
            Cancellation.checkpoint();
            int degree = degrees[k];
            long[] message = withDegree(rounds.message(k, claim), claim, degree);
            for (int i = 0; i < degree; i++) {
                out.ext(Ext3.get(message, i));
            }
            transcript.absorbExts("sumcheck/round", message, 0, degree);
            Ext3 r = transcript.challengeExt("sumcheck/challenge");
            point[k] = r;
            claim = Univariate.evaluate(values(message, claim, degree), r);
            rounds.bind(k, r);
        }
        return point;
    }

    /** A round message (values at 0, 2, ..., d') as the values at 0, 1, ..., d (d ≤ d'), the value at 1 from the claim. */
    static Ext3[] values(long[] message, Ext3 claim, int degree) {
        Ext3[] evals = new Ext3[degree + 1];
        evals[0] = Ext3.get(message, 0);
        evals[1] = claim.sub(evals[0]);
        for (int x = 2; x <= degree; x++) {
            evals[x] = Ext3.get(message, x - 1);
        }
        return evals;
    }

    /**
     * A round message given at 0, 2, ..., d' as the message at 0, 2, ..., degree: the same array
     * when d' = degree, its first values when d' &gt; degree, extended by interpolation when d' &lt; degree.
     */
    static long[] withDegree(long[] message, Ext3 claim, int degree) {
        int given = message.length / 3;
        if (given == degree) {
            return message;
        }
        if (given > degree) {
            return java.util.Arrays.copyOf(message, 3 * degree);
        }
        Ext3[] evals = values(message, claim, given);
        long[] out = java.util.Arrays.copyOf(message, 3 * degree);
        for (int x = given + 1; x <= degree; x++) {
            Ext3.set(out, x - 1, Univariate.evaluate(evals, Ext3.of(x)));
        }
        return out;
    }

    /** A uniform mask for a sumcheck with n variables and degree d in every round. */
    public static SumcheckMask randomMask(int n, int degree, java.util.random.RandomGenerator random) {
        return randomMask(dev.zkinfer.sumcheck.SumcheckVerifier.uniformDegrees(n, degree), random);
    }

    /**
     * A uniform mask for a sumcheck with round degrees d_i: Σ_i (d_i + 1) coefficients, each a
     * uniform element of GF(p^3) (base-field coordinates by rejection sampling of 64-bit words).
     * Zero-knowledge proofs draw it from a {@link java.security.SecureRandom}.
     */
    public static SumcheckMask randomMask(int[] degrees, java.util.random.RandomGenerator random) {
        Ext3[][] c = new Ext3[degrees.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = new Ext3[degrees[i] + 1];
            for (int k = 0; k <= degrees[i]; k++) {
                c[i][k] = new Ext3(uniformBase(random), uniformBase(random), uniformBase(random));
            }
        }
        return new SumcheckMask(c);
    }

    /** A uniform canonical base-field element. */
    public static long uniformBase(java.util.random.RandomGenerator random) {
        while (true) {
            long x = random.nextLong();
            if (Long.compareUnsigned(x, dev.zkinfer.field.Goldilocks.P) < 0) {
                return x;
            }
        }
    }

    /** A masked sumcheck's outcome: the point, the tables at the point, and γ = g(r) (already sent). */
    public record MaskedResult(Ext3[] point, Ext3[] tableEvaluations, Ext3 maskValue) {}

    /**
     * Proves Σ g = claimedSum as a masked (zero-knowledge) sumcheck with {@code mask}, which the
     * caller has committed before anything that depends on it was drawn (see
     * {@link dev.zkinfer.sumcheck.MaskedSumcheck} for the wire format and transcript order). The
     * round degrees are the mask's, which must be at least the instance's ({@link SumcheckInstance#roundDegrees}).
     */
    public MaskedResult proveMasked(SumcheckInstance instance, Ext3 claimedSum, SumcheckMask mask, ProofWriter out,
            Transcript transcript) {
        int[] degrees = mask.degrees();
        requireAtLeast(instance.roundDegrees(), degrees, "masked sumcheck");
        InstanceRounds rounds = new InstanceRounds(kernels, instance);
        Ext3[] point = proveMasked(degrees, claimedSum, rounds, mask, out, transcript);
        return new MaskedResult(point, rounds.finals(), mask.evaluate(point));
    }

    /** Refuses a protocol degree below the polynomial's own in some round: the proof would not verify. */
    static void requireAtLeast(int[] own, int[] protocol, String what) {
        if (own.length != protocol.length) {
            throw new IllegalStateException(what + ": " + protocol.length + " round degrees for " + own.length + " variables");
        }
        for (int i = 0; i < own.length; i++) {
            if (own[i] > protocol[i]) {
                throw new IllegalStateException(what + ": round " + i + " has degree " + own[i] + ", the protocol's is " + protocol[i]);
            }
        }
    }

    /**
     * The masked sumcheck over any {@link SumcheckRounds}: sends G = Σ mask, draws ρ, runs
     * {@link #prove(int[], Ext3, SumcheckRounds, ProofWriter, Transcript)} on f + ρ·mask, then
     * sends γ = mask(r). The mask must have the sumcheck's round degrees (a lower degree would
     * leave f's top coefficients in that round unmasked).
     */
    public static Ext3[] proveMasked(int[] degrees, Ext3 claimedSum, SumcheckRounds rounds, SumcheckMask mask,
            ProofWriter out, Transcript transcript) {
        if (!java.util.Arrays.equals(mask.degrees(), degrees)) {
            throw new IllegalArgumentException("mask " + mask + " does not fit a sumcheck of round degrees " + java.util.Arrays.toString(degrees));
        }
        Ext3 maskSum = mask.sum();
        out.ext(maskSum);
        transcript.absorbExt(MaskedSumcheck.MASK_SUM, maskSum);
        Ext3 rho = transcript.challengeExt(MaskedSumcheck.RHO);
        MaskedRounds masked = new MaskedRounds(rounds, mask, rho, degrees, claimedSum);
        Ext3[] point = prove(degrees, claimedSum.add(rho.mul(maskSum)), masked, out, transcript);
        Ext3 gamma = mask.evaluate(point);
        out.ext(gamma);
        transcript.absorbExt(MaskedSumcheck.MASK_VALUE, gamma);
        return point;
    }

    /** What {@link #proveMaskedClaims} sent: the point r of f's variables, w*, γ and u_i = R(x0_i, w*). */
    public record MaskedClaimsResult(Ext3[] point, Ext3 wChallenge, Ext3 maskValue, Ext3[] tensorMaskValues,
            Ext3[] tableEvaluations) {}

    /**
     * The prover of {@link MaskedSumcheck#verifyMaskedClaims}: f's rounds ({@code fRounds}, n =
     * degrees.length variables, round i of degree ≤ degrees[i], sum {@code fSum} = H) inside the
     * masked sumcheck over (w, x) of f(x)/2 + Q(w)/2^n with Q(w) = Σ_i c_i·R_i(x0_i, w);
     * {@code mask} has the round degrees {@link MaskedSumcheck#withWRound}(degrees).
     */
    public static MaskedClaimsResult proveMaskedClaims(int[] degrees, Ext3 fSum, SumcheckRounds fRounds,
            TensorMask[] tensorMask, Ext3[] c, Ext3[] x0, SumcheckMask mask, ProofWriter out, Transcript transcript) {
        int n = degrees.length;
        if (tensorMask.length != c.length || c.length != x0.length) {
            throw new IllegalArgumentException("masked claims: as many masks, coefficients and points");
        }
        Ext3 target = fSum;
        for (int i = 0; i < c.length; i++) {
            target = target.add(c[i].mul(tensorMask[i].cubeSum(x0[i])));
        }
        int[] all = MaskedSumcheck.withWRound(degrees);
        ClaimRounds rounds = new ClaimRounds(all, fSum, fRounds, tensorMask, c, x0);
        Ext3[] point = proveMasked(all, target, rounds, mask, out, transcript);
        long[] u = new long[3 * c.length];
        Ext3[] values = new Ext3[c.length];
        for (int i = 0; i < c.length; i++) {
            values[i] = tensorMask[i].r(x0[i], point[0]);
            Ext3.set(u, i, values[i]);
            out.ext(values[i]);
        }
        transcript.absorbExts(MaskedSumcheck.TENSOR_MASK_VALUES, u, 0, c.length);
        return new MaskedClaimsResult(java.util.Arrays.copyOfRange(point, 1, n + 1), point[0], mask.evaluate(point), values,
                fRounds instanceof InstanceRounds ir ? ir.finals() : null);
    }

    /**
     * {@link #proveMaskedClaims(int[], Ext3, SumcheckRounds, TensorMask[], Ext3[], Ext3[], SumcheckMask, ProofWriter, Transcript)}
     * for a sum of products, whose round degrees ({@link SumcheckInstance#roundDegrees}) must not exceed {@code degrees}.
     */
    public MaskedClaimsResult proveMaskedClaims(SumcheckInstance instance, Ext3 fSum, int[] degrees, TensorMask[] tensorMask,
            Ext3[] c, Ext3[] x0, SumcheckMask mask, ProofWriter out, Transcript transcript) {
        requireAtLeast(instance.roundDegrees(), degrees, "masked sumcheck");
        return proveMaskedClaims(degrees, fSum, new InstanceRounds(kernels, instance), tensorMask,
                c, x0, mask, out, transcript);
    }

    /** Round 0 binds w (H/2 + Q(W)); rounds 1..n are f's, halved, plus Q(w*)·2^-(j+1). */
    private static final class ClaimRounds implements SumcheckRounds {
        private final int[] degrees;
        private final Ext3 half = Ext3.of(2).inv();
        private final SumcheckRounds inner;
        private final TensorMask[] tensorMask;
        private final Ext3[] c;
        private final Ext3[] x0;
        private Ext3 claimF;
        private Ext3 qStar;
        private Ext3[] lastF;

        ClaimRounds(int[] degrees, Ext3 fSum, SumcheckRounds inner, TensorMask[] tensorMask, Ext3[] c, Ext3[] x0) {
            this.degrees = degrees;
            this.inner = inner;
            this.tensorMask = tensorMask;
            this.c = c;
            this.x0 = x0;
            this.claimF = fSum;
        }

        private Ext3 q(Ext3 w) {
            Ext3 v = Ext3.ZERO;
            for (int i = 0; i < c.length; i++) {
                v = v.add(c[i].mul(tensorMask[i].r(x0[i], w)));
            }
            return v;
        }

        @Override
        public long[] message(int round, Ext3 claim) {
            int degree = degrees[round];
            long[] message = new long[3 * degree];
            Ext3[] values = new Ext3[degree + 1];
            if (round == 0) {
                for (int x = 0; x <= degree; x++) {
                    values[x] = claimF.mul(half).add(q(Ext3.of(x)));
                }
            } else {
                long[] f = inner.message(round - 1, claimF);
                int df = f.length / 3;
                Ext3[] fe = new Ext3[df + 1];
                fe[0] = Ext3.get(f, 0);
                fe[1] = claimF.sub(fe[0]);
                for (int x = 2; x <= df; x++) {
                    fe[x] = Ext3.get(f, x - 1);
                }
                lastF = fe;
                Ext3 constant = qStar.mul(MaskedSumcheck.inversePowerOfTwo(round));
                for (int x = 0; x <= degree; x++) {
                    // f's values at its own nodes are given; only the points past its degree are interpolated
                    values[x] = (x <= df ? fe[x] : Univariate.evaluate(fe, Ext3.of(x))).mul(half).add(constant);
                }
            }
            for (int i = 0; i < degree; i++) {
                Ext3.set(message, i, values[i == 0 ? 0 : i + 1]);
            }
            return message;
        }

        @Override
        public void bind(int round, Ext3 r) {
            if (round == 0) {
                qStar = q(r);
            } else {
                claimF = Univariate.evaluate(lastF, r);
                inner.bind(round - 1, r);
            }
        }
    }

    /** f's rounds plus ρ times the mask's closed-form round polynomial; tracks f's own claim. */
    private static final class MaskedRounds implements SumcheckRounds {
        private final SumcheckRounds inner;
        private final SumcheckMask mask;
        private final Ext3 rho;
        private final int[] degrees;
        private final Ext3[] challenges;
        private Ext3 claimF;
        private long[] lastF;

        MaskedRounds(SumcheckRounds inner, SumcheckMask mask, Ext3 rho, int[] degrees, Ext3 claimF) {
            this.inner = inner;
            this.mask = mask;
            this.rho = rho;
            this.degrees = degrees;
            this.challenges = new Ext3[degrees.length];
            this.claimF = claimF;
        }

        @Override
        public long[] message(int round, Ext3 claim) {
            int degree = degrees[round];
            lastF = withDegree(inner.message(round, claimF), claimF, degree);
            Ext3[] g = mask.roundValues(round, challenges);
            long[] message = new long[3 * degree];
            for (int i = 0; i < degree; i++) {
                int x = i == 0 ? 0 : i + 1;
                Ext3.set(message, i, Ext3.get(lastF, i).add(rho.mul(g[x])));
            }
            return message;
        }

        @Override
        public void bind(int round, Ext3 r) {
            claimF = Univariate.evaluate(values(lastF, claimF, degrees[round]), r);
            challenges[round] = r;
            inner.bind(round, r);
        }
    }

    /** The rounds of a {@link SumcheckInstance}: per-term sums from the backend's kernels. */
    static final class InstanceRounds implements BatchedRounds.Part {
        private final SumcheckKernels kernels;
        private final int n;
        private final int degree;
        private final long[][] tables;
        private final boolean[] isBase;
        private final int[][] terms;
        private final Ext3[] coefficients;
        private final SumcheckInstance.TableMask[] masks;
        private final int maskedDegree;
        private final Ext3[] challenges;
        private long[] sums;

        InstanceRounds(SumcheckKernels kernels, SumcheckInstance instance) {
            this.kernels = kernels;
            this.n = instance.numVars();
            this.degree = instance.degree();
            this.tables = instance.tables();
            this.isBase = instance.baseFlags();
            this.terms = instance.terms();
            this.coefficients = instance.coefficients();
            this.masks = instance.tableMasks();
            this.maskedDegree = instance.maskedDegree();
            this.challenges = new Ext3[n];
            this.sums = n == 0 ? null : kernels.roundSums(tables, isBase, terms, 1 << (n - 1), degree);
        }

        /** Table f's entry i (base form until the first fold, extension form after). */
        private Ext3 entry(int f, int i, int round) {
            return isBase[f] && round == 0 ? Ext3.of(tables[f][i]) : Ext3.get(tables[f], i);
        }

        /** Whether some masked table's last variable is bound in this round. */
        private boolean maskRound(int round) {
            if (masks == null) {
                return false;
            }
            for (SumcheckInstance.TableMask m : masks) {
                if (m != null && m.lastVar() == round) {
                    return true;
                }
            }
            return false;
        }

        /** zFixed·Π_{i ≤ upTo, i ∈ T's variables} ρ_i(1 − ρ_i) (upTo exclusive). */
        private Ext3 boundVanishing(SumcheckInstance.TableMask m, int upTo) {
            Ext3 z = m.zFixed();
            for (int j = 0; j < upTo; j++) {
                if ((m.vars() >>> j & 1) != 0) {
                    z = z.mul(challenges[j].mul(Ext3.ONE.sub(challenges[j])));
                }
            }
            return z;
        }

        /**
         * A round that binds the last variable of some masked table: those tables carry
         * zFixed·Z(bound)·X(1 − X)·Σ_w R(x_0, w) on top of their linear restriction, constant over
         * the remaining hypercube; the sums are taken directly (zero-knowledge mode only).
         */
        private long[] maskRoundMessage(int round) {
            int half = 1 << (n - 1 - round);
            long[] message = new long[3 * maskedDegree];
            Ext3[] prefix = new Ext3[tables.length];
            for (int f = 0; f < tables.length; f++) {
                if (masks[f] != null && masks[f].lastVar() == round) {
                    prefix[f] = boundVanishing(masks[f], round);
                }
            }
            for (int i = 0; i < maskedDegree; i++) {
                Ext3 x = Ext3.of(i == 0 ? 0 : i + 1);
                Ext3 xx = x.mul(Ext3.ONE.sub(x));
                Ext3[] shift = new Ext3[tables.length];
                for (int f = 0; f < tables.length; f++) {
                    if (prefix[f] != null) {
                        SumcheckInstance.TableMask m = masks[f];
                        Ext3 x0 = m.x0Var() == round ? x : m.x0Var() >= 0 ? challenges[m.x0Var()] : m.x0Fixed();
                        shift[f] = prefix[f].mul(xx).mul(m.mask().cubeSum(x0));
                    }
                }
                Ext3 v = Ext3.ZERO;
                Ext3[] at = new Ext3[tables.length];
                for (int b = 0; b < half; b++) {
                    for (int f = 0; f < tables.length; f++) {
                        Ext3 t0 = entry(f, 2 * b, round), t1 = entry(f, 2 * b + 1, round);
                        at[f] = t0.add(x.mul(t1.sub(t0)));
                        if (shift[f] != null) {
                            at[f] = at[f].add(shift[f]);
                        }
                    }
                    for (int t = 0; t < terms.length; t++) {
                        Ext3 p = coefficients[t];
                        for (int f : terms[t]) {
                            p = p.mul(at[f]);
                        }
                        v = v.add(p);
                    }
                }
                Ext3.set(message, i, v);
            }
            return message;
        }

        /** message[i] = Σ_t c_t · S[t][i]   (i indexes x = 0, 2, ..., d). */
        @Override
        public long[] message(int round, Ext3 claim) {
            if (maskRound(round)) {
                return maskRoundMessage(round);
            }
            long[] message = new long[3 * degree];
            for (int i = 0; i < degree; i++) {
                Ext3 v = Ext3.ZERO;
                for (int t = 0; t < terms.length; t++) {
                    v = v.add(Ext3.get(sums, t * degree + i).mul(coefficients[t]));
                }
                Ext3.set(message, i, v);
            }
            return message;
        }

        @Override
        public void bind(int k, Ext3 r) {
            challenges[k] = r;
            int half = 1 << (n - 1 - k);
            if (maskRound(k)) {
                // fold, add each finished mask as a constant of its table, then the next round's sums
                for (int f = 0; f < tables.length; f++) {
                    if (k == 0 && isBase[f]) {
                        tables[f] = kernels.foldBase(tables[f], half, r);
                    } else {
                        kernels.fold(tables[f], half, r);
                    }
                    SumcheckInstance.TableMask m = masks[f];
                    if (m != null && m.lastVar() == k) {
                        Ext3 x0 = m.x0Var() >= 0 ? challenges[m.x0Var()] : m.x0Fixed();
                        Ext3 c = boundVanishing(m, k + 1).mul(m.mask().cubeSum(x0));
                        for (int i = 0; i < half; i++) {
                            Ext3.set(tables[f], i, Ext3.get(tables[f], i).add(c));
                        }
                    }
                }
                if (k + 1 < n) {
                    sums = kernels.roundSums(tables, new boolean[tables.length], terms, half >>> 1, degree);
                }
                return;
            }
            if (k + 1 < n) {
                // fold by r and compute the next round's sums (one fused pass where the backend can)
                sums = kernels.foldAndRoundSums(tables, k == 0 ? isBase : null, terms, half, degree, r);
            } else {
                for (int f = 0; f < tables.length; f++) {
                    if (k == 0 && isBase[f]) {
                        tables[f] = kernels.foldBase(tables[f], half, r);
                    } else {
                        kernels.fold(tables[f], half, r);
                    }
                }
            }
        }

        @Override
        public int numVars() {
            return n;
        }

        /** The evaluation of every table at the point, once every round is bound. */
        @Override
        public Ext3[] finals() {
            Ext3[] finals = new Ext3[tables.length];
            for (int f = 0; f < tables.length; f++) {
                finals[f] = n == 0 && isBase[f] ? Ext3.of(tables[f][0]) : Ext3.get(tables[f], 0);
            }
            return finals;
        }
    }
}
