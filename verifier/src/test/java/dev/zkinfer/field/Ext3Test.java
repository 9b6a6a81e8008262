package dev.zkinfer.field;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Ext3Test {
    static Ext3 random(SplittableRandom rnd) {
        return new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
    }

    @Test
    void modulusIsIrreducibleBecauseTwoIsNotACube() {
        assertNotEquals(1, Goldilocks.pow(Ext3.W, (Goldilocks.P - 1) / 3));
    }

    @Test
    void fieldAxiomsOnRandomElements() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 2000; i++) {
            Ext3 a = random(rnd), b = random(rnd), c = random(rnd);
            assertEquals(a.mul(b), b.mul(a));
            assertEquals(a.mul(b).mul(c), a.mul(b.mul(c)));
            assertEquals(a.mul(b.add(c)), a.mul(b).add(a.mul(c)));
            assertEquals(a, a.add(b).sub(b));
            assertEquals(Ext3.ZERO, a.add(a.neg()));
            if (!a.isZero()) {
                assertEquals(Ext3.ONE, a.mul(a.inv()));
            }
        }
    }

    /** The schoolbook product with a reduction per term, as Ext3.mul computed it before its one-reduction-per-component form. */
    static Ext3 reference(Ext3 a, Ext3 b) {
        long two = 2;
        long r0 = Goldilocks.add(Goldilocks.mul(a.c0, b.c0), Goldilocks.mul(two, Goldilocks.add(Goldilocks.mul(a.c1, b.c2), Goldilocks.mul(a.c2, b.c1))));
        long r1 = Goldilocks.add(Goldilocks.add(Goldilocks.mul(a.c0, b.c1), Goldilocks.mul(a.c1, b.c0)), Goldilocks.mul(two, Goldilocks.mul(a.c2, b.c2)));
        long r2 = Goldilocks.add(Goldilocks.add(Goldilocks.mul(a.c0, b.c2), Goldilocks.mul(a.c1, b.c1)), Goldilocks.mul(a.c2, b.c0));
        return new Ext3(r0, r1, r2);
    }

    @Test
    void productEqualsTheSchoolbookProductOnRandomAndExtremeOperands() {
        SplittableRandom rnd = new SplittableRandom(6);
        long p1 = Goldilocks.P - 1, half = Goldilocks.P >>> 1;
        long[] extremes = {0, 1, 2, half, half + 1, p1 - 1, p1, 0xFFFFFFFFL, 1L << 32, 1L << 63};
        long[] out = new long[3];
        for (int i = 0; i < 200_000; i++) {
            Ext3 a, b;
            if (i < 20_000) { // every component drawn from the extremes
                a = new Ext3(extremes[rnd.nextInt(extremes.length)], extremes[rnd.nextInt(extremes.length)], extremes[rnd.nextInt(extremes.length)]);
                b = new Ext3(extremes[rnd.nextInt(extremes.length)], extremes[rnd.nextInt(extremes.length)], extremes[rnd.nextInt(extremes.length)]);
            } else {
                a = random(rnd);
                b = random(rnd);
            }
            Ext3 expected = reference(a, b);
            assertEquals(expected, a.mul(b));
            long[] x = {a.c0, a.c1, a.c2}, y = {b.c0, b.c1, b.c2};
            Ext3.mulInto(x, 0, y, 0, out, 0);
            assertEquals(expected, Ext3.get(out, 0));
        }
        Ext3 all = new Ext3(p1, p1, p1);
        assertEquals(reference(all, all), all.mul(all));
    }

    @Test
    void tCubedIsW() {
        Ext3 t = new Ext3(0, 1, 0);
        assertEquals(Ext3.of(Ext3.W), t.mul(t).mul(t));
    }

    @Test
    void frobeniusHasOrderThree() {
        // x^(p^3) = x for every x in GF(p^3), and x^p ≠ x for an element outside the base field.
        SplittableRandom rnd = new SplittableRandom(4);
        Ext3 a = random(rnd);
        Ext3 f1 = a.pow(Goldilocks.P);
        assertNotEquals(a, f1);
        assertEquals(a, f1.pow(Goldilocks.P).pow(Goldilocks.P));
    }

    @Test
    void arrayFormMatchesObjects() {
        SplittableRandom rnd = new SplittableRandom(5);
        long[] x = new long[6], y = new long[3], out = new long[3];
        Ext3 a = random(rnd), b = random(rnd);
        Ext3.set(x, 1, a);
        Ext3.set(y, 0, b);
        Ext3.mulInto(x, 1, y, 0, out, 0);
        assertEquals(a.mul(b), Ext3.get(out, 0));
        assertThrows(ArithmeticException.class, () -> Ext3.ZERO.inv());
    }

    /**
     * The component form (mul0, mul1, mul2) against the schoolbook {@link #reference} (Ext3.mul and mulInto are
     * written with it, so comparing with them alone would compare it with itself) and against Ext3.mul, on
     * extreme operands (0, 1, p − 1, 2^32, ...) and random ones.
     */
    @Test
    void componentFormMatchesTheProduct() {
        SplittableRandom rnd = new SplittableRandom(21);
        long[] extreme = {0, 1, 2, Goldilocks.P - 1, Goldilocks.P - 2, 0xFFFF_FFFFL, 1L << 32};
        for (int trial = 0; trial < 1000; trial++) {
            Ext3 a, b;
            if (trial < 343) {
                a = new Ext3(extreme[trial % 7], extreme[trial / 7 % 7], extreme[trial / 49]);
                b = new Ext3(extreme[trial / 49], extreme[trial % 7], extreme[trial / 7 % 7]);
            } else {
                a = random(rnd);
                b = random(rnd);
            }
            Ext3 c = new Ext3(Ext3.mul0(a.c0, a.c1, a.c2, b.c0, b.c1, b.c2), Ext3.mul1(a.c0, a.c1, a.c2, b.c0, b.c1, b.c2),
                    Ext3.mul2(a.c0, a.c1, a.c2, b.c0, b.c1, b.c2));
            assertEquals(reference(a, b), c);
            assertEquals(a.mul(b), c);
        }
    }

    /** Horner's rule on array-form coefficients against the plain sum Σ_k x^k·c[(from + k) & mask], with and without wrapping. */
    @Test
    void hornerIsThePowerSum() {
        SplittableRandom rnd = new SplittableRandom(22);
        for (int trial = 0; trial < 200; trial++) {
            int size = 1 << rnd.nextInt(0, 6);
            long[] c = new long[3 * size];
            for (int i = 0; i < size; i++) {
                Ext3.set(c, i, random(rnd));
            }
            Ext3 x = trial % 10 == 0 ? Ext3.of(Goldilocks.P - 1) : random(rnd);
            boolean wrap = rnd.nextBoolean();
            int from = wrap ? rnd.nextInt(0, 4 * size) : rnd.nextInt(0, size + 1);
            int count = wrap ? rnd.nextInt(0, 2 * size + 1) : rnd.nextInt(0, size - from + 1);
            Ext3 expected = Ext3.ZERO, xk = Ext3.ONE;
            for (int k = 0; k < count; k++) {
                expected = expected.add(xk.mul(Ext3.get(c, (from + k) & (size - 1))));
                xk = xk.mul(x);
            }
            assertEquals(expected, Ext3.horner(c, from, count, wrap ? size - 1 : -1, x));
        }
    }
}
