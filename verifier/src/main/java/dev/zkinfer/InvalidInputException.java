package dev.zkinfer;

/**
 * The caller's input cannot be used: an argument out of range, an input of the wrong shape or
 * range, a model that uses something zkinfer cannot quantize or prove. The message is one line,
 * suitable to show a user as is, naming the problem and where it is. Not a bug in zkinfer.
 * Immutable once thrown; safe to hand to another thread.
 */
public class InvalidInputException extends ZkinferException {
    public InvalidInputException(String oneLineMessage) {
        super(oneLineMessage);
    }

    public InvalidInputException(String oneLineMessage, Throwable cause) {
        super(oneLineMessage, cause);
    }
}
