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
    private long lo0;
    private long hi0;
    private long top0;
    private long lo1;
    private long hi1;
    private long top1;
    private long lo2;
    private long hi2;
    private long top2;

    /** Adds a·b (canonical operands). */
    public void addProduct(Ext3 a, Ext3 b) {
        long a0 = a.c0, a1 = a.c1, a2 = a.c2, b0 = b.c0, b1 = b.c1, b2 = b.c2;
        // t^3 = 2: r0 = a0b0 + 2(a1b2 + a2b1), r1 = a0b1 + a1b0 + 2·a2b2, r2 = a0b2 + a1b1 + a2b0
        add0(a0 * b0, UnsignedMultiply.high(a0, b0));
        long l = a1 * b2, h = UnsignedMultiply.high(a1, b2);
        add0(l, h);
        add0(l, h);
        l = a2 * b1;
        h = UnsignedMultiply.high(a2, b1);
        add0(l, h);
        add0(l, h);
        add1(a0 * b1, UnsignedMultiply.high(a0, b1));
        add1(a1 * b0, UnsignedMultiply.high(a1, b0));
        l = a2 * b2;
        h = UnsignedMultiply.high(a2, b2);
        add1(l, h);
        add1(l, h);
        add2(a0 * b2, UnsignedMultiply.high(a0, b2));
        add2(a1 * b1, UnsignedMultiply.high(a1, b1));
        add2(a2 * b0, UnsignedMultiply.high(a2, b0));
    }

    // a product's high word is at most 2^64 − 2, so high + carry never wraps
    private void add0(long l, long h) {
        long s = lo0 + l;
        long hc = h + (Long.compareUnsigned(s, l) < 0 ? 1 : 0);
        lo0 = s;
        long t = hi0 + hc;
        top0 += Long.compareUnsigned(t, hc) < 0 ? 1 : 0;
        hi0 = t;
    }

    private void add1(long l, long h) {
        long s = lo1 + l;
        long hc = h + (Long.compareUnsigned(s, l) < 0 ? 1 : 0);
        lo1 = s;
        long t = hi1 + hc;
        top1 += Long.compareUnsigned(t, hc) < 0 ? 1 : 0;
        hi1 = t;
    }

    private void add2(long l, long h) {
        long s = lo2 + l;
        long hc = h + (Long.compareUnsigned(s, l) < 0 ? 1 : 0);
        lo2 = s;
        long t = hi2 + hc;
        top2 += Long.compareUnsigned(t, hc) < 0 ? 1 : 0;
        hi2 = t;
    }

    /** The sum, reduced. */
    public Ext3 value() {
        return new Ext3(reduce(top0, hi0, lo0), reduce(top1, hi1, lo1), reduce(top2, hi2, lo2));
    }

    private static long reduce(long top, long hi, long lo) {
        // top·2^128 + hi·2^64 + lo ≡ (hi·2^64 + lo) − top·2^32
        return Goldilocks.sub(Goldilocks.reduce128(hi, lo), Goldilocks.mul(Goldilocks.reduce(top), 1L << 32));
    }
}
