package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.prover.circuit.LayerHarness;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.security.SecurityProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Whole zero-knowledge proofs of compiled models (docs/zero-knowledge.md): every layer masked,
 * the lookups in zero-knowledge mode, the weights' blinded openings and the hiding witness
 * commitment, through the same {@link ModelProver} as integrity proofs.
 */
class ZkModelProofTest {
    private static void provesLikeIntegrityMode(QuantizedModel qm, IntTensor input) throws Exception {
        ProvingKey plain = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        ProofResult p = new ModelProver(plain).prove(input, s -> {});
        ProvingKey zk = ProvingKey.create(qm, SecurityProfile.DEFAULT, new ProvingKey.Options(true, false), s -> {});
        assertTrue(zk.verifyingKey().zeroKnowledge());
        ModelProver prover = new ModelProver(zk);
        ProofResult a = prover.prove(input, s -> {});
        CircuitVerifier.Outcome o = CircuitVerifier.verify(zk.verifyingKey(), a.proof());
        assertTrue(o.result().isValid(), o.result().reason());
        assertArrayEquals(CircuitVerifier.verify(plain.verifyingKey(), p.proof()).output(), o.output(), "the same output as integrity mode");
        // randomized, and each verifies; the other mode's key rejects it
        ProofResult b = prover.prove(input, s -> {});
        assertFalse(Arrays.equals(a.proof(), b.proof()));
        assertTrue(CircuitVerifier.verify(zk.verifyingKey(), b.proof()).result().isValid());
        assertFalse(CircuitVerifier.verify(plain.verifyingKey(), a.proof()).result().isValid());
        // flipped bytes and truncations
        byte[] proof = a.proof();
        rejectsFlippedBytesAndTruncation(zk.verifyingKey(), proof, 3, 60);
        // the key round-trips with its mode and its blinding seed
        ProvingKey back = ProvingKey.decode(zk.encode(), s -> {});
        assertArrayEquals(zk.verifyingKey().digest(), back.verifyingKey().digest());
        assertTrue(CircuitVerifier.verify(back.verifyingKey(), new ModelProver(back).prove(input, s -> {}).proof()).result().isValid());
    }

