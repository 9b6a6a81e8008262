package dev.zkinfer.field;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The portable high product (the class the tests load is the Java 17 one) against BigInteger. */
class UnsignedMultiplyTest {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private static BigInteger big(long a) {
        return new BigInteger(Long.toUnsignedString(a));
    }

    private static void check(long a, long b) {
        long expected = big(a).multiply(big(b)).divide(TWO_64).longValue();
        assertEquals(expected, UnsignedMultiply.high(a, b), () -> Long.toUnsignedString(a) + " * " + Long.toUnsignedString(b));
    }

    @Test
    void highProductMatchesBigIntegerOnEdgesAndRandomOperands() {
        long[] edges = {0, 1, 2, -1, -2, Long.MIN_VALUE, Long.MAX_VALUE, 0xFFFF_FFFFL, 0x1_0000_0000L,
            Goldilocks.P, Goldilocks.P - 1, 0x8000_0000_0000_0001L};
        for (long a : edges) {
            for (long b : edges) {
                check(a, b);
            }
        }
        SplittableRandom rnd = new SplittableRandom(17);
        for (int i = 0; i < 100_000; i++) {
            check(rnd.nextLong(), rnd.nextLong());
        }
    }
}
