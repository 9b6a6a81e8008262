package dev.zkinfer.circuit;

/**
 * Where a circuit tensor's values come from, and so where claims on it end.
 * Immutable and thread-safe.
 */
public enum TensorRole {
    /** The public input: the verifier evaluates its polynomial itself. */
    INPUT,
    /** Produced by a layer from other tensors and never committed: claims on it are reduced by that layer. */
    COMPUTED,
    /** Part of the model (weights, biases): claims end in the model commitment (in the verifying key). */
    MODEL,
    /** Advice that no arithmetic determines (lookup outputs, limbs, multiplicities): claims end in the per-proof witness commitment. */
    ADVICE
}
