package dev.zkinfer.prover.circuit;

import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.TableLayer;
import dev.zkinfer.field.Goldilocks;
import java.util.Arrays;

/**
 * Prover of {@link TableLayer}: y = table[x − inputMin] on the padded domain; the proof is the lookup alone.
 *
 * <p>Stateless: thread-safe.
 */
public final class TableLayerProver implements LayerProver<TableLayer> {
    @Override
    public void computeWitness(TableLayer l, WitnessValues w) {
        long[] xv = w.get(l.x());
        if (!w.circuit().tensor(l.x()).layout().equals(w.circuit().tensor(l.y()).layout())) {
            throw new IllegalStateException("Table layer: x and y have different layouts");
        }
        long[] yv = new long[xv.length];
        for (int i = 0; i < xv.length; i++) {
            long v = Goldilocks.toSigned(xv[i]);
            try {
                yv[i] = Goldilocks.fromSigned(l.apply(v));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(e.getMessage() + " (tensor " + w.circuit().tensor(l.x()).name()
                        + ", padded index " + i + ")");
            }
        }
        if (w.has(l.y()) && !Arrays.equals(w.get(l.y()), yv)) {
            throw new IllegalStateException("Table layer: the given values of " + w.circuit().tensor(l.y()).name()
                    + " differ from the table applied to " + w.circuit().tensor(l.x()).name());
        }
        w.put(l.y(), yv);
    }

    @Override
    public void prove(TableLayer l, Claim[] outputClaims, ProverContext ctx) {
        ctx.transcript().domain(TableLayer.DOMAIN);
    }
}
