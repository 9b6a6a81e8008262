package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.CommittedLayout;
import dev.zkinfer.circuit.ElementwiseProductLayer;
import dev.zkinfer.circuit.IoScales;
import dev.zkinfer.circuit.LinearLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.circuit.ZkLayout;
import dev.zkinfer.pcs.PcsParameters;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.pcs.WhirProver;
import dev.zkinfer.security.SecurityProfile;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Whole zero-knowledge proofs through {@link CircuitProver} and {@link CircuitVerifier}
 * (docs/zero-knowledge.md §3.4): the masks committed in the witness, every layer in its masked
 * mode, claims merged, advice claims and mask values opened as linear claims on the witness.
 * The circuit has no lookups: x → Linear → h; h·a → g (a free advice tensor); g → Linear → y.
 */
class ZkProofTest {
    record Setup(VerifyingKey vk, CircuitProver prover, WitnessValues w) {}

    static Setup setup(boolean zk, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Circuit.Builder cb = new Circuit.Builder();
        int x = cb.tensor("x", TensorLayout.of(2, 5), TensorRole.INPUT);
        int w1 = cb.tensor("w1", TensorLayout.of(6, 5), TensorRole.MODEL);
        int h = cb.tensor("h", TensorLayout.of(2, 6), TensorRole.COMPUTED);
        int a = cb.tensor("a", TensorLayout.of(2, 6), TensorRole.ADVICE);
        int g = cb.tensor("g", TensorLayout.of(2, 6), TensorRole.COMPUTED);
        int w2 = cb.tensor("w2", TensorLayout.of(3, 6), TensorRole.MODEL);
        int y = cb.tensor("y", TensorLayout.of(2, 3), TensorRole.COMPUTED);
        cb.layer(new LinearLayer(x, w1, -1, h));
        cb.layer(new ElementwiseProductLayer(h, a, g));
        // h is read twice (by the product and by a second product with itself): its claims are merged
        int hh = cb.tensor("hh", TensorLayout.of(2, 6), TensorRole.COMPUTED);
        cb.layer(new ElementwiseProductLayer(h, g, hh));
        cb.layer(new LinearLayer(hh, w2, -1, y));
        Circuit c = cb.build(x, y);
        WitnessValues w = new WitnessValues(c);
        w.put(x, LayerSoundness.randomPadded(c.tensor(x).layout(), rnd, 100));
        w.put(w1, LayerSoundness.randomPadded(c.tensor(w1).layout(), rnd, 100));
        w.put(w2, LayerSoundness.randomPadded(c.tensor(w2).layout(), rnd, 100));
        w.put(a, LayerSoundness.randomPadded(c.tensor(a).layout(), rnd, 100));
        LayerHarness.computeWitness(c, w);
        SecurityProfile profile = SecurityProfile.DEFAULT;
        ZkLayout.ModelHiding hiding = zk ? VerifyingKey.modelHiding(profile, c, VerifyingKey.defaultHiddenProofs(profile, c)) : null;
        CommittedLayout ml = zk ? hiding.layout() : CommittedLayout.tight(c, c.tensorsWithRole(TensorRole.MODEL));
        Map<Integer, long[]> mv = new HashMap<>();
        for (int t : c.tensorsWithRole(TensorRole.MODEL)) {
            mv.put(t, w.get(t));
        }
        if (zk) {
            // the blinding block, drawn at compile time
            long[] bl = new long[1 << ml.blocks(ZkLayout.blindingBlock(c)).get(0).numVars()];
            for (int i = 0; i < bl.length; i++) {
                bl[i] = dev.zkinfer.prover.sumcheck.SumcheckProver.uniformBase(rnd);
            }
            mv.put(ZkLayout.blindingBlock(c), bl);
        }
        long[] table = ml.pack(mv);
        WhirProver.WhirCommitment commitment = zk
                ? new WhirProver(hiding.params(), Backends.scalar()).commit(table, ml.numVars(), seeded(seed))
                : new WhirProver(PcsParameters.forSecurity(profile.bits() + VerifyingKey.PCS_MARGIN_BITS, ml.numVars()), Backends.scalar())
                        .commit(table, ml.numVars());
        VerifyingKey vk = new VerifyingKey(profile, c, commitment.root(), new IoScales(1.0, -128, 127, 1.0), zk);
        return new Setup(vk, new CircuitProver(vk, commitment, table, Backends.scalar()), w);
    }

