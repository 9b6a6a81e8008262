package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.MalformedInputException;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.ProofProtocol;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.circuits.UnsupportedModelException;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.io.MnistIdx;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.security.SecurityProfile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batch proving on LeNet-5 (MNIST test images): one proof of n inferences for n = 1, 2, 3, 8 and
 * 64 against a key with batch circuits 1, 2, 4, 8 and 64 sharing one model commitment; each
 * row's proved output equals the single-inference proof's; a changed row output, a changed row
 * count and the usual damage (flipped bytes, truncation, another model's key) are rejected.
 */
class BatchProofTest {
    static final int[] SIZES = {1, 2, 4, 8, 64};
    static final int SINGLE = 8;

    static QuantizedModel model;
    static ProvingKey pk;
    static VerifyingKey vk;
    static ModelProver prover;
    static List<IntTensor> inputs = new ArrayList<>();
    /** The single-inference proofs' outputs of the first {@link #SINGLE} images. */
    static List<IntTensor> singleOutputs = new ArrayList<>();
    static final Map<Integer, ProofResult> proofs = new HashMap<>();

    @BeforeAll
    static void setUp() throws Exception {
        Graph g = OnnxModel.load(LenetProofTest.shared("models/mnist-lenet5/lenet5.onnx"), OnnxLoadOptions.defaults().withBatchSize(1));
        MnistIdx.Images images = MnistIdx.readImages(LenetProofTest.shared("datasets/mnist/t10k-images-idx3-ubyte.gz"));
        List<Tensor> calibration = new ArrayList<>();
        for (int i = 9000; i < 9100; i++) {
            calibration.add(images.lenetInput(i));
        }
        QuantizedModel full = Quantizer.quantize(g, calibration, QuantizationOptions.int8());
        try {
            pk = ProvingKey.create(full, SecurityProfile.DEFAULT, SIZES, s -> {});
            model = full;
        } catch (UnsupportedModelException e) {
            model = ModelProofTest.withoutSoftmax(full);
            pk = ProvingKey.create(model, SecurityProfile.DEFAULT, SIZES, s -> {});
        }
        vk = VerifyingKey.decode(pk.verifyingKey().encode());
        prover = new ModelProver(pk);
        for (int i = 0; i < 64; i++) {
            inputs.add(model.quantizeInput(images.lenetInput(i)));
        }
        for (int i = 0; i < SINGLE; i++) {
            singleOutputs.add(prover.prove(inputs.get(i), s -> {}).output());
        }
    }

    static ProofResult batchProof(int n) {
        return proofs.computeIfAbsent(n, k -> {
            List<IntTensor[]> rows = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                rows.add(new IntTensor[] {inputs.get(i)});
            }
            long t0 = System.nanoTime();
            ProofResult r = prover.proveBatch(rows, s -> {});
            System.out.printf("LeNet batch of %d (circuit %d): %d-byte proof, witness %.2f s, prove %.2f s (%.1f ms per inference)%n", k,
                    r.batch(), r.proof().length, r.witnessNanos() / 1e9, r.proveNanos() / 1e9, (System.nanoTime() - t0) / 1e6 / k);
            return r;
        });
    }

    @Test
    void everyBatchCircuitSharesTheWeightsAndBatchesTheActivations() {
        VerifyingKey one = vk.forBatch(1);
        for (int b : SIZES) {
            VerifyingKey k = vk.forBatch(b);
            System.out.printf("LeNet batch circuit %d: %d tensors, model commitment 2^%d, witness commitment 2^%d, input %s%n", b,
                    k.circuit().tensors().size(), k.modelLayout().numVars(), k.witnessLayout().numVars(),
                    Arrays.toString(k.circuit().tensor(k.circuit().inputs()[0]).layout().dims()));
            assertEquals(one.modelLayout().numVars(), k.modelLayout().numVars(), "one model commitment for every batch");
            assertEquals(layouts(one), layouts(k), "the same committed tensors");
            assertEquals(one.circuit().layers().size(), k.circuit().layers().size(), "the same layers, not copies per row");
            assertEquals(b * one.circuit().tensor(one.circuit().inputs()[0]).layout().size(),
                    k.circuit().tensor(k.circuit().inputs()[0]).layout().size());
            assertTrue(k.witnessLayout().numVars() >= one.witnessLayout().numVars() + Integer.numberOfTrailingZeros(b) - 1);
            assertArrayEquals(vk.digest(), k.digest(), "one model identity");
        }
        assertEquals(2, vk.batchFor(2));
        assertEquals(4, vk.batchFor(3));
        assertEquals(64, vk.batchFor(9));
        assertEquals(-1, vk.batchFor(65));
    }

    static List<String> layouts(VerifyingKey k) {
        return k.circuit().tensorsWithRole(dev.zkinfer.circuit.TensorRole.MODEL).stream()
                .map(t -> k.circuit().tensor(t).layout().toString()).toList();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 8, 64})
    void batchProofVerifiesWithEachRowsOutput(int n) {
        ProofResult r = batchProof(n);
        assertEquals(n, r.rows());
        assertEquals(vk.batchFor(n), r.batch());
        CircuitVerifier.Outcome o = CircuitVerifier.verify(vk, r.proof());
        assertTrue(o.result().isValid(), o.result().toString());
        assertEquals(n, o.rows());
        IntegerExecutor ix = IntegerExecutor.create();
        for (int k = 0; k < n; k++) {
            IntTensor expected = k < SINGLE ? singleOutputs.get(k) : ix.infer(model, inputs.get(k));
            long[] want = Arrays.stream(expected.data()).asLongStream().toArray();
            assertArrayEquals(want, o.rowOutput(0, k), "row " + k + " of the batch proof");
            assertEquals(expected, r.rowOutputs(k).get(0), "row " + k + " of the prover's result");
            assertArrayEquals(Arrays.stream(inputs.get(k).data()).asLongStream().toArray(), o.rowInput(0, k));
        }
        assertEquals(n * singleOutputs.get(0).size(), o.output().length, "only the real rows are reported");
    }

    /** The proof with row {@code row}'s output value {@code j} changed by one (a LeNet batch circuit's proof). */
    static byte[] withOutputChanged(byte[] proof, int row, int j) {
        return PublicValues.withValueChanged(proof, PublicValues.output(proof), row * singleOutputs.get(0).size() + j, 1);
    }

    @Test
    void batchProofWithTheKthOutputChangedIsRejected() {
        ProofResult r = batchProof(8);
        for (int k : new int[] {0, 3, 7}) {
            byte[] bad = withOutputChanged(r.proof(), k, k);
            CircuitVerifier.Outcome o = CircuitVerifier.verify(vk, bad);
            assertFalse(o.result().isValid(), "row " + k + " changed");
        }
        // a padding row (row 3 of a batch of 4 holding 3) is proved too
        ProofResult three = batchProof(3);
        assertFalse(CircuitVerifier.verify(vk, withOutputChanged(three.proof(), 3, 0)).result().isValid());
    }

    @Test
    void batchProofWithAnotherRowCountOrBatchIsRejected() {
        byte[] proof = batchProof(3).proof();
        int at = ProofProtocol.HEADER_BYTES - 4;
        for (int rows : new int[] {0, 2, 4, 5}) {
            byte[] bad = proof.clone();
            ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(at, rows);
            assertFalse(CircuitVerifier.verify(vk, bad).result().isValid(), rows + " rows claimed");
        }
        for (int batch : new int[] {2, 3, 8, 0, -1}) {
            byte[] bad = proof.clone();
            ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(at - 4, batch);
            CircuitVerifier.Outcome o = CircuitVerifier.verify(vk, bad);
            assertFalse(o.result().isValid(), "batch " + batch + " claimed");
        }
    }

    @Test
    void rejectionSuitePassesOnBatchProofs() throws Exception {
        byte[] proof = batchProof(3).proof();
        assertTrue(CircuitVerifier.verify(vk, proof).result().isValid());
        int step = Math.max(1, proof.length / 97);
        for (int i = 0; i < proof.length; i += step) {
            byte[] bad = proof.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            assertFalse(CircuitVerifier.verify(vk, bad).result().isValid(), "byte " + i + " flipped");
        }
        for (int len : new int[] {0, 4, ProofProtocol.HEADER_BYTES - 1, ProofProtocol.HEADER_BYTES, proof.length / 2, proof.length - 1}) {
            assertFalse(CircuitVerifier.verify(vk, Arrays.copyOf(proof, len)).result().isValid(), "truncated to " + len);
        }
        assertFalse(CircuitVerifier.verify(vk, Arrays.copyOf(proof, proof.length + 1)).result().isValid(), "extended");
        byte[] root = vk.modelRoot();
        root[0] ^= 1;
        VerifyingKey other = new VerifyingKey(vk.profile(), vk.batchSizes(), circuits(vk), root, vk.io());
        assertEquals("the proof was made for a different model (verifying-key digest differs)",
                CircuitVerifier.verify(other, proof).result().reason());
        // the key of batch circuit 1 alone is another model identity too
        VerifyingKey single = new VerifyingKey(vk.profile(), vk.forBatch(1).circuit(), vk.modelRoot(), vk.io());
        assertFalse(CircuitVerifier.verify(single, proof).result().isValid());
    }

    static dev.zkinfer.circuit.Circuit[] circuits(VerifyingKey k) {
        int[] sizes = k.batchSizes();
        dev.zkinfer.circuit.Circuit[] c = new dev.zkinfer.circuit.Circuit[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            c[i] = k.forBatch(sizes[i]).circuit();
        }
        return c;
    }

    @Test
    void aDecodedKeyMakesTheSameBatchProofAndRefusesTooManyRows() throws Exception {
        ProvingKey again = ProvingKey.decode(pk.encode(), s -> {});
        assertArrayEquals(SIZES, again.verifyingKey().batchSizes());
        List<IntTensor[]> rows = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rows.add(new IntTensor[] {inputs.get(i)});
        }
        assertArrayEquals(batchProof(3).proof(), new ModelProver(again).proveBatch(rows, s -> {}).proof(), "proofs are deterministic");
        List<IntTensor[]> tooMany = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            tooMany.add(new IntTensor[] {inputs.get(i % 64)});
        }
        dev.zkinfer.InvalidInputException e = assertThrows(dev.zkinfer.InvalidInputException.class, () -> prover.proveBatch(tooMany, s -> {}));
        assertTrue(e.getMessage().contains("largest batch is 64"), e.getMessage());
        assertThrows(dev.zkinfer.InvalidInputException.class, () -> prover.proveBatch(List.of(), s -> {}));
    }

    @Test
    void aBatchWhoseWitnessExceedsTheCommitmentIsRefusedOrLeftOut() {
        // In integrity mode LeNet's 4096 rows (the largest batch) fit the PCS's 2^28 since the
        // requantization's excess is derived rather than committed; a zero-knowledge key keeps the
        // hiding commitment's 2^26: with the derived excess and gaps (docs/zero-knowledge.md §3.8)
        // 1024 rows fit it, 2048 (2^27) are refused, and left out of a key that may drop them
        ProvingKey.Options zkOptions = new ProvingKey.Options(true, false);
        ProvingKey fit = ProvingKey.createBatchesIfPossible(model, SecurityProfile.DEFAULT, new int[] {1, 2, 1024, 2048}, zkOptions,
                s -> {});
        assertArrayEquals(new int[] {1, 2, 1024}, fit.verifyingKey().batchSizes());
        UnsupportedModelException zk = assertThrows(UnsupportedModelException.class, () -> ProvingKey.create(model,
                SecurityProfile.DEFAULT, new int[] {1, 2048}, new ProvingKey.Options(true, false), s -> {}));
        assertTrue(zk.getMessage().startsWith("a batch of 2048 needs a witness commitment of 2^27 entries, above the 2^26 the hiding"),
                zk.getMessage());
    }

    @Test
    void provingKeysOfAnEarlierFormatAreRefusedByVersion() throws Exception {
        byte[] k = pk.encode();
        byte[] body = Arrays.copyOf(k, k.length - 32);
        body[4] = 11;
        byte[] old = Arrays.copyOf(body, k.length);
        System.arraycopy(java.security.MessageDigest.getInstance("SHA-256").digest(body), 0, old, body.length, 32);
        MalformedInputException e = assertThrows(MalformedInputException.class, () -> ProvingKey.decode(old, s -> {}));
        assertEquals("unsupported proving key version 11 (this zkinfer reads version 12)", e.getMessage());
    }
}
