package dev.zkinfer.lookup;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;

/**
 * The range table [0, 2^b): row i holds i. Its MLE is Σ_k 2^k·r_k (variable k = bit k), which
 * the verifier evaluates in O(b) instead of committing the table. A signed range
 * [−2^{b−1}, 2^{b−1}) is the same table shifted: subtract 2^{b−1} (in the field) from the MLE.
 * Immutable and thread-safe.
 */
public final class RangeTable {
    private RangeTable() {}

    /** The rows 0, 1, ..., 2^bits − 1. */
    public static long[] values(int bits) {
        if (bits < 0 || bits > SegmentShape.MAX_LOG_SIZE) {
            throw new IllegalArgumentException("range table of 2^" + bits + " rows is out of range");
        }
        long[] t = new long[1 << bits];
        for (int i = 0; i < t.length; i++) {
            t[i] = i;
        }
        return t;
    }

    /** The table's MLE at point (bits = point.length): Σ_k 2^k·point[k]. */
    public static Ext3 evaluate(Ext3[] point) {
        Ext3 acc = Ext3.ZERO;
        for (int k = point.length - 1; k >= 0; k--) {
            acc = acc.add(acc).add(point[k]);
        }
        return acc;
    }

    /** Row index of a value, or −1 when it is not in [0, 2^bits). */
    public static int indexOf(long value, int bits) {
        return Long.compareUnsigned(value, 1L << bits) < 0 ? (int) value : -1;
    }

    /** The MLE of the shifted table (row i holds i + shift, shift a field element). */
    public static Ext3 evaluate(Ext3[] point, long shift) {
        return evaluate(point).add(Goldilocks.reduce(shift));
    }
}
