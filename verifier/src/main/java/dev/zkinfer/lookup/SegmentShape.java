package dev.zkinfer.lookup;

/**
 * The public shape of one segment: its kind, its size 2^{@code logSize} and the table it
 * belongs to. Shapes come from the verifying key (circuit description), never from a proof.
 *
 * @param kind lookup values or table rows
 * @param logSize the segment holds exactly 2^logSize values (callers pad, see
 *     {@link LogUpGkrVerifier})
 * @param tableId which table: lookup segments are checked against the table segments with the
 *     same id; distinct ids are separated by the challenge γ (see {@link LogUpGkrVerifier})
 * Immutable and thread-safe.
 */
public record SegmentShape(SegmentKind kind, int logSize, int tableId) {
    /** The largest segment: 2^28 values. */
    public static final int MAX_LOG_SIZE = 28;
    /** The largest table id (ids enter the field as small integers). */
    public static final int MAX_TABLE_ID = 1 << 20;

    public SegmentShape {
        if (kind == null) {
            throw new IllegalArgumentException("segment kind is null");
        }
        if (logSize < 0 || logSize > MAX_LOG_SIZE) {
            throw new IllegalArgumentException("segment log size " + logSize + " outside [0, " + MAX_LOG_SIZE + "]");
        }
        if (tableId < 0 || tableId > MAX_TABLE_ID) {
            throw new IllegalArgumentException("table id " + tableId + " outside [0, " + MAX_TABLE_ID + "]");
        }
    }

    public static SegmentShape lookup(int logSize, int tableId) {
        return new SegmentShape(SegmentKind.LOOKUP, logSize, tableId);
    }

    public static SegmentShape table(int logSize, int tableId) {
        return new SegmentShape(SegmentKind.TABLE, logSize, tableId);
    }

    public int size() {
        return 1 << logSize;
    }
}
