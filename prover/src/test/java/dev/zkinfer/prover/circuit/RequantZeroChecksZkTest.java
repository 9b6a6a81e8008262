package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.InvalidProofException;
import dev.zkinfer.circuit.Claim;
import dev.zkinfer.circuit.RequantLayer;
import dev.zkinfer.circuit.RequantZeroChecks;
import dev.zkinfer.field.Ext3;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.sumcheck.MaskedSumcheck;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The zero-knowledge batch of the requantizations ({@link RequantZeroChecks}, "Zero-knowledge mode"): one masked
 * sumcheck for the zero-checks (limb and table clamps) and the derived excesses' definitions of several sizes,
 * one sumcheck mask, the excesses' mask terms removed through w, masked operand claims at the prefixes of one point.
 */
class RequantZeroChecksZkTest {
    /**
     * Five requantizations of three sizes (5, 3 and 8 variables): a per-channel limb clamp, a table clamp, a
     * per-channel derived excess, a single-multiplier derived excess, a limb clamp.
     */
    static RequantZeroChecksTest.Setup setup(long seed) {
        return RequantZeroChecksTest.setup(seed, new int[][] {{4, 8}, {2, 3}, {8, 4, 8}, {4, 8}, {3, 2}},
                new boolean[] {true, false, true, false, false}, new boolean[] {false, true, true, true, false},
                new boolean[] {false, false, true, true, false}, new int[][] {{-128, 127}, {0, 127}, {0, 127}, {-128, 127}, {-5, 100}});
    }

    /** Honest masked claims on the derived excesses at random points, in the batch's order (null for the others). */
    static Claim[] excessClaims(RequantZeroChecksTest.Setup st, WitnessValues w, ZkLayerHarness.Masks masks, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] batched = RequantZeroChecks.batched(st.circuit(), true);
        Claim[] out = new Claim[batched.length];
        for (int j = 0; j < batched.length; j++) {
            RequantLayer l = (RequantLayer) st.circuit().layers().get(batched[j]);
            if (l.derivedExcess()) {
                Ext3[] p = new Ext3[RequantZeroChecks.numVars(st.circuit(), l)];
                for (int k = 0; k < p.length; k++) {
                    p[k] = new Ext3(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
                }
                out[j] = new Claim(l.excess(), p, masks.masked(w, l.excess(), p));
            }
        }
        return out;
    }

    static byte[] prove(RequantZeroChecksTest.Setup st, WitnessValues w, Claim[] excess, ZkLayerHarness.Masks masks,
            ZkLayerHarness.Recorded rec) {
        int[] batched = RequantZeroChecks.batched(st.circuit(), true);
        return ZkLayerHarness.prove(w, masks, rec, ctx -> RequantLayerProver.proveBatch(batched, excess, ctx));
    }

    static ZkLayerHarness.Recorded verify(RequantZeroChecksTest.Setup st, Claim[] excess, ZkLayerHarness.Masks masks, byte[] proof)
            throws InvalidProofException {
        int[] batched = RequantZeroChecks.batched(st.circuit(), true);
        return ZkLayerHarness.verify(st.circuit(), masks, proof, ctx -> RequantZeroChecks.verify(ctx, batched, excess));
    }

    /** Rejected, or some recorded claim (operand, mask value) is false for the witness {@code w} and the masks. */
    static void assertRejectedOrFalse(RequantZeroChecksTest.Setup st, WitnessValues w, Claim[] excess, ZkLayerHarness.Masks masks,
            byte[] proof, String what) {
        ZkLayerHarness.Recorded r;
        try {
            r = verify(st, excess, masks, proof);
        } catch (InvalidProofException expected) {
            return;
        }
        assertNotNull(ZkLayerHarness.falseClaim(r, w, masks), what + ": accepted with true claims");
    }

