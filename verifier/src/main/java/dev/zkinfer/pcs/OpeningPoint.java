package dev.zkinfer.pcs;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.poly.Mle;
import java.util.Arrays;
import java.util.HashMap;
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
    private final Map<Long, Ext3> eqAbove = new HashMap<>();

    public OpeningPoint(Ext3[] z) {
        this.z = z.clone();
        this.prefixes = new Ext3[z.length + 1][];
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

    /** eq(z_{k..n}, block): 1 on block number {@code block} of the blocks of 2^k entries, as a multilinear in z's top n − k coordinates. */
    public Ext3 eqAbove(int k, long block) {
        if (k < 0 || k > z.length || block < 0 || (block >>> (z.length - k)) != 0) { // n ≤ 63
            throw new IllegalArgumentException("block " + block + " of 2^" + k + " entries in a polynomial of " + z.length + " variables");
        }
        return eqAbove.computeIfAbsent(((long) k << 48) | block, key -> Mle.eqAtIndex(Arrays.copyOfRange(z, k, z.length), block));
    }
}
