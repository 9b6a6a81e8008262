package dev.zkinfer;

import java.util.Objects;

/**
 * The outcome of a verification: valid, or invalid with a one-line reason. There is no other
 * state and no default: a caller must ask {@link #isValid()}.
 * Immutable and thread-safe.
 */
public final class VerificationResult {
    private static final VerificationResult VALID = new VerificationResult(null);
    private final String reason;

    private VerificationResult(String reason) {
        this.reason = reason;
    }

    public static VerificationResult valid() {
        return VALID;
    }

    public static VerificationResult invalid(String reason) {
        return new VerificationResult(Objects.requireNonNull(reason));
    }

    public boolean isValid() {
        return reason == null;
    }

    /** Why the proof was rejected; empty string when valid. */
    public String reason() {
        return reason == null ? "" : reason;
    }

    @Override
    public String toString() {
        return isValid() ? "valid" : "invalid: " + reason;
    }
}
