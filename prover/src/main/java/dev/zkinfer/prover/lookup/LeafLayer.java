package dev.zkinfer.prover.lookup;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.lookup.SegmentLayout;
import dev.zkinfer.prover.backend.LogUpKernels;
import dev.zkinfer.prover.concurrent.Cancellation;
import java.util.Arrays;
import java.util.List;

/**
 * The leaf layer of the fraction-sum tree, never held whole: it writes any range of its leaves
 * when asked, from the segments: (1, α − γ·id − w) for a looked-up value w, (−m, α − γ·id − t)
 * for a table row t with multiplicity m, padding (0, 1) elsewhere. A held leaf layer takes 48
 * bytes a leaf (p and q in array-form GF(p^3)), half of the whole tree's 96; the layer above it
 * ({@link #parent}) and the first round of the last layer sumcheck ({@link LayerSumcheck}) read
 * it {@link #chunk} leaves at a time. The values are those of a held layer: the same proof bytes.
 */
final class LeafLayer {
    /** Leaves written at a time by default (a multiple of 4: whole pairs of the layer sumcheck). */
    static final int CHUNK = 1 << 16;

    final int logSize;
    /** Leaves written at a time: a positive multiple of 4. */
    final int chunk;
    /** Leaves [0, live) may differ from the padding (0, 1). */
    final int live;
    private final List<? extends LogUpSegment> segments;
    private final SegmentLayout layout;
    private final Ext3 alpha;
    private final Ext3 gamma;

    LeafLayer(List<? extends LogUpSegment> segments, SegmentLayout layout, int logSize, int live, Ext3 alpha, Ext3 gamma,
            int chunk) {
        if (chunk <= 0 || chunk % 4 != 0) {
            throw new IllegalArgumentException("a leaf chunk is a positive multiple of 4 leaves, not " + chunk);
        }
        this.chunk = chunk;
        this.segments = segments;
        this.layout = layout;
        this.logSize = logSize;
        this.live = live;
        this.alpha = alpha;
        this.gamma = gamma;
    }

    /**
     * Leaves [start, start + count) into p and q from index 0 (array form, 3·count longs each):
     * the segments' leaves where they lie, padding (0, 1) elsewhere.
     */
    void write(long start, int count, long[] p, long[] q) {
        Arrays.fill(p, 0, 3 * count, 0);
        Arrays.fill(q, 0, 3 * count, 0);
        for (int x = 0; x < count; x++) {
            q[3 * x] = 1;
        }
        long end = start + count;
        for (int s = 0; s < segments.size(); s++) {
            LogUpSegment seg = segments.get(s);
            long from = layout.offset(s);
            int size = seg.shape().size();
            long lo = Math.max(from, start), hi = Math.min(from + size, end);
            if (lo >= hi) {
                continue;
            }
            Ext3 shift = LogUpGkrProver.shift(seg, alpha, gamma);
            long[] values = LogUpGkrProver.values(seg);
            boolean ext = LogUpGkrProver.extension(seg);
            long[] m = seg instanceof TableSegment t ? t.multiplicities() : null;
            for (long i = lo; i < hi; i++) {
                int v = (int) (i - from);
                int o = 3 * (int) (i - start);
                p[o] = m != null ? Goldilocks.neg(Goldilocks.reduce(m[v])) : 1;
                if (ext) {
                    q[o] = Goldilocks.sub(shift.c0, values[3 * v]);
                    q[o + 1] = Goldilocks.sub(shift.c1, values[3 * v + 1]);
                    q[o + 2] = Goldilocks.sub(shift.c2, values[3 * v + 2]);
                } else {
                    q[o] = Goldilocks.sub(shift.c0, values[v]);
                    q[o + 1] = shift.c1;
                    q[o + 2] = shift.c2;
                }
            }
        }
    }

    /** The whole layer, held (a one-layer tree, whose leaves are the root's children). */
    FractionLayer held() {
        FractionLayer layer = new FractionLayer(logSize, live, true);
        write(0, layer.p.length / 3, layer.p, layer.q);
        return layer;
    }

    /** The layer above, {@link #chunk} leaves at a time (the same values as {@link FractionLayer#parent}). */
    FractionLayer parent(LogUpKernels kernels) {
        if (logSize == 0) {
            throw new IllegalStateException("the root has no parent");
        }
        FractionLayer up = new FractionLayer(logSize - 1, (live + 1) / 2, false);
        long[] p = new long[3 * chunk], q = new long[3 * chunk];
        long[] upP = new long[3 * chunk / 2], upQ = new long[3 * chunk / 2];
        for (int x0 = 0; x0 < up.live; x0 += chunk / 2) {
            Cancellation.checkpoint();
            int count = Math.min(chunk / 2, up.live - x0);
            write(2L * x0, 2 * count, p, q);
            kernels.parents(p, q, true, count, upP, upQ);
            System.arraycopy(upP, 0, up.p, 3 * x0, 3 * count);
            System.arraycopy(upQ, 0, up.q, 3 * x0, 3 * count);
        }
        return up;
    }

    /** The segment's leaves [from, from + 2^logSize) as held arrays {p, q}. */
    long[][] slice(long from, int sliceLogSize) {
        int size = 1 << sliceLogSize;
        long[] p = new long[3 * size], q = new long[3 * size];
        write(from, size, p, q);
        return new long[][] {p, q};
    }
}
