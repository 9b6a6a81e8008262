package dev.zkinfer.prover.lookup;

import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.lookup.SegmentShape;

/**
 * Looked-up values w_0..w_{2^ℓ−1} that must lie in table {@code tableId}: base-field values
 * ({@link #of}) or, for tuple tables combined with β, array-form GF(p^3) values ({@link #ofExt}).
 * Leaves (1, α − γ·tableId − w_i). The arrays are not copied and must not change while proving.
 *
 * <p>Immutable once made (its arrays are not copied: do not modify them), so thread-safe.
 */
public final class LookupSegment implements LogUpSegment {
    private final long[] values;
    private final boolean extension;
    private final SegmentShape shape;

    private LookupSegment(long[] values, boolean extension, int tableId) {
        int size = extension ? values.length / 3 : values.length;
        if (extension && values.length % 3 != 0) {
            throw new IllegalArgumentException("array-form values must have a multiple of 3 longs");
        }
        if (size == 0 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("a lookup segment needs a power-of-two number of values, got " + size
                    + " (pad with a table value, see LookupSegment.pad)");
        }
        this.values = values;
        this.extension = extension;
        this.shape = SegmentShape.lookup(Integer.numberOfTrailingZeros(size), tableId);
    }

    /** Base-field values (canonical). */
    public static LookupSegment of(long[] values, int tableId) {
        return new LookupSegment(values, false, tableId);
    }

    /** Array-form extension values, e.g. {@link dev.zkinfer.lookup.Columns#combine}. */
    public static LookupSegment ofExt(long[] arrayForm, int tableId) {
        return new LookupSegment(arrayForm, true, tableId);
    }

    /**
     * {@code values} padded to the next power of two with {@code padValue}, which must be a row of
     * the table: the padding is then counted by {@link Multiplicities#count} like any lookup.
     */
    public static long[] pad(long[] values, long padValue) {
        int size = 1;
        while (size < values.length) {
            size <<= 1;
        }
        long[] out = java.util.Arrays.copyOf(values, size);
        java.util.Arrays.fill(out, values.length, size, Goldilocks.reduce(padValue));
        return out;
    }

    @Override
    public SegmentShape shape() {
        return shape;
    }

    long[] values() {
        return values;
    }

    boolean extension() {
        return extension;
    }
}
