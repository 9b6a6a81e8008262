package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.zkinfer.VerificationResult;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuits.UnsupportedModelException;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.io.MnistIdx;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QOp;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.security.SecurityProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * LeNet-5 (shared/models/mnist-lenet5) on MNIST test images, int8 with calibration on test
 * images 9000-9199: single-image proofs of images 0-4, one batch-4 proof, and the rejections a
 * verifier must make on a LeNet proof.
 *
 * <p>LeNet ends in a softmax. When the prover refuses it (UnsupportedModelException naming
 * Softmax), the proofs are of the logits (the model without its softmax), and the dynamic tests'
 * names say "logits"; once the prover supports the softmax, the full model is proved.
 */
class LenetProofTest {
    static final int CALIBRATION_FROM = 9000, CALIBRATION_COUNT = 200;
    static final int[] IMAGES = {0, 1, 2, 3, 4};
    static final int BATCH = 4;

    static MnistIdx.Images images;
    static int[] labels;
    static Path modelPath;
    static List<Tensor> calibration;
    /** The full int8 LeNet (with softmax) and the model actually proved (the same, or without the softmax). */
    static QuantizedModel full, proved;
    static boolean fullModelProved;
    static String what;
    static ProvingKey pk;
    static ProofResult first;
    static IntTensor firstInput;

    static Path shared(String relative) {
        String prop = System.getProperty("zkinfer.shared");
        Assumptions.assumeTrue(prop != null || Files.isDirectory(Path.of("../../shared")),
                "shared data not found (system property zkinfer.shared unset); skipping");
        Path p = (prop != null ? Path.of(prop) : Path.of("../../shared")).resolve(relative);
        Assumptions.assumeTrue(Files.exists(p), "shared data " + p + " is absent; skipping");
        return p;
    }

    @BeforeAll
    static void setUp() throws Exception {
        modelPath = shared("models/mnist-lenet5/lenet5.onnx");
        images = MnistIdx.readImages(shared("datasets/mnist/t10k-images-idx3-ubyte.gz"));
        labels = MnistIdx.readLabels(shared("datasets/mnist/t10k-labels-idx1-ubyte.gz"));
        Graph g = OnnxModel.load(modelPath, OnnxLoadOptions.defaults().withBatchSize(1));
        calibration = new ArrayList<>();
        for (int i = CALIBRATION_FROM; i < CALIBRATION_FROM + CALIBRATION_COUNT; i++) {
            calibration.add(images.lenetInput(i));
        }
        full = Quantizer.quantize(g, calibration, QuantizationOptions.int8());
        assertInstanceOf(QOp.QSoftmax.class, full.ops().get(full.ops().size() - 1), "LeNet ends in a softmax");
        long t0 = System.nanoTime();
        try {
            pk = ProvingKey.create(full, SecurityProfile.DEFAULT, s -> {});
            proved = full;
            fullModelProved = true;
            what = "full model incl. softmax";
        } catch (UnsupportedModelException e) {
            assertTrue(e.getMessage().contains("Softmax"), "the only op LeNet may be refused for is the softmax: " + e.getMessage());
            proved = ModelProofTest.withoutSoftmax(full);
            pk = ProvingKey.create(proved, SecurityProfile.DEFAULT, s -> {});
            fullModelProved = false;
            what = "logits; softmax not provable yet";
        }
        long t1 = System.nanoTime();
        firstInput = proved.quantizeInput(images.lenetInput(IMAGES[0]));
        first = new ModelProver(pk).prove(firstInput, s -> {});
        System.out.printf("LeNet (%s): proving key %.2f s, proof %d bytes, witness %.2f s, prove %.2f s%n", what,
                (t1 - t0) / 1e9, first.proof().length, first.witnessNanos() / 1e9, first.proveNanos() / 1e9);
    }

    /** Where the public output's values start in the first proof. */
    static int outputOffset() {
        return PublicValues.output(first.proof()).valuesAt();
    }

    /** argmax of row 0, or -1 if the maximum is not unique. */
    static int uniqueArgmax(IntTensor t) {
        int best = t.argmaxOfRow(0);
        int rowLen = t.size() / t.shape()[0];
        for (int i = 0; i < rowLen; i++) {
            if (i != best && t.get(i) == t.get(best)) {
                return -1;
            }
        }
        return best;
    }

