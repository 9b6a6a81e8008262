package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Softmax's zero-check in zero-knowledge mode (docs/zero-knowledge.md §3.2): the row maximum and
 * sum are masked on their own variables (every variable but the axis's), wherever the axis lies.
 */
class SoftmaxLayerZkTest {
    private static List<SoftmaxLayerTest.Setup> setups() {
        SplittableRandom rnd = new SplittableRandom(3);
        return List.of(
                SoftmaxLayerTest.setup(new int[] {4, 10}, new int[] {4, 10, 1}, SoftmaxLayerTest.random(40, rnd, -128, 127), 8,
                        SoftmaxLayerTest.EXP8, 127, rnd),
                SoftmaxLayerTest.setup(new int[] {3, 5, 6}, new int[] {3, 5, 6}, SoftmaxLayerTest.random(90, rnd, -128, 127), 8,
                        SoftmaxLayerTest.EXP8, 127, rnd),
                SoftmaxLayerTest.setup(new int[] {2, 3, 2, 3}, new int[] {2, 6, 3}, SoftmaxLayerTest.random(36, rnd, -128, 127), 8,
                        SoftmaxLayerTest.EXP8, 127, rnd),
                SoftmaxLayerTest.setup(new int[] {2, 7, 3}, new int[] {2, 7, 3}, SoftmaxLayerTest.random(42, rnd, -20, 20), 8,
                        SoftmaxLayerTest.expTable(0.05, 255), 127, rnd));
    }

    @Test
    void honestProofsAcrossAxisPlacements() throws Exception {
        for (SoftmaxLayerTest.Setup st : setups()) {
            for (Set<Integer> unmasked : List.of(Set.<Integer>of(), Set.of(st.layer().x()), Set.of(st.layer().max(), st.layer().sum()))) {
                for (int delta = 0; delta <= 1; delta++) {
                    ZkLayerHarness.proveAndVerify(st.layer(), st.w(), new ZkLayerHarness.Masks(4 + delta, delta, unmasked), 5);
                }
            }
        }
    }

    @Test
    void everyTamperingIsRejectedOrCaught() throws Exception {
        SoftmaxLayerTest.Setup st = setups().get(1);
        ZkLayerHarness.tamperEveryElement(st.layer(), st.w(), new ZkLayerHarness.Masks(6, 1, Set.of()), 7);
    }

    @Test
    void aWrongOutputIsCaught() throws Exception {
        SoftmaxLayerTest.Setup st = setups().get(0);
        WitnessValues bad = SoftmaxLayerTest.copy(st);
        long[] y = bad.get(st.layer().y());
        y[0] = dev.zkinfer.field.Goldilocks.add(y[0], 1);
        ZkLayerHarness.assertWrongWitnessCaught(st.layer(), st.circuit(), bad, new ZkLayerHarness.Masks(8, 1, Set.of()), "a wrong softmax output");
    }
}
