package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.prover.backend.Backend;
import dev.zkinfer.prover.backend.Backends;
import dev.zkinfer.security.SecurityProfile;
import org.junit.jupiter.api.Test;

/** A whole CNN proof from the native backend is the scalar reference's byte string (skipped without libzkinfer). */
class NativeModelProofTest {
    @Test
    void nativeBackendProvesTheReferenceCnnProof() {
        Backend nat = Backends.nativeBackend();
        assumeTrue(nat != null, () -> "native backend not loadable: " + Backends.nativeUnavailableReason());
        QuantizedModel qm = ModelProofTest.quantize(ModelBuilder.smallCnn(3), 3);
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        IntTensor x = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 11).get(0));
        byte[] scalar = new ModelProver(pk, Backends.scalar()).prove(x, s -> {}).proof();
        byte[] fast = new ModelProver(pk, nat).prove(x, s -> {}).proof();
        assertArrayEquals(scalar, fast);
        assertTrue(CircuitVerifier.verify(pk.verifyingKey(), fast).result().isValid());
    }

    /**
     * With the launcher's short-run threshold (native kernels from 32 elements: the layers' eq and
     * operand tables too, EqTables) and with none, the proof is still the scalar reference's bytes,
     * from a key loaded with its recommitment in the background.
     */
    @Test
    void shortRunThresholdsProveTheReferenceCnnProof() throws Exception {
        assumeTrue(Backends.nativeBackend() != null, () -> "native backend not loadable: " + Backends.nativeUnavailableReason());
        QuantizedModel qm = ModelProofTest.quantize(ModelBuilder.smallCnn(3), 3);
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        IntTensor x = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 11).get(0));
        byte[] scalar = new ModelProver(pk, Backends.scalar()).prove(x, s -> {}).proof();
        for (int min : new int[] {32, 0}) {
            ProvingKey loaded = ProvingKey.decodeRecommittingInBackground(pk.encode(), s -> {});
            assertArrayEquals(scalar, new ModelProver(loaded, dev.zkinfer.prover.backend.TestBackends.nativeFrom(min)).prove(x, s -> {}).proof(),
                    "native kernels from " + min + " elements");
        }
    }
}
