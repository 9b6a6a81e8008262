package dev.zkinfer.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The limb clamp's largest sound width ({@code RequantLayer.Params.maxSoundLimbBits}, a binary
 * search) equals the linear search it replaced, D growing from 1 while an excess of 2^(D+1) − 1
 * is sound, over random and extreme multipliers, shifts, input bounds and clamp ranges.
 */
class RequantLimbWidthTest {
    private static int linear(BigInteger kMax, int s, long xBound, int lo, int hi) {
        int d = 1;
        while (d < 62 && RequantLayer.Params.sound(kMax, s, xBound, (1L << (d + 1)) - 1, lo, hi)) {
            d++;
        }
        return d;
    }

    /** Limbs up to the largest lookup table: LeNet-5's S = 35 in two 18-bit limbs (S = 36), 21 bits refused. */
    @Test
    void limbsUpToTheLargestTable() {
        int[] m = {(1 << 23) + 12345, (1 << 24) - 1};
        int[] s = {32, 35};
        for (int w = RequantLayer.MIN_LIMB_WIDTH; w <= RequantLayer.MAX_LIMB_WIDTH; w++) {
            RequantLayer.Params p = RequantLayer.Params.check(m, s, 0, 127, 8, 201_966, w, true);
            // S is 35, or 35 rounded up to whole limbs
            assertTrue(p.s() == 35 || p.s() == (35 + w - 1) / w * w, "S " + p.s() + " for w " + w);
        }
        assertEquals(20, RequantLayer.MAX_LIMB_WIDTH);
        assertEquals(36, RequantLayer.Params.check(m, s, 0, 127, 8, 201_966, 18, true).s());
        assertEquals(2, RequantLayer.limbCount(36, 18));
        assertEquals(18, LookupTable.range(18).logSize());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RequantLayer.Params.check(m, s, 0, 127, 8, 201_966, 21, true));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> LookupTable.range(21));
    }

    @Test
    void binarySearchMatchesTheLinearSearch() {
        SplittableRandom rnd = new SplittableRandom(1919);
        int checked = 0;
        int[] seen = new int[63];
        for (int trial = 0; trial < 20_000; trial++) {
            int s = rnd.nextInt(4) == 0 ? 1 : 1 + rnd.nextInt(RequantLayer.MAX_SHIFT);
            BigInteger kMax = switch (rnd.nextInt(4)) {
                case 0 -> BigInteger.ZERO;
                case 1 -> BigInteger.ONE.shiftLeft(rnd.nextInt(64));
                default -> BigInteger.valueOf(rnd.nextLong(1L << 32)).shiftLeft(rnd.nextInt(32));
            };
            long xBound = rnd.nextInt(3) == 0 ? RequantLayer.MAX_X_BOUND : 1 + rnd.nextLong(1L << (1 + rnd.nextInt(48)));
            int bits = 1 + rnd.nextInt(16);
            int lo = -(1 << (bits - 1)) + rnd.nextInt(2);
            int hi = lo + (1 << bits) - 1 - rnd.nextInt(2);
            if (!RequantLayer.Params.sound(kMax, s, xBound, 1, lo, hi)) {
                continue; // limbClamp returns before searching
            }
            int expected = linear(kMax, s, xBound, lo, hi);
            assertEquals(expected, RequantLayer.Params.maxSoundLimbBits(kMax, s, xBound, lo, hi),
                    "kMax " + kMax + ", s " + s + ", X " + xBound + ", [" + lo + ", " + hi + "]");
            seen[expected]++;
            checked++;
        }
        // many widths occur, the largest among them
        int distinct = 0;
        for (int n : seen) {
            distinct += n > 0 ? 1 : 0;
        }
        assertTrue(checked > 5_000, "checked " + checked);
        assertTrue(seen[62] > 0 && distinct >= 20, java.util.Arrays.toString(seen));
    }
}
