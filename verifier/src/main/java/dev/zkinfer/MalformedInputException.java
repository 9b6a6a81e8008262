package dev.zkinfer;

/**
 * Bytes that do not parse: a truncated or corrupted model file, key or input file, a wrong
 * magic number or version, a length out of bounds, a checksum mismatch. The message is one line
 * naming the file or structure and the problem. (A malformed <em>proof</em> is not thrown: the
 * verifier reports it as an invalid proof.)
 * Immutable once thrown; safe to hand to another thread.
 */
public class MalformedInputException extends InvalidInputException {
    public MalformedInputException(String oneLineMessage) {
        super(oneLineMessage);
    }

    public MalformedInputException(String oneLineMessage, Throwable cause) {
        super(oneLineMessage, cause);
    }
}