    @Test
    void honestBatchOfEveryFormVerifiesWithOneMask() throws InvalidProofException {
        RequantZeroChecksTest.Setup st = setup(1);
        int[] batched = RequantZeroChecks.batched(st.circuit(), true);
        assertArrayEquals(new int[] {4, 3, 2, 1, 0}, batched, "every requantization, derived ones included, last layer first");
        assertEquals(0, Arrays.stream(RequantZeroChecks.batched(st.circuit(), false)).filter(li -> li == 2 || li == 3).count(),
                "integrity mode moves a derived excess without a sumcheck");
        long seed = 10;
        for (int delta = 0; delta <= 2; delta++) {
            for (Set<Integer> unmasked : List.of(Set.<Integer>of(), Set.of(st.layers()[0].x(), st.layers()[3].x()))) {
                ZkLayerHarness.Masks masks = new ZkLayerHarness.Masks(seed++, delta, unmasked);
                Claim[] excess = excessClaims(st, st.w(), masks, seed++);
                ZkLayerHarness.Recorded p = ZkLayerHarness.Recorded.empty();
                byte[] proof = prove(st, st.w(), excess, masks, p);
                ZkLayerHarness.Recorded v = verify(st, excess, masks, proof);
                assertEquals(p.claims().size(), v.claims().size());
                for (int i = 0; i < v.claims().size(); i++) {
                    assertEquals(p.claims().get(i).value(), v.claims().get(i).value());
                    assertArrayEquals(p.claims().get(i).point(), v.claims().get(i).point());
                }
                assertNull(ZkLayerHarness.falseClaim(v, st.w(), masks));
                int operands = 0;
                for (RequantLayer l : st.layers()) {
                    operands += l.operands().length;
                    int n = RequantZeroChecks.numVars(st.circuit(), l);
                    assertTrue(v.claims().stream().filter(c -> c.tensor() == l.y()).allMatch(c -> c.point().length == n));
                }
                assertEquals(operands, v.claims().size());
                // one sumcheck mask for the five layers, of the degrees the key's pool bound counts
                assertEquals(1, v.sumcheckMasks().size());
                int[] degrees = RequantZeroChecks.zeroKnowledgeDegrees(st.circuit(), batched, masks::degree);
                assertArrayEquals(MaskedSumcheck.withWRound(degrees), v.sumcheckMasks().get(0).degrees());
                assertEquals(2, v.tensorMasks().size(), "each derived excess's mask value, revealed through w");
            }
        }
    }

    @Test
    void wrongQuotientOrRemainderInOneLayerOfSeveralIsCaught() {
        RequantZeroChecksTest.Setup st = setup(2);
        long seed = 100;
        for (int k = 0; k < st.layers().length; k++) {
            int i = RequantZeroChecksTest.interiorIndex(st, k);
            RequantLayer l = st.layers()[k];
            WitnessValues wrongY = RequantZeroChecksTest.copy(st);
            // the quotient y + e off by one (a derived layer keeps its honest excess, a clamp-table row for y + 1)
            wrongY.get(l.y())[i] = Goldilocks.add(wrongY.get(l.y())[i], 1);
            WitnessValues wrongR = RequantZeroChecksTest.copy(st);
            long[] limb = wrongR.get(l.remainderLimbs()[0]);
            limb[i] = limb[i] == 0 ? 1 : limb[i] - 1; // still inside its range table
            for (WitnessValues bad : List.of(wrongY, wrongR)) {
                ZkLayerHarness.Masks masks = new ZkLayerHarness.Masks(seed++, 1, Set.of());
                Claim[] excess = excessClaims(st, bad, masks, seed++);
                byte[] proof = prove(st, bad, excess, masks, ZkLayerHarness.Recorded.empty());
                assertRejectedOrFalse(st, bad, excess, masks, proof, "layer " + k + " with a wrong witness");
            }
        }
    }

