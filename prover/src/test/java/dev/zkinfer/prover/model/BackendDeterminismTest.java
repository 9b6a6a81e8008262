package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.security.SecurityProfile;
import org.junit.jupiter.api.Test;

/** A CNN's proof (im2col, pooling windows, reshapes, lookups, merges) is the same byte string on every backend. */
class BackendDeterminismTest {
    @Test
    void scalarAndVectorBackendsProveByteIdenticalCnnProofs() {
        QuantizedModel qm = ModelProofTest.quantize(ModelBuilder.smallCnn(3), 3);
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        IntTensor x = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 11).get(0));
        byte[] scalar = new ModelProver(pk, Backends.scalar()).prove(x, s -> {}).proof();
        byte[] vector = new ModelProver(pk, Backends.vector()).prove(x, s -> {}).proof();
        assertArrayEquals(scalar, vector);
        assertTrue(CircuitVerifier.verify(pk.verifyingKey(), vector).result().isValid());
    }
}
