package dev.zkinfer;

/**
 * An internal consistency check failed: a bug in zkinfer, not a problem with the caller's input.
 * Please report it with the stack trace.
 * Immutable once thrown; safe to hand to another thread.
 */
public class InternalException extends ZkinferException {
    public InternalException(String message) {
        super(message);
    }

    public InternalException(String message, Throwable cause) {
        super(message, cause);
    }
}
