package dev.zkinfer.field;

/**
 * A running sum Σ a_i·b_i of extension products with one reduction at the end: each component
 * keeps its 64×64-bit products unreduced in a 192-bit accumulator (low, high, and a carry count),
 * so a product costs nine multiplications and additions instead of nine modular reductions.
 * {@link #value()} reduces with 2^128 ≡ −2^32 (mod p). Exact: the value equals the sum of
 * {@link Ext3#mul} products (a test checks it on random and extreme operands). A sum of up to
 * 2^60 products cannot overflow the carry count. Mutable, not thread-safe.
 */
public final class Ext3Sum {
    private final Acc r0 = new Acc();
    private final Acc r1 = new Acc();
    private final Acc r2 = new Acc();

    /** Adds a·b (canonical operands). */
    public void addProduct(Ext3 a, Ext3 b) {
        long a0 = a.c0, a1 = a.c1, a2 = a.c2, b0 = b.c0, b1 = b.c1, b2 = b.c2;
        // t^3 = 2: r0 = a0b0 + 2(a1b2 + a2b1), r1 = a0b1 + a1b0 + 2·a2b2, r2 = a0b2 + a1b1 + a2b0
        r0.add(a0, b0, 1);
        r0.add(a1, b2, 2);
        r0.add(a2, b1, 2);
        r1.add(a0, b1, 1);
        r1.add(a1, b0, 1);
        r1.add(a2, b2, 2);
        r2.add(a0, b2, 1);
        r2.add(a1, b1, 1);
        r2.add(a2, b0, 1);
    }

    /** The sum, reduced. */
    public Ext3 value() {
        return new Ext3(r0.reduce(), r1.reduce(), r2.reduce());
    }

    /** One component: top·2^128 + hi·2^64 + lo, unreduced. */
    private static final class Acc {
        private long lo;
        private long hi;
        private long top;

        /** Adds times·x·y (times 1 or 2); a product's high word is at most 2^64 − 2, so high + carry never wraps. */
        void add(long x, long y, int times) {
            long l = x * y, h = UnsignedMultiply.high(x, y);
            for (int i = 0; i < times; i++) {
                long s = lo + l;
                long hc = h + (Long.compareUnsigned(s, l) < 0 ? 1 : 0);
                lo = s;
                long t = hi + hc;
                top += Long.compareUnsigned(t, hc) < 0 ? 1 : 0;
                hi = t;
            }
        }

        long reduce() {
            return Goldilocks.reduce192(top, hi, lo);
        }
    }
}
