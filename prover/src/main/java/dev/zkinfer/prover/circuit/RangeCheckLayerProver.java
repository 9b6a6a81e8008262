package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.RangeCheckLayer;
import dev.zkinfer.field.Goldilocks;

/**
 * Prover of {@link RangeCheckLayer}: the proof is the lookup alone; the witness is the input itself.
 *
 * <p>Stateless: thread-safe.
 */
public final class RangeCheckLayerProver implements LayerProver<RangeCheckLayer> {
    @Override
    public void computeWitness(RangeCheckLayer l, WitnessValues w) {
        long[] v = w.get(l.x());
        for (int i = 0; i < v.length; i++) {
            long s = Goldilocks.toSigned(v[i]);
            if (s != 0 && (s < l.min() || s > l.max())) {
                throw new IllegalStateException("private input " + w.circuit().tensor(l.x()).name() + " has " + s + " at padded index " + i
                        + ", outside its domain [" + l.min() + ", " + l.max() + "]");
            }
        }
    }

    @Override
    public void prove(RangeCheckLayer l, Claim[] outputClaims, ProverContext ctx) {
        ctx.transcript().domain(RangeCheckLayer.DOMAIN);
    }
}
