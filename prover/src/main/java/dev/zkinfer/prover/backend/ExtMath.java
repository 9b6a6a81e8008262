package dev.zkinfer.prover.backend;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.concurrent.Cancellation;
import java.util.stream.IntStream;

/** Allocation-free GF(p^3) arithmetic for hot loops (same algebra as {@link Ext3}). */
public final class ExtMath {
    private ExtMath() {}

    /**
     * out(row) = Σ_col w(col)·m[row·cols + col] for a rows × cols base-field matrix m (row-major) and
     * cols extension weights w, both and the result in array form (3 longs an extension value); rows in
     * parallel blocks. Zero entries of m are skipped (a one-hot matrix costs its ones).
     */
    public static long[] rowSums(long[] m, long[] w, int rows, int cols) {
        long[] out = new long[3 * rows];
        int tasks = Math.max(1, Math.min(rows >>> 6, 1024)), per = (rows + tasks - 1) / tasks;
        Cancellation cancel = Cancellation.current();
        IntStream.range(0, tasks).parallel().forEach(task -> {
            cancel.check();
            for (int row = task * per, end = Math.min(rows, row + per); row < end; row++) {
                dotInto(m, row * cols, 1, cols, w, out, 3 * row);
            }
        });
        return out;
    }

    /**
     * out[o..o+3) = Σ_j w(j)·m[at + j·stride] for j &lt; count: base-field entries of m at a stride
     * against extension weights w (array form); zero entries are skipped.
     */
    public static void dotInto(long[] m, int at, int stride, int count, long[] w, long[] out, int o) {
        long a0 = 0, a1 = 0, a2 = 0;
        for (int j = 0; j < count; j++, at += stride) {
            long v = m[at];
            if (v != 0) {
                a0 = Goldilocks.add(a0, Goldilocks.mul(w[3 * j], v));
                a1 = Goldilocks.add(a1, Goldilocks.mul(w[3 * j + 1], v));
                a2 = Goldilocks.add(a2, Goldilocks.mul(w[3 * j + 2], v));
            }
        }
        out[o] = a0;
        out[o + 1] = a1;
        out[o + 2] = a2;
    }

    /** x ← x · (b0 + b1·t + b2·t²), with t³ = 2. */
    static void mulInPlace(long[] x, long b0, long b1, long b2) {
        long a0 = x[0], a1 = x[1], a2 = x[2];
        long s = Goldilocks.add(Goldilocks.mul(a1, b2), Goldilocks.mul(a2, b1));
        x[0] = Goldilocks.add(Goldilocks.mul(a0, b0), Goldilocks.add(s, s));
        long a2b2 = Goldilocks.mul(a2, b2);
        x[1] = Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, b1), Goldilocks.mul(a1, b0)), Goldilocks.add(a2b2, a2b2));
        x[2] = Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, b2), Goldilocks.mul(a1, b1)), Goldilocks.mul(a2, b0));
    }
}