    /** Bytes flipped about every proof.length/spacing positions (random values, seeded) and a one-byte truncation are rejected. */
    static void rejectsFlippedBytesAndTruncation(dev.zkinfer.circuit.VerifyingKey vk, byte[] proof, long seed, int spacing) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < proof.length; i += 1 + rnd.nextInt(Math.max(1, proof.length / spacing))) {
            byte[] bad = proof.clone();
            bad[i] ^= (byte) (1 + rnd.nextInt(255));
            assertFalse(CircuitVerifier.verify(vk, bad).result().isValid(), "byte " + i + " flipped was accepted");
        }
        assertFalse(CircuitVerifier.verify(vk, Arrays.copyOf(proof, proof.length - 1)).result().isValid(), "a truncated proof was accepted");
    }

    /** The 64-32-10 MLP these tests prove, quantized with calibration seed {@code seed}. */
    private static QuantizedModel mlp(int seed) {
        return ModelProofTest.quantize(new ModelBuilder(7, 1, 64).gemm(32).relu().gemm(10).build(), seed);
    }

    @Test
    void anMlp() throws Exception {
        QuantizedModel qm = mlp(1);
        provesLikeIntegrityMode(qm, qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 99).get(0)));
    }

    @Test
    void aPrivateInputIsInNoProofAndStillChecked() throws Exception {
        QuantizedModel qm = mlp(2);
        IntTensor input = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 98).get(0));
        ProvingKey plain = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        ProvingKey zk = ProvingKey.create(qm, SecurityProfile.DEFAULT, new ProvingKey.Options(true, true), s -> {});
        assertEquals(0, zk.verifyingKey().circuit().inputs().length, "no public input");
        ProofResult r = new ModelProver(zk).prove(input, s -> {});
        CircuitVerifier.Outcome o = CircuitVerifier.verify(zk.verifyingKey(), r.proof());
        assertTrue(o.result().isValid(), o.result().reason());
        assertTrue(o.inputs().isEmpty());
        assertArrayEquals(CircuitVerifier.verify(plain.verifyingKey(), new ModelProver(plain).prove(input, s -> {}).proof()).output(),
                o.output());
        // the input's quantized values appear nowhere in the proof (neither as 8-byte field elements nor
        // as a public input is written); the same scan finds them in an integrity proof
        long[] x = java.util.Arrays.stream(input.data()).mapToLong(v -> dev.zkinfer.field.Goldilocks.fromSigned(v)).toArray();
        assertEquals(0, LayerHarness.occurrences(r.proof(), x), "the private input's values are not in the proof");
        assertEquals(1, LayerHarness.occurrences(new ModelProver(plain).prove(input, s -> {}).proof(), x), "control: a public input is");
        // an input outside the quantized domain is refused by the prover, as for a public input
        int[] bad = input.data().clone();
        bad[0] = 1000;
        assertThrows(IllegalArgumentException.class, () -> new ModelProver(zk).prove(new IntTensor(input.shape(), bad), s -> {}));
    }

    @Test
    void aCommittedInputIsInNoProofAndItsOpeningChecksIt() throws Exception {
        QuantizedModel qm = mlp(2);
        IntTensor input = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 97).get(0));
        ProvingKey plain = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        ProvingKey zk = ProvingKey.create(qm, SecurityProfile.DEFAULT, ProvingKey.Options.withCommittedInputs(), s -> {});
        var vk = zk.verifyingKey();
        assertEquals("committed", vk.inputVisibility());
        assertEquals(1, vk.io().inputs().size(), "the key holds the committed input's scale");
        ProofResult r = new ModelProver(zk).prove(input, s -> {});
        CircuitVerifier.Outcome o = CircuitVerifier.verify(vk, r.proof());
        assertTrue(o.result().isValid(), o.result().reason());
        assertTrue(o.inputs().isEmpty());
        assertArrayEquals(CircuitVerifier.verify(plain.verifyingKey(), new ModelProver(plain).prove(input, s -> {}).proof()).output(),
                o.output());
        // the opening (as written to a file and read back) opens the proof's commitment to the input
        CommitmentOpening opening = CommitmentOpening.decode(r.opening().encode());
        assertTrue(opening.check(vk, o).isValid(), opening.check(vk, o).reason());
        assertArrayEquals(Arrays.stream(input.data()).asLongStream().toArray(), opening.input(0));
        // another input with the same seed, and the input with another seed, do not open it
        long[] other = opening.input(0);
        other[5] = other[5] == qm.input().max() ? other[5] - 1 : other[5] + 1;
        byte[] file = opening.encode();
        CommitmentOpening otherInput = new CommitmentOpening(opening.keyDigest(), opening.batch(), opening.rows(),
                new CommitmentOpening.Part(java.util.List.of(other), Arrays.copyOfRange(file, file.length - 32, file.length)), null);
        assertFalse(otherInput.check(vk, o).isValid());
        byte[] reseeded = file.clone();
        reseeded[reseeded.length - 1] ^= 1;
        assertFalse(CommitmentOpening.decode(reseeded).check(vk, o).isValid());
        // an opening of another proof of the same input does not open this one (fresh seed per proof)
        ProofResult r2 = new ModelProver(zk).prove(input, s -> {});
        assertFalse(r2.opening().check(vk, o).isValid());
        assertTrue(r2.opening().check(vk, CircuitVerifier.verify(vk, r2.proof())).isValid());
        // garbled and truncated opening files are one-line errors
        assertThrows(dev.zkinfer.MalformedInputException.class, () -> CommitmentOpening.decode(Arrays.copyOf(file, file.length - 1)));
        assertThrows(dev.zkinfer.MalformedInputException.class, () -> CommitmentOpening.decode(new byte[] {1, 2, 3}));
        // the input's values appear neither in the proof nor among the proof's revealed values; the control finds them
        long[] x = Arrays.stream(input.data()).mapToLong(v -> dev.zkinfer.field.Goldilocks.fromSigned(v)).toArray();
        assertEquals(0, LayerHarness.occurrences(r.proof(), x), "the committed input's values are not in the proof");
        assertEquals(1, LayerHarness.occurrences(new ModelProver(plain).prove(input, s -> {}).proof(), x), "control: a public input is");
        // flipped bytes and truncation
        byte[] proof = r.proof();
        rejectsFlippedBytesAndTruncation(vk, proof, 8, 40);
        // the proving key round-trips with the visibility
        ProvingKey back = ProvingKey.decode(zk.encode(), s -> {});
        assertArrayEquals(vk.digest(), back.verifyingKey().digest());
        assertTrue(back.verifyingKey().committedInputs());
    }

    @Test
    void aCommittedOutputIsInNoProofAndItsOpeningChecksIt() throws Exception {
        QuantizedModel qm = mlp(2);
        IntTensor input = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 95).get(0));
        ProvingKey plain = ProvingKey.create(qm, SecurityProfile.DEFAULT, new ProvingKey.Options(true, false), s -> {});
        ProvingKey zk = ProvingKey.create(qm, SecurityProfile.DEFAULT, new ProvingKey.Options(true, false).withCommittedOutputs(), s -> {});
        var vk = zk.verifyingKey();
        assertEquals("committed", vk.outputVisibility());
        assertEquals("public", vk.inputVisibility());
        ProofResult r = new ModelProver(zk).prove(input, s -> {});
        CircuitVerifier.Outcome o = CircuitVerifier.verify(vk, r.proof());
        assertTrue(o.result().isValid(), o.result().reason());
        assertTrue(o.outputs().isEmpty(), "no public output");
        assertArrayEquals(Arrays.stream(input.data()).asLongStream().toArray(), o.input(), "the input stays public");
        // the output the opening holds is the one a public-output proof of the same input proves
        ProofResult pr = new ModelProver(plain).prove(input, s -> {});
        long[] proved = CircuitVerifier.verify(plain.verifyingKey(), pr.proof()).output();
        CommitmentOpening opening = CommitmentOpening.decode(r.opening().encode());
        assertFalse(opening.holds(dev.zkinfer.circuit.CommittedEnd.INPUTS));
        assertTrue(opening.check(vk, o).isValid(), opening.check(vk, o).reason());
        assertArrayEquals(proved, opening.output(0));
        assertArrayEquals(Arrays.stream(r.output().data()).asLongStream().toArray(), opening.output(0), "the prover's result");
        // the output's values appear in no proof bytes; the control finds them in the public-output proof
        long[] y = Arrays.stream(proved).map(dev.zkinfer.field.Goldilocks::fromSigned).toArray();
        assertEquals(0, LayerHarness.occurrences(r.proof(), y), "the committed output's values are not in the proof");
        assertEquals(1, LayerHarness.occurrences(pr.proof(), y), "control: a public output is");
        // other outputs with the same seed, and the output with another seed, do not open it
        byte[] file = opening.encode();
        byte[] seed = Arrays.copyOfRange(file, file.length - 32, file.length);
        for (int i = 0; i < proved.length; i += 3) {
            long[] other = proved.clone();
            other[i] += 1;
            CommitmentOpening wrong = new CommitmentOpening(opening.keyDigest(), 1, 1, null, new CommitmentOpening.Part(java.util.List.of(other), seed));
            assertFalse(wrong.check(vk, o).isValid(), "output entry " + i + " changed");
        }
        byte[] reseeded = file.clone();
        reseeded[reseeded.length - 1] ^= 1;
        assertFalse(CommitmentOpening.decode(reseeded).check(vk, o).isValid());
        // another proof's opening (a fresh seed per proof) does not open this proof
        ProofResult r2 = new ModelProver(zk).prove(input, s -> {});
        assertFalse(r2.opening().check(vk, o).isValid());
        assertTrue(r2.opening().check(vk, CircuitVerifier.verify(vk, r2.proof())).isValid());
        // an opening of the output on a key without committed outputs is refused
        assertFalse(opening.check(plain.verifyingKey(), CircuitVerifier.verify(plain.verifyingKey(), pr.proof())).isValid());
        // flipped bytes and truncation
        byte[] proof = r.proof();
        rejectsFlippedBytesAndTruncation(vk, proof, 9, 40);
        assertFalse(CircuitVerifier.verify(plain.verifyingKey(), proof).result().isValid(), "the public-output key refuses it");
        // the proving key round-trips with the visibility
        ProvingKey back = ProvingKey.decode(zk.encode(), s -> {});
        assertArrayEquals(vk.digest(), back.verifyingKey().digest());
        assertTrue(back.verifyingKey().committedOutputs());
    }

    @Test
    void committedInputAndOutputShareOneOpeningFileAndEachEndOpensAlone() throws Exception {
        QuantizedModel qm = mlp(2);
        IntTensor input = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 94).get(0));
        ProvingKey zk = ProvingKey.create(qm, SecurityProfile.DEFAULT, ProvingKey.Options.withCommittedInputs().withCommittedOutputs(), s -> {});
        var vk = zk.verifyingKey();
        assertEquals("committed", vk.inputVisibility());
        assertEquals("committed", vk.outputVisibility());
        ProofResult r = new ModelProver(zk).prove(input, s -> {});
        CircuitVerifier.Outcome o = CircuitVerifier.verify(vk, r.proof());
        assertTrue(o.result().isValid(), o.result().reason());
        assertTrue(o.inputs().isEmpty() && o.outputs().isEmpty(), "neither end in the proof");
        assertFalse(Arrays.equals(o.inputCommitment(), o.outputCommitment()));
        CommitmentOpening both = CommitmentOpening.decode(r.opening().encode());
        assertTrue(both.check(vk, o).isValid(), both.check(vk, o).reason());
        assertArrayEquals(Arrays.stream(input.data()).asLongStream().toArray(), both.input(0));
        assertArrayEquals(Arrays.stream(r.output().data()).asLongStream().toArray(), both.output(0));
        // each end alone opens its commitment (and its file holds nothing of the other end)
        for (var end : dev.zkinfer.circuit.CommittedEnd.values()) {
            CommitmentOpening one = CommitmentOpening.decode(both.only(end).encode());
            assertTrue(one.check(vk, o).isValid(), end + ": " + one.check(vk, o).reason());
            assertEquals(1, one.count(end));
            assertEquals(0, one.count(end == dev.zkinfer.circuit.CommittedEnd.INPUTS ? dev.zkinfer.circuit.CommittedEnd.OUTPUTS
                    : dev.zkinfer.circuit.CommittedEnd.INPUTS));
        }
        // the input's part does not open the output commitment: the ends' parts swapped are refused
        CommitmentOpening swapped = new CommitmentOpening(both.keyDigest(), 1, 1, both.part(dev.zkinfer.circuit.CommittedEnd.OUTPUTS),
                both.part(dev.zkinfer.circuit.CommittedEnd.INPUTS));
        assertFalse(swapped.check(vk, o).isValid());
        // neither end's values are in the proof
        assertEquals(0, LayerHarness.occurrences(r.proof(), Arrays.stream(input.data()).mapToLong(v -> dev.zkinfer.field.Goldilocks.fromSigned(v)).toArray()));
        assertEquals(0, LayerHarness.occurrences(r.proof(), Arrays.stream(r.output().data()).mapToLong(v -> dev.zkinfer.field.Goldilocks.fromSigned(v)).toArray()));
    }

    @Test
    void aCommittedInputProvedWithAPaddingRowOpensToItsRealRows() throws Exception {
        QuantizedModel qm = mlp(2);
        IntTensor input = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 96).get(0));
        ProvingKey zk = ProvingKey.create(qm, SecurityProfile.DEFAULT, new int[] {2}, ProvingKey.Options.withCommittedInputs(), s -> {});
        ProofResult r = new ModelProver(zk).proveBatch(java.util.List.<IntTensor[]>of(new IntTensor[] {input}), s -> {});
        assertEquals(2, r.batch());
        CircuitVerifier.Outcome o = CircuitVerifier.verify(zk.verifyingKey(), r.proof());
        assertTrue(o.result().isValid(), o.result().reason());
        assertEquals(1, o.rows());
        assertTrue(r.opening().check(zk.verifyingKey(), o).isValid(), r.opening().check(zk.verifyingKey(), o).reason());
        assertArrayEquals(Arrays.stream(input.data()).asLongStream().toArray(), r.opening().input(0), "the real row only");
        // an opening claiming two real rows does not fit the proof
        byte[] f = r.opening().encode();
        CommitmentOpening two = new CommitmentOpening(r.opening().keyDigest(), 2, 2, new CommitmentOpening.Part(java.util.List.of(
                concat(r.opening().input(0), r.opening().input(0))), Arrays.copyOfRange(f, f.length - 32, f.length)), null);
        assertFalse(two.check(zk.verifyingKey(), o).isValid());
    }

    @Test
    void aBatchProofInTheLargerCircuitOfAZeroKnowledgeKeyVerifies() throws Exception {
        // the key has circuits of batches 1 and 2; a proof of two rows uses the second, whose masks and
        // witness layout the verifier must take from that circuit, not from the smallest one
        QuantizedModel qm = mlp(2);
        java.util.List<IntTensor[]> rows = new java.util.ArrayList<>();
        for (var x : ModelProofTest.randomInputs(qm.input().shape(), 2, 95)) {
            rows.add(new IntTensor[] {qm.quantizeInput(x)});
        }
        for (ProvingKey.Options options : java.util.List.of(new ProvingKey.Options(true, false), ProvingKey.Options.withCommittedInputs())) {
            ProvingKey zk = ProvingKey.create(qm, SecurityProfile.DEFAULT, new int[] {1, 2}, options, s -> {});
            ProofResult r = new ModelProver(zk).proveBatch(rows, s -> {});
            assertEquals(2, r.batch());
            CircuitVerifier.Outcome o = CircuitVerifier.verify(zk.verifyingKey(), r.proof());
            assertTrue(o.result().isValid(), options + ": " + o.result().reason());
            if (options.committedInputs()) {
                assertTrue(r.opening().check(zk.verifyingKey(), o).isValid(), r.opening().check(zk.verifyingKey(), o).reason());
            }
        }
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }


    @Test
    void lenet5() throws Exception {
        // one image: the softmax's row maximum and sum would have one element, which Z·R cannot
        // mask; a zero-knowledge key pads the softmax to two rows instead, so the key keeps its
        // batch-1 circuit, and its witness is no larger than integrity mode's
        Graph g = OnnxModel.load(LenetProofTest.shared("models/mnist-lenet5/lenet5.onnx"), OnnxLoadOptions.defaults().withBatchSize(1));
        QuantizedModel qm = Quantizer.quantize(g, ModelProofTest.randomInputs(new int[] {1, 1, 28, 28}, 8, 3), QuantizationOptions.int8());
        ProvingKey zk = ProvingKey.create(qm, SecurityProfile.DEFAULT, new ProvingKey.Options(true, false), s -> {});
        assertArrayEquals(new int[] {1, 2}, zk.verifyingKey().batchSizes());
        ProvingKey integrity = ProvingKey.create(qm, SecurityProfile.DEFAULT, new int[] {1}, ProvingKey.Options.integrity(), s -> {});
        assertEquals(integrity.verifyingKey().witnessLayout().numVars(), zk.verifyingKey().witnessLayout().numVars());
        provesLikeIntegrityMode(qm, qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 4).get(0)));
        // two images: the batch-2 circuit, whose softmax has two real rows and no padding
        List<IntTensor> two = new ArrayList<>();
        for (var x : ModelProofTest.randomInputs(qm.input().shape(), 2, 5)) {
            two.add(qm.quantizeInput(x));
        }
        ProofResult r = new ModelProver(zk).proveBatch(List.of(new IntTensor[] {two.get(0)}, new IntTensor[] {two.get(1)}), s -> {});
        assertEquals(2, r.batch());
        CircuitVerifier.Outcome o = CircuitVerifier.verify(zk.verifyingKey(), r.proof());
        assertTrue(o.result().isValid(), o.result().reason());
        ModelProver plain = new ModelProver(integrity);
        for (int k = 0; k < 2; k++) {
            long[] row = Arrays.copyOfRange(o.output(), k * 10, (k + 1) * 10);
            assertArrayEquals(CircuitVerifier.verify(integrity.verifyingKey(), plain.prove(two.get(k), s -> {}).proof()).output(), row, "image " + k);
        }
    }
}
