package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.circuit.Circuit;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.prover.circuit.WitnessValues;
import dev.zkinfer.prover.circuit.ZkLayerHarness;
import dev.zkinfer.security.SecurityProfile;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Zero-knowledge mode on compiled models (docs/zero-knowledge.md §8): every layer of the circuit
 * proves and verifies on masked claims, from the public output back to the public input, merges
 * included, after the lookup stage (ZkLookups), as the drivers run them (a derived requantization
 * excess or max-pool gap is claimed by its lookup and reduced by its layer). The commitment openings are not in zero-knowledge
 * mode yet; an oracle checks every claim and mask value the verifier emits instead.
 */
class ZkCircuitLayersTest {
    private static Circuit run(QuantizedModel qm, IntTensor input, int delta) throws Exception {
        // a zero-knowledge key's circuit (integrity keys leave one-element tensors unpadded); both
        // modes derive the requantization excess and the max-pool gaps, so the lookup stage runs first
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, new ProvingKey.Options(true, false), s -> {});
        WitnessValues w = new ModelProver(pk).witness(input);
        Circuit c = w.circuit();
        Set<Integer> publicTensors = new HashSet<>();
        for (int t : c.inputs()) {
            publicTensors.add(t);
        }
        for (int t : c.outputs()) {
            publicTensors.add(t);
        }
        ZkLayerHarness.Recorded r = ZkLayerHarness.proveAndVerifyCircuit(w, new ZkLayerHarness.Masks(11, delta, publicTensors));
        assertFalse(r.claims().isEmpty());
        assertTrue(r.sumcheckMasks().size() > 0);
        if (!dev.zkinfer.circuit.ProofProtocol.lookupSpecs(c).isEmpty()) {
            // the lookup stage ran in the same proof: its mask values were checked by the oracle too
            assertFalse(r.halfMasks().isEmpty() && r.maskSegments().isEmpty());
        }
        return c;
    }

    /** Whether the circuit derives a requantization excess and max-pool gaps (docs/zero-knowledge.md §3.8). */
    private static void assertDerives(Circuit c) {
        assertTrue(c.layers().stream().anyMatch(l -> l instanceof dev.zkinfer.circuit.RequantLayer r && r.derivedExcess()),
                "a derived excess");
        assertTrue(c.layers().stream().anyMatch(l -> l instanceof dev.zkinfer.circuit.MaxPoolLayer m && m.derivedGaps()),
                "derived max-pool gaps");
    }

    @Test
    void anMlp() throws Exception {
        Graph g = new ModelBuilder(7, 1, 64).gemm(32).relu().gemm(10).build();
        QuantizedModel qm = ModelProofTest.quantize(g, 1);
        IntTensor input = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 99).get(0));
        for (int delta = 0; delta <= 2; delta++) {
            run(qm, input, delta);
        }
    }

    @Test
    void lenet5WithItsSoftmax() throws Exception {
        // A batch of two, then one image (whose softmax row maximum and sum the compiler pads in this mode).
        Graph g = OnnxModel.load(LenetProofTest.shared("models/mnist-lenet5/lenet5.onnx"), OnnxLoadOptions.defaults().withBatchSize(2));
        QuantizedModel qm = Quantizer.quantize(g, ModelProofTest.randomInputs(new int[] {2, 1, 28, 28}, 8, 3), QuantizationOptions.int8());
        IntTensor input = qm.quantizeInput(ModelProofTest.randomInputs(qm.input().shape(), 1, 4).get(0));
        assertDerives(run(qm, input, 2));

        Graph one = OnnxModel.load(LenetProofTest.shared("models/mnist-lenet5/lenet5.onnx"), OnnxLoadOptions.defaults().withBatchSize(1));
        QuantizedModel q1 = Quantizer.quantize(one, ModelProofTest.randomInputs(new int[] {1, 1, 28, 28}, 8, 3), QuantizationOptions.int8());
        IntTensor in1 = q1.quantizeInput(ModelProofTest.randomInputs(q1.input().shape(), 1, 4).get(0));
        // one image: the compiler pads the softmax's row maximum and sum for a zero-knowledge key
        // (an unpadded one-element tensor is refused when the key is made: ZkLayoutTest, ZkRefusalCliTest)
        assertDerives(run(q1, in1, 2));
    }
}
