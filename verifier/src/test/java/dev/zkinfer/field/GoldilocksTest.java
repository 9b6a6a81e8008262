package dev.zkinfer.field;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GoldilocksTest {
    private static final BigInteger P = new BigInteger(Long.toUnsignedString(Goldilocks.P));

    private static BigInteger big(long a) {
        return new BigInteger(Long.toUnsignedString(a));
    }

    private static long[] edgeAndRandom(SplittableRandom rnd, int n) {
        long[] v = new long[n];
        long[] edges = {0, 1, 2, Goldilocks.P - 1, Goldilocks.P - 2, 0xFFFF_FFFFL, 0x1_0000_0000L,
            Goldilocks.P >>> 1, 0xFFFF_FFFE_FFFF_FFFFL, 0x8000_0000_0000_0000L};
        System.arraycopy(edges, 0, v, 0, edges.length);
        for (int i = edges.length; i < n; i++) {
            v[i] = Goldilocks.reduce(rnd.nextLong());
        }
        return v;
    }

    @Test
    void arithmeticAgreesWithBigInteger() {
        SplittableRandom rnd = new SplittableRandom(1);
        long[] v = edgeAndRandom(rnd, 400);
        for (long a : v) {
            for (int j = 0; j < 60; j++) {
                long b = v[rnd.nextInt(v.length)];
                assertEquals(big(a).add(big(b)).mod(P), big(Goldilocks.add(a, b)), "add");
                assertEquals(big(a).subtract(big(b)).mod(P), big(Goldilocks.sub(a, b)), "sub");
                assertEquals(big(a).multiply(big(b)).mod(P), big(Goldilocks.mul(a, b)), "mul");
            }
            assertEquals(big(a).negate().mod(P), big(Goldilocks.neg(a)));
        }
    }

    @Test
    void reductionOfExtremeProducts() {
        long[] hard = {Goldilocks.P - 1, 0xFFFF_FFFFL, 0xFFFF_FFFF_0000_0000L, 0xFFFF_FFFE_FFFF_FFFFL};
        for (long a : hard) {
            for (long b : hard) {
                assertEquals(big(a).multiply(big(b)).mod(P), big(Goldilocks.mul(a, b)));
            }
        }
    }

    @Test
    void inverseAndBatchInverse() {
        SplittableRandom rnd = new SplittableRandom(2);
        long[] v = new long[257];
        for (int i = 0; i < v.length; i++) {
            v[i] = 1 + Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P - 1);
        }
        long[] w = v.clone();
        Goldilocks.batchInvert(w);
        for (int i = 0; i < v.length; i++) {
            assertEquals(1, Goldilocks.mul(v[i], w[i]));
            assertEquals(Goldilocks.inv(v[i]), w[i]);
        }
        assertThrows(ArithmeticException.class, () -> Goldilocks.inv(0));
    }

    @Test
    void signedMapping() {
        for (long x : new long[] {0, 1, -1, 127, -128, Integer.MIN_VALUE, Integer.MAX_VALUE, 1L << 62, -(1L << 62)}) {
            long f = Goldilocks.fromSigned(x);
            assertTrue(Goldilocks.isCanonical(f));
            assertEquals(x, Goldilocks.toSigned(f));
        }
        assertEquals(Goldilocks.P - 5, Goldilocks.fromSigned(-5));
        assertEquals(0, Goldilocks.add(Goldilocks.fromSigned(-5), 5));
    }

    @Test
    void rootsOfUnityHaveExactOrder() {
        for (int k = 0; k <= 32; k++) {
            long w = Goldilocks.rootOfUnity(k);
            assertEquals(1, Goldilocks.pow(w, 1L << k));
            if (k > 0) {
                assertNotEquals(1, Goldilocks.pow(w, 1L << (k - 1)));
            }
        }
    }

    /** top·2^128 + hi·2^64 + lo mod p against BigInteger, for carry counts on both sides of 2^32 (the shift and the multiplication). */
    @Test
    void reduce192MatchesBigInteger() {
        SplittableRandom rnd = new SplittableRandom(192);
        BigInteger p = new BigInteger(Long.toUnsignedString(Goldilocks.P));
        long[] tops = {0, 1, 2, 7, (1L << 32) - 1, 1L << 32, (1L << 32) + 1, 1L << 60, -1L};
        for (long top : tops) {
            for (int i = 0; i < 2000; i++) {
                long hi = i == 0 ? -1L : rnd.nextLong(), lo = i == 0 ? -1L : rnd.nextLong();
                BigInteger v = new BigInteger(Long.toUnsignedString(top)).shiftLeft(128)
                        .add(new BigInteger(Long.toUnsignedString(hi)).shiftLeft(64)).add(new BigInteger(Long.toUnsignedString(lo)));
                assertEquals(v.mod(p).longValue(), Goldilocks.reduce192(top, hi, lo), "top " + Long.toUnsignedString(top));
            }
        }
    }
}
