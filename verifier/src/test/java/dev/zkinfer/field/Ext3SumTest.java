package dev.zkinfer.field;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Ext3Sum} against the sum of {@link Ext3#mul} products, one reduction per step. */
class Ext3SumTest {
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 17, 1000, 100_000})
    void equalsTheReducedSumOfProducts(int terms) {
        SplittableRandom rnd = new SplittableRandom(terms);
        Ext3Sum sum = new Ext3Sum();
        Ext3 expected = Ext3.ZERO;
        for (int i = 0; i < terms; i++) {
            Ext3 a = element(rnd, i), b = element(rnd, i + 1);
            sum.addProduct(a, b);
            expected = expected.add(a.mul(b));
        }
        assertEquals(expected, sum.value());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 64, 5000})
    void extremeOperandsCarryIntoTheTopWord(int terms) {
        // p − 1 in every coordinate: every product is close to 2^128, so the high words carry
        Ext3 max = new Ext3(Goldilocks.P - 1, Goldilocks.P - 1, Goldilocks.P - 1);
        Ext3Sum sum = new Ext3Sum();
        Ext3 expected = Ext3.ZERO;
        for (int i = 0; i < terms; i++) {
            sum.addProduct(max, max);
            expected = expected.add(max.mul(max));
        }
        assertEquals(expected, sum.value());
    }

    private static Ext3 element(SplittableRandom rnd, int i) {
        // a mix of uniform values, values near p and small values
        switch (i % 3) {
            case 0:
                return new Ext3(uniform(rnd), uniform(rnd), uniform(rnd));
            case 1:
                return new Ext3(Goldilocks.P - 1 - rnd.nextInt(4), Goldilocks.P - 1 - rnd.nextInt(4), uniform(rnd));
            default:
                return new Ext3(rnd.nextInt(5), uniform(rnd), Goldilocks.P - 1);
        }
    }

    private static long uniform(SplittableRandom rnd) {
        return Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P);
    }
}
