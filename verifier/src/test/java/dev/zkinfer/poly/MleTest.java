package dev.zkinfer.poly;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MleTest {
    static Ext3 rand(SplittableRandom r) {
        return new Ext3(Goldilocks.reduce(r.nextLong()), Goldilocks.reduce(r.nextLong()), Goldilocks.reduce(r.nextLong()));
    }

    @Test
    void evaluationOnTheHypercubeIsTheTable() {
        SplittableRandom rnd = new SplittableRandom(6);
        long[] v = new long[16];
        for (int i = 0; i < v.length; i++) {
            v[i] = Goldilocks.reduce(rnd.nextLong());
        }
        for (int i = 0; i < 16; i++) {
            Ext3[] p = new Ext3[4];
            for (int k = 0; k < 4; k++) {
                p[k] = Ext3.of((i >>> k) & 1);
            }
            assertEquals(Ext3.of(v[i]), Mle.evaluate(v, p));
        }
    }

    @Test
    void evaluationEqualsEqWeightedSum() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int n = 0; n <= 6; n++) {
            long[] v = new long[1 << n];
            for (int i = 0; i < v.length; i++) {
                v[i] = Goldilocks.reduce(rnd.nextLong());
            }
            Ext3[] r = new Ext3[n];
            for (int k = 0; k < n; k++) {
                r[k] = rand(rnd);
            }
            long[] eq = Mle.eqTable(r);
            Ext3 s = Ext3.ZERO;
            for (int i = 0; i < v.length; i++) {
                s = s.add(Ext3.get(eq, i).mul(v[i]));
                assertEquals(Mle.eqAtIndex(r, i), Ext3.get(eq, i));
            }
            assertEquals(s, Mle.evaluate(v, r));
            long[] ext = new long[3 * v.length];
            for (int i = 0; i < v.length; i++) {
                ext[3 * i] = v[i];
            }
            assertEquals(s, Mle.evaluateExt(ext, r));
        }
    }

    @Test
    void eqIsSymmetricAndIndicatesEquality() {
        SplittableRandom rnd = new SplittableRandom(8);
        Ext3[] x = {rand(rnd), rand(rnd), rand(rnd)};
        Ext3[] y = {rand(rnd), rand(rnd), rand(rnd)};
        assertEquals(Mle.eq(x, y), Mle.eq(y, x));
        Ext3[] b = {Ext3.ONE, Ext3.ZERO, Ext3.ONE};
        assertEquals(Mle.eqAtIndex(x, 5), Mle.eq(x, b));
    }

    /** eq with base-field coordinates (either side, or both) equals the product of the plain definition. */
    @Test
    void eqWithBaseFieldCoordinatesMatchesTheDefinition() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int trial = 0; trial < 50; trial++) {
            int n = rnd.nextInt(1, 8);
            Ext3[] x = new Ext3[n], y = new Ext3[n];
            for (int k = 0; k < n; k++) {
                x[k] = rnd.nextBoolean() ? Ext3.of(Goldilocks.reduce(rnd.nextLong())) : rand(rnd);
                y[k] = rnd.nextBoolean() ? Ext3.of(Goldilocks.reduce(rnd.nextLong())) : rand(rnd);
            }
            Ext3 expected = Ext3.ONE;
            for (int k = 0; k < n; k++) {
                // x·y + (1 − x)(1 − y), multiplied as extension elements throughout
                expected = expected.mul(x[k].mul(y[k]).add(Ext3.ONE.sub(x[k]).mul(Ext3.ONE.sub(y[k]))));
            }
            assertEquals(expected, Mle.eq(x, y));
        }
    }

    /** eq on coordinates 0, 1, p − 1, 2 and random ones, base or extension on either side, against the definition. */
    @Test
    void eqMatchesTheDefinitionOnExtremeCoordinates() {
        SplittableRandom rnd = new SplittableRandom(13);
        Ext3[] extreme = {Ext3.ZERO, Ext3.ONE, Ext3.of(Goldilocks.P - 1), Ext3.of(2), new Ext3(Goldilocks.P - 1, Goldilocks.P - 1, Goldilocks.P - 1),
                new Ext3(0, 1, 0), new Ext3(1, 0, Goldilocks.P - 1)};
        for (int trial = 0; trial < 200; trial++) {
            int n = rnd.nextInt(0, 6);
            Ext3[] x = new Ext3[n], y = new Ext3[n];
            for (int k = 0; k < n; k++) {
                x[k] = rnd.nextInt(3) == 0 ? rand(rnd) : extreme[rnd.nextInt(extreme.length)];
                y[k] = rnd.nextInt(3) == 0 ? rand(rnd) : extreme[rnd.nextInt(extreme.length)];
            }
            Ext3 expected = Ext3.ONE;
            for (int k = 0; k < n; k++) {
                expected = expected.mul(x[k].mul(y[k]).add(Ext3.ONE.sub(x[k]).mul(Ext3.ONE.sub(y[k]))));
            }
            assertEquals(expected, Mle.eq(x, y));
        }
    }

    @Test
    void shortTablesArePaddedWithZeros() {
        long[] v = {5, 7, 11};
        Ext3[] r = {Ext3.of(3), Ext3.of(4)};
        assertEquals(Mle.evaluate(new long[] {5, 7, 11, 0}, r), Mle.evaluate(v, r));
    }

    /** Every degree from 0 to 40 (cached weights up to 32, computed beyond), random and node points. */
    @Test
    void univariateInterpolationReproducesAPolynomial() {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int d = 0; d <= 40; d++) {
            Ext3[] coeffs = new Ext3[d + 1];
            for (int i = 0; i <= d; i++) {
                coeffs[i] = rand(rnd);
            }
            Ext3[] evals = new Ext3[d + 1];
            for (int i = 0; i <= d; i++) {
                evals[i] = horner(coeffs, Ext3.of(i));
            }
            for (Ext3 x : new Ext3[] {rand(rnd), Ext3.of(d / 2), Ext3.of(d + 3)}) {
                assertEquals(horner(coeffs, x), Univariate.evaluate(evals, x), "degree " + d);
            }
        }
    }

    /** The Lagrange weights from factorials are the definition's 1 / Π_{j ≠ i} (i − j), degrees 0 to 40. */
    @Test
    void lagrangeWeightsMatchTheirDefinition() {
        for (int d = 0; d <= 40; d++) {
            long[] w = Univariate.weights(d);
            for (int i = 0; i <= d; i++) {
                long den = 1;
                for (int j = 0; j <= d; j++) {
                    if (j != i) {
                        den = Goldilocks.mul(den, Goldilocks.fromSigned(i - j));
                    }
                }
                assertEquals(1, Goldilocks.mul(w[i], den), "degree " + d + ", weight " + i);
            }
        }
    }

    private static Ext3 horner(Ext3[] c, Ext3 x) {
        Ext3 acc = Ext3.ZERO;
        for (int i = c.length - 1; i >= 0; i--) {
            acc = acc.mul(x).add(c[i]);
        }
        return acc;
    }
}
