package dev.zkinfer.prover.lookup;

import dev.zkinfer.prover.backend.LogUpKernels;

/**
 * One layer of the fraction-sum tree (Papini–Haböck 2023/1284 §3): 2^j fractions (p_x, q_x) in
 * array-form GF(p^3). The parent of children 2x, 2x+1 is (p_{2x}·q_{2x+1} + p_{2x+1}·q_{2x},
 * q_{2x}·q_{2x+1}), i.e. p/q = p_{2x}/q_{2x} + p_{2x+1}/q_{2x+1} when the q are non-zero.
 *
 * <p>The leaves past the last segment are padding (0, 1), and so is every node above padding
 * only ((0·1 + 0·1, 1·1)): fractions x ≥ {@link #live} are (0, 1). Only the live prefix is
 * computed; the arrays hold it rounded up to a multiple of four fractions (at most 2^j), the
 * padding past it written out, which is all that the layer sumcheck reads ({@link LayerSumcheck}).
 */
final class FractionLayer {
    final long[] p;
    final long[] q;
    final int logSize;
    /** Fractions [0, live) may differ from the padding (0, 1); the others are padding. */
    final int live;
    /** Every numerator is in the base field (the leaf layer): cheaper products. */
    final boolean baseNumerators;

    FractionLayer(int logSize, int live, boolean baseNumerators) {
        this.logSize = logSize;
        this.live = live;
        this.baseNumerators = baseNumerators;
        int stored = Math.min(1 << logSize, (live + 3) & ~3);
        this.p = new long[3 * stored];
        this.q = new long[3 * stored];
        for (int x = live; x < stored; x++) {
            q[3 * x] = 1;
        }
    }

    /** The layer above this one (half as many fractions). */
    FractionLayer parent(LogUpKernels kernels) {
        if (logSize == 0) {
            throw new IllegalStateException("the root has no parent");
        }
        FractionLayer up = new FractionLayer(logSize - 1, (live + 1) / 2, false);
        kernels.parents(p, q, baseNumerators, up.live, up.p, up.q);
        return up;
    }

    /**
     * The layer whose halves (top index bit 0 and 1) are {@code left} and {@code right}, held whole:
     * for small layers only (the left half's padding is written out).
     */
    static FractionLayer concat(FractionLayer left, FractionLayer right) {
        if (left.logSize != right.logSize || left.baseNumerators != right.baseNumerators) {
            throw new IllegalArgumentException("halves of different layers");
        }
        int half = 1 << left.logSize;
        FractionLayer whole = new FractionLayer(left.logSize + 1, half + right.live, left.baseNumerators);
        for (int x = left.live; x < half; x++) {
            whole.q[3 * x] = 1;
        }
        System.arraycopy(left.p, 0, whole.p, 0, 3 * left.live);
        System.arraycopy(left.q, 0, whole.q, 0, 3 * left.live);
        int stored = whole.p.length / 3 - half;
        System.arraycopy(right.p, 0, whole.p, 3 * half, 3 * Math.min(stored, right.p.length / 3));
        System.arraycopy(right.q, 0, whole.q, 3 * half, 3 * Math.min(stored, right.q.length / 3));
        return whole;
    }
}
