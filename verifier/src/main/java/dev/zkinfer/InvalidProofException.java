package dev.zkinfer;

/**
 * A verifier check failed. The message is the one-line reason reported to the user as
 * "invalid: &lt;reason&gt;". Thrown inside verification code and turned into a
 * {@link VerificationResult} at the public boundary; never escapes a public verify method.
 * Immutable once thrown; safe to hand to another thread.
 */
public class InvalidProofException extends Exception {
    public InvalidProofException(String reason) {
        super(reason, null, false, false);
    }
}
