package dev.zkinfer.circuit;

import dev.zkinfer.encoding.ProofWriter;
import dev.zkinfer.field.BaseDotProduct;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.poly.PrefixEqTables;
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
 * @param clamp for a clamp table ({@link #clamp}) its shape, whose columns' multilinear extensions
 *     the verifier evaluates in O(logSize) instead of O(rows); else null. Not part of the
 *     table's identity ({@link #equals}): the columns are.
 * @param pieces for an explicit table other than a clamp table, per column its {@link Pieces}
 *     where it has few (an activation table's input column x = inputMin + i, a padded range), else
 *     null: found from the columns when the table is made, so not part of its identity either
 * @param small for an explicit table other than a clamp table, per column without {@link Pieces} whose
 *     values are all small signed integers (x in [−2^{@link #SMALL_BITS}, 2^SMALL_BITS): an activation table's outputs)
 *     those values as ints, else null: a quarter of the memory the verifier's dot product reads
 *     ({@link PrefixEqTables#evaluate(int[], int)}); made from the columns, not part of the identity
 * Immutable and thread-safe as long as no one writes into its arrays (the verifier never does).
 */
public record LookupTable(int bits, long[][] explicit, ClampShape clamp, Pieces[] pieces, int[][] small) {
    public static final int MAX_LOG_SIZE = 20;
    /** A column kept as ints ({@link #small}) holds values in [−2^SMALL_BITS, 2^SMALL_BITS): {@link BaseDotProduct#SMALL_BITS}. */
    public static final int SMALL_BITS = BaseDotProduct.SMALL_BITS;

    /** The range table [0, 2^bits), bits in [1, {@link #MAX_LOG_SIZE}]. */
    public static LookupTable range(int bits) {
        if (bits < 1 || bits > MAX_LOG_SIZE) {
            throw new IllegalArgumentException("range table width must be in [1, " + MAX_LOG_SIZE + "]: " + bits);
        }
        return new LookupTable(bits, null, null, null, null);
    }

    /** An explicit table from its rows' columns (any row count ≤ 2^20; padded by repeating row 0). */
    public static LookupTable explicit(long[][] columns) {
        return explicit(columns, null);
    }

    private static LookupTable explicit(long[][] columns, ClampShape clamp) {
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
        Pieces[] pieces = clamp == null ? pieces(cols) : null;
        return new LookupTable(0, cols, clamp, pieces, clamp == null ? small(cols, pieces) : null);
    }

    /** Per column without pieces, its values as ints when all are small signed integers, else null. */
    private static int[][] small(long[][] cols, Pieces[] pieces) {
        int[][] out = new int[cols.length][];
        for (int c = 0; c < cols.length; c++) {
            if (pieces[c] != null) {
                continue;
            }
            int[] v = new int[cols[c].length];
            for (int i = 0; v != null && i < v.length; i++) {
                long x = Goldilocks.toSigned(cols[c][i]);
                if (x < -(1L << SMALL_BITS) || x >= 1L << SMALL_BITS) {
                    v = null;
                } else {
                    v[i] = (int) x;
                }
            }
            out[c] = v;
        }
        return out;
    }

    private static Pieces[] pieces(long[][] cols) {
        Pieces[] out = new Pieces[cols.length];
        for (int c = 0; c < cols.length; c++) {
            out[c] = Pieces.of(cols[c]);
        }
        return out;
    }

    /**
     * The clamp table of requantization ({@link RequantLayer}): rows (E + e, y) of y = clamp(y + e)
     * for |e| ≤ E and y in [0, width), in order of e + E then y: (d, 0) for d &lt; E, (E, v) for
     * v &lt; width, (E + d, width − 1) for 1 ≤ d ≤ E; 2E + width rows, padded with row 0 = (0, 0).
     */
    public static LookupTable clamp(int width, long e) {
        if (width < 2 || e < 0 || width + 2 * e > 1 << MAX_LOG_SIZE) {
            throw new IllegalArgumentException("clamp table of width " + width + " and excess " + e + " is out of range");
        }
        int rows = (int) (width + 2 * e);
        // the columns at their padded length directly (the padding rows are row 0 = (0, 0), the
        // arrays' zeros): decoding a verifying key builds every requantization's table, and a
        // second copy of each was a tenth of a cold decode
        int padded = 1 << TensorLayout.log2Ceil(rows);
        long[] ce = new long[padded];
        long[] cy = new long[padded];
        int r = 0;
        for (long d = -e; d <= e; d++) {
            if (d == 0) {
                for (int v = 0; v < width; v++, r++) {
                    ce[r] = e;
                    cy[r] = v;
                }
            } else {
                ce[r] = e + d;
                cy[r] = d > 0 ? width - 1 : 0;
                r++;
            }
        }
        long[][] cols = {ce, cy};
        // no pieces: the clamp shape evaluates both columns, and scanning every requantization's table would slow a key's decoding
        return new LookupTable(0, cols, new ClampShape(width, e), null, null);
    }

    /**
     * The shape of a {@link #clamp} table, and its columns' multilinear extensions in closed
     * form. With N = 2E + W rows and, for a ≤ 2^n, P_a(x) = Σ_{r &lt; a} eq(x, r) and
     * Q_a(x) = Σ_{r &lt; a} r·eq(x, r) (the MLEs of a prefix's indicator and of the row index on
     * it), the columns are, row by row, piecewise linear in r, so
     * <pre>
     *   ẽ = Q_E + E·(P_{E+W} − P_E) + (Q_N − Q_{E+W}) − (W − 1)·(P_N − P_{E+W})
     *   ỹ = (Q_{E+W} − Q_E) − E·(P_{E+W} − P_E) + (W − 1)·(P_N − P_{E+W})
     * </pre>
     * (the padding rows beyond N are (0, 0) and add nothing). Rows r &lt; a split by the highest
     * bit k where r and a differ (a_k = 1, r_k = 0, r's lower bits free); summing eq over the
     * free bits gives 1, and r over them gives Σ_{j&lt;k} x_j·2^j, hence O(n) each.
     */
    public record ClampShape(int width, long e) {
        Ext3 evaluate(int column, Ext3[] x) {
            long w = width;
            long a = e, b = e + w, n = 2 * e + w;
            Ext3[] pa = prefix(a, x), pb = prefix(b, x), pn = prefix(n, x);
            Ext3 middle = pb[0].sub(pa[0]);
            Ext3 top = pn[0].sub(pb[0]);
            if (column == 0) {
                return pa[1].add(middle.mul(e)).add(pn[1].sub(pb[1])).sub(top.mul(w - 1));
            }
            return pb[1].sub(pa[1]).sub(middle.mul(e)).add(top.mul(w - 1));
        }

        /** {P_a(x), Q_a(x)} for 0 ≤ a ≤ 2^n (n = x.length). */
        static Ext3[] prefix(long a, Ext3[] x) {
            int n = x.length;
            // low[k] = Σ_{j<k} x_j·2^j
            Ext3[] low = new Ext3[n + 1];
            low[0] = Ext3.ZERO;
            for (int k = 0; k < n; k++) {
                low[k + 1] = low[k].add(x[k].mul(1L << k));
            }
            if (a >= 1L << n) {
                return new Ext3[] {Ext3.ONE, low[n]};
            }
            Ext3 p = Ext3.ZERO;
            Ext3 q = Ext3.ZERO;
            Ext3 eqAbove = Ext3.ONE; // Π_{j>k} eq(x_j, a_j)
            for (int k = n - 1; k >= 0; k--) {
                Ext3 notX = Ext3.ONE.sub(x[k]);
                if (((a >>> k) & 1) != 0) {
                    Ext3 block = eqAbove.mul(notX);
                    long high = (a >>> (k + 1)) << (k + 1);
                    p = p.add(block);
                    q = q.add(block.mul(low[k].add(high)));
                    eqAbove = eqAbove.mul(x[k]);
                } else {
                    eqAbove = eqAbove.mul(notX);
                }
            }
            return new Ext3[] {p, q};
        }
    }

    /**
     * A column of a few linear pieces: piece j covers rows [s_j, s_{j+1}) and holds a_j + b_j·(i − s_j)
     * there (mod p), found greedily from row 0 (each piece as long as the step between rows stays
     * the same): an activation table's input column x = inputMin + i is one piece, a padded one or a
     * range two, a sign table's output two. With P(s) = Σ_{r &lt; s} eq(x, r) and Q(s) = Σ_{r &lt; s} r·eq(x, r)
     * ({@link ClampShape#prefix}, O(logSize) each), the column's multilinear extension is
     * Σ_j (a_j − b_j·s_j)·(P(s_{j+1}) − P(s_j)) + b_j·(Q(s_{j+1}) − Q(s_j)), regrouped by boundary into
     * Σ_k cP_k·P(s_k) + cQ_k·Q(s_k) with base-field coefficients made here: O(pieces·logSize) instead
     * of O(rows).
     *
     * @param boundaries s_1 .. s_k (s_0 = 0 adds nothing; s_k is the row count)
     * @param coeffP cP_k per boundary
     * @param coeffQ cQ_k per boundary
     */
    public record Pieces(int[] boundaries, long[] coeffP, long[] coeffQ) {
        /** The most pieces kept: with more, the column's dot product with the eq tables is cheaper. */
        static final int MAX = 4;

        /** The column's pieces, or null when it has more than {@link #MAX}. */
        static Pieces of(long[] col) {
            int rows = col.length;
            int[] starts = new int[MAX];
            long[] a = new long[MAX];
            long[] b = new long[MAX];
            int k = 0;
            for (int s = 0; s < rows; k++) {
                if (k == MAX) {
                    return null;
                }
                long step = s + 1 < rows ? Goldilocks.sub(col[s + 1], col[s]) : 0;
                int e = s + 1;
                while (e < rows && Goldilocks.sub(col[e], col[e - 1]) == step) {
                    e++;
                }
                starts[k] = s;
                a[k] = Goldilocks.sub(col[s], Goldilocks.mul(step, s));
                b[k] = step;
                s = e;
            }
            // boundary m (1..k) is s_m (s_k = rows): P(s_m) carries c_{m−1} − c_m, Q(s_m) b_{m−1} − b_m (c_k = b_k = 0)
            int[] bounds = new int[k];
            long[] cp = new long[k];
            long[] cq = new long[k];
            for (int m = 1; m <= k; m++) {
                bounds[m - 1] = m < k ? starts[m] : rows;
                cp[m - 1] = Goldilocks.sub(a[m - 1], m < k ? a[m] : 0);
                cq[m - 1] = Goldilocks.sub(b[m - 1], m < k ? b[m] : 0);
            }
            return new Pieces(bounds, cp, cq);
        }

        public int count() {
            return boundaries.length;
        }

        /** The column's multilinear extension at x (logSize coordinates) from the prefixes at its boundaries. */
        Ext3 evaluate(Ext3[] x) {
            Ext3 acc = Ext3.ZERO;
            for (int m = 0; m < boundaries.length; m++) {
                Ext3[] pq = ClampShape.prefix(boundaries[m], x);
                acc = acc.add(pq[0].mul(coeffP[m])).add(pq[1].mul(coeffQ[m]));
            }
            return acc;
        }
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
        if (clamp != null && point.length == logSize()) {
            return clamp.evaluate(c, point);
        }
        if (pieces != null && pieces[c] != null && point.length == logSize()) {
            return pieces[c].evaluate(point);
        }
        return Mle.evaluate(explicit[c], point);
    }

    /**
     * The multilinear extension of column c at {@code eq}'s point's first {@link #logSize()}
     * coordinates, for a verifier that evaluates many tables at prefixes of one point: in closed
     * form where the column has one (range, clamp, a few {@link Pieces}), else as the column's dot
     * product with that prefix's eq tables ({@link PrefixEqTables#evaluate}: O(rows), no 2^logSize eq
     * table; from the {@link #small} ints where the column has them).
     */
    public Ext3 evaluate(int c, PrefixEqTables eq) {
        int log = logSize();
        if (isRange() || clamp != null || (pieces != null && pieces[c] != null)) {
            return evaluate(c, eq.prefix(log));
        }
        if (small != null && small[c] != null) {
            return eq.evaluate(small[c], log);
        }
        return eq.evaluate(explicit[c], log);
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
        return o instanceof LookupTable t && t.bits == bits && sameColumns(t.explicit, explicit);
    }

    /**
     * Column by column with {@code Arrays.equals(long[], long[])}, not {@code Arrays.deepEquals}: TeaVM's
     * class library compares the rows of a {@code long[][]} by identity there, so the browser's verifier
     * counted two equal tables of different arrays (VGG-16's shared clamp tables) as two and refused
     * the key ("missing multiplicities of table 8").
     */
    private static boolean sameColumns(long[][] a, long[][] b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || a.length != b.length) {
            return false;
        }
        for (int c = 0; c < a.length; c++) {
            if (!Arrays.equals(a[c], b[c])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Consistent with {@link #equals} from the columns' lengths and at most 33 entries of each,
     * evenly spaced: a circuit's table map hashes every lookup's table (a cold key decode spent
     * ~20 ms hashing whole clamp tables). Tables that differ only elsewhere
     * collide and are told apart by equals.
     */
    @Override
    public int hashCode() {
        int h = bits * 31;
        if (explicit != null) {
            h = h * 31 + explicit.length;
            for (long[] col : explicit) {
                h = h * 31 + col.length;
                int step = Math.max(1, col.length / 32);
                for (int i = 0; i < col.length; i += step) {
                    h = h * 31 + Long.hashCode(col[i]);
                }
                if (col.length > 0) {
                    h = h * 31 + Long.hashCode(col[col.length - 1]);
                }
            }
        }
        return h;
    }
}
