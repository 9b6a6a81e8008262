package dev.zkinfer.prover.model;

import dev.zkinfer.nn.tensor.IntTensor;

/** A proof, the proved (integer) output, and how long the witness and the proof took. */
public record ProofResult(byte[] proof, IntTensor output, long witnessNanos, long proveNanos) {}
