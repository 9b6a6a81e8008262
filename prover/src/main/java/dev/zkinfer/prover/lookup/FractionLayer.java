package dev.zkinfer.prover.lookup;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import java.util.stream.IntStream;

/**
 * One layer of the fraction-sum tree (Papini–Haböck 2023/1284 §3): 2^j fractions (p_x, q_x) in
 * array-form GF(p^3). The parent of children 2x, 2x+1 is (p_{2x}·q_{2x+1} + p_{2x+1}·q_{2x},
 * q_{2x}·q_{2x+1}), i.e. p/q = p_{2x}/q_{2x} + p_{2x+1}/q_{2x+1} when the q are non-zero.
 */
final class FractionLayer {
    private static final int MIN_PARALLEL = 1 << 12;
    private static final int CHUNK = 1 << 11;

    final long[] p;
    final long[] q;
    final int logSize;
    /** Every numerator is in the base field (the leaf layer): cheaper products. */
    final boolean baseNumerators;

    FractionLayer(int logSize) {
        this(logSize, false);
    }

    FractionLayer(int logSize, boolean baseNumerators) {
        this.logSize = logSize;
        this.baseNumerators = baseNumerators;
        this.p = new long[3 << logSize];
        this.q = new long[3 << logSize];
    }

    int size() {
        return 1 << logSize;
    }

    /** The layer above this one (half as many fractions). */
    FractionLayer parent() {
        if (logSize == 0) {
            throw new IllegalStateException("the root has no parent");
        }
        FractionLayer up = new FractionLayer(logSize - 1);
        int half = up.size();
        if (half < MIN_PARALLEL) {
            combine(up, 0, half, new long[3]);
        } else {
            IntStream.range(0, (half + CHUNK - 1) / CHUNK).parallel()
                    .forEach(c -> combine(up, c * CHUNK, Math.min(half, (c + 1) * CHUNK), new long[3]));
        }
        return up;
    }

    private void combine(FractionLayer up, int from, int to, long[] tmp) {
        if (baseNumerators) {
            combineBaseNumerators(up, from, to);
            return;
        }
        for (int x = from; x < to; x++) {
            int a = 2 * x, b = 2 * x + 1;
            Ext3.mulInto(p, a, q, b, up.p, x);
            Ext3.mulInto(p, b, q, a, tmp, 0);
            int o = 3 * x;
            up.p[o] = Goldilocks.add(up.p[o], tmp[0]);
            up.p[o + 1] = Goldilocks.add(up.p[o + 1], tmp[1]);
            up.p[o + 2] = Goldilocks.add(up.p[o + 2], tmp[2]);
            Ext3.mulInto(q, a, q, b, up.q, x);
        }
    }

    private void combineBaseNumerators(FractionLayer up, int from, int to) {
        for (int x = from; x < to; x++) {
            int a = 6 * x, b = 6 * x + 3, o = 3 * x;
            long pa = p[a], pb = p[b];
            up.p[o] = Goldilocks.add(Goldilocks.mul(pa, q[b]), Goldilocks.mul(pb, q[a]));
            up.p[o + 1] = Goldilocks.add(Goldilocks.mul(pa, q[b + 1]), Goldilocks.mul(pb, q[a + 1]));
            up.p[o + 2] = Goldilocks.add(Goldilocks.mul(pa, q[b + 2]), Goldilocks.mul(pb, q[a + 2]));
            Ext3.mulInto(q, 2 * x, q, 2 * x + 1, up.q, x);
        }
    }
}
