package dev.zkinfer.prover.pcs;

import dev.zkinfer.prover.concurrent.Cancellation;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.backend.CommitKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    /** Blocks of fewer variables are added into the table on the calling thread. */
    private static final int PARALLEL_ADD_VARS = 16;
    /** Blocks of fewer variables take the Java eq tables in {@link #addBatch} even with kernels (a call costs more than they do). */
    static final int KERNEL_VARS = 6;

    private WeightTables() {}

    /**
     * Adds Σ_j scale·γ^j eq(points_j, ·) to the array-form table w of 2^n entries and returns
     * scale·γ^count (the next coefficient).
     */
    public static Ext3 addBatch(long[] w, List<Ext3[]> points, Ext3 gamma, Ext3 scale, int n) {
        return addBatch(null, w, points, gamma, scale, n);
    }

    /**
     * As {@link #addBatch(long[], List, Ext3, Ext3, int)}, with the large blocks' eq tables made
     * by {@code kernels} (its {@link CommitKernels#addScaledEqBatch}: native code where present,
     * several times faster than the Java loop): the claims on one block are batched into a
     * block-sized table, which is then added into w. Blocks of fewer than {@value #KERNEL_VARS}
     * variables, and every block when {@code kernels} is null, take the Java path. The values do
     * not depend on the path.
     */
    public static Ext3 addBatch(CommitKernels kernels, long[] w, List<Ext3[]> points, Ext3 gamma, Ext3 scale, int n) {
        if (kernels == null) {
            return addBatchJava(w, points, gamma, scale, n);
        }
        Ext3[] coefs = new Ext3[points.size()];
        Ext3 g = scale;
        for (int j = 0; j < points.size(); j++) {
            coefs[j] = g;
            g = g.mul(gamma);
        }
        addScaledBatch(kernels, w, points, coefs, n);
        return g;
    }

    /** w += Σ_j coefs[j]·eq(points_j, ·) on the kernels' path of {@link #addBatch(CommitKernels, long[], List, Ext3, Ext3, int)}. */
    static void addScaledBatch(CommitKernels kernels, long[] w, List<Ext3[]> points, Ext3[] coefs, int n) {
        // claims grouped by the block their boolean top coordinates select, in first-seen order
        Map<Long, List<Integer>> groups = new LinkedHashMap<>();
        int[] vars = new int[points.size()];
        for (int j = 0; j < points.size(); j++) {
            Ext3[] z = points.get(j);
            if (z.length != n) {
                throw new IllegalArgumentException("point has " + z.length + " coordinates, expected " + n);
            }
            int m = freeVars(z);
            vars[j] = m;
            groups.computeIfAbsent(((long) m << 32) | blockOf(z, m), k -> new ArrayList<>()).add(j);
        }
        for (Map.Entry<Long, List<Integer>> e : groups.entrySet()) {
            List<Integer> js = e.getValue();
            int m = vars[js.get(0)];
            int off = 3 * ((int) (long) e.getKey() << m);
            if (m < KERNEL_VARS) {
                long[] buf = new long[3 << m];
                for (int j : js) {
                    addInto(w, off, Mle.eqTableInto(Arrays.copyOf(points.get(j), m), coefs[j], buf), 0, 3 << m);
                }
                continue;
            }
            long[][] pts = new long[js.size()][];
            long[][] cs = new long[js.size()][];
            for (int q = 0; q < pts.length; q++) {
                int j = js.get(q);
                pts[q] = new long[3 * m];
                for (int i = 0; i < m; i++) {
                    Ext3.set(pts[q], i, points.get(j)[i]);
                }
                cs[q] = new long[] {coefs[j].c0, coefs[j].c1, coefs[j].c2};
            }
            if (m < PARALLEL_VARS) {
                // a small block: one batched table on the host (the kernels' batch beats a Java eq
                // table per claim, most of all in a short run that the JIT has not reached)
                long[] block = new long[3 << m];
                kernels.addScaledEqBatch(block, pts, cs);
                addInto(w, off, block, 0, 3 << m);
                continue;
            }
            if ((3L << m) == w.length) {
                // the block is the whole table (claims at points with no boolean coordinate): add
                // into w itself, since a second table of 3·2^n longs (6 GiB at 2^28) may not fit
                kernels.addScaledEqBatch(w, pts, cs);
                continue;
            }
            long[] block = kernels.zeros(3 << m);
            kernels.addScaledEqBatch(block, pts, cs);
            long[] host = kernels.toHost(block, 3 << m);
            if (m < PARALLEL_ADD_VARS) {
                // 2^13-2^15 entries: one pass on this thread costs less than handing out chunks
                addInto(w, off, host, 0, 3 << m);
                continue;
            }
            int chunks = 1 << 6, len = (3 << m) / chunks;
            Cancellation cancel = Cancellation.current();
            IntStream.range(0, chunks).parallel().forEach(ch -> {
                cancel.check();
                addInto(w, off + ch * len, host, ch * len, len);
            });
        }
    }

    /**
     * Adds Σ_i scale·γ^i·weight_i over the weighted claims (claim i on its block) to the array-form
     * table w of 2^n entries and returns scale·γ^count, as {@link #addWeighted} claim by claim would:
     * the eq terms of all zero-knowledge witness claims ({@link dev.zkinfer.circuit.WitnessForm.Sum})
     * are added as one batch ({@code kernels}' batched eq tables, one per block that several terms
     * share), instead of a batch of one per term; the other weights as {@link #addWeighted} adds them.
     * The values do not depend on the grouping (sums in the field).
     */
    public static Ext3 addWeightedClaims(CommitKernels kernels, long[] w, List<dev.zkinfer.pcs.WeightedClaim> claims, Ext3 gamma,
            Ext3 scale, int n) {
        List<Ext3[]> eqPoints = new ArrayList<>();
        List<Ext3> eqCoefs = new ArrayList<>();
        Ext3 g = scale;
        for (dev.zkinfer.pcs.WeightedClaim wc : claims) {
            if (kernels != null && wc.weight() instanceof dev.zkinfer.circuit.WitnessForm.Sum sum && sum.numVars() == n) {
                long start = wc.block() << sum.numVars();
                for (dev.zkinfer.circuit.WitnessForm.Term t : sum.terms()) {
                    long at = start + t.offset();
                    if (t.weight() instanceof dev.zkinfer.circuit.WitnessForm.EqWeight eq) {
                        eqPoints.add(lift(eq.point(), at, n));
                        eqCoefs.add(g.mul(eq.scale()));
                    } else {
                        addWeighted(kernels, w, t.weight(), at >>> t.weight().numVars(), g);
                    }
                }
            } else {
                addWeighted(kernels, w, wc.weight(), wc.block(), g);
            }
            g = g.mul(gamma);
        }
        if (!eqPoints.isEmpty()) {
            addScaledBatch(kernels, w, eqPoints, eqCoefs.toArray(new Ext3[0]), n);
        }
        return g;
    }

    /** eq(point, ·) on the block starting at {@code at}: the point with the block's index bits as its top coordinates, n in all. */
    private static Ext3[] lift(Ext3[] point, long at, int n) {
        Ext3[] lifted = Arrays.copyOf(point, n);
        for (int i = point.length; i < n; i++) {
            lifted[i] = ((at >>> i) & 1) == 1 ? Ext3.ONE : Ext3.ZERO;
        }
        return lifted;
    }

    /**
     * Adds scale·weight(b − block·2^k) to the array-form table w on the weighted claim's block of
     * 2^k entries starting at block·2^k ({@link dev.zkinfer.pcs.WeightedClaim}).
     */
    public static void addWeighted(long[] w, dev.zkinfer.pcs.BlockWeight weight, long block, Ext3 scale) {
        addWeighted(null, w, weight, block, scale);
    }

    /**
     * As above; a zero-knowledge witness claim's sum of terms ({@link dev.zkinfer.circuit.WitnessForm.Sum})
     * adds its eq terms as scaled eq tables built in place ({@code kernels} for large blocks, as
     * {@link #addBatch} does), instead of a table per term multiplied entry by entry.
     */
    public static void addWeighted(CommitKernels kernels, long[] w, dev.zkinfer.pcs.BlockWeight weight, long block, Ext3 scale) {
        if (weight instanceof dev.zkinfer.circuit.WitnessForm.Sum sum) {
            long start = block << weight.numVars();
            for (dev.zkinfer.circuit.WitnessForm.Term t : sum.terms()) {
                int k = t.weight().numVars();
                long at = start + t.offset();
                if (t.weight() instanceof dev.zkinfer.circuit.WitnessForm.EqWeight eq) {
                    // eq(point, ·) on the block: the point lifted with the block's index as its top coordinates
                    int n = 64 - Long.numberOfLeadingZeros(w.length / 3 - 1);
                    addBatch(kernels, w, List.<Ext3[]>of(lift(eq.point(), at, n)), Ext3.ONE, scale.mul(eq.scale()), n);
                } else {
                    addWeighted(kernels, w, t.weight(), at >>> k, scale);
                }
            }
            return;
        }
        int k = weight.numVars();
        if (weight instanceof dev.zkinfer.pcs.SparseBlockWeight sparse) {
            sparse.addScaled(w, block << k, scale);
            return;
        }
        long[] table = weight.table();
        int off = 3 * (int) (block << k);
        long[] sc = {scale.c0, scale.c1, scale.c2};
        if (k < PARALLEL_VARS) {
            addScaledTable(w, off, table, 0, 1 << k, sc);
            return;
        }
        // a large block (a hiding opening's mask-symbol weights, 2^(n−k_0) entries): in parallel over chunks
        int chunks = 1 << 4, len = (1 << k) / chunks;
        Cancellation cancel = Cancellation.current();
        IntStream.range(0, chunks).parallel().forEach(ch -> {
            cancel.check();
            addScaledTable(w, off, table, ch * len, len, sc);
        });
    }

    /** w[off + 3b ..] += sc·table[b] for b in [from, from + len) (array form). */
    private static void addScaledTable(long[] w, int off, long[] table, int from, int len, long[] sc) {
        long[] prod = new long[3];
        for (int b = from; b < from + len; b++) {
            Ext3.mulInto(table, b, sc, 0, prod, 0);
            int o = off + 3 * b;
            w[o] = Goldilocks.add(w[o], prod[0]);
            w[o + 1] = Goldilocks.add(w[o + 1], prod[1]);
            w[o + 2] = Goldilocks.add(w[o + 2], prod[2]);
        }
    }

    /** The number of low coordinates before the run of top coordinates that are exactly 0 or 1. */
    private static int freeVars(Ext3[] z) {
        int m = z.length;
        while (m > 0 && (z[m - 1].equals(Ext3.ZERO) || z[m - 1].equals(Ext3.ONE))) {
            m--;
        }
        return m;
    }

    /** The block selected by the top coordinates z[m..]. */
    private static int blockOf(Ext3[] z, int m) {
        int block = 0;
        for (int k = z.length - 1; k >= m; k--) {
            block = (block << 1) | (z[k].equals(Ext3.ONE) ? 1 : 0);
        }
        return block;
    }

    private static Ext3 addBatchJava(long[] w, List<Ext3[]> points, Ext3 gamma, Ext3 scale, int n) {
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
        writeScaledEq(r, scale, out, 0, false);
        return out;
    }

    /** w[off + 3b ..] += scale·eq(r, b) for all b, as {@link #scaledEq} computes it (r of at least PARALLEL_VARS coordinates). */
    private static void addScaledEq(Ext3[] r, Ext3 scale, long[] w, int off) {
        writeScaledEq(r, scale, w, off, true);
    }

    /**
     * scale·eq(r, b) for all b at out[off + 3b ..], set or added ({@code add}): eq over r's low half
     * times eq over its high half, in parallel over the high half.
     */
    private static void writeScaledEq(Ext3[] r, Ext3 scale, long[] out, int off, boolean add) {
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
                long v0 = Goldilocks.add(Goldilocks.mul(a0, h0), dbl(Goldilocks.add(Goldilocks.mul(a1, h2), Goldilocks.mul(a2, h1))));
                long v1 = Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, h1), Goldilocks.mul(a1, h0)), dbl(Goldilocks.mul(a2, h2)));
                long v2 = Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, h2), Goldilocks.mul(a1, h1)), Goldilocks.mul(a2, h0));
                out[o] = add ? Goldilocks.add(out[o], v0) : v0;
                out[o + 1] = add ? Goldilocks.add(out[o + 1], v1) : v1;
                out[o + 2] = add ? Goldilocks.add(out[o + 2], v2) : v2;
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
