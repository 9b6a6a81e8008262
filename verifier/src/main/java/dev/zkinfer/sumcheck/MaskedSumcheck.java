package dev.zkinfer.sumcheck;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.transcript.Transcript;

/**
 * Verifier of the masked (zero-knowledge) sumcheck of docs/zero-knowledge.md §3.1: for
 * H = Σ_{b∈{0,1}^n} f(b), the prover has committed a {@link SumcheckMask} g beforehand, sends
 * G = Σ g; the verifier draws ρ and runs the ordinary sumcheck ({@link SumcheckVerifier}, same
 * wire format and per-round degrees) on f + ρ·g with claim H + ρ·G; the prover then sends γ = g(r).
 * The degree d_i of each round is the statement's (the caller computes it from the key and the
 * circuit; it is never read from the proof), and the mask's g_i has exactly that degree, so
 * every round's masked polynomial is uniform among the polynomials of its own degree.
 *
 * <p>Wire format: G (ext), the sumcheck's Σ_i d_i extension elements (round i: its values at
 * 0, 2, ..., d_i), γ (ext). Transcript:
 * "zk-sumcheck/mask-sum" = G, challenge "zk-sumcheck/rho", the sumcheck's own labels, then
 * "zk-sumcheck/mask-value" = γ. The caller checks {@link Result#value()} = f(r) as it would check
 * an ordinary sumcheck's final value, and must bind γ to the committed mask (an evaluation claim
 * on the commitment that holds the mask's coefficients); a γ that is not g(r) is caught there.
 *
 * <p>Soundness: with g fixed by the commitment before ρ, an ordinary sumcheck on f + ρ·g
 * (error Σ_i d_i/|E|), plus 1/|E| for the ρ step. A committed g whose g_i has a higher degree
 * than d_i cannot be expressed: the opening of γ weighs only the coefficients up to d_i. Stateless and thread-safe.
 */
public final class MaskedSumcheck {
    public static final String MASK_SUM = "zk-sumcheck/mask-sum";
    public static final String RHO = "zk-sumcheck/rho";
    public static final String MASK_VALUE = "zk-sumcheck/mask-value";
    public static final String TENSOR_MASK_VALUES = "zk-sumcheck/tensor-mask-values";

    private MaskedSumcheck() {}

    /**
     * The outcome: the random point r, the value f(r) must take (the masked sumcheck's final
     * value minus ρ·γ), and the claimed mask value γ = g(r) that the caller must open.
     */
    public record Result(Ext3[] point, Ext3 value, Ext3 maskValue, Ext3 rho) {}

    /**
     * The outcome of {@link #verifyMaskedClaims}: the point r of f's variables, f(r), the extra
     * variable's challenge w*, the sumcheck mask's value γ at (w*, r) and the values
     * u_i = R(x0_i, w*) the prover sent, which the caller must bind to the committed tensor mask
     * as it binds γ to the committed sumcheck mask.
     */
    public record MaskedClaimsResult(Ext3[] point, Ext3 value, Ext3 wChallenge, Ext3 maskValue, Ext3 rho,
            Ext3[] tensorMaskValues) {}

