package dev.zkinfer.pcs;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.transcript.Transcript;
import java.util.List;

/**
 * Verifier half of a multilinear polynomial commitment scheme.
 *
 * <p>Protocol contract (shared with the prover half in zkinfer-prover): the caller has
 * absorbed the commitment root into the transcript when it was received, and every claimed
 * value has been fixed (absorbed) before {@link #verifyOpening} runs. The opening proof for
 * all claims on one committed polynomial is read from {@code proof}; it proves all of them
 * at once (batched opening).
 * Implementations are stateless and thread-safe.
 */
public interface PcsVerifier {
    /** Bytes in a commitment root. */
    int ROOT_BYTES = 32;

    /**
     * Checks that the polynomial committed under {@code root}, with {@code numVars}
     * variables, satisfies every claim. Reads exactly the opening's bytes from {@code proof}.
     *
     * @throws InvalidProofException with the reason, if any check fails or the bytes are
     *     malformed
     */
    void verifyOpening(byte[] root, int numVars, List<EvaluationClaim> claims, ProofReader proof,
            Transcript transcript) throws InvalidProofException;
}
