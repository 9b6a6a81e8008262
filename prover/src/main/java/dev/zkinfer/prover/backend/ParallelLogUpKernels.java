package dev.zkinfer.prover.backend;

import dev.zkinfer.prover.concurrent.Cancellation;
import static dev.zkinfer.prover.backend.ParallelSumcheckKernels.forChunks;
import static dev.zkinfer.prover.backend.ParallelSumcheckKernels.sumChunks;

/** {@link LogUpKernels} in the prover's fork-join pool, in chunks as {@link ParallelSumcheckKernels}. */
final class ParallelLogUpKernels implements LogUpKernels {
    @Override
    public void parents(long[] p, long[] q, boolean baseNumerators, int count, long[] upP, long[] upQ) {
        forChunks(count, (from, to) -> LogUpArithmetic.parents(p, q, baseNumerators, upP, upQ, from, to));
    }

    @Override
    public void eqExpand(long[] prev, long[] r, int count, long[] out) {
        forChunks(count, (from, to) -> LogUpArithmetic.eqExpand(prev, r, out, from, to));
    }

    @Override
    public long[] layerSums(long[] ps, long[] q, long[] lambda, long[] eq, int pairs) {
        return sumChunks(pairs, (from, to) -> LogUpArithmetic.sums(ps, q, lambda, eq, from, to));
    }

    @Override
    public void layerFold(long[] ps, long[] q, long[] lambda, long[] r, int pairs, long[] psOut, long[] qOut) {
        forChunks(pairs, (from, to) -> LogUpArithmetic.fold(ps, q, lambda, r, psOut, qOut, from, to));
    }
}
