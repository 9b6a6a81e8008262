package dev.zkinfer.prover.circuit;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** BatchMatMul in zero-knowledge mode (docs/zero-knowledge.md §3.2), for every place an operand's lowest variable can be. */
class BatchMatMulLayerZkTest {
    @ParameterizedTest(name = "t={0} m={1} k={2} n={3}")
    @CsvSource({"2,3,4,5", "2,3,1,2", "2,1,1,2", "2,1,3,1", "1,2,2,1", "3,2,1,3", "1,2,2,2"})
    void honestAndTampered(int t, int m, int k, int n) throws Exception {
        BatchMatMulLayerTest.Setup s = BatchMatMulLayerTest.setup(t, m, k, n, 90 + t + m + k + n);
        for (Set<Integer> unmasked : List.of(Set.<Integer>of(), Set.of(s.layer().a()), Set.of(s.layer().y()))) {
            for (int delta = 0; delta <= 2; delta++) {
                ZkLayerHarness.proveAndVerify(s.layer(), s.w(), new ZkLayerHarness.Masks(91 + delta, delta, unmasked), 92);
            }
        }
        ZkLayerHarness.tamperEveryElement(s.layer(), s.w(), new ZkLayerHarness.Masks(93, 1, Set.of()), 94);
    }

    @org.junit.jupiter.api.Test
    void nothingToSumIsRefusedLoudly() {
        BatchMatMulLayerTest.Setup s = BatchMatMulLayerTest.setup(1, 3, 1, 2, 95);
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> ZkLayerHarness.proveAndVerify(s.layer(), s.w(), new ZkLayerHarness.Masks(96, 1, Set.of()), 97));
    }
}
