package dev.zkinfer.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link RequantLayer#maxAbsMultiplier}, on which the requantization bound analysis rests (the
 * largest |K_c| = |M_c|·2^(S−s_c) decides soundness for every channel): exactly the maximum
 * computed with one big integer per channel, for random multipliers and shifts and for the
 * edge cases (zero, negative, Integer.MIN_VALUE, equal bit lengths, the largest shifts).
 */
class RequantMultiplierBoundTest {
    private static BigInteger reference(int[] m, int[] shift, int s) {
        BigInteger max = BigInteger.ZERO;
        for (int c = 0; c < m.length; c++) {
            max = max.max(BigInteger.valueOf(m[c]).shiftLeft(s - shift[c]).abs());
        }
        return max;
    }

    @Test
    void maxAbsMultiplierIsTheExactMaximumOverChannels() {
        SplittableRandom rnd = new SplittableRandom(19);
        for (int trial = 0; trial < 20_000; trial++) {
            int channels = 1 + rnd.nextInt(12);
            int[] m = new int[channels];
            int[] shift = new int[channels];
            int s = 1;
            for (int c = 0; c < channels; c++) {
                m[c] = switch (rnd.nextInt(6)) {
                    case 0 -> 0;
                    case 1 -> Integer.MIN_VALUE;
                    case 2 -> rnd.nextInt();
                    case 3 -> -(1 << rnd.nextInt(31));
                    default -> (1 + rnd.nextInt(255)) << rnd.nextInt(23); // equal bit lengths are common
                };
                shift[c] = 1 + rnd.nextInt(RequantLayer.MAX_SHIFT);
                s = Math.max(s, shift[c]);
            }
            s = Math.min(RequantLayer.MAX_SHIFT, s + rnd.nextInt(3));
            assertEquals(reference(m, shift, s), RequantLayer.maxAbsMultiplier(m, shift, s),
                    java.util.Arrays.toString(m) + " " + java.util.Arrays.toString(shift) + " S=" + s);
        }
    }

    @Test
    void edgeCases() {
        assertEquals(BigInteger.ZERO, RequantLayer.maxAbsMultiplier(new int[] {0, 0}, new int[] {3, 5}, 5));
        assertEquals(BigInteger.ONE.shiftLeft(31 + 55), RequantLayer.maxAbsMultiplier(new int[] {Integer.MIN_VALUE, 5}, new int[] {1, 56}, 56));
        // 3·2^1 = 6 beats 5·2^0 at equal bit length, though 5 is the larger factor; 12·2^0 beats 3·2^1.
        assertEquals(BigInteger.valueOf(6), RequantLayer.maxAbsMultiplier(new int[] {5, -3}, new int[] {2, 1}, 2));
        assertEquals(BigInteger.valueOf(12), RequantLayer.maxAbsMultiplier(new int[] {3, -12}, new int[] {1, 2}, 2));
    }
}
