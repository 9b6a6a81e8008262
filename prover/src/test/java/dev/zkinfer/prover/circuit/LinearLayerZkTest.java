package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.circuit.Claim;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.poly.Mle;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Linear layer in zero-knowledge mode (docs/zero-knowledge.md §3.2), with masked claims. */
class LinearLayerZkTest {
    @ParameterizedTest(name = "b={0} p={1} k={2} o={3} bias={4} delta={5}")
    @CsvSource({"2,3,5,3,true,1", "1,0,4,4,false,1", "3,2,2,5,true,2", "2,0,9,2,true,1", "1,4,3,2,false,0"})
    void honestProofsVerifyWithEveryClaimMasked(int b, int p, int k, int o, boolean bias, int delta) throws Exception {
        LinearLayerTest.Setup s = LinearLayerTest.setup(b, p == 0 ? new int[0] : new int[] {p}, k, o, bias, 40 + k);
        // the input as a public input (unmasked) and as a computed tensor (masked); Y masked
        for (Set<Integer> unmasked : java.util.List.of(Set.of(s.layer().x()), Set.<Integer>of())) {
            ZkLayerHarness.Masks masks = new ZkLayerHarness.Masks(7, delta, unmasked);
            ZkLayerHarness.Recorded rec = ZkLayerHarness.proveAndVerify(s.layer(), s.w(), masks, 11);
            assertEquals(1, rec.sumcheckMasks().size());
            for (Claim c : rec.claims()) {
                Ext3 plain = Mle.evaluate(s.w().get(c.tensor()), c.point());
                assertEquals(!unmasked.contains(c.tensor()), !plain.equals(c.value()),
                        "a masked tensor's revealed evaluation differs from the plain one, an unmasked one equals it");
            }
        }
    }

    @ParameterizedTest(name = "b={0} p={1} k={2} o={3} bias={4}")
    @CsvSource({"2,3,5,3,true", "1,0,2,4,false", "1,0,3,2,true"})
    void everyTamperingIsRejectedOrCaughtByTheOpenings(int b, int p, int k, int o, boolean bias) throws Exception {
        LinearLayerTest.Setup s = LinearLayerTest.setup(b, p == 0 ? new int[0] : new int[] {p}, k, o, bias, 50 + k);
        ZkLayerHarness.tamperEveryElement(s.layer(), s.w(), new ZkLayerHarness.Masks(8, 1, Set.of(s.layer().x())), 12);
        ZkLayerHarness.tamperEveryElement(s.layer(), s.w(), new ZkLayerHarness.Masks(9, 1, Set.of()), 13);
    }

    @ParameterizedTest(name = "seed={0}")
    @CsvSource({"1", "2"})
    void freshMasksGiveFreshRevealedValues(long seed) throws Exception {
        LinearLayerTest.Setup s = LinearLayerTest.setup(2, new int[] {3}, 5, 3, true, 60);
        ZkLayerHarness.Recorded a = ZkLayerHarness.proveAndVerify(s.layer(), s.w(),
                new ZkLayerHarness.Masks(seed, 1, Set.of(s.layer().x())), 14);
        ZkLayerHarness.Recorded b = ZkLayerHarness.proveAndVerify(s.layer(), s.w(),
                new ZkLayerHarness.Masks(seed + 100, 1, Set.of(s.layer().x())), 14);
        // same witness and same output point: the weight's revealed evaluation still differs
        Claim wa = a.claims().stream().filter(c -> c.tensor() == s.layer().weight()).findFirst().orElseThrow();
        Claim wb = b.claims().stream().filter(c -> c.tensor() == s.layer().weight()).findFirst().orElseThrow();
        assertNotEquals(wa.value(), wb.value());
    }
}
