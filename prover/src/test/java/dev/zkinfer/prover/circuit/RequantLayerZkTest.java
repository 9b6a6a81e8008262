package dev.zkinfer.prover.circuit;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Requant's zero-check in zero-knowledge mode (docs/zero-knowledge.md §3.2, §8 item 4: the lookups are separate). */
class RequantLayerZkTest {
    @Test
    void limbClampAndTableClamp() throws Exception {
        List<RequantLayerTest.Setup> setups = List.of(
                RequantLayerTest.setup(1, new int[] {2, 3, 4}, 1, true, -128, 127, 8, 0),
                RequantLayerTest.setup(2, new int[] {3, 5}, 1, false, 0, 127, 8, 1),
                RequantLayerTest.setup(3, new int[] {2, 2}, 0, true, -5, 100, 8, 2),
                RequantLayerTest.tableSetup(4, -128, 127, 8, 0));
        for (RequantLayerTest.Setup st : setups) {
            for (Set<Integer> unmasked : List.of(Set.<Integer>of(), Set.of(st.layer().x()))) {
                for (int delta = 0; delta <= 1; delta++) {
                    ZkLayerHarness.proveAndVerify(st.layer(), st.w(), new ZkLayerHarness.Masks(5 + delta, delta, unmasked), 6);
                }
            }
        }
        RequantLayerTest.Setup st = RequantLayerTest.setup(7, new int[] {2, 3}, 1, true, -128, 127, 8, 2);
        ZkLayerHarness.tamperEveryElement(st.layer(), st.w(), new ZkLayerHarness.Masks(8, 1, Set.of()), 9);
        RequantLayerTest.Setup tt = RequantLayerTest.tableSetup(10, 0, 127, 8, 3);
        ZkLayerHarness.tamperEveryElement(tt.layer(), tt.w(), new ZkLayerHarness.Masks(11, 1, Set.of(tt.layer().x())), 12);
    }

    @Test
    void aWrongQuotientIsCaught() throws Exception {
        RequantLayerTest.Setup st = RequantLayerTest.setup(13, new int[] {2, 3, 4}, 1, true, -128, 127, 8, 0);
        WitnessValues bad = RequantLayerTest.copy(st);
        int i = RequantLayerTest.interiorIndex(st);
        bad.get(st.layer().y())[i] = dev.zkinfer.field.Goldilocks.add(bad.get(st.layer().y())[i], 1);
        ZkLayerHarness.assertWrongWitnessCaught(st.layer(), st.circuit(), bad, new ZkLayerHarness.Masks(14, 1, Set.of()), "a wrong quotient");
    }
}
