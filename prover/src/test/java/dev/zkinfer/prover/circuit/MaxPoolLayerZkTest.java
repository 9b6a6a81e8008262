package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.TensorLayout;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
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

    /**
     * Derived gaps in zero-knowledge mode (docs/zero-knowledge.md §3.8): the gaps' masked claims and the
     * product zero-check are one masked sumcheck ending in masked claims on y and the views, for δ = 0..2
     * and a public view; every element tampered, truncations and a false claim on a gap rejected or
     * caught by the openings.
     */
    @Test
    void derivedGapsHonestAndTampered() throws Exception {
        List<MaxPoolLayerTest.Setup> setups = List.of(
                MaxPoolLayerTest.setup(21, 2, 3, 6, 6, 2, 2, 2, 2, 0, 0, 8, true, -128, 127, true),
                MaxPoolLayerTest.setup(22, 1, 2, 5, 7, 3, 3, 1, 1, 0, 0, 8, true, 0, 127, true),
                MaxPoolLayerTest.setup(23, 1, 2, 7, 7, 2, 2, 2, 2, 0, 0, 15, true, -16384, 16383, true));
        for (MaxPoolLayerTest.Setup st : setups) {
            assertTrue(st.layer().derivedGaps());
            int[] views = st.layer().views();
            for (Set<Integer> unmasked : List.of(Set.<Integer>of(), Set.of(views[0]))) {
                for (int delta = 0; delta <= 2; delta++) {
                    ZkLayerHarness.Recorded r = ZkLayerHarness.proveAndVerify(st.layer(), st.w(),
                            new ZkLayerHarness.Masks(30 + delta, delta, unmasked), 24);
                    assertEquals(1 + views.length, r.claims().size(), "one claim on y and on each view");
                    assertEquals(views.length, r.tensorMasks().size(), "each gap's mask value, revealed through w");
                }
            }
        }
        MaxPoolLayerTest.Setup st = setups.get(0);
        ZkLayerHarness.tamperEveryElement(st.layer(), st.w(), new ZkLayerHarness.Masks(25, 1, Set.of()), 26);
        ZkLayerHarness.tamperEveryElement(st.layer(), st.w(), new ZkLayerHarness.Masks(27, 0, Set.of(st.layer().views()[1])), 28);
    }

    /**
     * A cheating prover with derived gaps in zero-knowledge mode: y above the max (every gap by its
     * definition, all in range) makes the product nonzero: rejected or a false claim; a false claim on a
     * later gap too; a missing gap claim is rejected.
     */
    @Test
    void derivedGapsCheatingIsCaught() throws Exception {
        MaxPoolLayerTest.Setup st = MaxPoolLayerTest.setup(35, 1, 2, 6, 6, 2, 2, 2, 2, 0, 0, 8, true, -128, 120, true);
        TensorLayout lo = st.circuit().tensor(st.layer().y()).layout();
        WitnessValues above = MaxPoolLayerTest.withY(st, lo.paddedIndex(1), st.expected()[1] + 1);
        assertNull(LayerHarness.missingLookupRow(st.circuit(), above), "all gaps stay in range");
        for (int delta = 0; delta <= 1; delta++) {
            ZkLayerHarness.Masks masks = new ZkLayerHarness.Masks(36 + delta, delta, Set.of());
            Claim[] out = ZkLayerHarness.outputClaims(st.layer(), above, masks, new SplittableRandom(38));
            byte[] cheat = ZkLayerHarness.prove(st.layer(), out, above, masks, ZkLayerHarness.Recorded.empty());
            try {
                assertNotNull(ZkLayerHarness.falseClaim(ZkLayerHarness.verify(st.layer(), out, st.circuit(), masks, cheat), above, masks),
                        "an output above the max accepted with true claims");
            } catch (InvalidProofException expected) {
                // rejected
            }
        }
        ZkLayerHarness.Masks masks = new ZkLayerHarness.Masks(39, 1, Set.of());
        Claim[] honest = ZkLayerHarness.outputClaims(st.layer(), st.w(), masks, new SplittableRandom(40));
        Claim[] wrong = honest.clone();
        wrong[2] = new Claim(honest[2].tensor(), honest[2].point(), honest[2].value().add(1));
        byte[] proof = ZkLayerHarness.prove(st.layer(), wrong, st.w(), masks, ZkLayerHarness.Recorded.empty());
        try {
            assertNotNull(ZkLayerHarness.falseClaim(ZkLayerHarness.verify(st.layer(), wrong, st.circuit(), masks, proof), st.w(), masks),
                    "a false claim on a gap accepted with true claims");
        } catch (InvalidProofException expected) {
            // rejected
        }
        byte[] good = ZkLayerHarness.prove(st.layer(), honest, st.w(), masks, ZkLayerHarness.Recorded.empty());
        Claim[] missing = honest.clone();
        missing[0] = null;
        assertThrows(InvalidProofException.class, () -> ZkLayerHarness.verify(st.layer(), missing, st.circuit(), masks, good));
        assertNull(st.layer().zeroKnowledgeLimit(st.circuit()), "zero-knowledge keys derive the gaps too");
    }

    /** Fresh masks for one witness and the same gap claim points: every revealed evaluation differs. */
    @Test
    void derivedGapsFreshMasksGiveFreshRevealedValues() throws Exception {
        MaxPoolLayerTest.Setup st = MaxPoolLayerTest.setup(45, 1, 2, 6, 6, 2, 2, 2, 2, 0, 0, 8, true, -128, 127, true);
        ZkLayerHarness.Recorded a = ZkLayerHarness.proveAndVerify(st.layer(), st.w(), new ZkLayerHarness.Masks(46, 0, Set.of()), 48);
        ZkLayerHarness.Recorded b = ZkLayerHarness.proveAndVerify(st.layer(), st.w(), new ZkLayerHarness.Masks(47, 0, Set.of()), 48);
        for (int k = 0; k < a.claims().size(); k++) {
            assertNotEquals(a.claims().get(k).value(), b.claims().get(k).value(), "operand " + k);
        }
    }
}
