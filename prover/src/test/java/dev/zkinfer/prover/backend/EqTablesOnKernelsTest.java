package dev.zkinfer.prover.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.circuit.EqTables;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link EqTables#evaluate} gives {@link Mle#evaluate}'s value, and {@link EqTables#eq(Backend,
 * Ext3[])} {@link EqTables#eq(Ext3[])}'s table, whichever way they go: in Java, or on a backend's
 * kernel from {@link CommitKernels#kernelsPayFrom} entries on (native kernels with the launcher's
 * short-run threshold of 32, with none, with the default), including tables shorter than 2^n that
 * the kernel gets padded with zeros, and extreme values (p − 1).
 */
class EqTablesOnKernelsTest {
    private final SplittableRandom rnd = new SplittableRandom(19);

    @Test
    void nativeKernelsTakeTablesFromTheirThresholdOn() {
        assumeTrue(NativeBackend.unavailableReason() == null, () -> "native backend not loadable: " + NativeBackend.unavailableReason());
        assertEquals(32, new NativeBackend(Backends.scalar(), 32).commit().kernelsPayFrom());
        assertEquals(2, new NativeBackend(Backends.scalar(), 0).commit().kernelsPayFrom());
        assertEquals(Integer.MAX_VALUE, Backends.scalar().commit().kernelsPayFrom());
    }

    @Test
    void evaluatesAndMakesEqTablesAsJavaOnEveryBackendAndLength() {
        assertSameAsMle(Backends.scalar());
        if (NativeBackend.unavailableReason() == null) {
            for (int min : new int[] {0, 32, NativeCommitKernels.MIN_NATIVE}) {
                assertSameAsMle(new NativeBackend(Backends.scalar(), min));
            }
        }
    }

    private void assertSameAsMle(Backend backend) {
        for (int n = 0; n <= 14; n++) {
            int full = 1 << n;
            for (int length : new int[] {full, full - 1, full / 2 + 1, Math.min(full, 3), 0}) {
                for (boolean extreme : new boolean[] {false, true}) {
                    long[] values = new long[length];
                    for (int i = 0; i < length; i++) {
                        values[i] = extreme ? Goldilocks.P - 1 : Goldilocks.reduce(rnd.nextLong());
                    }
                    Ext3[] r = new Ext3[n];
                    for (int i = 0; i < n; i++) {
                        r[i] = new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
                    }
                    if (length == full && !extreme) {
                        assertEquals(java.util.Arrays.toString(EqTables.eq(r)), java.util.Arrays.toString(EqTables.eq(backend, r)),
                                backend.name() + ", eq over " + n + " variables");
                    }
                    long[] before = values.clone();
                    assertEquals(Mle.evaluate(values, r), EqTables.evaluate(backend, values, r),
                            backend.name() + ", " + length + " values, " + n + " variables");
                    assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(values), "the values are left as they were");
                }
            }
        }
    }
}
