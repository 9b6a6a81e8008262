package dev.zkinfer.circuit;

import dev.zkinfer.encoding.ProofReader;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.transcript.Transcript;

/**
 * What a layer's verifier sees: the transcript, the proof bytes, the circuit, and where its claims go.
 * An implementation is the state of one verification and is used from one thread.
 */
public interface VerifierContext {
    Transcript transcript();

    ProofReader proof();

    Circuit circuit();

    /** Records a claim ṽ_tensor(point) = value for a later layer, the commitment openings, or the public input. */
    void claim(int tensor, Ext3[] point, Ext3 value);

    default TensorLayout layout(int tensor) {
        return circuit().tensor(tensor).layout();
    }
}