    @TestFactory
    Stream<DynamicTest> singleImageProofs() {
        IntegerExecutor ix = IntegerExecutor.create();
        int[] provedCorrect = {0}, quantizedCorrect = {0};
        List<DynamicTest> tests = new ArrayList<>();
        for (int image : IMAGES) {
            tests.add(dynamicTest("image " + image + " (" + what + ")", () -> {
                IntTensor x = proved.quantizeInput(images.lenetInput(image));
                ProofResult r = image == IMAGES[0] ? first : new ModelProver(pk).prove(x, s -> {});
                long t0 = System.nanoTime();
                CircuitVerifier.Outcome o = CircuitVerifier.verify(pk.verifyingKey(), r.proof());
                long verifyNanos = System.nanoTime() - t0;
                assertTrue(o.result().isValid(), o.result().toString());
                assertEquals(ix.infer(proved, x), r.output(), "proved output equals the integer executor's");
                assertArrayEquals(Arrays.stream(r.output().data()).asLongStream().toArray(), o.output());
                int provedPrediction = r.output().argmaxOfRow(0);
                IntTensor fullOut = ix.infer(full, x);
                int quantizedPrediction = uniqueArgmax(fullOut);
                if (quantizedPrediction >= 0) {
                    assertEquals(quantizedPrediction, provedPrediction, "proved prediction vs the int8 model's");
                } else {
                    // a tie in the int8 softmax output: the proved logits' argmax must be one of the tied classes
                    int max = fullOut.get(fullOut.argmaxOfRow(0));
                    assertEquals(max, fullOut.get(provedPrediction), "proved prediction is one of the int8 model's tied maxima");
                }
                if (provedPrediction == labels[image]) {
                    provedCorrect[0]++;
                }
                if (fullOut.get(labels[image]) == fullOut.get(fullOut.argmaxOfRow(0))) {
                    quantizedCorrect[0]++;
                }
                System.out.printf("image %d (%s): label %d, proved prediction %d, %d-byte proof, prove %.2f s, verify %.1f ms%n",
                        image, what, labels[image], provedPrediction, r.proof().length, r.proveNanos() / 1e9, verifyNanos / 1e6);
            }));
        }
        tests.add(dynamicTest("proved predictions match the labels as often as the int8 model's (" + what + ")", () -> {
            System.out.printf("correct on images %s: proved %d, int8 model %d%n", Arrays.toString(IMAGES), provedCorrect[0], quantizedCorrect[0]);
            assertEquals(quantizedCorrect[0], provedCorrect[0]);
            assertTrue(provedCorrect[0] >= IMAGES.length - 1, "LeNet gets at most one of the first images wrong");
        }));
        return tests.stream();
    }

    static Tensor stack(List<Tensor> ts) {
        int per = ts.get(0).size();
        double[] d = new double[per * ts.size()];
        for (int i = 0; i < ts.size(); i++) {
            System.arraycopy(ts.get(i).data(), 0, d, i * per, per);
        }
        int[] shape = ts.get(0).shape();
        shape[0] = ts.size();
        return Tensor.of(shape, d);
    }

    static QuantizedModel batchModel() throws Exception {
        Graph g = OnnxModel.load(modelPath, OnnxLoadOptions.defaults().withBatchSize(BATCH));
        // the same calibration images, stacked in fours, so the batch model gets the same scales
        List<Tensor> calib = new ArrayList<>();
        for (int i = 0; i < calibration.size(); i += BATCH) {
            calib.add(stack(calibration.subList(i, i + BATCH)));
        }
        QuantizedModel qm = Quantizer.quantize(g, calib, QuantizationOptions.int8());
        return fullModelProved ? qm : ModelProofTest.withoutSoftmax(qm);
    }

