package dev.zkinfer.prover.model;

import dev.zkinfer.nn.tensor.IntTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A proof, the proved (integer) outputs in the model's output order, how long the witness and
 * the proof took, and, for a batch proof ({@link ModelProver#proveBatch}), its real rows and the
 * batch circuit it used. Each output holds the real rows one after the other (its leading
 * dimension is the model's times {@code rows}); {@link #rowOutputs} gives one row's.
 *
 * For a key with committed inputs or outputs it also holds the opening of the proof's commitments
 * ({@link CommitmentOpening}: the committed tensors and their seeds), for their owner only; null
 * otherwise. The outputs are the prover's to read even when the key commits them: they are not in
 * the proof.
 *
 * <p>An immutable value (thread-safe as long as no one writes into the proof array).
 */
public record ProofResult(byte[] proof, List<IntTensor> outputs, long witnessNanos, long proveNanos, int rows, int batch,
        CommitmentOpening opening) {
    /** A result without opening. */
    public ProofResult(byte[] proof, List<IntTensor> outputs, long witnessNanos, long proveNanos, int rows, int batch) {
        this(proof, outputs, witnessNanos, proveNanos, rows, batch, null);
    }

    public ProofResult {
        outputs = List.copyOf(outputs);
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("a proof proves at least one output");
        }
        if (rows < 1 || rows > batch) {
            throw new IllegalArgumentException(rows + " rows in a batch of " + batch);
        }
    }

    /** A result of one inference. */
    public ProofResult(byte[] proof, List<IntTensor> outputs, long witnessNanos, long proveNanos) {
        this(proof, outputs, witnessNanos, proveNanos, 1, 1);
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

    /** The outputs of row {@code row} (0-based), each shaped as the model's output. */
    public List<IntTensor> rowOutputs(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of a proof of " + rows + " rows");
        }
        List<IntTensor> out = new ArrayList<>();
        for (IntTensor t : outputs) {
            int per = t.size() / rows;
            int[] shape = t.shape();
            if (rows > 1) {
                shape[0] /= rows;
            }
            out.add(new IntTensor(shape, Arrays.copyOfRange(t.data(), row * per, (row + 1) * per)));
        }
        return out;
    }
}
