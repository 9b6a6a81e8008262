package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.CommittedLayout;
import dev.zkinfer.circuit.IoScales;
import dev.zkinfer.circuit.LinearLayer;
import dev.zkinfer.circuit.TableLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.pcs.WhirProver;
import dev.zkinfer.security.SecurityProfile;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * An int16 activation table of 2^16 rows (its output column evaluated by the verifier's small-value
 * dot product) stays bound to the key: x → Linear → h, h → GELU-like table → y. An honest proof
 * verifies; the same proof against a key whose table differs in one row that no lookup reads is
 * rejected, and so is a proof made with such a table (the prover choosing the table's contents).
 */
class ActivationTableKeyBindingTest {
    record Setup(VerifyingKey vk, CircuitProver prover, WitnessValues w) {}

    static int[] gelu(int changedRow) {
        int[] t = new int[1 << 16];
        for (int j = 0; j < t.length; j++) {
            double v = (j - 32768) / 4096.0;
            t[j] = (int) Math.round(4096 * v / (1 + Math.exp(-1.702 * v)));
        }
        if (changedRow >= 0) {
            t[changedRow] += 1;
        }
        return t;
    }

    static Setup setup(int[] table) {
        SplittableRandom rnd = new SplittableRandom(15);
        Circuit.Builder cb = new Circuit.Builder();
        int x = cb.tensor("x", TensorLayout.of(2, 8), TensorRole.INPUT);
        int w1 = cb.tensor("w1", TensorLayout.of(8, 8), TensorRole.MODEL);
        int h = cb.tensor("h", TensorLayout.of(2, 8), TensorRole.COMPUTED);
        int y = cb.tensor("y", TensorLayout.of(2, 8), TensorRole.ADVICE);
        cb.layer(new LinearLayer(x, w1, -1, h));
        cb.layer(new TableLayer(h, y, -32768, table));
        Circuit c = cb.build(x, y);
        WitnessValues w = new WitnessValues(c);
        w.put(x, LayerSoundness.randomPadded(c.tensor(x).layout(), rnd, 10));
        w.put(w1, LayerSoundness.randomPadded(c.tensor(w1).layout(), rnd, 10));
        LayerHarness.computeWitness(c, w);
        CircuitProver.computeMultiplicities(c, w);
        SecurityProfile profile = SecurityProfile.DEFAULT;
        CommittedLayout ml = CommittedLayout.tight(c, c.tensorsWithRole(TensorRole.MODEL));
        Map<Integer, long[]> mv = new HashMap<>();
        mv.put(w1, w.get(w1));
        long[] packed = ml.pack(mv);
        WhirProver.WhirCommitment commitment = new WhirProver(
                PcsParameters.forSecurity(profile.bits() + VerifyingKey.PCS_MARGIN_BITS, ml.numVars()), Backends.scalar()).commit(packed, ml.numVars());
        VerifyingKey vk = new VerifyingKey(profile, c, commitment.root(), new IoScales(1.0, -32768, 32767, 1.0), false);
        return new Setup(vk, new CircuitProver(vk, commitment, packed, Backends.scalar()), w);
    }

    @Test
    void aKeyWhoseActivationTableDiffersRejectsTheProof() {
        Setup honest = setup(gelu(-1));
        byte[] proof = honest.prover().prove(honest.w(), m -> {});
        CircuitVerifier.Outcome o = CircuitVerifier.verify(honest.vk(), proof);
        assertTrue(o.result().isValid(), o.result().reason());
        // row 3 is the input -32765: no |h| ≤ 10·10·8 reaches it
        Setup other = setup(gelu(3));
        assertFalse(CircuitVerifier.verify(other.vk(), proof).result().isValid(), "a proof verified under another table");
        byte[] chosen = other.prover().prove(other.w(), m -> {});
        assertTrue(CircuitVerifier.verify(other.vk(), chosen).result().isValid());
        assertFalse(CircuitVerifier.verify(honest.vk(), chosen).result().isValid(), "a prover chose the table's contents");
        for (int i = 0; i < proof.length; i += 997) {
            byte[] bad = proof.clone();
            bad[i] ^= 1;
            assertFalse(CircuitVerifier.verify(honest.vk(), bad).result().isValid(), "byte " + i + " flipped was accepted");
        }
    }
}
