package dev.zkinfer.prover.model;

import dev.zkinfer.nn.tensor.IntTensor;

/**
 * A proof, the proved (integer) output, and how long the witness and the proof took.
 *
 * <p>An immutable value (thread-safe as long as no one writes into the proof array).
 */
public record ProofResult(byte[] proof, IntTensor output, long witnessNanos, long proveNanos) {}
