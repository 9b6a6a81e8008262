package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.transcript.Transcript;

/**
 * What a layer's prover sees: the transcript, the proof being written, the circuit, the witness, and where claims go.
 *
 * <p>One per proof, not thread-safe: used by the thread that runs the proof.
 */
public interface ProverContext {
    Transcript transcript();

    ProofWriter proof();

    Circuit circuit();

    Backend backend();

    /** The padded base-field values of a tensor (do not modify). */
    long[] values(int tensor);

    /**
     * Records the claim ṽ_tensor(point) = value, exactly as the verifier's layer records it.
     * (The value must be the true evaluation; the driver checks this in its self-test mode.)
     */
    void claim(int tensor, Ext3[] point, Ext3 value);
}
