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
}
