package dev.zkinfer.circuit;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.encoding.ProofWriter;
import java.util.List;

/**
 * One proof layer of a circuit: a relation between tensors that the prover proves and the
 * verifier checks by reducing claims (GKR style, from the output back to the input; DESIGN.md
 * "Proof system").
 *
 * <p>The verifier visits layers in reverse order. Before a layer runs, every claim on each of
 * its {@link #outputs()} has been merged into one (or there was none: null). The layer reads its
 * sub-proof from the context's proof reader, absorbing every prover message into the transcript
 * before drawing the challenges that depend on it, and emits claims on its operands through
 * {@link VerifierContext#claim}. A layer must check everything its relation needs: a layer that
 * emits claims without constraining them is unsound.
 *
 * <p>Layers are immutable descriptions; they are part of the verifying key ({@link #encode}).
 * Implementations are immutable and thread-safe.
 */
public interface Layer {
    /** The tag written before the layer in the verifying key (see {@link LayerCodec}). */
    int tag();

    /** A short name for messages, e.g. "Linear". */
    String kind();

    /** The COMPUTED tensors this layer defines; claims on them are consumed here. */
    int[] outputs();

    /** Every tensor this layer reads or puts claims on (for validation of the description). */
    int[] operands();

    /**
     * Lookups this layer needs; proven for all layers at once by LogUp-GKR before the layers
     * run, which puts claims on the looked-up tensors.
     */
    default List<LookupSpec> lookups() {
        return List.of();
    }

    /**
     * Checks that the tensors' layouts and roles fit the layer's relation; run once by {@link
     * Circuit}'s validation (when a circuit is built and when a verifying key is decoded), after
     * every operand and output id has been checked to be in range, so {@link #verify} and the
     * prover can rely on it.
     *
     * @throws IllegalArgumentException naming what does not fit
     */
    default void checkShapes(Circuit c) {}

    /**
     * Why zero-knowledge mode (docs/zero-knowledge.md) cannot prove this layer in circuit c, or null
     * when it can; checked when a zero-knowledge key is made, so that proving never meets it.
     */
    default String zeroKnowledgeLimit(Circuit c) {
        return null;
    }

    /**
     * The verifier's side: reduce the merged output claims (index-aligned with {@link
     * #outputs()}; an entry is null when no claim reached that output) to claims on operands.
     */
    void verify(Claim[] outputClaims, VerifierContext ctx) throws InvalidProofException;

    /** Writes the layer's parameters (everything after the tag) for the verifying key. */
    void encode(ProofWriter out);
}
