package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.sumcheck.SumcheckMask;
import dev.zkinfer.sumcheck.TensorMask;
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

    /**
     * Sends {@code values} (extension elements) into the proof, absorbs them as one message under
     * {@code label}, and claims values[i] on tensors[i] at {@code point}: how a layer ends, with its
     * operands' evaluations at the sumcheck's point.
     */
    default void sendEvaluations(String label, int[] tensors, Ext3[] values, Ext3[] point) {
        long[] raw = new long[3 * values.length];
        for (int i = 0; i < values.length; i++) {
            Ext3.set(raw, i, values[i]);
            proof().ext(values[i]);
        }
        transcript().absorbExts(label, raw, 0, values.length);
        for (int i = 0; i < values.length; i++) {
            claim(tensors[i], point, values[i]);
        }
    }

    /** Whether this proof is zero-knowledge (see the verifier's {@code VerifierContext#zeroKnowledge}). */
    default boolean zeroKnowledge() {
        return false;
    }

    /** Zero-knowledge: tensor T's mask R_T (drawn once per proof), or null when T's claims are not masked. */
    default TensorMask tensorMask(int tensor) {
        throw new IllegalStateException("not a zero-knowledge proof");
    }

    /** Zero-knowledge: the next sumcheck mask, in proof order (committed before the proof's first challenge). */
    default SumcheckMask nextSumcheckMask(int[] degrees) {
        throw new IllegalStateException("not a zero-knowledge proof");
    }

    /** Zero-knowledge: records a sumcheck mask's revealed value, exactly as the verifier does. */
    default void sumcheckMaskClaim(int[] degrees, Ext3[] point, Ext3 value) {
        throw new IllegalStateException("not a zero-knowledge proof");
    }

    /** Zero-knowledge: records a tensor mask's revealed value R_T(x0, w), exactly as the verifier does. */
    default void tensorMaskClaim(int tensor, Ext3 x0, Ext3 w, Ext3 value) {
        throw new IllegalStateException("not a zero-knowledge proof");
    }

    /** Zero-knowledge lookups: records a tree half mask's revealed value, as the verifier's {@code logUpHalfMaskClaim}. */
    default void logUpHalfMaskClaim(int layer, int half, Ext3 x0, Ext3 w, Ext3 value) {
        throw new IllegalStateException("not a zero-knowledge proof");
    }

    /** Zero-knowledge lookups: records a mask segment's revealed value, as the verifier's {@code logUpMaskSegmentClaim}. */
    default void logUpMaskSegmentClaim(int side, Ext3[] point, Ext3 value) {
        throw new IllegalStateException("not a zero-knowledge proof");
    }
}
