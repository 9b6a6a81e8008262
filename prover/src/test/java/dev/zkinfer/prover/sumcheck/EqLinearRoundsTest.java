package dev.zkinfer.prover.sumcheck;

import static org.junit.jupiter.api.Assertions.*;
import static dev.zkinfer.prover.sumcheck.RandomValues.randomExt;
import static dev.zkinfer.prover.sumcheck.RandomValues.randomMask;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.poly.Univariate;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.backend.SumcheckKernels;
import dev.zkinfer.sumcheck.TensorMask;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link EqLinearRounds} against the generic prover of the same statement (the reference: eq(p, ·)
 * and the columns as tables, the terms a_c·eq·F_c and a_0·eq, each mask marked with
 * {@code maskTable(f, 1, R, 0, null)}), in the three shapes of the lookup stage's leaf sumcheck.
 */
class EqLinearRoundsTest {
    private static EqLinearRounds.Column column(SplittableRandom rnd, int n, boolean base, TensorMask mask) {
        long[] v = new long[(base ? 1 : 3) << n];
        for (int i = 0; i < v.length; i++) {
            // small values in some base columns, as lookups' columns are
            v[i] = base && rnd.nextBoolean() ? rnd.nextInt(256) : Goldilocks.reduce(rnd.nextLong());
        }
        return new EqLinearRounds.Column(v, base, randomExt(rnd), mask);
    }

