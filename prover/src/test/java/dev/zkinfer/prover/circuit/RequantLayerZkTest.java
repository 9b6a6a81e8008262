package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.field.Goldilocks;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
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

    /**
     * The derived excess in zero-knowledge mode (docs/zero-knowledge.md §3.8): the masked claim on ê
     * reduced by a masked sumcheck to masked claims on x, y and the limbs, for δ = 0..2, per-channel and
     * single multipliers, x masked or not; every element tampered, truncations and a false claim on ê
     * rejected or caught by the openings.
     */
    @Test
    void derivedExcessHonestAndTampered() throws Exception {
        int seed = 20;
        for (int[] cl : new int[][] {{-128, 127, 8}, {0, 127, 8}, {-5, 100, 8}}) {
            for (boolean perChannel : new boolean[] {true, false}) {
                RequantLayerTest.Setup st = RequantLayerTest.derivedSetup(seed++, cl[0], cl[1], cl[2], perChannel ? 0 : 3, perChannel);
                assertTrue(st.layer().derivedExcess());
                for (Set<Integer> unmasked : List.of(Set.<Integer>of(), Set.of(st.layer().x()))) {
                    for (int delta = 0; delta <= 2; delta++) {
                        ZkLayerHarness.Recorded r = ZkLayerHarness.proveAndVerify(st.layer(), st.w(),
                                new ZkLayerHarness.Masks(seed * 10 + delta, delta, unmasked), seed);
                        assertEquals(st.layer().operands().length, r.claims().size());
                        assertEquals(1, r.tensorMasks().size(), "the excess's mask value, revealed through w");
                    }
                }
            }
        }
        RequantLayerTest.Setup st = RequantLayerTest.derivedSetup(40, -128, 127, 8, 0, true);
        ZkLayerHarness.tamperEveryElement(st.layer(), st.w(), new ZkLayerHarness.Masks(41, 1, Set.of()), 42);
        ZkLayerHarness.tamperEveryElement(st.layer(), st.w(), new ZkLayerHarness.Masks(43, 0, Set.of(st.layer().x())), 44);
    }

    /**
     * A cheating prover with the derived excess in zero-knowledge mode: y + 1 with the honest excess
     * (a clamp-table row, so the lookup passes) contradicts the definition: the masked sumcheck fails or
     * an emitted claim is false; a false masked claim on ê is rejected; no claim at all is rejected.
     */
    @Test
    void derivedExcessCheatingIsCaught() throws Exception {
        RequantLayerTest.Setup st = RequantLayerTest.derivedSetup(50, -128, 127, 8, 0, true);
        int i = RequantLayerTest.interiorIndex(st);
        WitnessValues kept = RequantLayerTest.copy(st);
        kept.get(st.layer().y())[i] = Goldilocks.add(kept.get(st.layer().y())[i], 1);
        assertNull(LayerHarness.missingLookupRow(st.circuit(), kept), "the honest excess's row exists for y + 1");
        for (int delta = 0; delta <= 1; delta++) {
            ZkLayerHarness.Masks masks = new ZkLayerHarness.Masks(51 + delta, delta, Set.of());
            Claim[] out = ZkLayerHarness.outputClaims(st.layer(), kept, masks, new SplittableRandom(53));
            byte[] proof = ZkLayerHarness.prove(st.layer(), out, kept, masks, ZkLayerHarness.Recorded.empty());
            try {
                assertNotNull(ZkLayerHarness.falseClaim(ZkLayerHarness.verify(st.layer(), out, st.circuit(), masks, proof), kept, masks),
                        "an excess off its definition accepted with true claims");
            } catch (InvalidProofException expected) {
                // rejected
            }
        }
        ZkLayerHarness.Masks masks = new ZkLayerHarness.Masks(54, 1, Set.of());
        Claim[] honest = ZkLayerHarness.outputClaims(st.layer(), st.w(), masks, new SplittableRandom(55));
        Claim[] wrong = {new Claim(honest[0].tensor(), honest[0].point(), honest[0].value().add(1))};
        byte[] proof = ZkLayerHarness.prove(st.layer(), wrong, st.w(), masks, ZkLayerHarness.Recorded.empty());
        try {
            assertNotNull(ZkLayerHarness.falseClaim(ZkLayerHarness.verify(st.layer(), wrong, st.circuit(), masks, proof), st.w(), masks),
                    "a false claim on the excess accepted with true claims");
        } catch (InvalidProofException expected) {
            // rejected
        }
        byte[] good = ZkLayerHarness.prove(st.layer(), honest, st.w(), masks, ZkLayerHarness.Recorded.empty());
        assertThrows(InvalidProofException.class,
                () -> ZkLayerHarness.verify(st.layer(), new Claim[] {null}, st.circuit(), masks, good));
        assertNull(st.layer().zeroKnowledgeLimit(st.circuit()), "zero-knowledge keys derive the excess too");
    }

    /** Fresh masks for one witness and one claim point: every revealed operand evaluation differs. */
    @Test
    void derivedExcessFreshMasksGiveFreshRevealedValues() throws Exception {
        RequantLayerTest.Setup st = RequantLayerTest.derivedSetup(60, 0, 127, 8, 0, true);
        ZkLayerHarness.Recorded a = ZkLayerHarness.proveAndVerify(st.layer(), st.w(), new ZkLayerHarness.Masks(61, 0, Set.of()), 63);
        ZkLayerHarness.Recorded b = ZkLayerHarness.proveAndVerify(st.layer(), st.w(), new ZkLayerHarness.Masks(62, 0, Set.of()), 63);
        assertEquals(a.claims().size(), b.claims().size());
        for (int k = 0; k < a.claims().size(); k++) {
            assertNotEquals(a.claims().get(k).value(), b.claims().get(k).value(), "operand " + k);
        }
    }
}
