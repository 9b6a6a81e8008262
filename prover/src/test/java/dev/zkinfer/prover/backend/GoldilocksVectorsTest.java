package dev.zkinfer.prover.backend;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.field.Goldilocks;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GoldilocksVectorsTest {
    private static long[] values(SplittableRandom rnd, int n) {
        long[] edges = {0, 1, Goldilocks.P - 1, Goldilocks.P - 2, 0xFFFF_FFFFL, 0x1_0000_0000L,
            0xFFFF_FFFF_0000_0000L, Goldilocks.P >>> 1, 0xFFFF_FFFE_FFFF_FFFFL};
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextInt(4) == 0 ? edges[rnd.nextInt(edges.length)] : Goldilocks.reduce(rnd.nextLong());
        }
        return v;
    }

    @Test
    void vectorArithmeticEqualsScalar() {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int n : new int[] {0, 1, 7, 8, 9, 100, 4099}) {
            long[] a = values(rnd, n), b = values(rnd, n);
            long[] sum = new long[n], diff = new long[n], prod = new long[n];
            GoldilocksVectors.add(a, b, sum, n);
            GoldilocksVectors.sub(a, b, diff, n);
            GoldilocksVectors.mul(a, b, prod, n);
            for (int i = 0; i < n; i++) {
                assertEquals(Goldilocks.add(a[i], b[i]), sum[i]);
                assertEquals(Goldilocks.sub(a[i], b[i]), diff[i]);
                assertEquals(Goldilocks.mul(a[i], b[i]), prod[i], () -> "mul lanes");
            }
        }
    }
}
