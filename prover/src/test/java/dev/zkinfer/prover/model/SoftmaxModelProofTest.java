package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.VerificationResult;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.SoftmaxLayer;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QOp;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.security.SecurityProfile;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A whole-model proof of a model that ends in a softmax (gemm → softmax on a [1, 10] tensor). */
class SoftmaxModelProofTest {
    static QuantizedModel qm;
    static ProvingKey pk;
    static IntTensor input;
    static ProofResult proof;

    @BeforeAll
    static void proveOnce() {
        Graph g = new ModelBuilder(11, 1, 16).gemm(10).softmax().build();
        int[] shape = g.shapeOf(g.inputs().get(0).name());
        qm = Quantizer.quantize(g, ModelProofTest.randomInputs(shape, 8, 3), QuantizationOptions.int8());
        assertInstanceOf(QOp.QSoftmax.class, qm.ops().get(qm.ops().size() - 1));
        pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        assertTrue(pk.verifyingKey().circuit().layers().stream().anyMatch(l -> l instanceof SoftmaxLayer));
        input = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 42).get(0));
        proof = new ModelProver(pk).prove(input, s -> {});
    }

    @Test
    void provedOutputEqualsTheIntegerExecutorAndVerifies() {
        IntTensor expected = IntegerExecutor.create().infer(qm, input);
        assertEquals(expected, proof.output());
        int total = Arrays.stream(expected.data()).sum();
        assertTrue(Math.abs(total - 127) <= 10, "softmax outputs sum to about outMax: " + total);
        CircuitVerifier.Outcome o = CircuitVerifier.verify(pk.verifyingKey(), proof.proof());
        assertTrue(o.result().isValid(), o.result().toString());
        assertArrayEquals(Arrays.stream(expected.data()).asLongStream().toArray(), o.output());
    }

    @Test
    void keyRoundTripsAndStillVerifies() throws Exception {
        var vk = dev.zkinfer.circuit.VerifyingKey.decode(pk.verifyingKey().encode());
        assertArrayEquals(pk.verifyingKey().digest(), vk.digest());
        assertTrue(CircuitVerifier.verify(vk, proof.proof()).result().isValid());
    }

    @Test
    void rejectsAChangedOutput() {
        PublicValues.Tensor out = PublicValues.output(proof.proof());
        for (int k = 0; k < 10; k++) {
            byte[] bad = PublicValues.withValueChanged(proof.proof(), out, k, 1);
            VerificationResult r = CircuitVerifier.verify(pk.verifyingKey(), bad).result();
            assertFalse(r.isValid(), "output " + k + " changed was accepted");
        }
    }
}
