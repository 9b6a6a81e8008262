package dev.zkinfer.circuits;

/** The quantized model uses something the circuit compiler cannot prove; the message is one line naming it. Like any exception, safe to hand to another thread once thrown. */
public final class UnsupportedModelException extends dev.zkinfer.InvalidInputException {
    public UnsupportedModelException(String message) {
        super(message);
    }

    public UnsupportedModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
