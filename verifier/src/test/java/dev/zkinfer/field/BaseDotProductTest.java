package dev.zkinfer.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link BaseDotProduct} against the sum of base-by-extension products, one reduction per step. */
class BaseDotProductTest {
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 17, 1000, 1 << 16})
    void equalsTheReducedSumOfProducts(int rows) {
        SplittableRandom rnd = new SplittableRandom(rows);
        long[] v = new long[rows];
        long[] e = new long[3 * rows];
        Ext3 expected = Ext3.ZERO;
        for (int i = 0; i < rows; i++) {
            v[i] = element(rnd);
            for (int c = 0; c < 3; c++) {
                e[3 * i + c] = element(rnd);
            }
            expected = expected.add(Ext3.get(e, i).mul(v[i]));
        }
        assertEquals(expected, BaseDotProduct.of(v, e));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 64, 1 << 16})
    void extremeOperandsCarryIntoTheTopWord(int rows) {
        // p − 1 everywhere: every product is close to 2^128, so the high words carry
        long[] v = new long[rows];
        long[] e = new long[3 * rows];
        java.util.Arrays.fill(v, Goldilocks.P - 1);
        java.util.Arrays.fill(e, Goldilocks.P - 1);
        Ext3 expected = Ext3.ZERO;
        for (int i = 0; i < rows; i++) {
            expected = expected.add(Ext3.get(e, i).mul(v[i]));
        }
        assertEquals(expected, BaseDotProduct.of(v, e));
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 100})
    void stopsAtTheShorterOperand(int rows) {
        SplittableRandom rnd = new SplittableRandom(7);
        long[] v = new long[rows + 5];
        long[] e = new long[3 * rows];
        Ext3 expected = Ext3.ZERO;
        for (int i = 0; i < v.length; i++) {
            v[i] = element(rnd);
        }
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < 3; c++) {
                e[3 * i + c] = element(rnd);
            }
            expected = expected.add(Ext3.get(e, i).mul(v[i]));
        }
        assertEquals(expected, BaseDotProduct.of(v, e));
        assertEquals(Ext3.ZERO.add(BaseDotProduct.of(java.util.Arrays.copyOf(v, 2), e)),
                Ext3.get(e, 0).mul(v[0]).add(Ext3.get(e, 1).mul(v[1])));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 64})
    void tensorEqualsTheDotProductWithTheTensorProduct(int high) {
        SplittableRandom rnd = new SplittableRandom(high);
        int low = 17;
        long[] lo = new long[3 * low];
        long[] hi = new long[3 * high];
        for (int i = 0; i < lo.length; i++) {
            lo[i] = element(rnd);
        }
        for (int i = 0; i < hi.length; i++) {
            hi[i] = element(rnd);
        }
        long[] v = new long[low * high];
        long[] product = new long[3 * v.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = element(rnd);
            Ext3 e = Ext3.get(lo, i % low).mul(Ext3.get(hi, i / low));
            product[3 * i] = e.c0;
            product[3 * i + 1] = e.c1;
            product[3 * i + 2] = e.c2;
        }
        assertEquals(BaseDotProduct.of(v, product), BaseDotProduct.tensor(v, lo, hi));
    }

    /** The small-value path (activation tables' outputs) against the exact one, at its bounds and past them. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 256, 1024, 2048})
    void tensorOfSmallSignedValuesEqualsTheExactDotProduct(int low) {
        SplittableRandom rnd = new SplittableRandom(low);
        int high = 4;
        long[] lo = new long[3 * low];
        long[] hi = new long[3 * high];
        for (int i = 0; i < lo.length; i++) {
            // the largest components make the half products largest
            lo[i] = rnd.nextBoolean() ? Goldilocks.P - 1 : Goldilocks.reduce(rnd.nextLong());
        }
        for (int i = 0; i < hi.length; i++) {
            hi[i] = Goldilocks.reduce(rnd.nextLong());
        }
        long bound = 1L << BaseDotProduct.SMALL_BITS;
        long[] v = new long[low * high];
        for (int i = 0; i < v.length; i++) {
            long x = switch (i / low) {
                case 0 -> rnd.nextBoolean() ? bound - 1 : -bound; // all at the bounds: the small path
                case 1 -> rnd.nextLong(-bound, bound);
                case 2 -> i % low == low - 1 ? bound : rnd.nextLong(-30000, 30000); // one past it: the exact path
                default -> i % low == 0 ? -bound - 1 : rnd.nextLong(-bound, bound);
            };
            v[i] = Goldilocks.fromSigned(x);
        }
        Ext3 expected = Ext3.ZERO;
        for (int i = 0; i < v.length; i++) {
            expected = expected.add(Ext3.get(lo, i % low).mul(Ext3.get(hi, i / low)).mul(v[i]));
        }
        assertEquals(expected, BaseDotProduct.tensor(v, lo, hi));
    }

    /** The ints path (a table column kept as ints) gives the field path's value, and refuses a value past the bound. */
    @Test
    void tensorOfIntsEqualsTensorOfTheirFieldElements() {
        SplittableRandom rnd = new SplittableRandom(16);
        int low = 256, high = 8;
        long[] lo = new long[3 * low];
        long[] hi = new long[3 * high];
        for (int i = 0; i < lo.length; i++) {
            lo[i] = Goldilocks.P - 1 - rnd.nextInt(3);
        }
        for (int i = 0; i < hi.length; i++) {
            hi[i] = Goldilocks.reduce(rnd.nextLong());
        }
        int bound = 1 << BaseDotProduct.SMALL_BITS;
        int[] x = new int[low * high];
        long[] v = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i < low ? (i % 2 == 0 ? bound - 1 : -bound) : rnd.nextInt(-bound, bound);
            v[i] = Goldilocks.fromSigned(x[i]);
        }
        assertEquals(BaseDotProduct.tensor(v, lo, hi), BaseDotProduct.tensor(x, lo, hi));
        x[5 * low + 3] = bound;
        assertThrows(IllegalArgumentException.class, () -> BaseDotProduct.tensor(x, lo, hi));
    }

    private static long element(SplittableRandom rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> Goldilocks.P - 1 - rnd.nextInt(1000);
            case 1 -> rnd.nextInt(1000);
            case 2 -> 0;
            default -> Goldilocks.reduce(rnd.nextLong());
        };
    }
}
