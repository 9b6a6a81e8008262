package dev.zkinfer.sumcheck;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.transcript.Transcript;

/**
 * Verifier of the masked (zero-knowledge) sumcheck of docs/zero-knowledge.md §3.1: for
 * H = Σ_{b∈{0,1}^n} f(b), the prover has committed a {@link SumcheckMask} g beforehand, sends
 * G = Σ g; the verifier draws ρ and runs the ordinary sumcheck ({@link SumcheckVerifier}, same
 * wire format and degree) on f + ρ·g with claim H + ρ·G; the prover then sends γ = g(r).
 *
 * <p>Wire format: G (ext), the sumcheck's n·d extension elements, γ (ext). Transcript:
 * "zk-sumcheck/mask-sum" = G, challenge "zk-sumcheck/rho", the sumcheck's own labels, then
 * "zk-sumcheck/mask-value" = γ. The caller checks {@link Result#value()} = f(r) as it would check
 * an ordinary sumcheck's final value, and must bind γ to the committed mask (an evaluation claim
 * on the commitment that holds the mask's coefficients); a γ that is not g(r) is caught there.
 *
 * <p>Soundness: with g fixed by the commitment before ρ, an ordinary sumcheck on f + ρ·g
 * (error n·d/|E|), plus 1/|E| for the ρ step. Stateless and thread-safe.
 */
public final class MaskedSumcheck {
    public static final String MASK_SUM = "zk-sumcheck/mask-sum";
    public static final String RHO = "zk-sumcheck/rho";
    public static final String MASK_VALUE = "zk-sumcheck/mask-value";

    private MaskedSumcheck() {}

    /**
     * The outcome: the random point r, the value f(r) must take (the masked sumcheck's final
     * value minus ρ·γ), and the claimed mask value γ = g(r) that the caller must open.
     */
    public record Result(Ext3[] point, Ext3 value, Ext3 maskValue, Ext3 rho) {}

    /** Reads exactly 1 + n·d + 1 extension elements. */
    public static Result verify(Ext3 claimedSum, int numVars, int degree, ProofReader proof, Transcript transcript)
            throws InvalidProofException {
        if (numVars < 1) {
            throw new IllegalArgumentException("a masked sumcheck needs at least one variable");
        }
        Ext3 maskSum = proof.ext("masked sumcheck: mask sum");
        transcript.absorbExt(MASK_SUM, maskSum);
        Ext3 rho = transcript.challengeExt(RHO);
        SumcheckClaim sc = SumcheckVerifier.verify(claimedSum.add(rho.mul(maskSum)), numVars, degree, proof, transcript);
        Ext3 gamma = proof.ext("masked sumcheck: mask value");
        transcript.absorbExt(MASK_VALUE, gamma);
        return new Result(sc.point(), sc.value().sub(rho.mul(gamma)), gamma, rho);
    }
}
