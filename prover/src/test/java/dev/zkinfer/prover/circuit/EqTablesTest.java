package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.poly.Mle;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The layer provers' eq tables on every available backend against the Java reference {@link Mle#eqTable}. */
class EqTablesTest {
    private static List<Backend> backends() {
        List<Backend> out = new ArrayList<>(List.of(Backends.scalar(), Backends.vector()));
        if (Backends.nativeBackend() != null) {
            out.add(Backends.nativeBackend());
        }
        return out;
    }

    private static Ext3[] point(SplittableRandom rnd, int n) {
        Ext3[] r = new Ext3[n];
        for (int i = 0; i < n; i++) {
            r[i] = new Ext3(rnd.nextLong() >>> 1, rnd.nextLong() >>> 1, rnd.nextLong() >>> 1);
        }
        return r;
    }

    @Test
    void backendEqTablesEqualTheReferenceOnEveryBackend() {
        SplittableRandom rnd = new SplittableRandom(17);
        // below, at and above the size where the backend's kernel takes over
        for (int n : new int[] {3, 12, 13, 14, 17}) {
            Ext3[] r = point(rnd, n);
            long[] reference = Mle.eqTable(r);
            assertArrayEquals(reference, EqTables.eq(r), "Java table, n = " + n);
            for (Backend b : backends()) {
                assertArrayEquals(reference, EqTables.eq(b, r), b + ", n = " + n);
            }
        }
    }

    @Test
    void backendEqTablesHandleBaseFieldCoordinates() {
        // coordinates 0 and 1 (lifted claims) and a base-field point take other kernel paths
        SplittableRandom rnd = new SplittableRandom(5);
        Ext3[] r = point(rnd, 15);
        r[14] = Ext3.ZERO;
        r[13] = Ext3.ONE;
        for (int i = 0; i < 6; i++) {
            r[i] = Ext3.of(rnd.nextLong() >>> 1);
        }
        long[] reference = Mle.eqTable(r);
        for (Backend b : backends()) {
            assertArrayEquals(reference, EqTables.eq(b, r), b.toString());
        }
        Ext3[] base = new Ext3[14];
        for (int i = 0; i < base.length; i++) {
            base[i] = Ext3.of(rnd.nextLong() >>> 1);
        }
        long[] baseRef = Mle.eqTable(base);
        for (Backend b : backends()) {
            assertArrayEquals(baseRef, EqTables.eq(b, base), "base point, " + b);
        }
    }
}
