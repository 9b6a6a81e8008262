package dev.zkinfer.poly;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.BaseDotProduct;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Multilinear extensions of base-field tables at the prefixes r[0..ℓ) of one point r, with the eq
 * tables they need built once per ℓ on first use. LogUp-GKR reduces every segment to the first
 * logSize coordinates of one leaf point ({@link dev.zkinfer.lookup.SegmentLayout#lowPoint}), so all
 * lookup tables of a size are evaluated against the same tables: two of 2^(ℓ/2) entries per
 * distinct size, instead of a fold of each column (2^ℓ extension products each).
 * Mutable (a cache), not thread-safe.
 */
public final class PrefixEqTables {
    private final Ext3[] point;
    private final Map<Long, long[]> tables = new HashMap<>();

    public PrefixEqTables(Ext3[] point) {
        this.point = point.clone();
    }

    /** r[0..ℓ). */
    public Ext3[] prefix(int length) {
        return Arrays.copyOf(point, checked(length));
    }

    /** eq(r[from..from+ℓ), ·) in array form (3·2^ℓ longs), cached by (ℓ, from). */
    private long[] table(int length, int from) {
        return tables.computeIfAbsent(((long) from << 32) | length,
                k -> Mle.eqTable(Arrays.copyOfRange(point, from, from + length)));
    }

    /**
     * The multilinear extension of {@code values} (2^ℓ of them) at r[0..ℓ): their dot product with
     * eq(r[0..ℓ), ·) as the tensor product of the eq tables of r[0..⌈ℓ/2⌉) and r[⌈ℓ/2⌉..ℓ)
     * ({@link BaseDotProduct#tensor}), which are built once per ℓ (2·2^(ℓ/2) entries, not 2^ℓ).
     */
    public Ext3 evaluate(long[] values, int length) {
        int low = lowHalf(values.length, length);
        return BaseDotProduct.tensor(values, table(low, 0), table(length - low, low));
    }

    /**
     * {@link #evaluate(long[], int)} for values given as small signed integers (in
     * [−2^{@link BaseDotProduct#SMALL_BITS}, 2^SMALL_BITS); {@link BaseDotProduct#tensor(int[], long[], long[])}).
     */
    public Ext3 evaluate(int[] values, int length) {
        int low = lowHalf(values.length, length);
        return BaseDotProduct.tensor(values, table(low, 0), table(length - low, low));
    }

    /** Checks 2^ℓ values for ℓ = {@code length} variables; returns ⌈ℓ/2⌉, the variables of the low eq table. */
    private int lowHalf(int count, int length) {
        checked(length);
        if (count != 1 << length) {
            throw new IllegalArgumentException(count + " values for " + length + " variables");
        }
        return (length + 1) / 2;
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
