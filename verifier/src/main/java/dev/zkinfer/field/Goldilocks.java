package dev.zkinfer.field;

/**
 * The Goldilocks prime field, p = 2^64 - 2^32 + 1, on canonical {@code long} values.
 *
 * <p>An element is stored as an unsigned 64-bit integer in [0, p). Every method takes and
 * returns canonical values. Signed integers map to p - |x| ({@link #fromSigned}), which is how
 * quantized tensors enter the field.
 *
 * <p>Reduction uses 2^64 = 2^32 - 1 (mod p) and 2^96 = -1 (mod p): a 128-bit product
 * hi * 2^64 + lo becomes lo - hi_hi + hi_lo * (2^32 - 1), with branch-free carries.
 * Stateless and thread-safe.
 */
public final class Goldilocks {
    /** The modulus 2^64 - 2^32 + 1, as an unsigned long. */
    public static final long P = 0xFFFF_FFFF_0000_0001L;
    /** 2^64 mod p = 2^32 - 1. */
    static final long EPSILON = 0xFFFF_FFFFL;
    /** A generator of the multiplicative group (order p - 1). */
    public static final long GENERATOR = 7;
    /** The largest power of two dividing p - 1. */
    public static final int TWO_ADICITY = 32;

    private Goldilocks() {}

    /** Canonical form of an arbitrary 64-bit pattern. */
    public static long reduce(long x) {
        return Long.compareUnsigned(x, P) >= 0 ? x - P : x;
    }

    /** Maps a signed integer to the field: x for x ≥ 0, p - |x| otherwise. */
    public static long fromSigned(long x) {
        if (x >= 0) {
            return reduce(x);
        }
        // x in [-2^63, 0): p + x is in [p - 2^63, p), canonical.
        return P + x;
    }

    /** The signed integer in (-p/2, p/2] that this element represents. */
    public static long toSigned(long a) {
        return Long.compareUnsigned(a, P >>> 1) > 0 ? a - P : a;
    }

    public static long add(long a, long b) {
        long s = a + b;
        // overflow past 2^64: add 2^64 mod p = EPSILON
        long carry = Long.compareUnsigned(s, a) < 0 ? EPSILON : 0;
        s += carry;
        return reduce(s);
    }

    public static long sub(long a, long b) {
        long d = a - b;
        long borrow = Long.compareUnsigned(a, b) < 0 ? EPSILON : 0;
        return d - borrow;
    }

    public static long neg(long a) {
        return a == 0 ? 0 : P - a;
    }

    public static long mul(long a, long b) {
        long lo = a * b;
        long hi = UnsignedMultiply.high(a, b);
        return reduce128(hi, lo);
    }

    public static long square(long a) {
        return mul(a, a);
    }

    /**
     * Reduces top·2^128 + hi·2^64 + lo modulo p (a sum of 128-bit products kept unreduced, top its
     * carries above 2^128; any unsigned top), with 2^128 ≡ −2^32: below 2^32 carries (a few
     * products) the correction is a shift, else a multiplication.
     */
    static long reduce192(long top, long hi, long lo) {
        long r = reduce128(hi, lo);
        return sub(r, (top >>> 32) == 0 ? top << 32 : mul(reduce(top), 1L << 32));
    }

    /** Reduces hi * 2^64 + lo modulo p. */
    static long reduce128(long hi, long lo) {
        long hiHi = hi >>> 32;
        long hiLo = hi & EPSILON;
        // t0 = lo - hiHi (mod p), using 2^96 = -1
        long t0 = lo - hiHi;
        long borrow = Long.compareUnsigned(lo, hiHi) < 0 ? EPSILON : 0;
        t0 -= borrow;
        // t1 = hiLo * (2^32 - 1) < 2^64
        long t1 = (hiLo << 32) - hiLo;
        long r = t0 + t1;
        long carry = Long.compareUnsigned(r, t1) < 0 ? EPSILON : 0;
        return reduce(r + carry);
    }

    public static long pow(long base, long exponent) {
        long result = 1;
        long b = base;
        long e = exponent;
        while (e != 0) {
            if ((e & 1) != 0) {
                result = mul(result, b);
            }
            b = mul(b, b);
            e >>>= 1;
        }
        return result;
    }

    /** Multiplicative inverse; throws on zero. */
    public static long inv(long a) {
        if (a == 0) {
            throw new ArithmeticException("inverse of zero in Goldilocks");
        }
        return pow(a, P - 2);
    }

    /**
     * Inverts every element of {@code values} in place with Montgomery's trick (one inversion,
     * 3(n-1) multiplications). Throws if any element is zero.
     */
    public static void batchInvert(long[] values) {
        int n = values.length;
        if (n == 0) {
            return;
        }
        long[] prefix = new long[n];
        long acc = 1;
        for (int i = 0; i < n; i++) {
            prefix[i] = acc;
            acc = mul(acc, values[i]);
        }
        long inv = inv(acc);
        for (int i = n - 1; i >= 0; i--) {
            long v = values[i];
            values[i] = mul(inv, prefix[i]);
            inv = mul(inv, v);
        }
    }

    /** A primitive 2^logN-th root of unity, logN ≤ 32. */
    public static long rootOfUnity(int logN) {
        if (logN < 0 || logN > TWO_ADICITY) {
            throw new IllegalArgumentException("no 2^" + logN + "-th root of unity in Goldilocks");
        }
        long g = pow(GENERATOR, (P - 1) >>> TWO_ADICITY);
        for (int i = logN; i < TWO_ADICITY; i++) {
            g = mul(g, g);
        }
        return g;
    }

    public static boolean isCanonical(long a) {
        return Long.compareUnsigned(a, P) < 0;
    }
}
