package dev.zkinfer.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zkinfer.web.teavm.TUnsignedMultiply;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The browser's unsigned high product agrees with the JDK's intrinsic. */
class TUnsignedMultiplyTest {
    @Test
    void agreesWithMathUnsignedMultiplyHigh() {
        long[] edge = {0, 1, 2, -1, -2, Long.MAX_VALUE, Long.MIN_VALUE, 0xFFFFFFFFL, 0x100000000L, 0xFFFFFFFF00000001L};
        for (long a : edge) {
            for (long b : edge) {
                assertEquals(Math.unsignedMultiplyHigh(a, b), TUnsignedMultiply.high(a, b), a + " * " + b);
            }
        }
        Random rnd = new Random(64);
        for (int i = 0; i < 1_000_000; i++) {
            long a = rnd.nextLong();
            long b = rnd.nextLong();
            assertEquals(Math.unsignedMultiplyHigh(a, b), TUnsignedMultiply.high(a, b));
        }
    }
}
