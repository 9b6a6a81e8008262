package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** MaxPool's zero-check in zero-knowledge mode (docs/zero-knowledge.md §3.2; its lookups are separate). */
class MaxPoolLayerZkTest {
    @Test
    void windowsPaddingAndTwoLimbGaps() throws Exception {
        List<MaxPoolLayerTest.Setup> setups = List.of(
                MaxPoolLayerTest.setup(1, 1, 3, 6, 6, 2, 2, 2, 2, 0, 0, 8, true, -128, 127),
                MaxPoolLayerTest.setup(2, 2, 2, 5, 7, 3, 3, 1, 1, 1, 1, 8, true, -128, -1),
                MaxPoolLayerTest.setup(5, 1, 2, 4, 6, 2, 3, 2, 3, 0, 0, 16, true, -32768, 32767));
        for (MaxPoolLayerTest.Setup st : setups) {
            int[] views = st.layer().views();
            for (Set<Integer> unmasked : List.of(Set.<Integer>of(), Set.of(views[0]))) {
                for (int delta = 0; delta <= 1; delta++) {
                    ZkLayerHarness.proveAndVerify(st.layer(), st.w(), new ZkLayerHarness.Masks(3 + delta, delta, unmasked), 4);
                }
            }
        }
        MaxPoolLayerTest.Setup st = MaxPoolLayerTest.setup(6, 1, 1, 4, 4, 2, 2, 2, 2, 0, 0, 8, true, -128, 127);
        ZkLayerHarness.tamperEveryElement(st.layer(), st.w(), new ZkLayerHarness.Masks(7, 1, Set.of()), 8);
    }

    @Test
    void aWrongMaximumIsCaught() throws Exception {
        MaxPoolLayerTest.Setup st = MaxPoolLayerTest.setup(9, 1, 3, 6, 6, 2, 2, 2, 2, 0, 0, 8, true, -128, 127);
        WitnessValues bad = MaxPoolLayerTest.copy(st);
        long[] y = bad.get(st.layer().y());
        y[0] = dev.zkinfer.field.Goldilocks.add(y[0], 1);
        ZkLayerHarness.assertWrongWitnessCaught(st.layer(), st.circuit(), bad, new ZkLayerHarness.Masks(10, 1, Set.of()), "a wrong maximum");
    }
}
