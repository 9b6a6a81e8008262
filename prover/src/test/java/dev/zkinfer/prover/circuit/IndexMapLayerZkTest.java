package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.circuit.IndexMap;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Single-input IndexMap layers in zero-knowledge mode (docs/zero-knowledge.md §3.2). */
class IndexMapLayerZkTest {
    private static void honest(IndexMapLayerTest.Setup s, long seed) throws Exception {
        for (Set<Integer> unmasked : java.util.List.of(Set.of(s.layer().inputs()[0]), Set.<Integer>of(), Set.of(s.layer().output()))) {
            for (int delta = 0; delta <= 2; delta++) {
                ZkLayerHarness.proveAndVerify(s.layer(), s.w(), new ZkLayerHarness.Masks(seed + delta, delta, unmasked), seed);
            }
        }
    }

    @Test
    void im2colWindowReshapeTransposeSlice() throws Exception {
        honest(IndexMapLayerTest.setup(new int[][] {{2, 3, 7, 6}}, new int[] {2, 4, 3, 27},
                new IndexMap.Im2col(2, 3, 7, 6, 3, 3, 2, 2, 1, 1, 4, 3), 1), 1);
        honest(IndexMapLayerTest.setup(new int[][] {{2, 3, 5, 6}}, new int[] {2, 3, 3, 3},
                new IndexMap.Window(2, 3, 5, 6, 2, 2, 2, 2, 0, 0, 3, 3, 1, 0), 2), 2);
        honest(IndexMapLayerTest.setup(new int[][] {{2, 3, 5}}, new int[] {6, 5}, new IndexMap.Reshape(), 3), 3);
        honest(IndexMapLayerTest.setup(new int[][] {{2, 3, 5}}, new int[] {5, 2, 3}, new IndexMap.Transpose(new int[] {2, 0, 1}), 4), 4);
        honest(IndexMapLayerTest.setup(new int[][] {{7, 3}}, new int[] {3, 3}, new IndexMap.Slice(new int[] {1, 2}, new int[] {2, -1}), 5), 5);
        // a two-element input: its one variable is the sumcheck's last
        honest(IndexMapLayerTest.setup(new int[][] {{2}}, new int[] {2}, new IndexMap.Reshape(), 6), 6);
    }

    @Test
    void everyTamperingIsRejectedOrCaughtByTheOpenings() throws Exception {
        IndexMapLayerTest.Setup s = IndexMapLayerTest.setup(new int[][] {{1, 1, 4, 3}}, new int[] {1, 2, 1, 4},
                new IndexMap.Im2col(1, 1, 4, 3, 2, 2, 2, 2, 0, 0, 2, 1), 60);
        ZkLayerHarness.tamperEveryElement(s.layer(), s.w(), new ZkLayerHarness.Masks(1, 1, Set.of()), 61);
        ZkLayerHarness.tamperEveryElement(s.layer(), s.w(), new ZkLayerHarness.Masks(2, 1, Set.of(s.layer().inputs()[0])), 62);
    }

    @Test
    void severalInputsAreRefusedLoudly() {
        IndexMapLayerTest.Setup s = IndexMapLayerTest.setup(new int[][] {{2, 3}, {1, 3}, {2, 3}}, new int[] {5, 3}, new IndexMap.Concat(0), 62);
        assertThrows(UnsupportedOperationException.class,
                () -> ZkLayerHarness.proveAndVerify(s.layer(), s.w(), new ZkLayerHarness.Masks(3, 1, Set.of()), 63));
    }
}
