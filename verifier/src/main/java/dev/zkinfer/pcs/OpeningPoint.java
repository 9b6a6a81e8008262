package dev.zkinfer.pcs;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.poly.Mle;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The point z of n coordinates at which WHIR's final check evaluates the weights of an opening's
 * claims, with what those evaluations share: the prefixes of z (a weight on a block of 2^k entries
 * is evaluated at z's first k coordinates) and, for each aligned block, eq(z_{k..n}, block), the
 * block's factor in a weighted claim ({@link WeightedClaim}) and in each term of a weight made of
 * terms on several blocks. A zero-knowledge proof's witness opening has a few hundred claims on a
 * few dozen blocks; each such factor is computed once. Not thread-safe (one opening's thread).
 */
public final class OpeningPoint {
    private final Ext3[] z;
    private final Ext3[][] prefixes;
    /**
     * eqAbove's values by (k, block), an open-addressing table: key k·2^48 + block + 1 (0 marks a
     * free slot) at a slot found by linear probing, the value array-form at the same index.
     */
    private long[] aboveKeys = new long[64];
    private long[] aboveValues = new long[3 * 64];
    private int aboveCount;

    public OpeningPoint(Ext3[] z) {
        this.z = z.clone();
        this.prefixes = new Ext3[z.length + 1][];
        this.eqTables = new long[z.length + 1][][];
    }

    /** n, the number of coordinates. */
    public int numVars() {
        return z.length;
    }

    /** z's first k coordinates, one array per k shared by all callers: they must not modify it. */
    public Ext3[] prefix(int k) {
        if (k < 0 || k > z.length) {
            throw new IllegalArgumentException("a prefix of " + k + " coordinates of a point of " + z.length);
        }
        Ext3[] p = prefixes[k];
        if (p == null) {
            p = k == z.length ? z : Arrays.copyOf(z, k);
            prefixes[k] = p;
        }
        return p;
    }

    /** eq tables of small coordinate ranges, by [from][to − from], built on first use. */
    private final long[][][] eqTables;

    /**
     * eq(z_{from..to}, index) for index &lt; 2^(to − from): the coordinates' eq table is built once
     * per range (small ranges: the mask weights' component, row and power indices) and shared by
     * every weight evaluated at this point.
     */
    public Ext3 eqInRange(int from, int to, int index) {
        long[] t = eqTable(from, to);
        if (index < 0 || index >= 1 << (to - from)) {
            throw new IllegalArgumentException("index " + index + " of coordinates [" + from + ", " + to + ") of a point of " + z.length);
        }
        return Ext3.get(t, index);
    }

    /**
     * The eq table of coordinates [from, to) (at most 20 of them), array-form: entry i is
     * eq(z_{from..to}, i). Shared by every caller at this point: they must not modify it.
     */
    public long[] eqTable(int from, int to) {
        if (from < 0 || to > z.length || from > to || to - from > 20) {
            throw new IllegalArgumentException("coordinates [" + from + ", " + to + ") of a point of " + z.length);
        }
        long[][] byWidth = eqTables[from];
        if (byWidth == null) {
            byWidth = new long[Math.min(20, z.length - from) + 1][];
            eqTables[from] = byWidth;
        }
        long[] t = byWidth[to - from];
        if (t == null) {
            t = Mle.eqTable(Arrays.copyOfRange(z, from, to));
            byWidth[to - from] = t;
        }
        return t;
    }

    /** eq(x, z's first x.length coordinates) by x's value (List.of copies it), for {@link #eq}. */
    private final Map<List<Ext3>, Ext3> eqAtPoints = new HashMap<>();

    /**
     * eq(x, z_{0..k}) for a point x of k ≤ n coordinates, remembered by x's value: an evaluation
     * claim's weight eq(x, ·) is evaluated here, and a zero-knowledge witness opening holds many
     * claims at equal points (the tensors one layer's sumcheck reduces to one point: 130 eq weights
     * at 74 distinct points in a LeNet-5 proof), so each distinct point costs its eq once.
     */
    public Ext3 eq(Ext3[] x) {
        if (x.length > z.length) {
            throw new IllegalArgumentException("a point of " + x.length + " coordinates against one of " + z.length);
        }
        return eqAtPoints.computeIfAbsent(List.of(x), k -> Mle.eq(x, prefix(x.length)));
    }

    /** eq(z_{k..n}, block): 1 on block number {@code block} of the blocks of 2^k entries, as a multilinear in z's top n − k coordinates. */
    public Ext3 eqAbove(int k, long block) {
        if (k < 0 || k > z.length || block < 0 || (block >>> (z.length - k)) != 0) { // n ≤ 63
            throw new IllegalArgumentException("block " + block + " of 2^" + k + " entries in a polynomial of " + z.length + " variables");
        }
        return eqAboveShared(k, block);
    }

    /** eqAbove through its parent block's value (one multiplication per new block: blocks share their upper coordinates' factors). */
    private Ext3 eqAboveShared(int k, long block) {
        if (k == z.length) {
            return Ext3.ONE;
        }
        long key = ((long) k << 48 | block) + 1;
        int mask = aboveKeys.length - 1;
        int slot = slotOf(key, mask);
        while (aboveKeys[slot] != 0) {
            if (aboveKeys[slot] == key) {
                return Ext3.get(aboveValues, slot);
            }
            slot = (slot + 1) & mask;
        }
        Ext3 parent = eqAboveShared(k + 1, block >>> 1);
        Ext3 v = parent.mul((block & 1) != 0 ? z[k] : Ext3.ONE.sub(z[k]));
        put(key, v);
        return v;
    }

    private static int slotOf(long key, int mask) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h >>> 40) & mask;
    }

    /** Adds a key known to be absent (the recursion may have grown the table since it was looked up). */
    private void put(long key, Ext3 v) {
        if (2 * (aboveCount + 1) > aboveKeys.length) {
            long[] keys = aboveKeys, values = aboveValues;
            aboveKeys = new long[2 * keys.length];
            aboveValues = new long[3 * aboveKeys.length];
            aboveCount = 0;
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] != 0) {
                    put(keys[i], Ext3.get(values, i));
                }
            }
        }
        int mask = aboveKeys.length - 1;
        int slot = slotOf(key, mask);
        while (aboveKeys[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        aboveKeys[slot] = key;
        Ext3.set(aboveValues, slot, v);
        aboveCount++;
    }
}
