package dev.zkinfer.prover.backend;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;

/** Allocation-free GF(p^3) arithmetic for hot loops (same algebra as {@link Ext3}). */
final class ExtMath {
    private ExtMath() {}

    /** x ← x · (b0 + b1·t + b2·t²), with t³ = 2. */
    static void mulInPlace(long[] x, long b0, long b1, long b2) {
        long a0 = x[0], a1 = x[1], a2 = x[2];
        long s = Goldilocks.add(Goldilocks.mul(a1, b2), Goldilocks.mul(a2, b1));
        x[0] = Goldilocks.add(Goldilocks.mul(a0, b0), Goldilocks.add(s, s));
        long a2b2 = Goldilocks.mul(a2, b2);
        x[1] = Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, b1), Goldilocks.mul(a1, b0)), Goldilocks.add(a2b2, a2b2));
        x[2] = Goldilocks.add(Goldilocks.add(Goldilocks.mul(a0, b2), Goldilocks.mul(a1, b1)), Goldilocks.mul(a2, b0));
    }
}
