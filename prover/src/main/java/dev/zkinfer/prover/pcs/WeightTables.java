package dev.zkinfer.prover.pcs;

import dev.zkinfer.prover.concurrent.Cancellation;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Weight tables Σ_j γ^j eq(z_j, ·) of batched evaluation claims, for sumchecks that reduce many
 * claims on one polynomial (claim merging, WHIR's initial constraint). A point whose top
 * coordinates are exactly 0 or 1 (a claim on one tensor lifted into a committed layout) only
 * touches the aligned block those coordinates select, so the cost is the sum of the claims'
 * block sizes rather than the number of claims times the table size.
 *
 * <p>Static functions: thread-safe; each call writes only its own output arrays.
 */
public final class WeightTables {
    private static final int PARALLEL_VARS = 13;

    private WeightTables() {}

    /**
     * Adds Σ_j scale·γ^j eq(points_j, ·) to the array-form table w of 2^n entries and returns
     * scale·γ^count (the next coefficient).
     */
    public static Ext3 addBatch(long[] w, List<Ext3[]> points, Ext3 gamma, Ext3 scale, int n) {
        long[] buf = null;
        Ext3 g = scale;
        for (Ext3[] z : points) {
            if (z.length != n) {
                throw new IllegalArgumentException("point has " + z.length + " coordinates, expected " + n);
            }
            int m = n;
            while (m > 0 && (z[m - 1].equals(Ext3.ZERO) || z[m - 1].equals(Ext3.ONE))) {
                m--;
            }
            int block = 0;
            for (int k = n - 1; k >= m; k--) {
                block = (block << 1) | (z[k].equals(Ext3.ONE) ? 1 : 0);
            }
            int size = 1 << m;
            int off = 3 * (block << m);
            if (m >= PARALLEL_VARS) {
                // large blocks: the eq table is added into w as it is computed (no second pass)
                addScaledEq(Arrays.copyOf(z, m), g, w, off);
            } else {
                if (buf == null || buf.length < 3 * size) {
                    buf = new long[3 * size];
                }
                addInto(w, off, Mle.eqTableInto(Arrays.copyOf(z, m), g, buf), 0, 3 * size);
            }
            g = g.mul(gamma);
        }
        return g;
    }

    /**
     * scale·eq(r, b) for all b into out[0, 3·2^n): small tables sequentially, large ones as the
     * product of the tables of the low and high halves of r, in parallel over the high half.
     */
    public static long[] scaledEq(Ext3[] r, Ext3 scale, long[] out) {
        int n = r.length;
        if (n < PARALLEL_VARS) {
            return Mle.eqTableInto(r, scale, out);
        }
        int lowVars = n / 2;
        long[] lo = Mle.eqTableInto(Arrays.copyOfRange(r, 0, lowVars), scale, new long[3 << lowVars]);
        long[] hi = Mle.eqTable(Arrays.copyOfRange(r, lowVars, n));
        int loSize = 1 << lowVars;
        Cancellation cancel = Cancellation.current();
        IntStream.range(0, 1 << (n - lowVars)).parallel().forEach(h -> {
            cancel.check();
            long h0 = hi[3 * h], h1 = hi[3 * h + 1], h2 = hi[3 * h + 2];
            int base = 3 * (h << lowVars);
            for (int l = 0; l < loSize; l++) {
                int a = 3 * l, o = base + a;
                long a0 = lo[a], a1 = lo[a + 1], a2 = lo[a + 2];
                out[o] = Goldilocks.add(Goldilocks.mul(a0, h0), dbl(Goldilocks.add(Goldilocks.mul(a1, h2), Goldilocks.mul(a2, h1))));
                out[o + 1] = Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, h1), Goldilocks.mul(a1, h0)), dbl(Goldilocks.mul(a2, h2)));
                out[o + 2] = Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, h2), Goldilocks.mul(a1, h1)), Goldilocks.mul(a2, h0));
            }
        });
        return out;
    }

    /** w[off + 3b ..] += scale·eq(r, b) for all b, as {@link #scaledEq} computes it (r of at least PARALLEL_VARS coordinates). */
    private static void addScaledEq(Ext3[] r, Ext3 scale, long[] w, int off) {
        int n = r.length;
        int lowVars = n / 2;
        long[] lo = Mle.eqTableInto(Arrays.copyOfRange(r, 0, lowVars), scale, new long[3 << lowVars]);
        long[] hi = Mle.eqTable(Arrays.copyOfRange(r, lowVars, n));
        int loSize = 1 << lowVars;
        Cancellation cancel = Cancellation.current();
        IntStream.range(0, 1 << (n - lowVars)).parallel().forEach(h -> {
            cancel.check();
            long h0 = hi[3 * h], h1 = hi[3 * h + 1], h2 = hi[3 * h + 2];
            int base = off + 3 * (h << lowVars);
            for (int l = 0; l < loSize; l++) {
                int a = 3 * l, o = base + a;
                long a0 = lo[a], a1 = lo[a + 1], a2 = lo[a + 2];
                w[o] = Goldilocks.add(w[o],
                        Goldilocks.add(Goldilocks.mul(a0, h0), dbl(Goldilocks.add(Goldilocks.mul(a1, h2), Goldilocks.mul(a2, h1)))));
                w[o + 1] = Goldilocks.add(w[o + 1],
                        Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, h1), Goldilocks.mul(a1, h0)), dbl(Goldilocks.mul(a2, h2))));
                w[o + 2] = Goldilocks.add(w[o + 2],
                        Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, h2), Goldilocks.mul(a1, h1)), Goldilocks.mul(a2, h0)));
            }
        });
    }

    private static void addInto(long[] acc, int accOff, long[] v, int vOff, int len) {
        for (int i = 0; i < len; i++) {
            acc[accOff + i] = Goldilocks.add(acc[accOff + i], v[vOff + i]);
        }
    }

    private static long dbl(long a) {
        return Goldilocks.add(a, a);
    }
}
