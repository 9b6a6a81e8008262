package dev.zkinfer.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.poly.PrefixEqTables;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The verifier's lookup-table evaluations against the plain multilinear extension of the
 * columns: the closed form of a {@link LookupTable.Ramp} column (an activation table's input
 * column, a softmax gap column, a range check's values) and the dot product with a shared
 * prefix eq table ({@link PrefixEqTables}) for the others, for tables of several sizes evaluated
 * at prefixes of one point, as the LogUp verifier does.
 */
class LookupTableEvaluationTest {
    private static Ext3 random(SplittableRandom rnd) {
        return new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
    }

    @Test
    void everyTableKindEqualsItsColumnsMleAtPrefixesOfOnePoint() {
        SplittableRandom rnd = new SplittableRandom(2026);
        int[] gelu = new int[1 << 16];
        for (int j = 0; j < gelu.length; j++) {
            gelu[j] = (int) Math.round(4000 * Math.tanh((j - 32768) / 9000.0));
        }
        int[] odd = new int[300];
        for (int j = 0; j < odd.length; j++) {
            odd[j] = rnd.nextInt(1 << 20) - (1 << 19);
        }
        LookupTable[] tables = {
            new TableLayer(0, 1, -32768, gelu).lookups().get(0).table(),
            new TableLayer(0, 1, 17, odd).lookups().get(0).table(), // padded by its row 0
            new TableLayer(0, 1, -5, new int[] {9}).lookups().get(0).table(), // one row
            new RangeCheckLayer(0, -100, 200).lookups().get(0).table(), // holds 0
            new RangeCheckLayer(0, 3, 40).lookups().get(0).table(), // 0 appended after the values: no ramp
            LookupTable.clamp(255, 64),
            LookupTable.range(10),
            LookupTable.explicit(new long[][] {{5, 5, 5, 5, 5}}), // a constant column
            LookupTable.explicit(new long[][] {{Goldilocks.P - 2, Goldilocks.P - 1, 0, 1, 2, 3, 3, 3}}), // wraps through p
        };
        assertNotNull(tables[0].ramps()[0], "an activation table's input column is a ramp");
        assertNull(tables[0].ramps()[1], "its output column is not");
        assertNull(tables[4].ramps()[0]);
        assertNotNull(tables[8].ramps()[0]);
        for (int trial = 0; trial < 3; trial++) {
            Ext3[] point = new Ext3[18];
            for (int k = 0; k < point.length; k++) {
                point[k] = random(rnd);
            }
            PrefixEqTables eq = new PrefixEqTables(point);
            for (LookupTable t : tables) {
                Ext3[] x = Arrays.copyOf(point, t.logSize());
                for (int c = 0; c < t.columns(); c++) {
                    Ext3 expected = Mle.evaluate(t.column(c), x);
                    assertEquals(expected, t.evaluate(c, x), t.logSize() + "-variable table, column " + c + ", direct");
                    assertEquals(expected, t.evaluate(c, eq), t.logSize() + "-variable table, column " + c + ", shared eq table");
                }
            }
        }
    }

    /** A ramp is found from the columns, so two tables with equal columns are one table whatever their origin. */
    @Test
    void rampsAreNotPartOfTheTablesIdentity() {
        LookupTable a = new RangeCheckLayer(0, -100, 200).lookups().get(0).table();
        LookupTable b = LookupTable.explicit(new long[][] {a.column(0)});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        long[] changed = a.column(0);
        changed[7] = Goldilocks.add(changed[7], 1);
        LookupTable c = LookupTable.explicit(new long[][] {changed});
        assertNotEquals(a, c);
        assertNull(c.ramps()[0], "one changed row breaks the ramp");
        Ext3[] x = new Ext3[a.logSize()];
        SplittableRandom rnd = new SplittableRandom(5);
        for (int k = 0; k < x.length; k++) {
            x[k] = random(rnd);
        }
        assertNotEquals(a.evaluate(0, x), c.evaluate(0, new PrefixEqTables(x)));
        assertEquals(Mle.evaluate(changed, x), c.evaluate(0, new PrefixEqTables(x)));
    }
}