    /** A deterministic SecureRandom, so a failing case can be replayed. */
    static java.security.SecureRandom seeded(long seed) {
        try {
            java.security.SecureRandom r = java.security.SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void zeroKnowledgeProofsVerifyWithTheIntegrityModesOutput() {
        Setup plain = setup(false, 1);
        Setup zk = setup(true, 1);
        CircuitVerifier.Outcome p = CircuitVerifier.verify(plain.vk(), plain.prover().prove(plain.w(), m -> {}));
        assertTrue(p.result().isValid(), p.result().reason());
        byte[] proof = zk.prover().prove(zk.w(), 1, m -> {}, null, seeded(5));
        CircuitVerifier.Outcome o = CircuitVerifier.verify(zk.vk(), proof);
        assertTrue(o.result().isValid(), o.result().reason());
        assertArrayEquals(p.output(), o.output());
        assertArrayEquals(p.input(), o.input());
        // the verifier learns the mode from the key: a zero-knowledge proof is no integrity proof
        assertFalse(CircuitVerifier.verify(plain.vk(), proof).result().isValid());
    }

    @Test
    void zeroKnowledgeProofsAreRandomizedAndIntegrityProofsAreNot() {
        Setup zk = setup(true, 2);
        byte[] a = zk.prover().prove(zk.w(), m -> {});
        byte[] b = zk.prover().prove(zk.w(), m -> {});
        assertFalse(Arrays.equals(a, b));
        assertTrue(CircuitVerifier.verify(zk.vk(), a).result().isValid());
        assertTrue(CircuitVerifier.verify(zk.vk(), b).result().isValid());
        Setup plain = setup(false, 2);
        assertArrayEquals(plain.prover().prove(plain.w(), m -> {}), plain.prover().prove(plain.w(), m -> {}));
    }

    @Test
    void everyFlippedByteAndTruncationIsRejected() {
        Setup zk = setup(true, 3);
        byte[] proof = zk.prover().prove(zk.w(), 1, m -> {}, null, seeded(6));
        SplittableRandom rnd = new SplittableRandom(9);
        for (int i = 0; i < proof.length; i += 1 + rnd.nextInt(proof.length / 150)) {
            byte[] bad = proof.clone();
            bad[i] ^= (byte) (1 + rnd.nextInt(255));
            assertFalse(CircuitVerifier.verify(zk.vk(), bad).result().isValid(), "byte " + i + " flipped was accepted");
        }
        for (int len : new int[] {0, 10, proof.length / 2, proof.length - 1}) {
            assertFalse(CircuitVerifier.verify(zk.vk(), Arrays.copyOf(proof, len)).result().isValid());
        }
    }

    @Test
    void aWrongWitnessIsRejected() {
        Setup zk = setup(true, 4);
        // h off by one at one entry: the first Linear layer's relation fails whatever the masks
        int h = 2;
        long[] v = zk.w().get(h).clone();
        v[0] = dev.zkinfer.field.Goldilocks.add(v[0], 1);
        zk.w().put(h, v);
        byte[] proof = zk.prover().prove(zk.w(), 1, m -> {}, null, seeded(7));
        assertFalse(CircuitVerifier.verify(zk.vk(), proof).result().isValid());
    }

    @Test
    void weightsOtherThanTheCommittedOnesAreRejected() {
        Setup zk = setup(true, 6);
        // the prover uses other first-layer weights (the whole witness recomputed from them) against the key's commitment
        int w1 = 1;
        long[] v = zk.w().get(w1).clone();
        v[3] = dev.zkinfer.field.Goldilocks.add(v[3], 1);
        WitnessValues bad = new WitnessValues(zk.vk().circuit());
        for (int t = 0; t < zk.vk().circuit().tensors().size(); t++) {
            if (zk.vk().circuit().tensor(t).role() != TensorRole.COMPUTED) {
                bad.put(t, t == w1 ? v : zk.w().get(t));
            }
        }
        LayerHarness.computeWitness(zk.vk().circuit(), bad);
        byte[] proof = zk.prover().prove(bad, 1, m -> {}, null, seeded(8));
        assertFalse(CircuitVerifier.verify(zk.vk(), proof).result().isValid());
    }

    @Test
    void aCommittedSumcheckMaskCoefficientOtherThanTheOneUsedIsRejected() {
        // a cheating prover commits the pool with one component of the first sumcheck mask's first
        // coefficient changed (entries 0, 1, 2 of the pool's first block) and proves with the
        // original mask: the mask's revealed value no longer opens on the witness
        Setup zk = setup(true, 8);
        ZkLayout layout = zk.vk().zkLayout();
        int pool = layout.poolBlock(0);
        for (int component = 0; component < 3; component++) {
            int entry = component;
            byte[] proof = zk.prover().prove(zk.w(), 1, m -> {}, null, seeded(20 + component), null, null, null,
                    Map.of(pool, block -> {
                        block[entry] = dev.zkinfer.field.Goldilocks.add(block[entry], 1);
                        return block;
                    }));
            assertFalse(CircuitVerifier.verify(zk.vk(), proof).result().isValid(), "component " + component + " changed was accepted");
        }
        // the coefficient's fourth entry is unused: its weight is zero, whatever the block holds there
        byte[] proof = zk.prover().prove(zk.w(), 1, m -> {}, null, seeded(23), null, null, null, Map.of(pool, block -> {
            block[3] = dev.zkinfer.field.Goldilocks.add(block[3], 1);
            return block;
        }));
        CircuitVerifier.Outcome o = CircuitVerifier.verify(zk.vk(), proof);
        assertTrue(o.result().isValid(), o.result().reason());
        // and the honest prover with the same randomness is accepted
        assertTrue(CircuitVerifier.verify(zk.vk(), zk.prover().prove(zk.w(), 1, m -> {}, null, seeded(20))).result().isValid());
    }

    @Test
    void theKeyRecordsTheMode() throws Exception {
        Setup zk = setup(true, 5);
        VerifyingKey back = VerifyingKey.decode(zk.vk().encode());
        assertTrue(back.zeroKnowledge());
        assertArrayEquals(zk.vk().digest(), back.digest());
        assertFalse(VerifyingKey.decode(setup(false, 5).vk().encode()).zeroKnowledge());
    }
}
