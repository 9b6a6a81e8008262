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

    /**
     * Whether the proof is zero-knowledge (docs/zero-knowledge.md): then every claim a layer
     * receives or emits is on a tensor's masked extension T̂ = T̃ + Z·Σ_w R_T, and every layer
     * sumcheck is masked. Integrity-mode contexts answer false and never see the calls below.
     */
    default boolean zeroKnowledge() {
        return false;
    }

    /**
     * Zero-knowledge: δ, the degree of tensor T's mask R_T in x_0 (fixed by the verifying key), or
     * −1 when T's claims are not masked (a public input or output, which the verifier evaluates itself).
     */
    default int tensorMaskDegree(int tensor) {
        throw new IllegalStateException("not a zero-knowledge proof");
    }

    /**
     * Zero-knowledge: Z(p), the vanishing factor of a masked claim at p ({@link
     * dev.zkinfer.sumcheck.TensorMask#vanishing}). A proof's verifier remembers it per distinct point:
     * a layer's sumcheck reduces several tensors to one point (130 masked claims at 74 points in a
     * LeNet-5 proof).
     */
    default Ext3 vanishing(Ext3[] point) {
        return dev.zkinfer.sumcheck.TensorMask.vanishing(point);
    }

    /**
     * Zero-knowledge: the next committed sumcheck mask (masks are used in proof order; this one
     * has one variable per entry of {@code degrees}, of that round's degree) takes {@code value} at
     * {@code point}, to be checked against the commitment that holds the masks.
     */
    default void sumcheckMaskClaim(int[] degrees, Ext3[] point, Ext3 value) {
        throw new IllegalStateException("not a zero-knowledge proof");
    }

    /** Zero-knowledge: tensor T's mask R_T(x0, w) takes {@code value}, to be checked against its commitment. */
    default void tensorMaskClaim(int tensor, Ext3 x0, Ext3 w, Ext3 value) {
        throw new IllegalStateException("not a zero-knowledge proof");
    }

    /**
     * Zero-knowledge LogUp-GKR ({@link ZkLookups}): the mask R of one half of a fraction-tree layer
     * ({@code layer} in [2, n], {@code half} 0..3 for p(0, ·), p(1, ·), q(0, ·), q(1, ·); δ = 0, so
     * R(x0, w) = a + w·b) takes {@code value}, to be checked against the commitment that holds it
     * ({@link ZkLookups#maskBlocks} names every such block).
     */
    default void logUpHalfMaskClaim(int layer, int half, Ext3 x0, Ext3 w, Ext3 value) {
        throw new IllegalStateException("not a zero-knowledge proof");
    }

    /**
     * Zero-knowledge LogUp-GKR: the committed mask segment {@code side} (0 left, 1 right), read as
     * the multilinear block [p; q] (its last variable selects q), takes {@code value} at {@code point}.
     */
    default void logUpMaskSegmentClaim(int side, Ext3[] point, Ext3 value) {
        throw new IllegalStateException("not a zero-knowledge proof");
    }

    default TensorLayout layout(int tensor) {
        return circuit().tensor(tensor).layout();
    }
}
