package dev.zkinfer.prover.backend;

import dev.zkinfer.field.Ext3;

/** Single-threaded reference. */
final class ScalarSumcheckKernels implements SumcheckKernels {
    @Override
    public long[] roundSums(long[][] tables, boolean[] isBase, int[][] terms, int half, int degree) {
        return RoundSums.range(tables, isBase, terms, 0, half, degree);
    }

    @Override
    public long[] foldBase(long[] values, int half, Ext3 r) {
        long[] out = new long[3 * half];
        RoundSums.foldBase(values, out, 0, half, r.c0, r.c1, r.c2);
        return out;
    }

    @Override
    public void fold(long[] table, int half, Ext3 r) {
        RoundSums.fold(table, table, 0, half, r.c0, r.c1, r.c2);
    }
}
