package dev.zkinfer.poly;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UnivariateTest {
    static Ext3 random(SplittableRandom rnd) {
        return new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
    }

    static Ext3 horner(Ext3[] coeffs, Ext3 x) {
        Ext3 v = Ext3.ZERO;
        for (int k = coeffs.length - 1; k >= 0; k--) {
            v = v.mul(x).add(coeffs[k]);
        }
        return v;
    }

    /** A random polynomial of each degree 0..40 (beyond the cached weights' 32), given by its values at 0..d: its value anywhere, and at the nodes themselves. */
    @Test
    void interpolatesThePolynomialThroughItsValuesAtTheIntegerNodes() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int d = 0; d <= 40; d++) {
            Ext3[] coeffs = new Ext3[d + 1];
            for (int k = 0; k <= d; k++) {
                coeffs[k] = random(rnd);
            }
            Ext3[] evals = new Ext3[d + 1];
            for (int i = 0; i <= d; i++) {
                evals[i] = horner(coeffs, Ext3.of(i));
            }
            for (int t = 0; t < 5; t++) {
                Ext3 x = random(rnd);
                assertEquals(horner(coeffs, x), Univariate.evaluate(evals, x), "degree " + d);
            }
            for (int i = 0; i <= d + 1; i++) {
                assertEquals(horner(coeffs, Ext3.of(i)), Univariate.evaluate(evals, Ext3.of(i)), "degree " + d + " at " + i);
            }
        }
    }
}