    /**
     * The shapes: a lookup's base columns, masked (degrees 0..2) and one plain; a table segment's
     * masked base multiplicities and plain extension rows; a mask segment's two extension columns
     * with no constant; every column plain; and the one-column parts that run on the column itself
     * (EqProductRounds' affine form): a lookup's masked base column, one whose values end in zeros
     * (the passes skip a zero tail), an all-zero one, and an extension column.
     */
    private static List<List<EqLinearRounds.Column>> shapes(SplittableRandom rnd, int n) {
        List<List<EqLinearRounds.Column>> shapes = new ArrayList<>();
        boolean maskable = n > 0;
        shapes.add(List.of(column(rnd, n, true, maskable ? randomMask(rnd, 0) : null), column(rnd, n, true, maskable ? randomMask(rnd, 2) : null),
                column(rnd, n, true, null), column(rnd, n, true, maskable ? randomMask(rnd, 1) : null)));
        shapes.add(List.of(column(rnd, n, true, maskable ? randomMask(rnd, 1) : null), column(rnd, n, false, null)));
        shapes.add(List.of(column(rnd, n, false, null), column(rnd, n, false, null)));
        shapes.add(List.of(column(rnd, n, true, null)));
        shapes.add(List.of(column(rnd, n, true, maskable ? randomMask(rnd, 2) : null)));
        EqLinearRounds.Column tail = column(rnd, n, true, maskable ? randomMask(rnd, 0) : null);
        java.util.Arrays.fill(tail.values(), (1 << n) * 5 / 8, 1 << n, 0);
        shapes.add(List.of(tail));
        shapes.add(List.of(new EqLinearRounds.Column(new long[1 << n], true, randomExt(rnd), maskable ? randomMask(rnd, 1) : null)));
        shapes.add(List.of(column(rnd, n, false, null)));
        return shapes;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 7, 11, 14, 15})
    void messagesAndFinalsEqualTheGenericProvers(int n) {
        SplittableRandom rnd = new SplittableRandom(4200 + n);
        for (SumcheckKernels kernels : List.of(Backends.scalar().sumcheck(), Backends.get().sumcheck())) {
            List<List<EqLinearRounds.Column>> shapes = shapes(rnd, n);
            for (int shape = 0; shape < shapes.size(); shape++) {
                List<EqLinearRounds.Column> columns = shapes.get(shape);
                Ext3 constant = shape == 2 ? Ext3.ZERO : randomExt(rnd);
                Ext3[] p = new Ext3[n];
                for (int i = 0; i < n; i++) {
                    p[i] = randomExt(rnd);
                }
                List<long[]> copies = columns.stream().map(c -> c.values().clone()).toList();
                SumcheckInstance inst = new SumcheckInstance(n);
                int e = inst.addTable(Mle.eqTable(p));
                for (EqLinearRounds.Column c : columns) {
                    int f = c.base() ? inst.addBaseTable(c.values().clone()) : inst.addTable(c.values().clone());
                    if (c.mask() != null) {
                        inst.maskTable(f, Ext3.ONE, c.mask(), 0, null);
                    }
                    inst.addTerm(c.coefficient(), e, f);
                }
                inst.addTerm(constant, e);
                Ext3 claim = inst.sum();
                var reference = new SumcheckProver.InstanceRounds(Backends.scalar().sumcheck(), inst);
                EqLinearRounds fast = new EqLinearRounds(kernels, p, constant, columns);
                String what = "n = " + n + ", shape " + shape + " (" + kernels.getClass().getSimpleName() + ")";
                assertEquals(n, fast.numVars());
                assertEquals(claim, fast.sum(), what + ": the sum");
                Ext3[] r = new Ext3[n];
                for (int k = 0; k < n; k++) {
                    long[] ref = reference.message(k, claim);
                    long[] got = fast.message(k, claim);
                    assertArrayEquals(ref, got, what + ": round " + k);
                    r[k] = randomExt(rnd);
                    claim = Univariate.evaluate(SumcheckProver.values(got, claim, got.length / 3), r[k]);
                    reference.bind(k, r[k]);
                    fast.bind(k, r[k]);
                }
                Ext3[] refFinals = reference.finals();
                Ext3[] finals = fast.finals();
                assertEquals(columns.size(), finals.length, what);
                Ext3 form = constant;
                for (int c = 0; c < finals.length; c++) {
                    assertEquals(refFinals[c + 1], finals[c], what + ": column " + c + " at the point");
                    form = form.add(columns.get(c).coefficient().mul(finals[c]));
                }
                assertEquals(claim, Mle.eq(p, r).mul(form), what + ": the last claim is eq(p, r)·(a_0 + Σ a_c·F̂_c(r))");
                for (int c = 0; c < columns.size(); c++) {
                    assertArrayEquals(copies.get(c), columns.get(c).values(), what + ": column " + c + " is left as it was");
                }
                for (int count = 0; count <= columns.size(); count++) {
                    assertArrayEquals(java.util.Arrays.copyOf(finals, count), fast.finals(count), what + ": the first " + count + " finals");
                }
            }
        }
    }

    /** A masked column changes the last round's message (the mask enters there) and its final value, nothing before. */
    @Test
    void aMaskEntersOnlyTheLastRound() {
        SplittableRandom rnd = new SplittableRandom(77);
        int n = 5;
        EqLinearRounds.Column plain = column(rnd, n, true, null);
        EqLinearRounds.Column masked = new EqLinearRounds.Column(plain.values(), true, plain.coefficient(), randomMask(rnd, 1));
        Ext3[] p = new Ext3[n];
        for (int i = 0; i < n; i++) {
            p[i] = randomExt(rnd);
        }
        Ext3 constant = randomExt(rnd);
        EqLinearRounds a = new EqLinearRounds(Backends.scalar().sumcheck(), p, constant, List.of(plain));
        EqLinearRounds b = new EqLinearRounds(Backends.scalar().sumcheck(), p, constant, List.of(masked));
        for (int k = 0; k < n; k++) {
            long[] ma = a.message(k, Ext3.ZERO), mb = b.message(k, Ext3.ZERO);
            if (k < n - 1) {
                assertArrayEquals(ma, mb, "round " + k);
            } else {
                assertEquals(6, ma.length, "degree 2 without a mask");
                assertEquals(9, mb.length, "degree 3 with one");
            }
            Ext3 r = randomExt(rnd);
            a.bind(k, r);
            b.bind(k, r);
        }
        assertNotEquals(a.finals()[0], b.finals()[0]);
    }

    /**
     * Parts of 3, 6 and 4 variables bound to prefixes of one point share one eq table per size
     * and give the finals of parts with their own tables; a part bound to another point is refused.
     */
    @Test
    void partsOfOneBatchShareEqTablesPerSize() {
        SplittableRandom rnd = new SplittableRandom(99);
        SumcheckKernels k = Backends.get().sumcheck();
        int[] sizes = {3, 6, 4, 6};
        Ext3[] s = new Ext3[6];
        for (int i = 0; i < s.length; i++) {
            s[i] = randomExt(rnd);
        }
        EqLinearRounds.PointTables shared = new EqLinearRounds.PointTables(p -> Mle.eqTableInto(p, Ext3.ONE, new long[3 << p.length]));
        for (int n : sizes) {
            Ext3[] p = new Ext3[n];
            for (int i = 0; i < n; i++) {
                p[i] = randomExt(rnd);
            }
            List<EqLinearRounds.Column> cols = List.of(column(rnd, n, true, randomMask(rnd, 1)), column(rnd, n, false, null));
            Ext3 constant = randomExt(rnd);
            EqLinearRounds a = new EqLinearRounds(k, p, constant, cols, shared);
            EqLinearRounds b = new EqLinearRounds(k, p, constant, cols);
            for (int j = 0; j < n; j++) {
                a.bind(j, s[j]);
                b.bind(j, s[j]);
            }
            assertArrayEquals(b.finals(1), a.finals(1), n + " variables: the first final alone");
            assertArrayEquals(b.finals(), a.finals(), n + " variables");
        }
        EqLinearRounds other = new EqLinearRounds(k, new Ext3[] {Ext3.of(2), Ext3.of(3)}, Ext3.ONE,
                List.of(new EqLinearRounds.Column(new long[] {1, 2, 3, 4}, true, Ext3.ONE, null)), shared);
        other.bind(0, s[0]);
        other.bind(1, s[1].add(Ext3.ONE));
        assertThrows(IllegalStateException.class, other::finals);
    }

    /**
     * Parts bound to prefixes of one point p (the leaf sumcheck's parts), with a shared
     * {@link EqLinearRounds.PointTables} (their eq-product rounds' split eq tables cached by range),
     * send the messages and finals of parts with their own tables, in one, two and four columns.
     */
    @Test
    void partsOnPrefixesOfOnePointShareTheirSplitEqTables() {
        SplittableRandom rnd = new SplittableRandom(123);
        SumcheckKernels k = Backends.get().sumcheck();
        int[] sizes = {9, 5, 9, 2, 7, 5, 3};
        Ext3[] point = new Ext3[9], s = new Ext3[9];
        for (int i = 0; i < point.length; i++) {
            point[i] = randomExt(rnd);
            s[i] = randomExt(rnd);
        }
        EqLinearRounds.PointTables shared = new EqLinearRounds.PointTables();
        for (int j = 0; j < sizes.length; j++) {
            int n = sizes[j];
            Ext3[] p = java.util.Arrays.copyOf(point, n);
            List<EqLinearRounds.Column> cols = new ArrayList<>();
            for (int c = 0; c <= j % 3; c++) {
                cols.add(column(rnd, n, c != 1, c == 0 ? randomMask(rnd, 1) : null));
            }
            if (j % 3 == 2) {
                cols.add(column(rnd, n, true, null)); // four columns: L's rounds
            }
            Ext3 constant = randomExt(rnd);
            EqLinearRounds a = new EqLinearRounds(k, p, constant, cols, shared);
            EqLinearRounds b = new EqLinearRounds(k, p, constant, cols);
            assertEquals(b.sum(), a.sum());
            Ext3 claim = b.sum();
            for (int i = 0; i < n; i++) {
                long[] mb = b.message(i, claim);
                assertArrayEquals(mb, a.message(i, claim), "part " + j + ", round " + i);
                claim = Univariate.evaluate(SumcheckProver.values(mb, claim, mb.length / 3), s[i]);
                a.bind(i, s[i]);
                b.bind(i, s[i]);
            }
            assertArrayEquals(b.finals(), a.finals(), "part " + j);
        }
    }

    @Test
    void refusesRoundsOutOfOrderAndColumnsOfAnotherSize() {
        Ext3[] p = {Ext3.of(3), Ext3.of(5)};
        SumcheckKernels k = Backends.scalar().sumcheck();
        EqLinearRounds r = new EqLinearRounds(k, p, Ext3.ONE, List.of(new EqLinearRounds.Column(new long[] {1, 2, 3, 4}, true, Ext3.ONE, null)));
        assertThrows(IllegalStateException.class, () -> r.message(1, Ext3.ZERO));
        assertThrows(IllegalStateException.class, () -> r.bind(1, Ext3.ONE));
        assertThrows(IllegalStateException.class, r::finals);
        assertThrows(IllegalArgumentException.class,
                () -> new EqLinearRounds(k, p, Ext3.ONE, List.of(new EqLinearRounds.Column(new long[5], true, Ext3.ONE, null))));
        assertThrows(IllegalArgumentException.class,
                () -> new EqLinearRounds(k, p, Ext3.ONE, List.of(new EqLinearRounds.Column(new long[4], false, Ext3.ONE, null))));
    }
}
