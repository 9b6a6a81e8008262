package dev.zkinfer.nn;

/**
 * A model file, a serialized quantized model or a graph cannot be used: it is malformed, or it
 * uses an operator or attribute that zkinfer does not support. The message is one line that
 * names what is wrong (the operator, the node, the attribute), suitable to show a user as is.
 * Like any exception, safe to hand to another thread once thrown.
 */
public final class ModelFormatException extends dev.zkinfer.InvalidInputException {
  public ModelFormatException(String oneLineMessage) {
    super(oneLineMessage);
  }

  public ModelFormatException(String oneLineMessage, Throwable cause) {
    super(oneLineMessage, cause);
  }
}
