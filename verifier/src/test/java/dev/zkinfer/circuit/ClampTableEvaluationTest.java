package dev.zkinfer.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The clamp table's multilinear extensions in closed form ({@link LookupTable.ClampShape}), which
 * the verifier uses instead of folding 2^n rows: equal to the plain MLE of the table's columns at
 * random points, for every shape requantization makes (odd and even widths, zero excess, tables
 * that fill their power of two and tables padded by a row); and the prefix sums they rest on,
 * against the sums over the rows themselves.
 */
class ClampTableEvaluationTest {
    private static Ext3 random(SplittableRandom rnd) {
        return new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
    }

    @Test
    void closedFormEqualsTheColumnsMle() {
        SplittableRandom rnd = new SplittableRandom(1919);
        int[] widths = {2, 3, 16, 127, 128, 255, 256, 4096};
        long[] excesses = {0, 1, 2, 3, 7, 64, 449, 1000};
        int checked = 0;
        for (int w : widths) {
            for (long e : excesses) {
                if (w + 2 * e > 1 << 16) {
                    continue;
                }
                LookupTable t = LookupTable.clamp(w, e);
                assertNotNull(t.clamp());
                assertEquals(LookupTable.explicit(new long[][] {t.column(0), t.column(1)}), t, "identity is the columns");
                for (int trial = 0; trial < 3; trial++) {
                    Ext3[] x = new Ext3[t.logSize()];
                    for (int k = 0; k < x.length; k++) {
                        x[k] = random(rnd);
                    }
                    for (int c = 0; c < 2; c++) {
                        assertEquals(Mle.evaluate(t.column(c), x), t.evaluate(c, x), "width " + w + ", E " + e + ", column " + c);
                    }
                    checked++;
                }
            }
        }
        assertEquals(true, checked > 100);
    }

    /** The rows as documented: (d, 0) for d < E, (E, v) for v < W, (E + d, W − 1) for 1 ≤ d ≤ E, then (0, 0) up to a power of two. */
    @Test
    void rowsAreTheDocumentedOnes() {
        for (int w : new int[] {2, 3, 16, 255, 256}) {
            for (long e : new long[] {0, 1, 5, 64, 449}) {
                LookupTable t = LookupTable.clamp(w, e);
                int rows = (int) (w + 2 * e);
                assertEquals(TensorLayout.log2Ceil(rows), t.logSize());
                for (int r = 0; r < 1 << t.logSize(); r++) {
                    long ce, cy;
                    if (r >= rows) {
                        ce = 0;
                        cy = 0;
                    } else if (r < e) {
                        ce = r;
                        cy = 0;
                    } else if (r < e + w) {
                        ce = e;
                        cy = r - e;
                    } else {
                        ce = r - w + 1;
                        cy = w - 1;
                    }
                    assertEquals(ce, t.column(0)[r], "width " + w + ", E " + e + ", row " + r);
                    assertEquals(cy, t.column(1)[r], "width " + w + ", E " + e + ", row " + r);
                }
            }
        }
    }

    @Test
    void prefixSumsMatchTheRows() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int n = 0; n <= 6; n++) {
            Ext3[] x = new Ext3[n];
            for (int k = 0; k < n; k++) {
                x[k] = random(rnd);
            }
            for (long a = 0; a <= 1L << n; a++) {
                Ext3 p = Ext3.ZERO, q = Ext3.ZERO;
                for (long r = 0; r < a; r++) {
                    Ext3 eq = Mle.eqAtIndex(x, r);
                    p = p.add(eq);
                    q = q.add(eq.mul(r));
                }
                Ext3[] pq = LookupTable.ClampShape.prefix(a, x);
                assertEquals(p, pq[0], "P_" + a + " on " + n + " variables");
                assertEquals(q, pq[1], "Q_" + a + " on " + n + " variables");
            }
        }
    }
}
