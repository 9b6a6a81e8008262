package dev.zkinfer;

/**
 * The root of every exception zkinfer throws on purpose. Its subclasses say whose problem it is:
 * <ul>
 *   <li>{@link InvalidInputException}: the caller's input cannot be used (an argument out of
 *       range, an input of the wrong shape, a model with an operator zkinfer cannot prove); the
 *       message is one line naming the problem and where it is. The CLI exits with 2.</li>
 *   <li>{@link MalformedInputException}, a kind of invalid input: bytes that do not parse (an
 *       ONNX file, a key, an input file, a truncated or corrupted file). The CLI exits with 2.</li>
 *   <li>{@link ProvingCancelledException}: a proof was cancelled, interrupted or ran past its
 *       deadline; the prover that threw it stays usable.</li>
 *   <li>{@link InternalException}: an internal check failed, i.e. a bug in zkinfer. The CLI
 *       prints the stack trace and exits with 3.</li>
 * </ul>
 * An invalid proof is not an exception: verification returns {@link VerificationResult}. Any
 * other {@link RuntimeException} or {@link Error} escaping zkinfer is a bug too (the CLI exits
 * with 3), except {@link VirtualMachineError}s such as {@link OutOfMemoryError}, which are the
 * JVM's and are never caught and reported as something else.
 * Immutable once thrown; safe to hand to another thread.
 */
public abstract class ZkinferException extends RuntimeException {
    protected ZkinferException(String message) {
        super(message);
    }

    protected ZkinferException(String message, Throwable cause) {
        super(message, cause);
    }
}
