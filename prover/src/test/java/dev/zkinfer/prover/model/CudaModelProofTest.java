package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.prover.backend.CudaBackend;
import dev.zkinfer.security.SecurityProfile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A CNN's proof on the CUDA backend is the same byte string as on the scalar backend. */
class CudaModelProofTest {
    @Test
    void cudaAndScalarBackendsProveByteIdenticalCnnProofs() {
        CudaBackend cuda;
        try {
            cuda = CudaBackend.load();
        } catch (IllegalStateException e) {
            Assumptions.assumeTrue(false, e.getMessage());
            return;
        }
        QuantizedModel qm = ModelProofTest.quantize(ModelBuilder.smallCnn(3), 3);
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {}, cuda);
        IntTensor x = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 11).get(0));
        byte[] scalar = new ModelProver(pk, Backends.scalar()).prove(x, s -> {}).proof();
        byte[] onGpu = new ModelProver(pk, cuda).prove(x, s -> {}).proof();
        assertArrayEquals(scalar, onGpu);
        assertTrue(CircuitVerifier.verify(pk.verifyingKey(), onGpu).result().isValid());
    }
}
