package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.CommittedEnd;
import dev.zkinfer.circuit.CommittedLayout;
import dev.zkinfer.circuit.IoScales;
import dev.zkinfer.circuit.LinearLayer;
import dev.zkinfer.circuit.RangeCheckLayer;
import dev.zkinfer.circuit.TensorLayout;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.circuit.ZkLayout;
import dev.zkinfer.field.Goldilocks;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.pcs.WhirProver;
import dev.zkinfer.security.SecurityProfile;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Committed outputs (docs/zero-knowledge.md §3.5) through {@link CircuitProver} and
 * {@link CircuitVerifier}: an input x (public, private or committed) → Linear → the output y,
 * masked, with the proof's output commitment C_out tied to the witness's y at the output claim's
 * point. Includes the cheating provers whose witness output differs from C_out's, and every
 * combination of input and output visibility.
 */
class CommittedOutputProofTest {
    record Setup(VerifyingKey vk, CircuitProver prover, WitnessValues w, int x, int y) {}

    /** @param input "public", "private" or "committed" */
    static Setup setup(String input, boolean committedOutput, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean isPublic = input.equals("public");
        Circuit.Builder cb = new Circuit.Builder();
        int x = cb.tensor("x", TensorLayout.of(2, 5), isPublic ? TensorRole.INPUT : TensorRole.ADVICE);
        int w1 = cb.tensor("w1", TensorLayout.of(6, 5), TensorRole.MODEL);
        int y = cb.tensor("y", TensorLayout.of(2, 6), TensorRole.COMPUTED);
        if (!isPublic) {
            cb.layer(new RangeCheckLayer(x, -8, 7));
        }
        cb.layer(new LinearLayer(x, w1, -1, y));
        Circuit c = cb.build(isPublic ? new int[] {x} : new int[0], new int[] {y});
        WitnessValues w = new WitnessValues(c);
        long[] xs = new long[10];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = Goldilocks.fromSigned(rnd.nextInt(-8, 8));
        }
        w.put(x, c.tensor(x).layout().pad(xs, 0));
        w.put(w1, LayerSoundness.randomPadded(c.tensor(w1).layout(), rnd, 100));
        LayerHarness.computeWitness(c, w);
        CircuitProver.computeMultiplicities(c, w);
        SecurityProfile profile = SecurityProfile.DEFAULT;
        int proofs = VerifyingKey.defaultHiddenProofs(profile, c);
        ZkLayout.ModelHiding hiding = VerifyingKey.modelHiding(profile, c, proofs);
        CommittedLayout ml = hiding.layout();
        Map<Integer, long[]> mv = new HashMap<>();
        mv.put(w1, w.get(w1));
        long[] bl = new long[1 << ml.blocks(ZkLayout.blindingBlock(c)).get(0).numVars()];
        for (int i = 0; i < bl.length; i++) {
            bl[i] = dev.zkinfer.prover.sumcheck.SumcheckProver.uniformBase(rnd);
        }
        mv.put(ZkLayout.blindingBlock(c), bl);
        long[] table = ml.pack(mv);
        WhirProver.WhirCommitment commitment = new WhirProver(hiding.params(), Backends.scalar()).commit(table, ml.numVars(),
                ZkProofTest.seeded(seed));
        IoScales io = new IoScales(input.equals("private") ? List.of() : List.of(new IoScales.InputDomain(1.0, -8, 7)), List.of(1.0));
        VerifyingKey vk = new VerifyingKey(profile, new int[] {1}, new Circuit[] {c}, commitment.root(), io, proofs,
                input.equals("committed"), committedOutput);
        return new Setup(vk, new CircuitProver(vk, commitment, table, Backends.scalar()), w, x, y);
    }

    /**
     * Every byte of a commitment's 32-byte root at {@code at}, then bytes all over the rest of the
     * proof, flipped, and truncations to every twentieth of its length and by one byte: all rejected.
     */
    static void rejectsRootFlipsAndTruncations(VerifyingKey vk, byte[] proof, int at, SplittableRandom rnd) {
        for (int i = at; i < proof.length; i += i < at + 32 ? 1 : 1 + rnd.nextInt(Math.max(1, proof.length / 40))) {
            byte[] bad = proof.clone();
            bad[i] ^= (byte) (1 + rnd.nextInt(255));
            assertFalse(CircuitVerifier.verify(vk, bad).result().isValid(), "byte " + i + " flipped was accepted");
        }
        for (int cut = 0; cut < proof.length; cut += 1 + proof.length / 20) {
            assertFalse(CircuitVerifier.verify(vk, Arrays.copyOf(proof, cut)).result().isValid(), "truncated to " + cut);
        }
        assertFalse(CircuitVerifier.verify(vk, Arrays.copyOf(proof, proof.length - 1)).result().isValid());
    }

    static byte[] seed(int b) {
        byte[] s = new byte[TensorCommitment.SEED_BYTES];
        Arrays.fill(s, (byte) b);
        return s;
    }

    private static long[] output(Setup s) {
        return s.vk().circuit().tensor(s.y()).layout().unpad(s.w().get(s.y()));
    }

    private static byte[] prove(Setup s, int random, byte[] inputSeed, byte[] outputSeed, Map<Integer, long[]> instead) {
        return s.prover().prove(s.w(), 1, m -> {}, null, ZkProofTest.seeded(random), inputSeed, outputSeed, instead);
    }

    @Test
    void aCommittedOutputProofVerifiesAndItsCommitmentOpensToTheTrueOutputOnly() throws Exception {
        Setup s = setup("private", true, 1);
        assertEquals("committed", s.vk().outputVisibility());
        byte[] proof = prove(s, 2, null, seed(7), null);
        CircuitVerifier.Outcome o = CircuitVerifier.verify(s.vk(), proof);
        assertTrue(o.result().isValid(), o.result().reason());
        assertTrue(o.outputs().isEmpty(), "no public output");
        assertNull(o.inputCommitment());
        assertArrayEquals(TensorCommitment.root(s.vk(), CommittedEnd.OUTPUTS, List.of(output(s)), seed(7)), o.outputCommitment());
        // any other output with the same seed, or the output with another seed, gives another root
        for (int i = 0; i < 12; i += 5) {
            long[] other = output(s);
            other[i] = Goldilocks.add(other[i], 1);
            assertFalse(Arrays.equals(TensorCommitment.root(s.vk(), CommittedEnd.OUTPUTS, List.of(other), seed(7)), o.outputCommitment()));
        }
        assertFalse(Arrays.equals(TensorCommitment.root(s.vk(), CommittedEnd.OUTPUTS, List.of(output(s)), seed(8)), o.outputCommitment()));
        // the security report lists the output commitment's opening and the binding point
        String report = dev.zkinfer.circuit.ProofSecurity.report(s.vk()).toString();
        assertTrue(report.contains("output commitment") && report.contains("committed output binding"), report);
        // the key round-trips with the flag, and differs from the public-output key
        VerifyingKey back = VerifyingKey.decode(s.vk().encode());
        assertTrue(back.committedOutputs());
        assertFalse(back.committedInputs());
        assertFalse(Arrays.equals(s.vk().digest(), setup("private", false, 1).vk().digest()));
    }

    @Test
    void theOutputsValuesAreNotInTheProofButAPublicOutputsAre() {
        Setup s = setup("private", true, 11);
        Setup p = setup("private", false, 11);
        long[] y = output(s);
        assertArrayEquals(y, output(p), "the same witness");
        assertEquals(0, LayerHarness.occurrences(prove(s, 12, null, seed(3), null), y), "the committed output is not in the proof");
        assertEquals(1, LayerHarness.occurrences(p.prover().prove(p.w(), 1, m -> {}, null, ZkProofTest.seeded(12)), y),
                "control: a public output is");
    }


    @Test
    void aProverWhoseWitnessOutputDiffersFromTheCommittedOneIsCaught() {
        Setup s = setup("private", true, 3);
        for (int i = 0; i < 12; i += 4) {
            long[] other = output(s);
            other[i] = Goldilocks.add(other[i], 1 + i);
            Map<Integer, long[]> instead = Map.of(s.y(), s.vk().circuit().tensor(s.y()).layout().pad(other, 0));
            CircuitVerifier.Outcome o = CircuitVerifier.verify(s.vk(), prove(s, 10 + i, null, seed(9), instead));
            assertFalse(o.result().isValid(), "entry " + i + ": a witness output other than the committed one was accepted");
            // caught where the two are tied: Ô(r) is the witness's value, so C_out's opening fails
            assertTrue(o.result().reason().startsWith("output commitment opening"), o.result().reason());
        }
        // control: the same path with the witness's own output verifies
        assertTrue(CircuitVerifier.verify(s.vk(), prove(s, 30, null, seed(9), Map.of(s.y(), s.w().get(s.y())))).result().isValid());
    }

    @Test
    void aWrongOutputCommittedConsistentlyIsCaughtByTheLayer() {
        // the witness's own output is wrong (not x·W) and C_out commits that same wrong output: the
        // tie holds, the Linear layer's sumcheck does not
        Setup s = setup("private", true, 4);
        long[] bad = output(s);
        bad[2] = Goldilocks.add(bad[2], 1);
        s.w().put(s.y(), s.vk().circuit().tensor(s.y()).layout().pad(bad, 0));
        CircuitVerifier.Outcome o = CircuitVerifier.verify(s.vk(), prove(s, 5, null, seed(2), null));
        assertFalse(o.result().isValid(), "a proof of a wrong output was accepted");
        assertFalse(o.result().reason().startsWith("output commitment"), "the tie holds; the layer fails: " + o.result().reason());
    }

    @Test
    void flippedBytesAndTruncationsAreRejected() {
        Setup s = setup("private", true, 5);
        byte[] proof = prove(s, 6, null, seed(1), null);
        byte[] root = CircuitVerifier.verify(s.vk(), proof).outputCommitment();
        int at = CommittedInputProofTest.indexOf(proof, root);
        assertTrue(at > 0, "the output commitment's root is in the proof");
        SplittableRandom rnd = new SplittableRandom(6);
        rejectsRootFlipsAndTruncations(s.vk(), proof, at, rnd);
        for (int i = 0; i < at; i += 1 + rnd.nextInt(8)) {
            byte[] bad = proof.clone();
            bad[i] ^= (byte) (1 + rnd.nextInt(255));
            assertFalse(CircuitVerifier.verify(s.vk(), bad).result().isValid(), "byte " + i + " flipped was accepted");
        }
        // the proof of a public-output key does not verify under the committed-output key, nor the other way round
        Setup p = setup("private", false, 5);
        assertFalse(CircuitVerifier.verify(s.vk(), p.prover().prove(p.w(), 1, m -> {}, null, ZkProofTest.seeded(7))).result().isValid());
        assertFalse(CircuitVerifier.verify(p.vk(), proof).result().isValid());
    }

    @Test
    void everyCombinationOfInputAndOutputVisibilityProvesAndVerifies() {
        long seed = 20;
        for (String input : List.of("public", "private", "committed")) {
            for (boolean committedOutput : new boolean[] {false, true}) {
                String what = "input " + input + ", output " + (committedOutput ? "committed" : "public");
                Setup s = setup(input, committedOutput, seed++);
                assertEquals(input, s.vk().inputVisibility(), what);
                assertEquals(committedOutput ? "committed" : "public", s.vk().outputVisibility(), what);
                byte[] in = input.equals("committed") ? seed(4) : null;
                byte[] out = committedOutput ? seed(5) : null;
                CircuitVerifier.Outcome o = CircuitVerifier.verify(s.vk(), prove(s, (int) seed, in, out, null));
                assertTrue(o.result().isValid(), what + ": " + o.result().reason());
                assertEquals(input.equals("public") ? 1 : 0, o.inputs().size(), what);
                if (committedOutput) {
                    assertTrue(o.outputs().isEmpty(), what);
                    assertArrayEquals(TensorCommitment.root(s.vk(), CommittedEnd.OUTPUTS, List.of(output(s)), out), o.outputCommitment(), what);
                } else {
                    assertArrayEquals(Arrays.stream(output(s)).map(Goldilocks::toSigned).toArray(), o.output(), what);
                    assertNull(o.outputCommitment(), what);
                }
                if (in != null) {
                    long[] x = s.vk().circuit().tensor(s.x()).layout().unpad(s.w().get(s.x()));
                    assertArrayEquals(TensorCommitment.root(s.vk(), CommittedEnd.INPUTS, List.of(x), in), o.inputCommitment(), what);
                } else {
                    assertNull(o.inputCommitment(), what);
                }
            }
        }
    }

    @Test
    void theProverRefusesAMissingOrUnexpectedOutputSeed() {
        Setup s = setup("private", true, 7);
        assertThrows(IllegalArgumentException.class, () -> s.prover().prove(s.w(), 1, m -> {}, null, ZkProofTest.seeded(1)));
        assertThrows(IllegalArgumentException.class, () -> prove(s, 1, null, null, null));
        Setup p = setup("private", false, 7);
        assertThrows(IllegalArgumentException.class, () -> prove(p, 1, null, seed(1), null));
        // a committed output needs a zero-knowledge key
        assertThrows(IllegalArgumentException.class, () -> new VerifyingKey(SecurityProfile.DEFAULT, new int[] {1},
                new Circuit[] {s.vk().circuit()}, s.vk().modelRoot(), s.vk().io(), 0, false, true));
    }
}
