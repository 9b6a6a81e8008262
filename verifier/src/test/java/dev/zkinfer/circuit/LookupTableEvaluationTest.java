package dev.zkinfer.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.poly.PrefixEqTables;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The verifier's lookup-table evaluations against the plain multilinear extension of the
 * columns: a column of a few {@link LookupTable.Pieces} in closed form (an activation table's input
 * column, a softmax gap column, a range check's values), the dot product with the eq tables of the
 * point's halves ({@link PrefixEqTables}) for the others, for tables of several sizes evaluated at prefixes of one point, as the LogUp verifier does.
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
        int[] reciprocal = new int[1 << 13];
        for (int j = 0; j < reciprocal.length; j++) {
            reciprocal[j] = (int) Math.round(1e6 / (j + 1));
        }
        LookupTable[] tables = {
            new TableLayer(0, 1, -32768, gelu).lookups().get(0).table(),
            new TableLayer(0, 1, 17, odd).lookups().get(0).table(), // padded by its row 0
            new TableLayer(0, 1, -5, new int[] {9}).lookups().get(0).table(), // one row
            new TableLayer(0, 1, 1, reciprocal).lookups().get(0).table(), // an odd number of variables
            new RangeCheckLayer(0, -100, 200).lookups().get(0).table(), // holds 0
            new RangeCheckLayer(0, 3, 40).lookups().get(0).table(), // 0 appended after the values, then the padding
            LookupTable.clamp(255, 64),
            LookupTable.range(10),
            LookupTable.explicit(new long[][] {{5, 5, 5, 5, 5}}), // a constant column
            LookupTable.explicit(new long[][] {{Goldilocks.P - 2, Goldilocks.P - 1, 0, 1, 2, 3, 3, 3}}), // wraps through p
        };
        assertEquals(1, tables[0].pieces()[0].count(), "an activation table's input column is one piece");
        assertNull(tables[0].pieces()[1], "its output column is many");
        assertEquals(2, tables[1].pieces()[0].count(), "the input column of a padded table: the ramp and the padding");
        assertNull(tables[1].pieces()[1], "random outputs: more pieces than a quarter of the rows");
        assertNull(tables[3].pieces()[1]);
        assertEquals(3, tables[5].pieces()[0].count(), "a range check without 0: its values, the 0, the padding");
        assertEquals(2, tables[9].pieces()[0].count(), "a ramp through p, then a run");
        assertTrue(tables[0].small()[1] != null, "an int16 activation's outputs are kept as ints");
        assertTrue(tables[1].small()[1] != null, "values within 2^20");
        assertTrue(tables[0].small()[0] == null, "a column of pieces needs no ints");
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

    /** Pieces are found from the columns, so two tables with equal columns are one table whatever their origin. */
    @Test
    void piecesAreNotPartOfTheTablesIdentity() {
        LookupTable a = new RangeCheckLayer(0, -100, 200).lookups().get(0).table();
        LookupTable b = LookupTable.explicit(new long[][] {a.column(0)});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        long[] changed = a.column(0);
        changed[7] = Goldilocks.add(changed[7], 1);
        LookupTable c = LookupTable.explicit(new long[][] {changed});
        assertNotEquals(a, c);
        assertEquals(2, a.pieces()[0].count(), "the values and the padding");
        assertEquals(4, c.pieces()[0].count(), "one changed row: the rows before it, it and the next, the rest, the padding");
        Ext3[] x = new Ext3[a.logSize()];
        SplittableRandom rnd = new SplittableRandom(5);
        for (int k = 0; k < x.length; k++) {
            x[k] = random(rnd);
        }
        assertNotEquals(a.evaluate(0, x), c.evaluate(0, new PrefixEqTables(x)));
        assertEquals(Mle.evaluate(changed, x), c.evaluate(0, x));
        assertEquals(Mle.evaluate(changed, x), c.evaluate(0, new PrefixEqTables(x)));
    }
    /**
     * An int16 activation table's output column goes through the small-value dot product
     * ({@link dev.zkinfer.field.BaseDotProduct#tensor}); one changed entry anywhere, by one, by its sign,
     * or past the small bound (that block then takes the exact path), changes its evaluation to the
     * changed column's MLE: the verifier's table evaluation stays bound to the key's table.
     */
    @Test
    void oneChangedEntryOfAnInt16ActivationTableChangesItsEvaluation() {
        int[] gelu = new int[1 << 16];
        for (int j = 0; j < gelu.length; j++) {
            double v = (j - 32768) / 4096.0;
            gelu[j] = (int) Math.round(4096 * v / (1 + Math.exp(-1.702 * v)));
        }
        LookupTable table = new TableLayer(0, 1, -32768, gelu).lookups().get(0).table();
        SplittableRandom rnd = new SplittableRandom(15);
        Ext3[] point = new Ext3[20];
        for (int k = 0; k < point.length; k++) {
            point[k] = random(rnd);
        }
        Ext3[] x = Arrays.copyOf(point, 16);
        Ext3 honest = table.evaluate(1, new PrefixEqTables(point));
        assertEquals(Mle.evaluate(table.column(1), x), honest);
        long[][] changes = {{0, 1}, {40000, -1}, {65535, 1}, {123, 0}, {30000, 1L << 20}, {30001, -(1L << 20)}, {31000, (1L << 20) + 1},
            {65000, -(1L << 20) - 1}, {7, Goldilocks.P - 1}};
        for (long[] change : changes) {
            int row = (int) change[0];
            long[] out = table.column(1);
            out[row] = change[1] == 0 ? Goldilocks.neg(out[row]) : Goldilocks.add(out[row], Goldilocks.fromSigned(change[1]));
            if (out[row] == table.column(1)[row]) {
                out[row] = Goldilocks.add(out[row], 1); // a zero entry's sign flip changes nothing
            }
            LookupTable changed = LookupTable.explicit(new long[][] {table.column(0), out});
            long signed = Goldilocks.toSigned(out[row]);
            assertEquals(signed >= -(1L << LookupTable.SMALL_BITS) && signed < 1L << LookupTable.SMALL_BITS, changed.small()[1] != null,
                    "row " + row + " kept as ints exactly when its new value is small");
            Ext3 value = changed.evaluate(1, new PrefixEqTables(point));
            assertEquals(Mle.evaluate(out, x), value, "row " + row + " changed by " + change[1]);
            assertNotEquals(honest, value, "row " + row + " changed by " + change[1]);
        }
    }
}
