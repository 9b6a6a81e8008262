package dev.zkinfer.prover.backend;

import dev.zkinfer.prover.concurrent.Cancellation;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import java.util.stream.IntStream;

/**
 * Multi-threaded kernels: the pair range is cut into chunks run in the fork-join pool of the calling thread (the prover's pool).
 * A fold writes entry j from entries 2j and 2j+1, so concurrent chunks would overwrite what
 * another chunk has yet to read; in parallel we fold into a scratch buffer and copy back.
 *
 * <p>The prover's fold-then-next-round step ({@link #foldAndRoundSums}) folds into new
 * half-size arrays (no copy back) and, for the common Σ f·g, computes the next round's sums
 * in the same pass with delayed reduction ({@link FusedSumcheck}).
 */
final class ParallelSumcheckKernels implements SumcheckKernels {
    /** Below this many pairs the threads cost more than they save. */
    private static final int MIN_PARALLEL = 1 << 12;
    private static final int CORES_X4 = Math.max(1, Runtime.getRuntime().availableProcessors()) * 4;
    /** Chunks per parallel loop: 4 per core, and more for long loops so that each stays short (a cancelled proof finishes its running chunks); sums are exact, so the count changes no result. */
    private static int chunks(int n) {
        return Math.max(CORES_X4, Math.min(64 * CORES_X4, n >>> 14));
    }

    /** Runs body(from, to) over [0, n) in chunks in parallel (sequentially when small). */
    static void forChunks(int n, RangeBody body) {
        if (n < MIN_PARALLEL) {
            body.run(0, n);
            return;
        }
        int count = chunks(n);
        int chunk = (n + count - 1) / count;
        Cancellation cancel = Cancellation.current();
        IntStream.range(0, count).parallel().forEach(c -> {
            cancel.check();
            body.run(Math.min(n, c * chunk), Math.min(n, (c + 1) * chunk));
        });
    }

    /** Σ over chunks of body(from, to) (field vectors), in parallel when large. */
    static long[] sumChunks(int n, RangeSum body) {
        if (n < MIN_PARALLEL) {
            return body.run(0, n);
        }
        int count = chunks(n);
        int chunk = (n + count - 1) / count;
        long[][] parts = new long[count][];
        Cancellation cancel = Cancellation.current();
        IntStream.range(0, count).parallel().forEach(c -> {
            cancel.check();
            parts[c] = body.run(Math.min(n, c * chunk), Math.min(n, (c + 1) * chunk));
        });
        long[] acc = parts[0];
        for (int c = 1; c < count; c++) {
            acc = addArrays(acc, parts[c]);
        }
        return acc;
    }

    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    @FunctionalInterface
    interface RangeSum {
        long[] run(int from, int to);
    }

    /** The two distinct factors of a single-term degree-2 instance over exactly two tables, or null. */
    /** {base table, extension table} when the statement is Σ f·g of one base and one extension table, else null. */
    static int[] baseTimesExtension(long[][] tables, boolean[] isBase, int[][] terms, int degree) {
        if (isBase == null || productOfTwo(tables, terms, degree) == null) {
            return null;
        }
        int f = terms[0][0], g = terms[0][1];
        return isBase[f] == isBase[g] ? null : isBase[f] ? new int[] {f, g} : new int[] {g, f};
    }

    private static int[] productOfTwo(long[][] tables, int[][] terms, int degree) {
        if (degree != 2 || tables.length != 2 || terms.length != 1 || terms[0].length != 2 || terms[0][0] == terms[0][1]) {
            return null;
        }
        return terms[0];
    }

    @Override
    public long[] foldAndRoundSums(long[][] tables, boolean[] isBase, int[][] terms, int half, int degree, Ext3 r) {
        int next = half >>> 1;
        long r0 = r.c0, r1 = r.c1, r2 = r.c2;
        int[] fg = productOfTwo(tables, terms, degree);
        if (fg != null) {
            int fi = fg[0], gi = fg[1];
            long[] f = tables[fi], g = tables[gi];
            boolean fb = isBase != null && isBase[fi], gb = isBase != null && isBase[gi];
            long[] fOut = new long[3 * half], gOut = new long[3 * half];
            if (fb && gb) {
                long[] s = sumChunks(next, (from, to) -> FusedSumcheck.foldBaseAndSum(f, g, fOut, gOut, from, to, r0, r1, r2));
                tables[fi] = fOut;
                tables[gi] = gOut;
                return FusedSumcheck.combineBase(s, r0, r1, r2);
            }
            if (!fb && !gb) {
                long[] s = sumChunks(next, (from, to) -> FusedSumcheck.foldExtAndSum(f, g, fOut, gOut, from, to, r0, r1, r2));
                tables[fi] = fOut;
                tables[gi] = gOut;
                return s;
            }
        }
        for (int f = 0; f < tables.length; f++) {
            long[] t = tables[f];
            long[] out = new long[3 * half];
            if (isBase != null && isBase[f]) {
                forChunks(half, (from, to) -> RoundSums.foldBase(t, out, from, to, r0, r1, r2));
            } else {
                forChunks(half, (from, to) -> FusedSumcheck.foldExt(t, out, from, to, r0, r1, r2));
            }
            tables[f] = out;
        }
        return roundSums(tables, null, terms, next, degree);
    }

    @Override
    public long[] roundSums(long[][] tables, boolean[] isBase, int[][] terms, int half, int degree) {
        int[] mixed = baseTimesExtension(tables, isBase, terms, degree);
        if (mixed != null) {
            long[] f = tables[mixed[0]], g = tables[mixed[1]];
            return sumChunks(half, (from, to) -> FusedSumcheck.baseExtProductSums(f, g, from, to));
        }
        if (half < MIN_PARALLEL) {
            return RoundSums.range(tables, isBase, terms, 0, half, degree);
        }
        if (isBase != null && productOfTwo(tables, terms, degree) != null && isBase[terms[0][0]] && isBase[terms[0][1]]) {
            long[] f = tables[terms[0][0]], g = tables[terms[0][1]];
            return sumChunks(half, (from, to) -> FusedSumcheck.baseProductSums(f, g, from, to));
        }
        int count = chunks(half);
        int chunk = (half + count - 1) / count;
        Cancellation cancel = Cancellation.current();
        return IntStream.range(0, count).parallel()
                .peek(c -> cancel.check())
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
        int count = chunks(half);
        int chunk = (half + count - 1) / count;
        Cancellation cancel = Cancellation.current();
        IntStream.range(0, count).parallel().forEach(c -> {
            cancel.check();
            RoundSums.foldBase(values, out, Math.min(half, c * chunk), Math.min(half, (c + 1) * chunk), r.c0, r.c1, r.c2);
        });
        return out;
    }

    @Override
    public void fold(long[] table, int half, Ext3 r) {
        if (half < MIN_PARALLEL) {
            RoundSums.fold(table, table, 0, half, r.c0, r.c1, r.c2);
            return;
        }
        long[] out = new long[3 * half];
        long r0 = r.c0, r1 = r.c1, r2 = r.c2;
        forChunks(half, (from, to) -> FusedSumcheck.foldExt(table, out, from, to, r0, r1, r2));
        System.arraycopy(out, 0, table, 0, out.length);
    }
}
