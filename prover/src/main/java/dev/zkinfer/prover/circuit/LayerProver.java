package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.Layer;

/**
 * The prover's side of a {@link Layer}: witness generation and the layer's sub-proof.
 *
 * <p>Implementations are stateless and thread-safe; all per-proof state is in the {@link ProverContext}.
 */
public interface LayerProver<L extends Layer> {
    /**
     * Fills, in {@code w}, every output and ADVICE tensor of the layer that is not already
     * there, from its operands' values (which earlier layers or the integer executor filled).
     * Padding entries must be what the layer's relation and lookups require.
     */
    void computeWitness(L layer, WitnessValues w);

    /**
     * Writes the layer's sub-proof: mirrors {@link Layer#verify} exactly (same messages, same
     * transcript order) and records the same claims through {@link ProverContext#claim}.
     */
    void prove(L layer, Claim[] outputClaims, ProverContext ctx);
}