    /**
     * The compiled circuit keeps the shape the prover's cost rests on: bounded requantizations
     * with 12-bit remainder limbs, the two convolutions clamped by one table lookup each, at
     * most 70,000 looked-up entries (about 180,000 with int32 bounds and 8-bit limbs) and a
     * witness of 2^17 values.
     */
    @Test
    void compiledCircuitIsCompact() {
        dev.zkinfer.circuit.Circuit c = pk.verifyingKey().circuit();
        List<dev.zkinfer.circuit.RequantLayer> requants = c.layers().stream()
                .filter(l -> l instanceof dev.zkinfer.circuit.RequantLayer).map(l -> (dev.zkinfer.circuit.RequantLayer) l).toList();
        assertEquals(5, requants.size());
        for (dev.zkinfer.circuit.RequantLayer r : requants) {
            assertEquals(12, r.limbWidth());
            assertEquals(0, r.commonShift() % 12, "S rounded up to whole limbs");
            assertTrue(r.inputBound() < 1L << 23, "compiled input bound " + r.inputBound());
        }
        assertTrue(requants.get(0).tableClamp() && requants.get(1).tableClamp(), "convolutions use the clamp table");
        long entries = 0;
        for (dev.zkinfer.circuit.LookupSpec spec : dev.zkinfer.circuit.ProofProtocol.lookupSpecs(c)) {
            entries += c.tensor(spec.columns()[0]).layout().paddedSize();
        }
        assertTrue(entries <= 70_000, entries + " looked-up entries");
        assertTrue(requants.get(0).derivedExcess() && requants.get(1).derivedExcess(), "their excess is not committed");
        assertTrue(c.layers().stream().filter(l -> l instanceof dev.zkinfer.circuit.MaxPoolLayer)
                .allMatch(l -> ((dev.zkinfer.circuit.MaxPoolLayer) l).derivedGaps()), "max-pool gaps are not committed");
        // the outputs, three 12-bit remainder limbs and the multiplicities: 2^16 committed entries (2^17
        // with the excess and the max-pool gaps committed)
        assertEquals(16, pk.verifyingKey().witnessLayout().numVars());
    }

    /**
     * Inputs at the edges of the model's input range (all minimum, all maximum, a min/max
     * checkerboard, uniform noise) drive the accumulators towards the bounds the compiler
     * derived for the requantizations: they must still prove, and prove the executor's output.
     */
    @TestFactory
    Stream<DynamicTest> extremeInputsProve() {
        IntegerExecutor ix = IntegerExecutor.create();
        int min = proved.input().min(), max = proved.input().max();
        int[] shape = proved.input().shape();
        int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        Map<String, int[]> inputs = new java.util.LinkedHashMap<>();
        inputs.put("all minimum", filled(size, i -> min));
        inputs.put("all maximum", filled(size, i -> max));
        inputs.put("checkerboard", filled(size, i -> (i / 28 + i % 28) % 2 == 0 ? min : max));
        inputs.put("uniform noise", filled(size, i -> rnd.nextInt(min, max + 1)));
        return inputs.entrySet().stream().map(e -> dynamicTest(e.getKey(), () -> {
            IntTensor x = new IntTensor(shape, e.getValue());
            ProofResult r = new ModelProver(pk).prove(x, s -> {});
            CircuitVerifier.Outcome o = CircuitVerifier.verify(pk.verifyingKey(), r.proof());
            assertTrue(o.result().isValid(), o.result().toString());
            assertEquals(ix.infer(proved, x), r.output());
        }));
    }

    private static int[] filled(int size, java.util.function.IntUnaryOperator f) {
        int[] v = new int[size];
        for (int i = 0; i < size; i++) {
            v[i] = f.applyAsInt(i);
        }
        return v;
    }

