package dev.zkinfer.prover.backend;

import dev.zkinfer.prover.concurrent.Cancellation;
import dev.zkinfer.field.Ext3;

/**
 * Sumcheck kernels in C ({@code sumcheck.c}): folds of base and extension tables, the round
 * sums of the common Σ f·g (two tables, both base or both extension), fused with the fold as
 * in {@link FusedSumcheck}, and the round sums of any other sum of products within
 * {@link NativeKernels#MAX_TABLES} tables, {@link NativeKernels#MAX_TERMS} terms and degree
 * {@link NativeKernels#MAX_DEGREE} (zk_round_sums); beyond those bounds the round sums come from
 * the Java kernels. Small tables stay in Java: folds below the backend's threshold
 * ({@link NativeCommitKernels#MIN_NATIVE} pairs by default), round sums (alone, fused with a
 * fold, or an eq-product pass) below a sixteenth of it ({@link #ROUND_SUMS_SHIFT}), since they do
 * several times a fold's work per pair and a native call pays for itself from fewer pairs.
 */
final class NativeSumcheckKernels implements SumcheckKernels {
    private final SumcheckKernels java;
    /**
     * Round sums go native from minNative / 2^this pairs. Measured (JDK 25 C2, one thread, the
     * Java kernels of {@link ParallelSumcheckKernels}): the general kernel over 9 tables, 5 terms,
     * degree 5 (a zero-knowledge max-pool's derived sumcheck) at 256 / 64 / 16 pairs 280 / 35 / 8.8 µs
     * in Java, 100 / 24 / 6.7 µs native; Σ f·g at 256 / 64 pairs 12.7 / 3.3 µs against 7.5 / 2.1 µs;
     * at 4 pairs Java is ahead; an eq-product pass (fold and sums) over 256 / 64 / 32 pairs
     * 14–18 / 3.7–5.5 / 2.0–3.0 µs in Java ({@link EqProductPass}), 9–10 / 2.7–3.4 / 1.6–2.0 µs native.
     * The values are the same either way.
     */
    static final int ROUND_SUMS_SHIFT = 4;
    private final int minNative;
    private final int minSums;

    /** minNative: tables with fewer pairs go to {@code java} (0 in tests: everything native). */
    NativeSumcheckKernels(SumcheckKernels java, int minNative) {
        this.java = java;
        this.minNative = minNative;
        this.minSums = minNative >>> ROUND_SUMS_SHIFT;
    }

    private boolean small(int half) {
        return half < minNative;
    }

    /** Whether round sums over {@code half} pairs stay in Java. */
    private boolean smallSums(int half) {
        return half < minSums;
    }

    /** The two factors of Σ f·g when the native kernel computes it (both base or both extension), else null. */
    private static int[] productOfTwo(boolean[] isBase, int[][] terms, int degree) {
        if (degree != 2 || terms.length != 1 || terms[0].length != 2) {
            return null;
        }
        int f = terms[0][0], g = terms[0][1];
        boolean fb = isBase != null && isBase[f], gb = isBase != null && isBase[g];
        return fb == gb ? terms[0] : null;
    }

    private static long[] ext(Ext3 r) {
        return new long[] {r.c0, r.c1, r.c2};
    }

    @Override
    public long[] roundSums(long[][] tables, boolean[] isBase, int[][] terms, int half, int degree) {
        Cancellation.checkpoint();
        if (smallSums(half)) {
            return java.roundSums(tables, isBase, terms, half, degree);
        }
        int[] fg = productOfTwo(isBase, terms, degree);
        if (fg == null) {
            // a base table times an extension table: the Java kernel's base-by-extension products
            // (FusedSumcheck.baseExtProductSums) beat the C general kernel, which lifts the base
            // table: 2^12 pairs 51 against 141 µs (JDK 25 C2, one thread)
            return ParallelSumcheckKernels.baseTimesExtension(tables, isBase, terms, degree) != null ? java.roundSums(tables, isBase, terms, half, degree)
                    : generalRoundSums(tables, isBase, terms, half, degree);
        }
        boolean base = isBase != null && isBase[fg[0]];
        long[] out = new long[6];
        NativeKernels.zk_product_sums(tables[fg[0]], tables[fg[1]], base ? 1 : 0, half, out);
        return out;
    }

