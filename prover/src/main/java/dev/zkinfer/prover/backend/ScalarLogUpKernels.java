package dev.zkinfer.prover.backend;

/** Single-threaded reference of {@link LogUpKernels}. */
final class ScalarLogUpKernels implements LogUpKernels {
    @Override
    public void parents(long[] p, long[] q, boolean baseNumerators, int count, long[] upP, long[] upQ) {
        LogUpArithmetic.parents(p, q, baseNumerators, upP, upQ, 0, count);
    }

    @Override
    public void eqExpand(long[] prev, long[] r, int count, long[] out) {
        LogUpArithmetic.eqExpand(prev, r, out, 0, count);
    }

    @Override
    public long[] layerSums(long[] ps, long[] q, long[] lambda, long[] eq, int pairs) {
        return LogUpArithmetic.sums(ps, q, lambda, eq, 0, pairs);
    }

    @Override
    public void layerFold(long[] ps, long[] q, long[] lambda, long[] r, int pairs, long[] psOut, long[] qOut) {
        LogUpArithmetic.fold(ps, q, lambda, r, psOut, qOut, 0, pairs);
    }
}
