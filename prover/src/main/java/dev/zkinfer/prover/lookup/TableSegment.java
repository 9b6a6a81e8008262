package dev.zkinfer.prover.lookup;

import dev.zkinfer.lookup.SegmentShape;

/**
 * Rows t_j of table {@code tableId} with multiplicities m_j (how often each row is looked up,
 * over all lookup segments into this table; {@link Multiplicities#count}). Leaves
 * (−m_j, α − γ·tableId − t_j). Rows in the base field ({@link #of}) or array-form GF(p^3) for
 * tuple tables ({@link #ofExt}). The arrays are not copied and must not change while proving.
 *
 * <p>Immutable once made (its arrays are not copied: do not modify them), so thread-safe.
 */
public final class TableSegment implements LogUpSegment {
    private final long[] values;
    private final boolean extension;
    private final long[] multiplicities;
    private final SegmentShape shape;

    private TableSegment(long[] values, boolean extension, long[] multiplicities, int tableId) {
        int size = extension ? values.length / 3 : values.length;
        if (extension && values.length % 3 != 0) {
            throw new IllegalArgumentException("array-form values must have a multiple of 3 longs");
        }
        if (size == 0 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("a table segment needs a power-of-two number of rows, got " + size);
        }
        if (multiplicities.length != size) {
            throw new IllegalArgumentException(multiplicities.length + " multiplicities for " + size + " rows");
        }
        this.values = values;
        this.extension = extension;
        this.multiplicities = multiplicities;
        this.shape = SegmentShape.table(Integer.numberOfTrailingZeros(size), tableId);
    }

    public static TableSegment of(long[] rows, long[] multiplicities, int tableId) {
        return new TableSegment(rows, false, multiplicities, tableId);
    }

    public static TableSegment ofExt(long[] arrayFormRows, long[] multiplicities, int tableId) {
        return new TableSegment(arrayFormRows, true, multiplicities, tableId);
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

    long[] multiplicities() {
        return multiplicities;
    }
}
