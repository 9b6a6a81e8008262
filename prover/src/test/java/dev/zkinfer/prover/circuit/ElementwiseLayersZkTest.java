package dev.zkinfer.prover.circuit;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ElementwiseLinear and ElementwiseProduct layers in zero-knowledge mode (docs/zero-knowledge.md §3.2). */
class ElementwiseLayersZkTest {
    @Test
    void elementwiseLinear() throws Exception {
        for (int[] dims : new int[][] {{2, 3, 5}, {7}, {2}}) {
            ElementwiseLinearLayerTest.Setup s = ElementwiseLinearLayerTest.setup(dims, new long[] {3, -2, 1}, 5, 70 + dims.length);
            int[] ins = s.layer().inputs();
            for (Set<Integer> unmasked : List.of(Set.<Integer>of(), Set.of(ins[0], ins[1], ins[2]), Set.of(s.layer().output()))) {
                for (int delta = 0; delta <= 1; delta++) {
                    ZkLayerHarness.proveAndVerify(s.layer(), s.w(), new ZkLayerHarness.Masks(71 + delta, delta, unmasked), 72);
                }
            }
        }
        ElementwiseLinearLayerTest.Setup s = ElementwiseLinearLayerTest.setup(new int[] {3, 3}, new long[] {1, 1, -1}, 0, 73);
        ZkLayerHarness.tamperEveryElement(s.layer(), s.w(), new ZkLayerHarness.Masks(74, 1, Set.of()), 75);
    }

    @Test
    void elementwiseProduct() throws Exception {
        for (boolean square : new boolean[] {false, true}) {
            for (int[] dims : new int[][] {{2, 3, 5}, {2}}) {
                ElementwiseProductLayerTest.Setup s = ElementwiseProductLayerTest.setup(dims, square, 80 + dims.length);
                for (Set<Integer> unmasked : List.of(Set.<Integer>of(), new java.util.HashSet<>(List.of(s.layer().a(), s.layer().b())), Set.of(s.layer().output()))) {
                    ZkLayerHarness.proveAndVerify(s.layer(), s.w(), new ZkLayerHarness.Masks(81, 1, unmasked), 82);
                }
            }
        }
        ElementwiseProductLayerTest.Setup s = ElementwiseProductLayerTest.setup(new int[] {3, 5}, false, 83);
        ZkLayerHarness.tamperEveryElement(s.layer(), s.w(), new ZkLayerHarness.Masks(84, 1, Set.of()), 85);
    }
}
