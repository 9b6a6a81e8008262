package dev.zkinfer.prover.sumcheck;

import dev.zkinfer.field.Ext3;

/**
 * The prover's side of one sumcheck, one round at a time, driven by
 * {@link SumcheckProver#prove(int, int, Ext3, SumcheckRounds, dev.zkinfer.encoding.ProofWriter,
 * dev.zkinfer.transcript.Transcript)}, which owns the wire format and the transcript. The generic
 * sum of products ({@link SumcheckInstance}) is one implementation; a sub-protocol with more
 * structure (the LogUp-GKR layer) brings its own, and sends the same bytes.
 *
 * <p>Implementations hold one sumcheck's state and are not thread-safe.
 */
public interface SumcheckRounds {
    /**
     * Round {@code round}'s polynomial at x = 0, 2, ..., degree, in array form; {@code claim} is
     * the round's claim (the polynomial's values at 0 and 1 sum to it).
     */
    long[] message(int round, Ext3 claim);

    /** Binds round {@code round}'s variable to the challenge r. */
    void bind(int round, Ext3 r);
}
