package dev.zkinfer;

/**
 * Proving stopped before it finished: it was cancelled, the proving thread was interrupted, or
 * the deadline given to the prover passed. No proof was produced, and the prover that threw it
 * stays usable for the next proof.
 */
public class ProvingCancelledException extends ZkinferException {
    public ProvingCancelledException(String oneLineMessage) {
        super(oneLineMessage);
    }

    public ProvingCancelledException(String oneLineMessage, Throwable cause) {
        super(oneLineMessage, cause);
    }
}