    @Test
    void everyTamperedElementTruncationAndExtensionIsRejectedOrCaught() throws InvalidProofException {
        RequantZeroChecksTest.Setup st = setup(3);
        ZkLayerHarness.Masks masks = new ZkLayerHarness.Masks(30, 1, Set.of());
        Claim[] excess = excessClaims(st, st.w(), masks, 31);
        byte[] proof = prove(st, st.w(), excess, masks, ZkLayerHarness.Recorded.empty());
        assertNull(ZkLayerHarness.falseClaim(verify(st, excess, masks, proof), st.w(), masks));
        // the claimed mask sum G, every round polynomial's values, γ's mask value, the excesses' mask values, the evaluations
        for (int off = 0; off < proof.length; off += 8) {
            assertRejectedOrFalse(st, st.w(), excess, masks, LayerSoundness.withElementIncremented(proof, off), "element at byte " + off);
        }
        for (int cut : new int[] {1, 8, 24, proof.length / 2, proof.length}) {
            byte[] shortP = Arrays.copyOf(proof, proof.length - cut);
            assertThrows(InvalidProofException.class, () -> verify(st, excess, masks, shortP), "truncated by " + cut);
        }
        assertThrows(InvalidProofException.class, () -> verify(st, excess, masks, Arrays.copyOf(proof, proof.length + 24)));
    }

    @Test
    void falseOrMissingExcessClaimIsRejectedOrCaught() throws InvalidProofException {
        RequantZeroChecksTest.Setup st = setup(4);
        int[] batched = RequantZeroChecks.batched(st.circuit(), true);
        for (int j = 0; j < batched.length; j++) {
            if (!((RequantLayer) st.circuit().layers().get(batched[j])).derivedExcess()) {
                continue;
            }
            ZkLayerHarness.Masks masks = new ZkLayerHarness.Masks(40 + j, 0, Set.of());
            Claim[] honest = excessClaims(st, st.w(), masks, 50 + j);
            Claim[] wrong = honest.clone();
            wrong[j] = new Claim(honest[j].tensor(), honest[j].point(), honest[j].value().add(Ext3.ONE));
            // a prover that proves the false claim as if true, and one whose proof is honest for the true claim
            byte[] forWrong = prove(st, st.w(), wrong, masks, ZkLayerHarness.Recorded.empty());
            assertRejectedOrFalse(st, st.w(), wrong, masks, forWrong, "a false claim on an excess");
            ZkLayerHarness.Masks fresh = new ZkLayerHarness.Masks(60 + j, 0, Set.of());
            Claim[] honestFresh = excessClaims(st, st.w(), fresh, 70 + j);
            byte[] good = prove(st, st.w(), honestFresh, fresh, ZkLayerHarness.Recorded.empty());
            Claim[] shifted = honestFresh.clone();
            shifted[j] = new Claim(honestFresh[j].tensor(), honestFresh[j].point(), honestFresh[j].value().add(Ext3.ONE));
            assertRejectedOrFalse(st, st.w(), shifted, fresh, good, "an honest proof against a false claim");
            Claim[] missing = honestFresh.clone();
            missing[j] = null;
            assertThrows(InvalidProofException.class, () -> verify(st, missing, fresh, good), "no claim on a derived excess");
        }
    }

    @Test
    void freshMasksGiveFreshRevealedValues() throws InvalidProofException {
        RequantZeroChecksTest.Setup st = setup(5);
        ZkLayerHarness.Masks a = new ZkLayerHarness.Masks(80, 0, Set.of());
        ZkLayerHarness.Masks b = new ZkLayerHarness.Masks(81, 0, Set.of());
        // one claim point for both (the same seed), fresh masks
        Claim[] ea = excessClaims(st, st.w(), a, 82), eb = excessClaims(st, st.w(), b, 82);
        ZkLayerHarness.Recorded ra = verify(st, ea, a, prove(st, st.w(), ea, a, ZkLayerHarness.Recorded.empty()));
        ZkLayerHarness.Recorded rb = verify(st, eb, b, prove(st, st.w(), eb, b, ZkLayerHarness.Recorded.empty()));
        assertEquals(ra.claims().size(), rb.claims().size());
        for (int k = 0; k < ra.claims().size(); k++) {
            assertNotEquals(ra.claims().get(k).value(), rb.claims().get(k).value(), "operand claim " + k);
        }
    }
}
