package dev.zkinfer.prover.circuit;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.CommittedEnd;
import dev.zkinfer.circuit.CommittedLayout;
import dev.zkinfer.circuit.IndexMap;
import dev.zkinfer.circuit.IndexMapLayer;
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
        IoScales io = new IoScales(input.equals("private") ? List.of() : List.of(new IoScales.InputDomain(1.0, -8, 7)), List.of(1.0));
        return keyed(c, w, x, y, w1, io, input.equals("committed"), committedOutput, null, seed);
    }

    /** The witness computed from its inputs and model tensor {@code w1}, the model committed, the key made. */
    static Setup keyed(Circuit c, WitnessValues w, int x, int y, int w1, IoScales io, boolean committedInputs, boolean committedOutput,
            int[] outputElements, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
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
        VerifyingKey vk = new VerifyingKey(profile, new int[] {1}, new Circuit[] {c}, commitment.root(), io, proofs,
                committedInputs, committedOutput, outputElements);
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

    /**
     * A one-element output in its padded form, as the compiler makes it for a committed output
     * (ModelCompiler: a sum to one element): x (public, [1, 4]) padded with a zero row to [2, 4],
     * summed by a Linear layer with weights of ones into [2, 1], reshaped into the output [1, 2]
     * = [Σx, 0]; the key records one element per row (docs/zero-knowledge.md §3.5).
     */
    static Setup paddedOneElementOutput(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Circuit.Builder cb = new Circuit.Builder();
        int x = cb.tensor("x", TensorLayout.of(1, 4), TensorRole.INPUT);
        int rows = cb.tensor("x/zk padded rows", TensorLayout.of(2, 4), TensorRole.COMPUTED);
        int ones = cb.tensor("ones", TensorLayout.of(1, 4), TensorRole.MODEL);
        int sums = cb.tensor("row sums", TensorLayout.of(2, 1), TensorRole.COMPUTED);
        int y = cb.tensor("output", TensorLayout.of(1, 2), TensorRole.COMPUTED);
        cb.layer(new IndexMapLayer(new int[] {x}, rows, new IndexMap.Pad(new int[2])));
        cb.layer(new LinearLayer(rows, ones, -1, sums));
        cb.layer(new IndexMapLayer(new int[] {sums}, y, new IndexMap.Reshape()));
        Circuit c = cb.build(new int[] {x}, new int[] {y});
        WitnessValues w = new WitnessValues(c);
        long[] xs = new long[4];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = Goldilocks.fromSigned(rnd.nextInt(-8, 8));
        }
        w.put(x, c.tensor(x).layout().pad(xs, 0));
        w.put(ones, c.tensor(ones).layout().pad(new long[] {1, 1, 1, 1}, 0));
        IoScales io = new IoScales(1.0, -8, 7, 1.0);
        return keyed(c, w, x, y, ones, io, false, true, new int[] {1}, seed);
    }

    @Test
    void aOneElementOutputCommittedInItsPaddedFormOpensToItsValueOnly() throws Exception {
        Setup s = paddedOneElementOutput(40);
        VerifyingKey vk = s.vk();
        assertTrue(vk.outputPadded(0));
        assertEquals(1, vk.outputElements(0));
        assertArrayEquals(new int[] {1, 1}, vk.outputDims(0), "the model's shape, not the circuit's [1, 2]");
        long[] padded = output(s);
        long sum = 0;
        for (long v : vk.circuit().tensor(s.x()).layout().unpad(s.w().get(s.x()))) {
            sum += Goldilocks.toSigned(v);
        }
        assertArrayEquals(new long[] {Goldilocks.fromSigned(sum), 0}, padded, "the circuit's output is [Σx, 0]");
        assertArrayEquals(new long[] {Goldilocks.fromSigned(sum)}, vk.modelOutput(0, padded));
        assertArrayEquals(padded, vk.circuitOutput(0, new long[] {Goldilocks.fromSigned(sum)}));
        assertThrows(IllegalArgumentException.class, () -> vk.circuitOutput(0, padded), "two values for a one-element output");

        CircuitVerifier.Outcome o = CircuitVerifier.verify(vk, prove(s, 41, null, seed(6), null));
        assertTrue(o.result().isValid(), o.result().reason());
        assertTrue(o.outputs().isEmpty());
        assertArrayEquals(TensorCommitment.root(vk, CommittedEnd.OUTPUTS, List.of(padded), seed(6)), o.outputCommitment());
        // a second element other than 0, or another value, is another root
        long[] nonZero = {padded[0], 5};
        assertFalse(Arrays.equals(TensorCommitment.root(vk, CommittedEnd.OUTPUTS, List.of(nonZero), seed(6)), o.outputCommitment()));
        long[] other = {Goldilocks.add(padded[0], 1), 0};
        assertFalse(Arrays.equals(TensorCommitment.root(vk, CommittedEnd.OUTPUTS, List.of(other), seed(6)), o.outputCommitment()));

        // the key records the elements per row: it round-trips, and another count is another key
        VerifyingKey back = VerifyingKey.decode(vk.encode());
        assertArrayEquals(vk.digest(), back.digest());
        assertEquals(1, back.outputElements(0));
        assertTrue(back.outputPadded(0));
        VerifyingKey unpadded = new VerifyingKey(vk.profile(), new int[] {1}, new Circuit[] {vk.circuit()}, vk.modelRoot(), vk.io(),
                vk.hiddenProofs(), false, true, new int[] {2});
        assertFalse(unpadded.outputPadded(0));
        assertFalse(Arrays.equals(vk.digest(), unpadded.digest()));
    }

    @Test
    void aPaddedOutputIsOnlyForACommittedOneElementOutput() {
        Setup s = paddedOneElementOutput(42);
        VerifyingKey vk = s.vk();
        // public outputs are read from the proof as the circuit has them: no padded form
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VerifyingKey(vk.profile(), new int[] {1},
                new Circuit[] {vk.circuit()}, vk.modelRoot(), vk.io(), vk.hiddenProofs(), false, false, new int[] {1}));
        assertTrue(e.getMessage().contains("elements per row"), e.getMessage());
        // a row of two holds one element padded, not three, nor none
        for (int[] elements : new int[][] {{3}, {0}, {1, 1}}) {
            assertThrows(IllegalArgumentException.class, () -> new VerifyingKey(vk.profile(), new int[] {1}, new Circuit[] {vk.circuit()},
                    vk.modelRoot(), vk.io(), vk.hiddenProofs(), false, true, elements), Arrays.toString(elements));
        }
        // the encoded count is checked when decoding: 0 elements per row is a malformed key
        byte[] file = vk.encode();
        int at = CommittedInputProofTest.indexOf(file, new byte[] {0, 0, (byte) 0xf0, 0x3f, 1, 0, 0, 0}) + 4;
        assertTrue(at > 4, "the output scale 1.0 and its count 1");
        byte[] zero = Arrays.copyOf(file, file.length - 32);
        zero[at] = 0;
        byte[] resealed = Arrays.copyOf(zero, file.length);
        System.arraycopy(sha256(zero), 0, resealed, zero.length, 32);
        assertThrows(dev.zkinfer.encoding.MalformedProofException.class, () -> VerifyingKey.decode(resealed));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aProverWhoseCommittedPaddingIsNotZeroIsCaught() {
        Setup s = paddedOneElementOutput(43);
        long[] padded = output(s);
        TensorLayout l = s.vk().circuit().tensor(s.y()).layout();
        // C_out commits [value, 5] while the witness holds [value, 0]: caught at C_out's opening
        for (long pad : new long[] {5, Goldilocks.fromSigned(-1)}) {
            Map<Integer, long[]> instead = Map.of(s.y(), l.pad(new long[] {padded[0], pad}, 0));
            CircuitVerifier.Outcome o = CircuitVerifier.verify(s.vk(), prove(s, 44, null, seed(3), instead));
            assertFalse(o.result().isValid(), "a committed padding of " + pad + " was accepted");
            assertTrue(o.result().reason().startsWith("output commitment opening"), o.result().reason());
        }
        // the witness's own output is [value, 5] and C_out commits the same: the tie holds, the
        // layer that makes the output (a reshape of the sums, whose second is Σ of a zero row) does not
        s.w().put(s.y(), l.pad(new long[] {padded[0], 5}, 0));
        CircuitVerifier.Outcome o = CircuitVerifier.verify(s.vk(), prove(s, 45, null, seed(3), null));
        assertFalse(o.result().isValid(), "a proof of a non-zero padding was accepted");
        assertFalse(o.result().reason().startsWith("output commitment"), "the tie holds; the layer fails: " + o.result().reason());
    }

    @Test
    void aPaddedOutputProofRejectsFlippedBytesAndTruncations() {
        Setup s = paddedOneElementOutput(46);
        byte[] proof = prove(s, 47, null, seed(8), null);
        assertTrue(CircuitVerifier.verify(s.vk(), proof).result().isValid());
        byte[] root = CircuitVerifier.verify(s.vk(), proof).outputCommitment();
        rejectsRootFlipsAndTruncations(s.vk(), proof, CommittedInputProofTest.indexOf(proof, root), new SplittableRandom(47));
    }
}
