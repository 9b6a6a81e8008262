package dev.zkinfer.prover.backend;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.field.Goldilocks;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Σ f·g for a base table f and an extension table g (round 0 of an index map's X·P, integrity and
 * zero-knowledge mode): the vector and native backends' base-by-extension kernel
 * ({@link FusedSumcheck#baseExtProductSums}, sequential and in parallel chunks) against the scalar
 * backend's general round sums and against Σ f·g with f lifted to the extension (the extension
 * product kernel); either factor order, small values, random values and values next to p (the
 * accumulators' carries).
 */
class BaseExtProductSumsTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 64, 4095, 4096, 5003, 1 << 14})
    void equalsTheGeneralSumsAndTheLiftedProduct(int half) {
        SplittableRandom rnd = new SplittableRandom(half);
        List<SumcheckKernels> fast = new ArrayList<>(List.of(Backends.vector().sumcheck()));
        if (Backends.nativeBackend() != null) {
            fast.add(Backends.nativeBackend().sumcheck());
        }
        SumcheckKernels scalar = Backends.scalar().sumcheck();
        for (int kind = 0; kind < 3; kind++) {
            long[] f = new long[2 * half], g = new long[6 * half], lifted = new long[6 * half];
            for (int i = 0; i < f.length; i++) {
                f[i] = kind == 0 ? rnd.nextInt(256) : kind == 1 ? Goldilocks.reduce(rnd.nextLong()) : Goldilocks.P - 1 - (i % 2);
                lifted[3 * i] = f[i];
            }
            for (int i = 0; i < g.length; i++) {
                g[i] = kind == 2 ? Goldilocks.P - 1 - (i % 3 == 2 ? 1 : 0) : Goldilocks.reduce(rnd.nextLong());
            }
            long[] reference = scalar.roundSums(new long[][] {f, g}, new boolean[] {true, false}, new int[][] {{0, 1}}, half, 2);
            assertArrayEquals(reference, scalar.roundSums(new long[][] {lifted, g}, null, new int[][] {{0, 1}}, half, 2),
                    "the general sums against the lifted product, half " + half);
            for (SumcheckKernels k : fast) {
                String what = k.getClass().getSimpleName() + ", half " + half + ", values " + kind;
                assertArrayEquals(reference, k.roundSums(new long[][] {f, g}, new boolean[] {true, false}, new int[][] {{0, 1}}, half, 2), what);
                assertArrayEquals(reference, k.roundSums(new long[][] {g, f}, new boolean[] {false, true}, new int[][] {{0, 1}}, half, 2), what);
                assertArrayEquals(reference, k.roundSums(new long[][] {f, g}, new boolean[] {true, false}, new int[][] {{1, 0}}, half, 2), what);
            }
        }
    }
}
