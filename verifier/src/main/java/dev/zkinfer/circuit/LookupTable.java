package dev.zkinfer.circuit;

import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import java.util.Arrays;

/**
 * A lookup table: rows of {@link #columns()} base-field values, 2^{@link #logSize()} rows (the
 * verifier evaluates each column's multilinear polynomial itself). Two kinds: the range table
 * [0, 2^bits) (one column, value = row index, evaluated in O(bits)), and an explicit table
 * (e.g. (x, f(x)) pairs of an activation function), evaluated in O(rows).
 *
 * @param bits for a range table its width, else 0
 * @param explicit for an explicit table its columns (each 2^logSize long, row-major padded by
 *     repeating row 0 so that padding rows are genuine rows), else null
 * Immutable and thread-safe as long as no one writes into its arrays (the verifier never does).
 */
public record LookupTable(int bits, long[][] explicit) {
    public static final int MAX_LOG_SIZE = 20;

    public static LookupTable range(int bits) {
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("range table width must be in [1, 16]: " + bits);
        }
        return new LookupTable(bits, null);
    }

    /** An explicit table from its rows' columns (any row count ≤ 2^20; padded by repeating row 0). */
    public static LookupTable explicit(long[][] columns) {
        int rows = columns[0].length;
        int log = TensorLayout.log2Ceil(rows);
        if (log > MAX_LOG_SIZE) {
            throw new IllegalArgumentException("lookup table of " + rows + " rows is too large");
        }
        long[][] cols = new long[columns.length][];
        for (int c = 0; c < columns.length; c++) {
            if (columns[c].length != rows) {
                throw new IllegalArgumentException("table columns differ in length");
            }
            cols[c] = Arrays.copyOf(columns[c], 1 << log);
            for (int i = rows; i < cols[c].length; i++) {
                cols[c][i] = columns[c][0];
            }
        }
        return new LookupTable(0, cols);
    }

    public boolean isRange() {
        return explicit == null;
    }

    public int columns() {
        return isRange() ? 1 : explicit.length;
    }

    public int logSize() {
        return isRange() ? bits : TensorLayout.log2Ceil(explicit[0].length);
    }

    /** Column c's values (2^logSize). */
    public long[] column(int c) {
        if (isRange()) {
            long[] v = new long[1 << bits];
            for (int i = 0; i < v.length; i++) {
                v[i] = i;
            }
            return v;
        }
        return explicit[c].clone();
    }

    /** The multilinear extension of column c at point. */
    public Ext3 evaluate(int c, Ext3[] point) {
        if (isRange()) {
            Ext3 acc = Ext3.ZERO;
            for (int k = 0; k < point.length; k++) {
                acc = acc.add(point[k].mul(Goldilocks.pow(2, k)));
            }
            return acc;
        }
        return Mle.evaluate(explicit[c], point);
    }

    public void encode(ProofWriter out) {
        if (isRange()) {
            out.u8(0).u32(bits);
        } else {
            out.u8(1).u32(explicit.length).u32(explicit[0].length);
            for (long[] col : explicit) {
                out.bases(col);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LookupTable t && t.bits == bits && Arrays.deepEquals(t.explicit, explicit);
    }

    @Override
    public int hashCode() {
        return bits * 31 + Arrays.deepHashCode(explicit);
    }
}
