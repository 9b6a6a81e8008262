package dev.zkinfer.prover.pcs;

import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.transcript.Transcript;
import java.util.List;

/**
 * Prover half of a multilinear polynomial commitment scheme; the verifier half is
 * {@link dev.zkinfer.pcs.PcsVerifier}.
 *
 * <p>Protocol contract: the caller sends {@link Committed#root()} and absorbs it into the
 * transcript when the commitment is made (the verifier's caller does the same on reading it).
 * {@link #open} then runs the whole opening sub-protocol on the transcript: it absorbs the
 * PCS domain tag, the parameters, the root (again), the points and the values it computes,
 * and every proof message, in the order the verifier replays them.
 *
 * <p>Implementations are thread-safe: commitments are immutable, and each opening writes its own proof and transcript.
 */
public interface PcsProver {
    /** A commitment together with the prover data needed to open it. */
    interface Committed {
        /** The 32-byte commitment root. */
        byte[] root();

        int numVars();
    }

    /**
     * Commits to the multilinear polynomial with the given hypercube values (2^numVars base
     * elements, index convention of {@link dev.zkinfer.poly.Mle}). The commitment may keep the
     * array itself (no copy): the caller must not change it afterwards.
     */
    Committed commit(long[] evaluations, int numVars);

    /**
     * Proves f̃(point) for every point (batched), writing the opening proof to {@code out}.
     *
     * @return the values f̃(point), in the order of {@code points}: the claims the verifier
     *     checks with {@code verifyOpening}
     */
    Ext3[] open(Committed committed, List<Ext3[]> points, ProofWriter out, Transcript transcript);
}
