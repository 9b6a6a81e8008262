package dev.zkinfer.poly;

import dev.zkinfer.field.Ext3;
import java.util.Arrays;

/**
 * The eq tables of the prefixes of one point r: eq(r[0..ℓ), b) for b in {0,1}^ℓ, built once per
 * length ℓ on first use. LogUp-GKR reduces every segment to the first logSize coordinates of
 * one leaf point ({@link dev.zkinfer.lookup.SegmentLayout#lowPoint}), so all lookup tables of a
 * size are evaluated against the same table: one 2^ℓ eq table per distinct size instead of a
 * fold of each column.
 * Mutable (a cache), not thread-safe.
 */
public final class PrefixEqTables {
    private final Ext3[] point;
    private final long[][] tables;

    public PrefixEqTables(Ext3[] point) {
        this.point = point.clone();
        this.tables = new long[point.length + 1][];
    }

    /** r[0..ℓ). */
    public Ext3[] prefix(int length) {
        return Arrays.copyOf(point, checked(length));
    }

    /** eq(r[0..ℓ), ·) in array form (3·2^ℓ longs; do not modify). */
    public long[] table(int length) {
        checked(length);
        if (tables[length] == null) {
            tables[length] = Mle.eqTable(prefix(length));
        }
        return tables[length];
    }

    /** Whether {@code x} is r[0..x.length). */
    public boolean isPrefix(Ext3[] x) {
        if (x.length > point.length) {
            return false;
        }
        for (int k = 0; k < x.length; k++) {
            if (!x[k].equals(point[k])) {
                return false;
            }
        }
        return true;
    }

    private int checked(int length) {
        if (length < 0 || length > point.length) {
            throw new IllegalArgumentException("prefix of " + length + " coordinates of a point of " + point.length);
        }
        return length;
    }
}