    /**
     * A masked sumcheck whose target is a sum of masked evaluations (docs/zero-knowledge.md §3.2):
     * the caller knows v = H + Σ_i c_i·Σ_w R(x0_i, w), where H = Σ_{x∈{0,1}^n} f(x) is what the
     * layer proves, R is the producer tensor's {@link TensorMask} (committed, unknown to the
     * verifier) and c_i, x0_i are public (c_i = weight·Z(p_i), x0_i = p_i's lowest coordinate).
     * It runs the masked sumcheck over n + 1 variables (w first) of
     * h(w, x) = f(x)/2 + Q(w)/2^n, Q(w) = Σ_i c_i·R(x0_i, w), whose sum is v; the prover then sends
     * u_i = R(x0_i, w*) ("zk-sumcheck/tensor-mask-values"), and f(r) = 2·(h(w*, r) − Q(w*)/2^n).
     * Neither H nor Σ_w R is ever sent: v is uniform to the verifier.
     *
     * <p>{@code degrees} are f's n round degrees; the w round (round 0) has degree
     * {@link #W_ROUND_DEGREE} (h is affine in w), so the sumcheck's degrees are
     * {@link #withWRound}(degrees). Wire format: G, 1 + Σ_i degrees[i] extension elements, γ, then
     * the k values u_i. With no masked term (k = 0: the target is a public value) the w round is
     * kept, so that every layer sumcheck has the same shape in zero-knowledge mode.
     */
    public static MaskedClaimsResult verifyMaskedClaims(Ext3 maskedClaim, Ext3[] c, Ext3[] x0, int[] degrees,
            ProofReader proof, Transcript transcript) throws InvalidProofException {
        if (c.length != x0.length) {
            throw new IllegalArgumentException("masked claims: need as many coefficients as points");
        }
        int numVars = degrees.length;
        Result res = verify(maskedClaim, withWRound(degrees), proof, transcript);
        long[] u = proof.exts("masked sumcheck: tensor mask values", c.length);
        transcript.absorbExts(TENSOR_MASK_VALUES, u, 0, c.length);
        Ext3[] values = new Ext3[c.length];
        Ext3 q = Ext3.ZERO;
        for (int i = 0; i < c.length; i++) {
            values[i] = Ext3.get(u, i);
            q = q.add(c[i].mul(values[i]));
        }
        Ext3 h = res.value().sub(q.mul(inversePowerOfTwo(numVars)));
        Ext3[] r = java.util.Arrays.copyOfRange(res.point(), 1, numVars + 1);
        return new MaskedClaimsResult(r, h.mul(2), res.point()[0], res.maskValue(), res.rho(), values);
    }

    /**
     * The degree of the w round of {@link #verifyMaskedClaims}: h(w, x) = f(x)/2 + Q(w)/2^n with
     * Q affine in w (each R(x0, w) = A(x0) + w·B(x0)).
     */
    public static final int W_ROUND_DEGREE = 1;

    /** The degrees of a masked-claims sumcheck over (w, x): {@link #W_ROUND_DEGREE}, then f's. */
    public static int[] withWRound(int[] degrees) {
        int[] all = new int[degrees.length + 1];
        all[0] = W_ROUND_DEGREE;
        System.arraycopy(degrees, 0, all, 1, degrees.length);
        return all;
    }

    /** 2^-n in the base field. */
    public static Ext3 inversePowerOfTwo(int n) {
        if (n >= 0 && n < INVERSE_POWERS_OF_TWO.length) {
            return INVERSE_POWERS_OF_TWO[n];
        }
        if (n < 0) {
            throw new IllegalArgumentException("negative exponent " + n);
        }
        return Ext3.of((dev.zkinfer.field.Goldilocks.P >>> 1) + 1).pow(n);
    }

    /** 2^-n for n < 128: (1/2)^n, 1/2 = (p + 1)/2 (an inversion per call showed in verifier profiles). */
    private static final Ext3[] INVERSE_POWERS_OF_TWO = new Ext3[128];

    static {
        long half = (dev.zkinfer.field.Goldilocks.P >>> 1) + 1;
        long v = 1;
        for (int n = 0; n < INVERSE_POWERS_OF_TWO.length; n++) {
            INVERSE_POWERS_OF_TWO[n] = Ext3.of(v);
            v = dev.zkinfer.field.Goldilocks.mul(v, half);
        }
    }

    /** Reads exactly 1 + Σ_i degrees[i] + 1 extension elements. */
    public static Result verify(Ext3 claimedSum, int[] degrees, ProofReader proof, Transcript transcript)
            throws InvalidProofException {
        if (degrees.length < 1) {
            throw new IllegalArgumentException("a masked sumcheck needs at least one variable");
        }
        Ext3 maskSum = proof.ext("masked sumcheck: mask sum");
        transcript.absorbExt(MASK_SUM, maskSum);
        Ext3 rho = transcript.challengeExt(RHO);
        SumcheckClaim sc = SumcheckVerifier.verify(claimedSum.add(rho.mul(maskSum)), degrees, proof, transcript);
        Ext3 gamma = proof.ext("masked sumcheck: mask value");
        transcript.absorbExt(MASK_VALUE, gamma);
        return new Result(sc.point(), sc.value().sub(rho.mul(gamma)), gamma, rho);
    }
}
