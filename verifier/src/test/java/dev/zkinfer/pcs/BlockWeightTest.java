package dev.zkinfer.pcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The weight functions' closed-form extensions against brute force over their tables. */
class BlockWeightTest {
    private static Ext3 randomExt(SplittableRandom rnd) {
        return new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
    }

    private static Ext3[] randomPoint(SplittableRandom rnd, int n) {
        Ext3[] p = new Ext3[n];
        for (int i = 0; i < n; i++) {
            p[i] = randomExt(rnd);
        }
        return p;
    }

    /** Σ_b eq(z, b)·table[b]: the multilinear extension of the table, entry by entry. */
    private static Ext3 bruteForce(long[] table, Ext3[] z) {
        Ext3 sum = Ext3.ZERO;
        for (int b = 0; b < table.length / 3; b++) {
            sum = sum.add(Mle.eqAtIndex(z, b).mul(Ext3.get(table, b)));
        }
        return sum;
    }

    private static Ext3 pow(Ext3 x, int e) {
        Ext3 r = Ext3.ONE;
        for (int i = 0; i < e; i++) {
            r = r.mul(x);
        }
        return r;
    }

    @ParameterizedTest
    @CsvSource({"1,1", "1,3", "2,4", "3,3", "5,5", "7,8", "26,8", "4,1"})
    void powerWeightsExtensionMatchesItsTable(int rows, int terms) {
        SplittableRandom rnd = new SplittableRandom(rows * 31L + terms);
        PowerWeights w = new PowerWeights(randomPoint(rnd, rows), terms);
        long[] table = w.table();
        assertEquals(3 << w.numVars(), table.length);
        for (int rep = 0; rep < 3; rep++) {
            Ext3[] z = randomPoint(rnd, w.numVars());
            assertEquals(bruteForce(table, z), w.evaluate(z));
        }
        // on the hypercube the extension is the table
        for (int b = 0; b < (1 << w.numVars()); b += 1 + b / 3) {
            Ext3[] z = new Ext3[w.numVars()];
            for (int i = 0; i < z.length; i++) {
                z[i] = ((b >>> i) & 1) != 0 ? Ext3.ONE : Ext3.ZERO;
            }
            assertEquals(Ext3.get(table, b), w.evaluate(z));
        }
    }

