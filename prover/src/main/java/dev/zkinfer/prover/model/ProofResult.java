package dev.zkinfer.prover.model;

import dev.zkinfer.nn.tensor.IntTensor;
import java.util.List;

/**
 * A proof, the proved (integer) outputs in the model's output order, and how long the witness
 * and the proof took.
 *
 * <p>An immutable value (thread-safe as long as no one writes into the proof array).
 */
public record ProofResult(byte[] proof, List<IntTensor> outputs, long witnessNanos, long proveNanos) {
    public ProofResult {
        outputs = List.copyOf(outputs);
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("a proof proves at least one output");
        }
    }

    /** A result with one output. */
    public ProofResult(byte[] proof, IntTensor output, long witnessNanos, long proveNanos) {
        this(proof, List.of(output), witnessNanos, proveNanos);
    }

    /** The proved output of a one-output model; throws IllegalStateException when there are several. */
    public IntTensor output() {
        if (outputs.size() != 1) {
            throw new IllegalStateException("the model has " + outputs.size() + " outputs; use outputs()");
        }
        return outputs.get(0);
    }
}
