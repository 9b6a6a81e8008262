package dev.zkinfer.lookup;

import dev.zkinfer.field.Ext3;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Where every segment lies in the single leaf vector of the fraction tree; shared by the prover
 * and the verifier so both lay out the leaves identically.
 *
 * <p>Segments are placed in order of decreasing size (ties keep the order of the shape list),
 * back to back from index 0. Because every size is a power of two and sizes decrease, each
 * segment's offset is a multiple of its size: segment s with log size ℓ covers the indices
 * whose high n − ℓ bits equal {@code offset >> ℓ}. Hence the leaf MLE at r splits as
 * Σ_s eq(r_high, offset_s >> ℓ_s) · seg̃_s(r_low) + padding, with r_low = r[0..ℓ) and
 * r_high = r[ℓ..n) (variable k is bit k, {@link dev.zkinfer.poly.Mle}). The rest of the
 * 2^n leaves, n = max(1, ⌈log2 Σ sizes⌉), are padding fractions (0, 1).
 * Immutable and thread-safe.
 */
public final class SegmentLayout {
    /** At most 2^30 leaves. */
    public static final int MAX_LOG_LEAVES = 30;
    /** At most this many segments. */
    public static final int MAX_SEGMENTS = 1 << 16;

    private final List<SegmentShape> shapes;
    private final long[] offsets;
    private final int logLeaves;

    /**
     * Validates the shapes: non-empty, at most {@link #MAX_SEGMENTS}, every lookup table id has
     * at least one table segment, at most 2^{@link #MAX_LOG_LEAVES} leaves in total.
     *
     * @throws IllegalArgumentException on a malformed shape list (a circuit bug, not a proof
     *     error)
     */
    public SegmentLayout(List<SegmentShape> shapes) {
        if (shapes == null || shapes.isEmpty()) {
            throw new IllegalArgumentException("LogUp-GKR needs at least one segment");
        }
        if (shapes.size() > MAX_SEGMENTS) {
            throw new IllegalArgumentException(shapes.size() + " segments, more than " + MAX_SEGMENTS);
        }
        this.shapes = List.copyOf(shapes);
        BitSet tables = new BitSet();
        for (SegmentShape s : this.shapes) {
            if (s.kind() == SegmentKind.TABLE) {
                tables.set(s.tableId());
            }
        }
        for (int i = 0; i < this.shapes.size(); i++) {
            SegmentShape s = this.shapes.get(i);
            if (s.kind() == SegmentKind.LOOKUP && !tables.get(s.tableId())) {
                throw new IllegalArgumentException("lookup segment " + i + " refers to table " + s.tableId()
                        + ", which has no table segment");
            }
        }
        Integer[] order = new Integer[this.shapes.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Stable sort by decreasing size.
        Arrays.sort(order, (a, b) -> Integer.compare(this.shapes.get(b).logSize(), this.shapes.get(a).logSize()));
        offsets = new long[order.length];
        long next = 0;
        for (int idx : order) {
            offsets[idx] = next;
            next += 1L << this.shapes.get(idx).logSize();
        }
        int n = Math.max(1, 64 - Long.numberOfLeadingZeros(next - 1));
        if (n > MAX_LOG_LEAVES) {
            throw new IllegalArgumentException("the segments need 2^" + n + " leaves, more than 2^" + MAX_LOG_LEAVES);
        }
        logLeaves = n;
    }

    public List<SegmentShape> shapes() {
        return shapes;
    }

    public int size() {
        return shapes.size();
    }

    /** n: the tree has 2^n leaves (n ≥ 1). */
    public int logLeaves() {
        return logLeaves;
    }

    /** The first leaf index of segment s (a multiple of its size). */
    public long offset(int s) {
        return offsets[s];
    }

    /** The shape list as longs, absorbed into the transcript: count, then (kind, logSize, tableId) each. */
    public long[] encode() {
        long[] out = new long[1 + 3 * shapes.size()];
        out[0] = shapes.size();
        for (int i = 0; i < shapes.size(); i++) {
            SegmentShape s = shapes.get(i);
            out[1 + 3 * i] = s.kind().code();
            out[2 + 3 * i] = s.logSize();
            out[3 + 3 * i] = s.tableId();
        }
        return out;
    }

    /** r_low for segment s: the first logSize coordinates of the leaf point. */
    public Ext3[] lowPoint(int s, Ext3[] leafPoint) {
        return Arrays.copyOf(leafPoint, shapes.get(s).logSize());
    }

    /**
     * eq(r_high, offset_s >> ℓ_s): the weight of segment s in the leaf MLE, i.e. Σ over the
     * segment's indices i of eq(r, i). O(n).
     */
    public Ext3 selector(int s, Ext3[] leafPoint) {
        int l = shapes.get(s).logSize();
        long block = offsets[s] >>> l;
        Ext3 acc = Ext3.ONE;
        for (int k = l; k < leafPoint.length; k++) {
            acc = acc.mul(((block >>> (k - l)) & 1) != 0 ? leafPoint[k] : Ext3.ONE.sub(leafPoint[k]));
        }
        return acc;
    }
}