    @TestFactory
    Stream<DynamicTest> batchedProof() {
        return Stream.of(dynamicTest("batch of " + BATCH + " images 10-13 (" + what + ")", () -> {
            QuantizedModel qm = batchModel();
            ProvingKey bpk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
            List<Tensor> xs = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                xs.add(images.lenetInput(10 + i));
            }
            IntTensor x = qm.quantizeInput(stack(xs));
            ProofResult r = new ModelProver(bpk).prove(x, s -> {});
            CircuitVerifier.Outcome o = CircuitVerifier.verify(bpk.verifyingKey(), r.proof());
            assertTrue(o.result().isValid(), o.result().toString());
            assertArrayEquals(new int[] {BATCH, 10}, r.output().shape());
            IntegerExecutor ix = IntegerExecutor.create();
            for (int i = 0; i < BATCH; i++) {
                IntTensor single = ix.infer(proved, proved.quantizeInput(xs.get(i)));
                int[] row = Arrays.copyOfRange(r.output().data(), 10 * i, 10 * i + 10);
                assertArrayEquals(single.data(), row, "row " + i + " of the batched proof vs the single-image executor");
            }
            // a batch-4 proof is not a proof for the batch-1 key, nor the other way round
            assertFalse(CircuitVerifier.verify(pk.verifyingKey(), r.proof()).result().isValid());
            assertFalse(CircuitVerifier.verify(bpk.verifyingKey(), first.proof()).result().isValid());
            System.out.printf("batch %d (%s): %d-byte proof, prove %.2f s%n", BATCH, what, r.proof().length, r.proveNanos() / 1e9);
        }));
    }

    static VerificationResult check(byte[] proof) {
        return CircuitVerifier.verify(pk.verifyingKey(), proof).result();
    }

    static void assertRejected(byte[] proof, String what) {
        VerificationResult r = check(proof);
        assertFalse(r.isValid(), what + " was accepted");
        assertNotNull(r.reason(), what);
        assertFalse(r.reason().isBlank(), what + ": empty reason");
    }

    @Test
    void rejectsAChangedOutput() {
        PublicValues.Tensor out = PublicValues.output(first.proof());
        for (int idx = 0; idx < 10; idx++) {
            byte[] bad = PublicValues.withValueChanged(first.proof(), out, idx, 1);
            assertRejected(bad, "logit " + idx + " changed by one");
        }
        // the predicted class's logit raised to a plausible but wrong value
        byte[] bad = PublicValues.withValueChanged(first.proof(), out, first.output().argmaxOfRow(0), 5);
        assertRejected(bad, "top logit + 5");
    }

    @Test
    void rejectsAChangedInput() {
        PublicValues.Tensor in = PublicValues.input(first.proof());
        for (int pixel : new int[] {0, 100, 400, 783}) {
            // its lowest bit flipped
            byte[] bad = PublicValues.withValueChanged(first.proof(), in, pixel, (in.values()[pixel] & 1) == 0 ? 1 : -1);
            assertRejected(bad, "input pixel " + pixel + " changed");
        }
        // the proof of image 0 does not verify for image 1's input (the whole public input swapped)
        IntTensor other = proved.quantizeInput(images.lenetInput(1));
        byte[] bad = PublicValues.withValues(first.proof(), in, Arrays.stream(other.data()).asLongStream().toArray());
        assertRejected(bad, "the input replaced by another image's");
    }

    @Test
    void rejectsAProofMadeWithOtherWeights() {
        List<QOp> ops = new ArrayList<>(proved.ops());
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i) instanceof QOp.QConv c) {
                int[] w = c.weights().clone();
                w[7] = w[7] == 127 ? 126 : w[7] + 1;
                ops.set(i, new QOp.QConv(c.input(), c.output(), c.outChannels(), c.inChannels(), c.kernelH(), c.kernelW(),
                        c.strideH(), c.strideW(), c.padTop(), c.padLeft(), w, c.bias()));
                break;
            }
        }
        QuantizedModel other = new QuantizedModel(proved.tensors(), ops, proved.inputIds(), proved.outputIds(), proved.activationBits());
        ProvingKey otherPk = ProvingKey.create(other, SecurityProfile.DEFAULT, s -> {});
        assertFalse(Arrays.equals(otherPk.verifyingKey().digest(), pk.verifyingKey().digest()), "one weight changes the vk digest");
        byte[] otherProof = new ModelProver(otherPk).prove(firstInput, s -> {}).proof();
        assertTrue(CircuitVerifier.verify(otherPk.verifyingKey(), otherProof).result().isValid());
        VerificationResult r = check(otherProof);
        assertFalse(r.isValid());
        assertTrue(r.reason().contains("different model"), r.reason());
        byte[] forged = otherProof.clone();
        System.arraycopy(pk.verifyingKey().digest(), 0, forged, 8, 32);
        assertRejected(forged, "other-weights proof with the original digest");
        // and the original proof against the other model's key
        assertFalse(CircuitVerifier.verify(otherPk.verifyingKey(), first.proof()).result().isValid());
    }

    @Test
    void rejectsAProofCheckedAgainstAnotherModelsKey() {
        Graph g = new ModelBuilder(3, 1, 1, 28, 28).conv(4, 5, 1, 0).relu().flatten().gemm(10).build();
        QuantizedModel qm = ModelProofTest.quantize(g, 2);
        ProvingKey otherPk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        VerificationResult r = CircuitVerifier.verify(otherPk.verifyingKey(), first.proof()).result();
        assertFalse(r.isValid());
        assertFalse(r.reason().isBlank());
        byte[] forged = first.proof().clone();
        System.arraycopy(otherPk.verifyingKey().digest(), 0, forged, 8, 32);
        VerificationResult r2 = CircuitVerifier.verify(otherPk.verifyingKey(), forged).result();
        assertFalse(r2.isValid(), "LeNet proof with the other model's digest accepted by the other model's key");
        assertFalse(r2.reason().isBlank());
    }

    @Test
    void rejectsTruncatedEmptyAndRandomProofs() {
        byte[] p = first.proof();
        for (int len : new int[] {0, 1, 4, 8, 39, 40, 44, outputOffset(), outputOffset() + 10, PublicValues.end(p) + 32,
                p.length / 3, p.length / 2, p.length - 32, p.length - 8, p.length - 1}) {
            assertRejected(Arrays.copyOf(p, len), "proof truncated to " + len + " bytes");
        }
        assertRejected(Arrays.copyOf(p, p.length + 8), "proof with 8 zero bytes appended");
        assertRejected(new byte[0], "empty proof");
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 100; i++) {
            byte[] junk = new byte[i < 50 ? rnd.nextInt(1 << 16) : p.length];
            for (int k = 0; k < junk.length; k++) {
                junk[k] = (byte) rnd.nextInt();
            }
            if (i >= 50) {
                // a valid header (magic, version, digest, input and output) followed by random bytes
                System.arraycopy(p, 0, junk, 0, PublicValues.end(p) + 32);
            }
            assertRejected(junk, "random bytes #" + i);
        }
    }

    /**
     * 2,000 single-byte changes at random positions, each rejected with a reason (never an
     * exception). A LeNet verification costs tens of ms, so the flips are checked on all cores.
     */
    @Test
    void rejectsTwoThousandSingleByteFlips() throws Exception {
        byte[] p = first.proof();
        SplittableRandom rnd = new SplittableRandom(2024);
        int[] pos = new int[2000];
        byte[] xor = new byte[pos.length];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = rnd.nextInt(p.length);
            xor[i] = (byte) (1 + rnd.nextInt(255));
        }
        long t0 = System.nanoTime();
        List<String> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> internal = java.util.Collections.synchronizedList(new ArrayList<>());
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors())) {
            List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < pos.length; i++) {
                int k = i;
                fs.add(pool.submit(() -> {
                    byte[] bad = p.clone();
                    bad[pos[k]] ^= xor[k];
                    VerificationResult r = check(bad);
                    if (r.isValid() || r.reason() == null || r.reason().isBlank()) {
                        accepted.add("byte " + pos[k] + " ^= " + (xor[k] & 0xFF) + " -> " + r);
                    } else if (r.reason().startsWith("malformed proof (")) {
                        internal.add("byte " + pos[k] + ": " + r.reason());
                    }
                }));
            }
            for (var f : fs) {
                f.get(); // rethrows anything verify threw
            }
        }
        System.out.printf("2000 single-byte flips of a %d-byte proof rejected in %.2f s%n", p.length, (System.nanoTime() - t0) / 1e9);
        assertTrue(accepted.isEmpty(), accepted.size() + " flips accepted or rejected without a reason: " + accepted);
        // a flip must be rejected by a check, not through an internal exception the verifier catches
        assertTrue(internal.isEmpty(), internal.size() + " flips rejected through an internal exception: " + internal);
    }

    /**
     * LeNet-5's weights are packed tightly (dimensions such as 400 = 256 + 128 + 16 are split
     * into blocks): the proof carries the split tensors' block evaluations, and changing any one
     * of them is rejected by the check that their eq-weighted sum is the claim on the tensor.
     */
    @Test
    void rejectsTamperedModelBlockEvaluations() {
        dev.zkinfer.circuit.CommittedLayout layout = pk.verifyingKey().modelLayout();
        long split = layout.tensors().stream().filter(t -> !layout.isWhole(t)).count();
        assertTrue(split > 0, "LeNet-5 has tensors whose dimensions are not powers of two");
        ModelProver prover = new ModelProver(pk);
        dev.zkinfer.prover.circuit.CircuitProver cp = new dev.zkinfer.prover.circuit.CircuitProver(pk.verifyingKey(),
                pk.modelCommitment(), pk.modelTable(), dev.zkinfer.prover.backend.Backends.get());
        int[] range = new int[2];
        byte[] proof = cp.prove(prover.witness(firstInput), s -> {}, range);
        assertTrue(CircuitVerifier.verify(pk.verifyingKey(), proof).result().isValid());
        int values = (range[1] - range[0]) / 24;
        assertTrue(values >= 2 && (range[1] - range[0]) % 24 == 0, "block evaluations: " + values);
        for (int k = 0; k < values; k++) {
            byte[] bad = proof.clone();
            int at = range[0] + 24 * k;
            // add one to the element's first coordinate (stays canonical for any value but p − 1)
            long v = java.nio.ByteBuffer.wrap(bad, at, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
            java.nio.ByteBuffer.wrap(bad, at, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(
                    dev.zkinfer.field.Goldilocks.add(v, 1));
            VerificationResult r = CircuitVerifier.verify(pk.verifyingKey(), bad).result();
            assertFalse(r.isValid(), "block evaluation " + k + " changed was accepted");
            assertTrue(r.reason().contains("block evaluations do not add up"), r.reason());
        }
    }
}
