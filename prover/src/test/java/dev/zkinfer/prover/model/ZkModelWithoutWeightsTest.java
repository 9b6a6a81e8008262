package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.TensorRole;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.security.SecurityProfile;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A model without weights (an activation alone, as many EZKL conformance cases are) in
 * zero-knowledge mode: the model commitment has no claim, so neither prover nor verifier opens it
 * (as in integrity mode). The prover used to open it with no claim and failed at prove time.
 */
class ZkModelWithoutWeightsTest {
    @Test
    void aModelWithoutWeightsProvesAndVerifiesInZeroKnowledgeMode() throws Exception {
        QuantizedModel qm = ModelProofTest.quantize(new ModelBuilder(5, 1, 16).sigmoid().build(), 4);
        IntTensor x = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 5).get(0));
        ProvingKey plain = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        long[] expected = CircuitVerifier.verify(plain.verifyingKey(), new ModelProver(plain).prove(x, s -> {}).proof()).output();
        for (boolean privateInput : new boolean[] {false, true}) {
            ProvingKey zk = ProvingKey.create(qm, SecurityProfile.DEFAULT, new ProvingKey.Options(true, privateInput), s -> {});
            assertEquals(0, zk.verifyingKey().circuit().tensorsWithRole(TensorRole.MODEL).size(), "no weights");
            byte[] proof = new ModelProver(zk).prove(x, s -> {}).proof();
            CircuitVerifier.Outcome o = CircuitVerifier.verify(zk.verifyingKey(), proof);
            assertTrue(o.result().isValid(), o.result().reason());
            assertArrayEquals(expected, o.rowOutput(0, 0));
            byte[] bad = proof.clone();
            bad[proof.length / 2] ^= 4;
            assertFalse(CircuitVerifier.verify(zk.verifyingKey(), bad).result().isValid(), "a flipped byte");
            assertFalse(CircuitVerifier.verify(zk.verifyingKey(), Arrays.copyOf(proof, proof.length - 1)).result().isValid(),
                    "a truncation");
        }
    }
}
