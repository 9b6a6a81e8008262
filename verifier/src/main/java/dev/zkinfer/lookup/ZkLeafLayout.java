package dev.zkinfer.lookup;

import dev.zkinfer.field.Ext3;
import java.util.List;

/**
 * The leaf vector of zero-knowledge LogUp-GKR (docs/zero-knowledge.md §3.6): the segments placed
 * exactly as {@link SegmentLayout} places them, then two committed mask segments of
 * 2^{@link #MASK_LOG_SIZE} leaves each: the left one (side 0) at the first aligned offset after
 * the segments, the right one (side 1) at the start of the right half. With 2^h leaves covering
 * the segments and the left mask segment, the tree has 2^(h+1) leaves: every real leaf and the
 * left mask segment lie in the left half, the right mask segment in the right half, so the root's
 * two children are the halves' fraction sums shifted by the committed random M and −M.
 * Immutable and thread-safe.
 */
public final class ZkLeafLayout {
    /** Each mask segment holds 2^1 = 2 fractions (enough: see docs/zero-knowledge.md §3.6). */
    public static final int MASK_LOG_SIZE = 1;

    private final SegmentLayout segments;
    private final long[] maskOffsets;
    private final int logLeaves;

    /** @throws IllegalArgumentException on a malformed shape list or a tree beyond 2^{@link SegmentLayout#MAX_LOG_LEAVES} leaves */
    public ZkLeafLayout(List<SegmentShape> shapes) {
        this.segments = new SegmentLayout(shapes);
        long used = 0;
        for (SegmentShape s : shapes) {
            used += s.size();
        }
        long maskSize = 1L << MASK_LOG_SIZE;
        long left = (used + maskSize - 1) / maskSize * maskSize;
        long end = left + maskSize;
        int half = 64 - Long.numberOfLeadingZeros(end - 1);
        this.logLeaves = half + 1;
        if (logLeaves > SegmentLayout.MAX_LOG_LEAVES) {
            throw new IllegalArgumentException("zero-knowledge lookups need 2^" + logLeaves + " leaves, more than 2^"
                    + SegmentLayout.MAX_LOG_LEAVES);
        }
        this.maskOffsets = new long[] {left, 1L << half};
    }

    /** The real segments' placement (their offsets are the integrity-mode ones). */
    public SegmentLayout segments() {
        return segments;
    }

    public List<SegmentShape> shapes() {
        return segments.shapes();
    }

    /** n: the tree has 2^n leaves (n ≥ 3). */
    public int logLeaves() {
        return logLeaves;
    }

    /** The first leaf of mask segment {@code side} (0 left, 1 right). */
    public long maskOffset(int side) {
        return maskOffsets[side];
    }

    /** The leaves [0, live) may differ from the padding (0, 1): up to the end of the right mask segment. */
    public long live() {
        return maskOffsets[1] + (1L << MASK_LOG_SIZE);
    }

    /** Σ over segment s's leaves i of eq(r, i) (r has {@link #logLeaves()} coordinates). */
    public Ext3 selector(int s, Ext3[] leafPoint) {
        return segments.selector(s, leafPoint);
    }

    /** Σ over mask segment {@code side}'s leaves i of eq(r, i). */
    public Ext3 maskSelector(int side, Ext3[] leafPoint) {
        long block = maskOffsets[side] >>> MASK_LOG_SIZE;
        Ext3 acc = Ext3.ONE;
        for (int k = MASK_LOG_SIZE; k < leafPoint.length; k++) {
            acc = acc.mul(((block >>> (k - MASK_LOG_SIZE)) & 1) != 0 ? leafPoint[k] : Ext3.ONE.sub(leafPoint[k]));
        }
        return acc;
    }

    /** Σ over every segment's and mask segment's leaves of eq(r, i): the padding leaves' weight is 1 minus this. */
    public Ext3 covered(Ext3[] leafPoint) {
        Ext3 c = maskSelector(0, leafPoint).add(maskSelector(1, leafPoint));
        for (int s = 0; s < segments.size(); s++) {
            c = c.add(selector(s, leafPoint));
        }
        return c;
    }

    /** The leaf sumcheck's number of variables: the largest segment's (or mask segment's) log size. */
    public int leafVars() {
        int l = MASK_LOG_SIZE;
        for (SegmentShape s : segments.shapes()) {
            l = Math.max(l, s.logSize());
        }
        return l;
    }

    /** The shapes as absorbed: {@link SegmentLayout#encode()}, then the mask segments' log size. */
    public long[] encode() {
        long[] e = segments.encode();
        long[] out = java.util.Arrays.copyOf(e, e.length + 1);
        out[e.length] = MASK_LOG_SIZE;
        return out;
    }
}
