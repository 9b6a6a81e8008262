package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.circuit.CommittedEnd;
import dev.zkinfer.circuit.VerifyingKey;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.io.EzklInput;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.security.SecurityProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A committed one-element output through the model API (docs/zero-knowledge.md §3.5): EZKL's
 * 1l_mean, a mean over the whole input, whose zero-knowledge circuit commits the output in its
 * padded form [mean, 0]. With every input visibility: the proof verifies, the opening holds the one
 * value integrity mode proves and opens the proof's commitment; another value, or the padded pair
 * (whatever its second element), does not.
 */
class CommittedOneElementOutputTest {
    private static QuantizedModel model;
    private static IntTensor input;

    private static synchronized void load() throws Exception {
        if (model != null) {
            return;
        }
        Path dir = ConformanceProofTest.dir().resolve("1l_mean");
        Assumptions.assumeTrue(Files.isDirectory(dir), "shared conformance data not found at " + dir + "; skipping");
        Graph g = OnnxModel.load(dir.resolve("network.onnx"));
        EzklInput json = EzklInput.read(dir.resolve("input.json"));
        var vi = g.inputs().get(0);
        Tensor x = Tensor.of(vi.shape(), json.inputData().get(0));
        model = Quantizer.quantizeNamed(g, List.of(Map.of(vi.name(), x)), QuantizationOptions.int8());
        input = model.quantizeInput(x);
    }

    @Test
    void aOneElementOutputIsCommittedPaddedAndOpensToItsValueWithEveryInputVisibility() throws Exception {
        load();
        ProvingKey plain = ProvingKey.create(model, SecurityProfile.DEFAULT, s -> {});
        long[] proved = CircuitVerifier.verify(plain.verifyingKey(), new ModelProver(plain).prove(input, s -> {}).proof()).output();
        assertEquals(1, proved.length, "1l_mean's output is one element");
        int[] modelDims = plain.verifyingKey().circuit().tensor(plain.verifyingKey().circuit().outputs()[0]).layout().dims();

        Map<String, ProvingKey.Options> visibilities = Map.of(
                "public", new ProvingKey.Options(true, false).withCommittedOutputs(),
                "private", new ProvingKey.Options(true, true).withCommittedOutputs(),
                "committed", ProvingKey.Options.withCommittedInputs().withCommittedOutputs());
        for (var e : visibilities.entrySet()) {
            String what = "input " + e.getKey();
            ProvingKey zk = ProvingKey.create(model, SecurityProfile.DEFAULT, e.getValue(), s -> {});
            VerifyingKey vk = zk.verifyingKey();
            assertEquals(e.getKey(), vk.inputVisibility(), what);
            assertEquals("committed", vk.outputVisibility(), what);
            assertTrue(vk.outputPadded(0), what + ": the circuit holds the output in its padded form");
            assertEquals(2, vk.circuit().tensor(vk.circuit().outputs()[0]).layout().size(), what);
            assertEquals(1, vk.outputElements(0), what);
            assertArrayEquals(modelDims, vk.outputDims(0), what + ": the model's output shape");

            ProofResult r = new ModelProver(zk).prove(input, s -> {});
            assertArrayEquals(proved, Arrays.stream(r.output().data()).asLongStream().toArray(), what + ": the prover's result");
            CircuitVerifier.Outcome o = CircuitVerifier.verify(vk, r.proof());
            assertTrue(o.result().isValid(), what + ": " + o.result().reason());
            assertTrue(o.outputs().isEmpty(), what + ": no public output");
            CommitmentOpening opening = CommitmentOpening.decode(r.opening().encode());
            assertTrue(opening.check(vk, o).isValid(), what + ": " + opening.check(vk, o).reason());
            assertArrayEquals(proved, opening.output(0), what + ": the opening holds integrity mode's output");

            // another value, and the padded pair with any second element, do not open it
            byte[] seed = opening.part(CommittedEnd.OUTPUTS).seed();
            CommitmentOpening.Part inputs = opening.holds(CommittedEnd.INPUTS) ? opening.part(CommittedEnd.INPUTS) : null;
            for (long[] wrong : List.of(new long[] {proved[0] + 1}, new long[] {proved[0] - 1}, new long[] {proved[0], 0},
                    new long[] {proved[0], 5})) {
                CommitmentOpening bad = new CommitmentOpening(opening.keyDigest(), 1, 1, inputs, new CommitmentOpening.Part(List.of(wrong), seed));
                assertFalse(bad.check(vk, o).isValid(), what + ": the opening " + Arrays.toString(wrong) + " was accepted");
            }
            // a flipped byte of the proof, and a truncation
            for (int at : new int[] {r.proof().length / 4, r.proof().length / 2, r.proof().length - 1}) {
                byte[] bad = r.proof().clone();
                bad[at] ^= 0x20;
                assertFalse(CircuitVerifier.verify(vk, bad).result().isValid(), what + ": byte " + at + " flipped");
            }
            assertFalse(CircuitVerifier.verify(vk, Arrays.copyOf(r.proof(), r.proof().length - 8)).result().isValid(), what);
        }
    }

    @Test
    void theKeysRecordTheOutputsElementsAndRoundTrip() throws Exception {
        load();
        ProvingKey zk = ProvingKey.create(model, SecurityProfile.DEFAULT, new ProvingKey.Options(true, false).withCommittedOutputs(), s -> {});
        ProvingKey back = ProvingKey.decode(zk.encode(), s -> {});
        assertArrayEquals(zk.verifyingKey().digest(), back.verifyingKey().digest());
        assertTrue(back.verifyingKey().outputPadded(0));
        VerifyingKey vk = VerifyingKey.decode(zk.verifyingKey().encode());
        assertEquals(1, vk.outputElements(0));
        assertArrayEquals(zk.verifyingKey().digest(), vk.digest());
        // a proof made with the decoded proving key verifies and opens
        ProofResult r = new ModelProver(back).prove(input, s -> {});
        CircuitVerifier.Outcome o = CircuitVerifier.verify(vk, r.proof());
        assertTrue(o.result().isValid(), o.result().reason());
        assertTrue(r.opening().check(vk, o).isValid());
        // with public outputs the key keeps the compiler's slice: the output is one element, public
        ProvingKey pub = ProvingKey.create(model, SecurityProfile.DEFAULT, new ProvingKey.Options(true, false), s -> {});
        assertFalse(pub.verifyingKey().outputPadded(0));
        assertEquals(1, pub.verifyingKey().circuit().tensor(pub.verifyingKey().circuit().outputs()[0]).layout().size());
    }
}
