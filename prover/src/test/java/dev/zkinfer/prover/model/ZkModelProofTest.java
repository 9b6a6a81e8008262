package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

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
import java.util.Arrays;
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
        SplittableRandom rnd = new SplittableRandom(3);
        byte[] proof = a.proof();
        for (int i = 0; i < proof.length; i += 1 + rnd.nextInt(Math.max(1, proof.length / 60))) {
            byte[] bad = proof.clone();
            bad[i] ^= (byte) (1 + rnd.nextInt(255));
            assertFalse(CircuitVerifier.verify(zk.verifyingKey(), bad).result().isValid(), "byte " + i + " flipped was accepted");
        }
        assertFalse(CircuitVerifier.verify(zk.verifyingKey(), Arrays.copyOf(proof, proof.length - 1)).result().isValid());
        // the key round-trips with its mode and its blinding seed
        ProvingKey back = ProvingKey.decode(zk.encode(), s -> {});
        assertArrayEquals(zk.verifyingKey().digest(), back.verifyingKey().digest());
        assertTrue(CircuitVerifier.verify(back.verifyingKey(), new ModelProver(back).prove(input, s -> {}).proof()).result().isValid());
    }

    @Test
    void anMlp() throws Exception {
        Graph g = new ModelBuilder(7, 1, 64).gemm(32).relu().gemm(10).build();
        QuantizedModel qm = ModelProofTest.quantize(g, 1);
        provesLikeIntegrityMode(qm, qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 99).get(0)));
    }

    @Test
    void lenet5BatchOfTwo() throws Exception {
        Graph g = OnnxModel.load(LenetProofTest.shared("models/mnist-lenet5/lenet5.onnx"), OnnxLoadOptions.defaults().withBatchSize(2));
        QuantizedModel qm = Quantizer.quantize(g, ModelProofTest.randomInputs(new int[] {2, 1, 28, 28}, 8, 3), QuantizationOptions.int8());
        provesLikeIntegrityMode(qm, qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 4).get(0)));
    }
}
