package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.CommittedLayout;
import dev.zkinfer.circuit.IoScales;
import dev.zkinfer.circuit.LinearLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.pcs.WhirProver;
import dev.zkinfer.security.SecurityProfile;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * One committed weight tensor read by two Linear layers, the second {@link LinearLayer#transposed()
 * transposed} (as a tied token embedding and LM head): x [2, 5] → W [6, 5] → h [2, 6] → Wᵀ read as
 * [K = 6, O = 5] → y [2, 5]. The model commitment holds W once; both layers' claims on it are
 * opened together; a prover that uses another W (the whole witness recomputed from it, so every
 * layer is consistent) against the key's commitment is rejected.
 */
class SharedWeightsProofTest {
    record Setup(VerifyingKey vk, CircuitProver prover, WitnessValues w, int weight) {}

    static Setup setup(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Circuit.Builder cb = new Circuit.Builder();
        int x = cb.tensor("x", TensorLayout.of(2, 5), TensorRole.INPUT);
        int w = cb.tensor("w", TensorLayout.of(6, 5), TensorRole.MODEL);
        int h = cb.tensor("h", TensorLayout.of(2, 6), TensorRole.COMPUTED);
        int y = cb.tensor("y", TensorLayout.of(2, 5), TensorRole.COMPUTED);
        cb.layer(new LinearLayer(x, w, -1, h));
        cb.layer(new LinearLayer(h, w, -1, y, true));
        Circuit c = cb.build(x, y);
        WitnessValues wv = new WitnessValues(c);
        wv.put(x, LayerSoundness.randomPadded(c.tensor(x).layout(), rnd, 100));
        wv.put(w, LayerSoundness.randomPadded(c.tensor(w).layout(), rnd, 100));
        LayerHarness.computeWitness(c, wv);
        SecurityProfile profile = SecurityProfile.DEFAULT;
        CommittedLayout ml = CommittedLayout.tight(c, c.tensorsWithRole(TensorRole.MODEL));
        long[] table = ml.pack(Map.of(w, wv.get(w)));
        WhirProver.WhirCommitment commitment = new WhirProver(
                PcsParameters.forSecurity(profile.bits() + VerifyingKey.PCS_MARGIN_BITS, ml.numVars()), Backends.scalar()).commit(table, ml.numVars());
        VerifyingKey vk = new VerifyingKey(profile, c, commitment.root(), new IoScales(1.0, -128, 127, 1.0), false);
        return new Setup(vk, new CircuitProver(vk, commitment, table, Backends.scalar()), wv, w);
    }

    @Test
    void twoLayersReadingOneTensorOneOfThemTransposedProveAndVerify() {
        Setup s = setup(1);
        assertEquals(1, s.vk().circuit().tensorsWithRole(TensorRole.MODEL).size());
        assertEquals(1, s.vk().modelLayout().tensors().size(), "W is committed once");
        // y = (x·Wᵀ)·W, checked against the definition on the real entries
        TensorLayout lx = TensorLayout.of(2, 5), lw = TensorLayout.of(6, 5), ly = TensorLayout.of(2, 5);
        long[] x = lx.unpad(s.w().get(0)), w = lw.unpad(s.w().get(s.weight())), y = ly.unpad(s.w().get(3));
        for (int b = 0; b < 2; b++) {
            for (int o = 0; o < 5; o++) {
                long acc = 0;
                for (int k = 0; k < 6; k++) {
                    long hk = 0;
                    for (int i = 0; i < 5; i++) {
                        hk = Goldilocks.add(hk, Goldilocks.mul(w[k * 5 + i], x[b * 5 + i]));
                    }
                    acc = Goldilocks.add(acc, Goldilocks.mul(w[k * 5 + o], hk));
                }
                assertEquals(acc, y[b * 5 + o], "y[" + b + "," + o + "]");
            }
        }
        CircuitVerifier.Outcome o = CircuitVerifier.verify(s.vk(), s.prover().prove(s.w(), m -> {}));
        assertTrue(o.result().isValid(), o.result().reason());
    }

    @Test
    void aProverUsingAnotherSharedWeightIsRejected() {
        Setup s = setup(2);
        Circuit c = s.vk().circuit();
        for (int index : new int[] {0, 3, 29}) {
            long[] v = s.w().get(s.weight()).clone();
            int at = TensorLayout.of(6, 5).paddedIndex(index / 5, index % 5);
            v[at] = Goldilocks.add(v[at], 1);
            WitnessValues bad = new WitnessValues(c);
            for (int t = 0; t < c.tensors().size(); t++) {
                if (c.tensor(t).role() != TensorRole.COMPUTED) {
                    bad.put(t, t == s.weight() ? v : s.w().get(t));
                }
            }
            LayerHarness.computeWitness(c, bad);
            byte[] proof = s.prover().prove(bad, m -> {});
            assertFalse(CircuitVerifier.verify(s.vk(), proof).result().isValid(), "weight " + index + " changed was accepted");
        }
    }

    @Test
    void aTransposedLinearLayerSurvivesTheKeyEncoding() throws Exception {
        Setup s = setup(3);
        VerifyingKey back = VerifyingKey.decode(s.vk().encode());
        assertArrayEquals(s.vk().digest(), back.digest());
        LinearLayer l = (LinearLayer) back.circuit().layers().get(1);
        assertTrue(l.transposed());
        assertFalse(((LinearLayer) back.circuit().layers().get(0)).transposed());
    }
}
