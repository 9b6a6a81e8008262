package dev.zkinfer.prover.backend;

import dev.zkinfer.prover.concurrent.Cancellation;

/**
 * {@link LogUpKernels} in C ({@code logup.c}): parents, round sums, and the fold fused with the
 * next round's sums. Small inputs (below a sixteenth of minNative elements) and the plain fold
 * (the last round, one pair) stay in Java.
 */
final class NativeLogUpKernels implements LogUpKernels {
    private final LogUpKernels java;
    private final int minNative;

    /** minNative: inputs with fewer than minNative / 16 elements go to {@code java} (0 in tests: everything native). */
    NativeLogUpKernels(LogUpKernels java, int minNative) {
        this.java = java;
        // a sixteenth of the threshold, as the round sums (NativeSumcheckKernels.ROUND_SUMS_SHIFT):
        // the C kernels run inline below the pool's grain, and their extension arithmetic beats the
        // Java loops from a few pairs on (the many small rounds of a LogUp-GKR tree's upper layers
        // and of the zero-knowledge tree's two halves)
        this.minNative = minNative >>> NativeSumcheckKernels.ROUND_SUMS_SHIFT;
    }

    @Override
    public void parents(long[] p, long[] q, boolean baseNumerators, int count, long[] upP, long[] upQ) {
        Cancellation.checkpoint();
        if (count < minNative) {
            java.parents(p, q, baseNumerators, count, upP, upQ);
            return;
        }
        NativeKernels.zk_logup_parents(p, q, baseNumerators ? 1 : 0, count, upP, upQ);
    }

    @Override
    public void eqExpand(long[] prev, long[] r, int count, long[] out) {
        Cancellation.checkpoint();
        if (count < minNative) {
            java.eqExpand(prev, r, count, out);
            return;
        }
        NativeKernels.zk_logup_eq_expand(prev, r, count, out);
    }

    @Override
    public long[] layerSums(long[] ps, long[] q, long[] lambda, long[] eq, int pairs) {
        Cancellation.checkpoint();
        if (pairs < minNative) {
            return java.layerSums(ps, q, lambda, eq, pairs);
        }
        long[] out = new long[6];
        NativeKernels.zk_logup_sums(ps, q, lambda, eq, pairs, out);
        return out;
    }

    @Override
    public void layerFold(long[] ps, long[] q, long[] lambda, long[] r, int pairs, long[] psOut, long[] qOut) {
        Cancellation.checkpoint();
        java.layerFold(ps, q, lambda, r, pairs, psOut, qOut);
    }

    @Override
    public long[] layerFoldAndSums(long[] ps, long[] q, long[] lambda, long[] r, int pairs, long[] eqNext,
            long[] psOut, long[] qOut) {
        if (pairs < minNative) {
            return java.layerFoldAndSums(ps, q, lambda, r, pairs, eqNext, psOut, qOut);
        }
        long[] out = new long[6];
        NativeKernels.zk_logup_fold_and_sums(ps, q, lambda, r, pairs, eqNext, psOut, qOut, out);
        return out;
    }
}