    @Override
    public long[] eqProductPass(long[] src, boolean base, long[] r, long[] dst, long[] lo, long[] hi) {
        Cancellation.checkpoint();
        long pairs = (long) (lo.length / 3) * (hi.length / 3);
        if (smallSums((int) Math.min(pairs, Integer.MAX_VALUE))) {
            return java.eqProductPass(src, base, r, dst, lo, hi);
        }
        long need = r == null ? 2 * pairs : 4 * pairs;
        if ((base ? 1 : 3) * need > src.length || r != null && (r.length != 3 || dst.length < 6 * pairs)) {
            throw new IllegalArgumentException("eq-product pass over " + pairs + " pairs: tables too short");
        }
        long[] out = new long[6];
        NativeKernels.zk_eq_product_pass(src, base ? 1 : 0, r == null ? new long[3] : r, r == null ? 0 : 1, r == null ? new long[0] : dst, lo,
                lo.length / 3, hi, hi.length / 3, out);
        return out;
    }

    /** Any sum of products (zk_round_sums), within the native kernel's bounds; else the Java kernels. */
    private long[] generalRoundSums(long[][] tables, boolean[] isBase, int[][] terms, int half, int degree) {
        if (tables.length > NativeKernels.MAX_TABLES || terms.length > NativeKernels.MAX_TERMS || degree < 1
                || degree > NativeKernels.MAX_DEGREE) {
            return java.roundSums(tables, isBase, terms, half, degree);
        }
        int baseMask = 0;
        for (int f = 0; f < tables.length; f++) {
            if (isBase != null && isBase[f]) {
                baseMask |= 1 << f;
            }
        }
        for (int[] term : terms) {
            if (term.length == 0) {
                return java.roundSums(tables, isBase, terms, half, degree);
            }
        }
        RoundSums.FlatTerms flat = RoundSums.FlatTerms.of(terms);
        long[] out = new long[3 * terms.length * degree];
        NativeKernels.zk_round_sums(tables, baseMask, flat.factors(), flat.offsets(), terms.length, half, degree, out);
        return out;
    }

    @Override
    public long[] foldBase(long[] values, int half, Ext3 r) {
        Cancellation.checkpoint();
        if (small(half)) {
            return java.foldBase(values, half, r);
        }
        long[] out = new long[3 * half];
        NativeKernels.zk_fold_base(values, half, ext(r), out);
        return out;
    }

    @Override
    public void fold(long[] table, int half, Ext3 r) {
        Cancellation.checkpoint();
        if (small(half)) {
            java.fold(table, half, r);
            return;
        }
        NativeKernels.zk_fold_ext_in_place(table, half, ext(r));
    }

    @Override
    public long[] foldAndRoundSums(long[][] tables, boolean[] isBase, int[][] terms, int half, int degree, Ext3 r) {
        Cancellation.checkpoint();
        if (smallSums(half)) {
            return java.foldAndRoundSums(tables, isBase, terms, half, degree, r);
        }
        int[] fg = productOfTwo(isBase, terms, degree);
        if (fg != null && tables.length == 2 && fg[0] != fg[1]) {
            int fi = fg[0], gi = fg[1];
            boolean base = isBase != null && isBase[fi];
            long[] fOut = new long[3 * half], gOut = new long[3 * half];
            long[] out = new long[6];
            NativeKernels.zk_fold_and_product_sums(tables[fi], tables[gi], base ? 1 : 0, half, ext(r), fOut, gOut, out);
            tables[fi] = fOut;
            tables[gi] = gOut;
            return out;
        }
        long[] rr = ext(r);
        for (int f = 0; f < tables.length; f++) {
            long[] out = new long[3 * half];
            if (isBase != null && isBase[f]) {
                NativeKernels.zk_fold_base(tables[f], half, rr, out);
            } else {
                NativeKernels.zk_fold_ext(tables[f], half, rr, out);
            }
            tables[f] = out;
        }
        return roundSums(tables, null, terms, half >>> 1, degree);
    }
}
