package dev.zkinfer.prover.backend;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import java.util.stream.IntStream;

/**
 * Multi-threaded kernels: the pair range is cut into chunks run on the common fork-join pool.
 * A fold writes entry j from entries 2j and 2j+1, so concurrent chunks would overwrite what
 * another chunk has yet to read; in parallel we fold into a scratch buffer and copy back.
 */
final class ParallelSumcheckKernels implements SumcheckKernels {
    /** Below this many pairs the threads cost more than they save. */
    private static final int MIN_PARALLEL = 1 << 12;
    private static final int CHUNKS = Math.max(1, Runtime.getRuntime().availableProcessors()) * 4;

    @Override
    public long[] roundSums(long[][] tables, boolean[] isBase, int[][] terms, int half, int degree) {
        if (half < MIN_PARALLEL) {
            return RoundSums.range(tables, isBase, terms, 0, half, degree);
        }
        int chunk = (half + CHUNKS - 1) / CHUNKS;
        return IntStream.range(0, CHUNKS).parallel()
                .mapToObj(c -> RoundSums.range(tables, isBase, terms, Math.min(half, c * chunk), Math.min(half, (c + 1) * chunk), degree))
                .reduce(ParallelSumcheckKernels::addArrays).orElseThrow();
    }

    private static long[] addArrays(long[] a, long[] b) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Goldilocks.add(a[i], b[i]);
        }
        return out;
    }

    @Override
    public long[] foldBase(long[] values, int half, Ext3 r) {
        long[] out = new long[3 * half];
        if (half < MIN_PARALLEL) {
            RoundSums.foldBase(values, out, 0, half, r.c0, r.c1, r.c2);
            return out;
        }
        int chunk = (half + CHUNKS - 1) / CHUNKS;
        IntStream.range(0, CHUNKS).parallel().forEach(c -> RoundSums.foldBase(values, out,
                Math.min(half, c * chunk), Math.min(half, (c + 1) * chunk), r.c0, r.c1, r.c2));
        return out;
    }

    @Override
    public void fold(long[] table, int half, Ext3 r) {
        if (half < MIN_PARALLEL) {
            RoundSums.fold(table, table, 0, half, r.c0, r.c1, r.c2);
            return;
        }
        long[] out = new long[3 * half];
        int chunk = (half + CHUNKS - 1) / CHUNKS;
        IntStream.range(0, CHUNKS).parallel().forEach(c -> {
            int from = Math.min(half, c * chunk), to = Math.min(half, (c + 1) * chunk);
            RoundSums.fold(table, out, from, to, r.c0, r.c1, r.c2);
        });
        System.arraycopy(out, 0, table, 0, out.length);
    }
}