    /** The point of the weight: Σ_b w(b)·block(b) = Σ_i g_i(r_i) for a block of GF(p^3) coefficients stored as components. */
    @Test
    void powerWeightsOpenTheSumOfTheMaskUnivariates() {
        SplittableRandom rnd = new SplittableRandom(5);
        int rows = 5, terms = 4;
        Ext3[] r = randomPoint(rnd, rows);
        Ext3[][] c = new Ext3[rows][terms];
        PowerWeights w = new PowerWeights(r, terms);
        long[] block = new long[1 << w.numVars()];
        Ext3 expected = Ext3.ZERO;
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < terms; k++) {
                c[i][k] = randomExt(rnd);
                expected = expected.add(c[i][k].mul(pow(r[i], k)));
                long[] comp = {c[i][k].c0, c[i][k].c1, c[i][k].c2};
                for (int j = 0; j < 3; j++) {
                    block[k + (1 << w.termBits()) * (i + (1 << w.rowBits()) * j)] = comp[j];
                }
            }
        }
        long[] table = w.table();
        Ext3 got = Ext3.ZERO;
        for (int b = 0; b < block.length; b++) {
            got = got.add(Ext3.get(table, b).mul(block[b]));
        }
        assertEquals(expected, got);
    }

    @ParameterizedTest
    @CsvSource({"3;2", "1", "4;4;2", "5;1;3"})
    void monomialWeightsExtensionMatchesItsTable(String spec) {
        int[] terms = Arrays.stream(spec.split(";")).mapToInt(Integer::parseInt).toArray();
        SplittableRandom rnd = new SplittableRandom(spec.hashCode());
        Ext3[] x = randomPoint(rnd, terms.length);
        MonomialWeights w = new MonomialWeights(x, terms);
        long[] table = w.table();
        for (int rep = 0; rep < 3; rep++) {
            Ext3[] z = randomPoint(rnd, w.numVars());
            assertEquals(bruteForce(table, z), w.evaluate(z));
        }
    }

    /** R_T(x0, w) = Σ_{a<3, b<2} c_{a,b} x0^a w^b, coefficients in GF(p^3), opened through the tensor-mask weight. */
    @Test
    void monomialWeightsOpenATensorMask() {
        SplittableRandom rnd = new SplittableRandom(8);
        Ext3 x0 = randomExt(rnd), wv = randomExt(rnd);
        MonomialWeights w = new MonomialWeights(new Ext3[] {x0, wv}, new int[] {3, 2});
        assertEquals(5, w.numVars());
        long[] block = new long[32];
        Ext3 expected = Ext3.ZERO;
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 2; b++) {
                Ext3 c = randomExt(rnd);
                expected = expected.add(c.mul(pow(x0, a)).mul(pow(wv, b)));
                long[] comp = {c.c0, c.c1, c.c2};
                for (int j = 0; j < 3; j++) {
                    block[a + 4 * b + 8 * j] = comp[j];
                }
            }
        }
        long[] table = w.table();
        Ext3 got = Ext3.ZERO;
        for (int b = 0; b < 32; b++) {
            got = got.add(Ext3.get(table, b).mul(block[b]));
        }
        assertEquals(expected, got);
    }

    @Test
    void encodingsBindEveryParameter() {
        SplittableRandom rnd = new SplittableRandom(3);
        Ext3[] r = randomPoint(rnd, 3);
        PowerWeights a = new PowerWeights(r, 3);
        Ext3[] r2 = r.clone();
        r2[2] = r2[2].add(Ext3.ONE);
        assertNotEquals(a, new PowerWeights(r2, 3));
        assertNotEquals(a, new PowerWeights(r, 4));
        assertNotEquals(a, new PowerWeights(Arrays.copyOf(r, 2), 3));
        MonomialWeights m = new MonomialWeights(new Ext3[] {r[0], r[1]}, new int[] {3, 2});
        assertNotEquals(m, new MonomialWeights(new Ext3[] {r[0], r[1]}, new int[] {2, 3}));
        assertNotEquals(m, new MonomialWeights(new Ext3[] {r[1], r[0]}, new int[] {3, 2}));
        assertNotEquals(m.encode()[0], a.encode()[0]);
    }

    /**
     * PointSumWeights: the extension against brute force over its table, the table against its
     * definition Σ_q λ^q·y_q^j, and the evaluation against the product formula in Ext3 objects
     * (the form before the component-form rewrite), also through an opening point's prefix.
     */
    @ParameterizedTest
    @CsvSource({"0,0,1", "1,3,2", "3,3,5", "4,6,9", "6,8,40", "5,5,1"})
    void pointSumWeightsExtensionMatchesItsTableAndTheProductFormula(int m, int logDomain, int points) {
        SplittableRandom rnd = new SplittableRandom(m * 131L + logDomain * 7L + points);
        int[] exponents = new int[points];
        for (int q = 0; q < points; q++) {
            exponents[q] = rnd.nextInt(0, 1 << logDomain); // repeats allowed
        }
        Ext3 lambda = randomExt(rnd);
        PointSumWeights w = new PointSumWeights(m, logDomain, exponents, lambda);
        long omega = Goldilocks.rootOfUnity(logDomain);
        long[] table = w.table();
        for (int j = 0; j < 1 << m; j++) {
            Ext3 expected = Ext3.ZERO, coef = Ext3.ONE;
            for (int s : exponents) {
                expected = expected.add(coef.mul(Goldilocks.pow(omega, (long) s * j)));
                coef = coef.mul(lambda);
            }
            assertEquals(expected, Ext3.get(table, j));
        }
        for (int rep = 0; rep < 3; rep++) {
            Ext3[] z = randomPoint(rnd, m);
            Ext3 v = w.evaluate(z);
            assertEquals(bruteForce(table, z), v);
            Ext3 formula = Ext3.ZERO, coef = Ext3.ONE;
            for (int s : exponents) {
                Ext3 e = Ext3.ONE;
                long y = Goldilocks.pow(omega, s);
                for (int i = 0; i < m; i++) {
                    e = e.mul(Ext3.ONE.sub(z[i]).add(z[i].mul(y)));
                    y = Goldilocks.mul(y, y);
                }
                formula = formula.add(coef.mul(e));
                coef = coef.mul(lambda);
            }
            assertEquals(formula, v);
            Ext3[] longer = Arrays.copyOf(z, m + 2);
            longer[m] = randomExt(rnd);
            longer[m + 1] = randomExt(rnd);
            assertEquals(v, w.evaluate(new OpeningPoint(longer)));
        }
    }

    /**
     * OpeningPoint.eqAbove against eq(z's top coordinates, block) for every level and block of a
     * point of 9 coordinates, asked in two orders (coarse levels first, then fine levels first) so
     * that its table grows past its first size and answers both computed and remembered entries.
     */
    @Test
    void eqAboveIsTheTopCoordinatesEqAtTheBlock() {
        SplittableRandom rnd = new SplittableRandom(31);
        int n = 9;
        Ext3[] z = randomPoint(rnd, n);
        Ext3[][] expected = new Ext3[n + 1][];
        for (int k = 0; k <= n; k++) {
            Ext3[] top = Arrays.copyOfRange(z, k, n);
            expected[k] = new Ext3[1 << (n - k)];
            for (int b = 0; b < expected[k].length; b++) {
                expected[k][b] = Mle.eqAtIndex(top, b);
            }
        }
        OpeningPoint coarseFirst = new OpeningPoint(z), fineFirst = new OpeningPoint(z);
        for (int rep = 0; rep < 2; rep++) {
            for (int k = n; k >= 0; k--) {
                for (int b = 0; b < expected[k].length; b++) {
                    assertEquals(expected[k][b], coarseFirst.eqAbove(k, b));
                }
            }
            for (int k = 0; k <= n; k++) {
                for (int b = expected[k].length - 1; b >= 0; b--) {
                    assertEquals(expected[k][b], fineFirst.eqAbove(k, b));
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> coarseFirst.eqAbove(3, 1 << (n - 3)));
    }

    /** OpeningPoint.eq against Mle.eq at z's prefix, for points of every length asked twice, as equal copies and as the same array. */
    @Test
    void anOpeningPointsEqOfAPointIsTheEqAtItsPrefixAndIsRemembered() {
        SplittableRandom rnd = new SplittableRandom(32);
        Ext3[] z = randomPoint(rnd, 8);
        OpeningPoint at = new OpeningPoint(z);
        for (int rep = 0; rep < 2; rep++) {
            SplittableRandom points = new SplittableRandom(33); // the same points in both rounds
            for (int k = 0; k <= 8; k++) {
                Ext3[] x = randomPoint(points, k);
                Ext3 expected = Mle.eq(x, Arrays.copyOf(z, k));
                assertEquals(expected, at.eq(x));
                assertEquals(expected, at.eq(x.clone()));
                if (k > 0) {
                    x[0] = randomExt(rnd); // changing the caller's array changes nothing remembered
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> at.eq(randomPoint(rnd, 9)));
    }
}
