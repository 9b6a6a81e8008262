package dev.zkinfer.prover.pcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link WeightTables#addBatch} with kernels (small blocks batched into one kernel table per block)
 * gives the Java path's table and γ power, for blocks on either side of {@link WeightTables#KERNEL_VARS}.
 */
class WeightTablesBatchTest {
    private static final int N = 14;

    @Test
    void smallBlocksThroughTheKernelsMatchTheJavaPath() {
        List<Backend> backends = new ArrayList<>(List.of(Backends.scalar(), Backends.vector()));
        if (Backends.nativeBackend() != null) {
            backends.add(Backends.nativeBackend());
        }
        Random rnd = new Random(19);
        for (long seed = 0; seed < 4; seed++) {
            List<Ext3[]> points = points(new Random(seed), seed % 2 == 0);
            Ext3 gamma = random(rnd), scale = random(rnd);
            long[] expected = new long[3 << N];
            Ext3 gExpected = WeightTables.addBatch(null, expected, points, gamma, scale, N);
            for (Backend b : backends) {
                long[] w = new long[3 << N];
                Ext3 g = WeightTables.addBatch(b.commit(), w, points, gamma, scale, N);
                assertArrayEquals(expected, w, b.name() + ", seed " + seed);
                assertEquals(gExpected, g, b.name());
            }
        }
    }

    /** Claims on blocks of 0 to 13 free variables, several sharing a block; base-field or extension coordinates. */
    private static List<Ext3[]> points(Random rnd, boolean base) {
        List<Ext3[]> out = new ArrayList<>();
        for (int m : new int[] {0, 2, WeightTables.KERNEL_VARS - 1, WeightTables.KERNEL_VARS, 9, 9, 9, 12, 13, 5, 9, 11}) {
            for (int copies = 0; copies < 3; copies++) {
                Ext3[] z = new Ext3[N];
                for (int i = 0; i < m; i++) {
                    z[i] = base ? Ext3.of(Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P)) : random(rnd);
                }
                // the same block for the first two copies, another for the third
                for (int i = m; i < N; i++) {
                    z[i] = ((i + copies / 2) % 3 == 0) ? Ext3.ONE : Ext3.ZERO;
                }
                out.add(z);
            }
        }
        return out;
    }

    private static Ext3 random(Random rnd) {
        return new Ext3(Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P), Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P),
                Long.remainderUnsigned(rnd.nextLong(), Goldilocks.P));
    }
}
