package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.VerificationResult;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QOp;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.security.SecurityProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Whole-model proofs on small synthetic models: completeness and the rejections a verifier must make. */
class ModelProofTest {
    static QuantizedModel mlp;
    static ProvingKey pk;
    static IntTensor input;
    static ProofResult proof;

    static List<Tensor> randomInputs(int[] shape, int n, long seed) {
        Random rnd = new Random(seed);
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] d = new double[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
            for (int k = 0; k < d.length; k++) {
                d[k] = rnd.nextGaussian();
            }
            out.add(Tensor.of(shape, d));
        }
        return out;
    }

    /** The quantized model without a trailing softmax (the prover does not support it yet). */
    static QuantizedModel withoutSoftmax(QuantizedModel qm) {
        List<QOp> ops = new ArrayList<>(qm.ops());
        if (ops.get(ops.size() - 1) instanceof QOp.QSoftmax s) {
            ops.remove(ops.size() - 1);
            return new QuantizedModel(qm.tensors(), ops, qm.inputIds(), new int[] {s.input()}, qm.activationBits());
        }
        return qm;
    }

    static QuantizedModel quantize(Graph g, long seed) {
        int[] shape = g.shapeOf(g.inputs().get(0).name());
        return withoutSoftmax(Quantizer.quantize(g, randomInputs(shape, 8, seed), QuantizationOptions.int8()));
    }

    @BeforeAll
    static void proveOnce() {
        Graph g = new ModelBuilder(7, 1, 64).gemm(32).relu().gemm(10).build();
        mlp = quantize(g, 1);
        pk = ProvingKey.create(mlp, SecurityProfile.DEFAULT, s -> {});
        input = mlp.quantizeInput(randomInputs(mlp.input().shape(), 1, 99).get(0));
        proof = new ModelProver(pk).prove(input, s -> {});
    }

    @Test
    void provedOutputEqualsTheIntegerExecutorAndVerifies() {
        assertEquals(IntegerExecutor.create().infer(mlp, input), proof.output());
        CircuitVerifier.Outcome o = CircuitVerifier.verify(pk.verifyingKey(), proof.proof());
        assertTrue(o.result().isValid(), o.result().toString());
        long[] expected = Arrays.stream(proof.output().data()).asLongStream().toArray();
        assertArrayEquals(expected, o.output());
    }

    @Test
    void keysRoundTripThroughTheirEncodings() throws Exception {
        ProvingKey again = ProvingKey.decode(pk.encode(), s -> {});
        assertArrayEquals(pk.verifyingKey().digest(), again.verifyingKey().digest());
        var vk = dev.zkinfer.circuit.VerifyingKey.decode(pk.verifyingKey().encode());
        assertTrue(CircuitVerifier.verify(vk, proof.proof()).result().isValid());
    }

    @Test
    void aCancelledKeyLoadIsNotReportedAsACorruptedKey() {
        byte[] bytes = pk.encode();
        // A cancellation surfacing while the key's commitment is recomputed (here: from the
        // progress callback, which runs on the pool; an interrupt of the caller races the work).
        var e = assertThrows(dev.zkinfer.ProvingCancelledException.class,
                () -> ProvingKey.decode(bytes, s -> { throw new dev.zkinfer.ProvingCancelledException("stop"); }));
        assertEquals("stop", e.getMessage());
    }

    /** Offset of the first output value in the proof: magic, version, digest, input length, width + values, output length, width. */
    static int outputOffset() {
        return PublicValues.output(proof.proof()).valuesAt();
    }

    @Test
    void rejectsAChangedOutput() {
        byte[] bad = PublicValues.withValueChanged(proof.proof(), PublicValues.output(proof.proof()), 0, 1);
        VerificationResult r = CircuitVerifier.verify(pk.verifyingKey(), bad).result();
        assertFalse(r.isValid());
    }

    @Test
    void rejectsAChangedInput() {
        PublicValues.Tensor in = PublicValues.input(proof.proof());
        byte[] bad = PublicValues.withValueChanged(proof.proof(), in, 0, (in.values()[0] & 1) == 0 ? 1 : -1);
        assertFalse(CircuitVerifier.verify(pk.verifyingKey(), bad).result().isValid());
    }

    @Test
    void rejectsAPublicInputOutsideTheQuantizedDomain() {
        int max = pk.verifyingKey().io().inputMax();
        long tooBig = max + 1L;
        // encoded at the wider width it needs, so that the proof stays well-formed
        byte[] bad = PublicValues.withValue(proof.proof(), PublicValues.input(proof.proof()), 0, tooBig);
        VerificationResult r = CircuitVerifier.verify(pk.verifyingKey(), bad).result();
        assertFalse(r.isValid());
        assertTrue(r.toString().contains("outside the model's input range"), r.toString());
        int[] data = input.data().clone();
        data[0] = max + 1;
        IntTensor outOfRange = new IntTensor(input.shape(), data);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ModelProver(pk).prove(outOfRange, s -> {}));
        assertTrue(e.getMessage().contains("outside the model's input range"), e.getMessage());
    }

    @Test
    void rejectsAProofMadeWithOtherWeights() {
        // the same architecture with one weight changed
        List<QOp> ops = new ArrayList<>(mlp.ops());
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i) instanceof QOp.QDense d) {
                int[] w = d.weights().clone();
                w[3] = w[3] == 127 ? 126 : w[3] + 1;
                ops.set(i, new QOp.QDense(d.input(), d.output(), d.inFeatures(), d.outFeatures(), w, d.bias()));
                break;
            }
        }
        QuantizedModel other = new QuantizedModel(mlp.tensors(), ops, mlp.inputIds(), mlp.outputIds(), mlp.activationBits());
        ProvingKey otherPk = ProvingKey.create(other, SecurityProfile.DEFAULT, s -> {});
        assertFalse(Arrays.equals(otherPk.verifyingKey().digest(), pk.verifyingKey().digest()));
        byte[] otherProof = new ModelProver(otherPk).prove(input, s -> {}).proof();
        VerificationResult r = CircuitVerifier.verify(pk.verifyingKey(), otherProof).result();
        assertFalse(r.isValid());
        assertTrue(r.reason().contains("different model"), r.reason());
        // and with the digest swapped in, the proof still fails (the weights differ)
        byte[] forged = otherProof.clone();
        System.arraycopy(pk.verifyingKey().digest(), 0, forged, 8, 32);
        assertFalse(CircuitVerifier.verify(pk.verifyingKey(), forged).result().isValid());
    }

    @Test
    void rejectsFlippedBytesTruncationsAndGarbage() {
        byte[] p = proof.proof();
        SplittableRandom rnd = new SplittableRandom(5);
        // every byte of the header and public values, then a sample of the rest
        for (int i = 0; i < p.length; i += (i < outputOffset() + 200 ? 1 : 1 + rnd.nextInt(97))) {
            byte[] bad = p.clone();
            bad[i] ^= (byte) (1 + rnd.nextInt(255));
            VerificationResult r = CircuitVerifier.verify(pk.verifyingKey(), bad).result();
            assertFalse(r.isValid(), "byte " + i + " flipped was accepted");
            assertFalse(r.reason().isEmpty());
        }
        for (int len : new int[] {0, 1, 3, 40, p.length / 2, p.length - 1}) {
            assertFalse(CircuitVerifier.verify(pk.verifyingKey(), Arrays.copyOf(p, len)).result().isValid());
        }
        assertFalse(CircuitVerifier.verify(pk.verifyingKey(), Arrays.copyOf(p, p.length + 1)).result().isValid());
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[rnd.nextInt(4096)];
            for (int k = 0; k < junk.length; k++) {
                junk[k] = (byte) rnd.nextInt();
            }
            if (junk.length >= 4 && i % 2 == 0) {
                junk[0] = 'Z';
                junk[1] = 'K';
                junk[2] = 'P';
                junk[3] = 'F';
            }
            assertFalse(CircuitVerifier.verify(pk.verifyingKey(), junk).result().isValid());
        }
    }
}
