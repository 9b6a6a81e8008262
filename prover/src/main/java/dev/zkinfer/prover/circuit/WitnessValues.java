package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.TensorLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * The padded base-field values of every tensor of a circuit for one proof (the witness).
 *
 * <p>Not thread-safe: one per proof, filled by the thread that computes the witness.
 */
public final class WitnessValues {
    private final Circuit circuit;
    private final Map<Integer, long[]> values = new HashMap<>();

    public WitnessValues(Circuit circuit) {
        this.circuit = circuit;
    }

    public Circuit circuit() {
        return circuit;
    }

    public boolean has(int tensor) {
        return values.containsKey(tensor);
    }

    public long[] get(int tensor) {
        long[] v = values.get(tensor);
        if (v == null) {
            throw new IllegalStateException("no witness values for tensor " + circuit.tensor(tensor).name());
        }
        return v;
    }

    /** Sets a tensor's padded values (length 2^numVars of its layout). */
    public void put(int tensor, long[] padded) {
        TensorLayout l = circuit.tensor(tensor).layout();
        if (padded.length != l.paddedSize()) {
            throw new IllegalArgumentException("tensor " + circuit.tensor(tensor).name() + ": " + padded.length
                    + " values for padded size " + l.paddedSize());
        }
        values.put(tensor, padded);
    }

    public Map<Integer, long[]> all() {
        return values;
    }
}
