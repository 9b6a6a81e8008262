package dev.zkinfer.prover.lookup;

import java.util.function.IntUnaryOperator;

/**
 * Multiplicities m_j = #{i : w_i = t_j} for LogUp. A value that is not in the table cannot be
 * proven by an honest prover, so counting fails on it with the value and its position.
 *
 * <p>Static functions: thread-safe.
 */
public final class Multiplicities {
    private Multiplicities() {}

    /**
     * Counts the lookups of {@code values} (one or several segments) into {@code table}. A
     * value that occurs in several rows is counted at its first row.
     *
     * @throws IllegalArgumentException if a value is not in the table
     */
    public static long[] count(long[] table, long[]... values) {
        LongIndex index = new LongIndex(table);
        long[] m = new long[table.length];
        for (int s = 0; s < values.length; s++) {
            long[] seg = values[s];
            for (int i = 0; i < seg.length; i++) {
                int row = index.find(seg[i]);
                if (row < 0) {
                    throw missing(s, i, Long.toUnsignedString(seg[i]));
                }
                m[row]++;
            }
        }
        return m;
    }

    /**
     * Counts lookups given the row of each lookup: {@code rowOf.applyAsInt(i)} for i in
     * [0, numLookups) is the row looked up by lookup i, or −1 if its value is in no row (for
     * structured tables such as {@link dev.zkinfer.lookup.RangeTable#indexOf} or (x, f(x))
     * tables indexed by x).
     *
     * @throws IllegalArgumentException if a lookup has no row
     */
    public static long[] count(int tableSize, int numLookups, IntUnaryOperator rowOf) {
        long[] m = new long[tableSize];
        for (int i = 0; i < numLookups; i++) {
            int row = rowOf.applyAsInt(i);
            if (row < 0 || row >= tableSize) {
                throw missing(0, i, "(row " + row + ")");
            }
            m[row]++;
        }
        return m;
    }

    /** Adds {@code more} into {@code into} (several calls for one table). */
    public static void accumulate(long[] into, long[] more) {
        if (into.length != more.length) {
            throw new IllegalArgumentException("multiplicity vectors of different lengths");
        }
        for (int j = 0; j < into.length; j++) {
            into[j] += more[j];
        }
    }

    private static IllegalArgumentException missing(int segment, int i, String value) {
        return new IllegalArgumentException("lookup " + i + " of segment " + segment + " has value " + value
                + ", which is not in the table: no valid LogUp proof exists");
    }

    /** Open-addressing hash from table value to first row, without boxing. */
    private static final class LongIndex {
        private final long[] keys;
        private final int[] rows;
        private final int mask;

        LongIndex(long[] table) {
            int cap = Integer.highestOneBit(Math.max(2, table.length) * 2 - 1) << 1;
            keys = new long[cap];
            rows = new int[cap];
            java.util.Arrays.fill(rows, -1);
            mask = cap - 1;
            for (int j = 0; j < table.length; j++) {
                int h = slot(table[j]);
                while (rows[h] >= 0 && keys[h] != table[j]) {
                    h = (h + 1) & mask;
                }
                if (rows[h] < 0) {
                    keys[h] = table[j];
                    rows[h] = j;
                }
            }
        }

        private int slot(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32)) & mask;
        }

        int find(long key) {
            int h = slot(key);
            while (rows[h] >= 0) {
                if (keys[h] == key) {
                    return rows[h];
                }
                h = (h + 1) & mask;
            }
            return -1;
        }
    }
}
