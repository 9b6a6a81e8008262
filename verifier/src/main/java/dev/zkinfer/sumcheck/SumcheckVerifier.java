package dev.zkinfer.sumcheck;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.poly.Univariate;
import dev.zkinfer.transcript.Transcript;

/**
 * Verifier of the sumcheck protocol (Lund–Fortnow–Karloff–Nisan; Thaler, "Proofs, Arguments
 * and Zero-Knowledge" §4.1) for H = Σ_{b ∈ {0,1}^n} g(b), where g has degree ≤ d in each
 * variable.
 *
 * <p>Wire format, per round k = 0..n-1 (variable k is bound in round k, see
 * {@link dev.zkinfer.poly.Mle}): the round polynomial g_k as its values at x = 0, 2, 3, ..., d
 * (d elements of GF(p^3)); the value at 1 is implied by g_k(0) + g_k(1) = current claim, so a
 * message can never be inconsistent with the claim, only wrong, which the final check catches.
 *
 * <p>Transcript: absorbs the claimed sum under "sumcheck/claim", then per round the d values
 * under "sumcheck/round" before drawing r_k under "sumcheck/challenge". Soundness error ≤
 * n·d / |GF(p^3)| (Schwartz–Zippel per round).
 * Stateless and thread-safe.
 */
public final class SumcheckVerifier {
    private SumcheckVerifier() {}

    /**
     * Runs the verifier side and returns the point and the value that g must take there.
     * Reads exactly n·d extension elements.
     */
    public static SumcheckClaim verify(Ext3 claimedSum, int numVars, int degree, ProofReader proof,
            Transcript transcript) throws InvalidProofException {
        if (degree < 1) {
            throw new IllegalArgumentException("sumcheck degree must be at least 1");
        }
        return verify(claimedSum, uniformDegrees(numVars, degree), proof, transcript);
    }

    /**
     * As above with a degree per round: round k's polynomial is sent as its values at
     * x = 0, 2, ..., degrees[k] (degrees[k] elements). The degrees are the statement's (fixed by
     * the verifying key and the circuit), never read from the proof; the soundness error is
     * Σ_k degrees[k] / |GF(p^3)|. Reads exactly Σ_k degrees[k] extension elements.
     */
    public static SumcheckClaim verify(Ext3 claimedSum, int[] degrees, ProofReader proof, Transcript transcript)
            throws InvalidProofException {
        for (int d : degrees) {
            if (d < 1) {
                throw new IllegalArgumentException("sumcheck degree must be at least 1");
            }
        }
        transcript.absorbExt("sumcheck/claim", claimedSum);
        Ext3 claim = claimedSum;
        int numVars = degrees.length;
        Ext3[] point = new Ext3[numVars];
        for (int k = 0; k < numVars; k++) {
            int degree = degrees[k];
            long[] message = proof.exts("sumcheck round " + k, degree);
            transcript.absorbExts("sumcheck/round", message, 0, degree);
            Ext3[] evals = new Ext3[degree + 1];
            evals[0] = Ext3.get(message, 0);
            evals[1] = claim.sub(evals[0]);
            for (int x = 2; x <= degree; x++) {
                evals[x] = Ext3.get(message, x - 1);
            }
            Ext3 r = transcript.challengeExt("sumcheck/challenge");
            point[k] = r;
            claim = Univariate.evaluate(evals, r);
        }
        return new SumcheckClaim(point, claim);
    }

    /** n copies of d: the degrees of a sumcheck with one degree in every round. */
    public static int[] uniformDegrees(int numVars, int degree) {
        int[] d = new int[numVars];
        java.util.Arrays.fill(d, degree);
        return d;
    }

    /** Σ_k degrees[k]: the extension elements of the round messages, and the soundness error's numerator. */
    public static int totalDegree(int[] degrees) {
        int s = 0;
        for (int d : degrees) {
            s += d;
        }
        return s;
    }
}
