package dev.zkinfer.encoding;

import dev.zkinfer.InvalidProofException;

/**
 * A proof (or key) is not well formed: too short, too long, an out-of-bounds length, a
 * non-canonical field element, a bad magic or version. The message is the one-line reason.
 * Immutable once thrown; safe to hand to another thread.
 */
public final class MalformedProofException extends InvalidProofException {
    public MalformedProofException(String reason) {
        super(reason);
    }
}
