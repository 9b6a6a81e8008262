package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.VerificationResult;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.nn.graph.FloatExecutor;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A GRU classifier trained with PyTorch on sklearn's 8x8 digits, each image a sequence of its 8
 * rows (16 hidden units, linear_before_reset = 1, a linear layer and ArgMax;
 * src/test/resources/gru/make_gru_digits.py). The importer unrolls the GRU over the 8 steps
 * (Gather, Gemm, Add, Sigmoid, Tanh, Mul, Sub); quantized to int8 with calibration on 360
 * training images, and the 360 held-out images proved in one proof (batch 360): the proof
 * verifies, the proved labels (ArgMax in the proof) are as accurate as the float model's, and a
 * changed label is rejected.
 */
class GruDigitsProofTest {
    static final Path DIR = Path.of("src/test/resources/gru");

    @Test
    void provedLabelsAreAsAccurateAsTheFloatModelOnTheHeldOutSet() throws Exception {
        Graph g = OnnxModel.load(DIR.resolve("gru_digits.onnx"));
        int[] shape = g.inputs().get(0).shape();
        Tensor test = Tensor.of(shape, EzklInput.read(DIR.resolve("input.json")).inputData().get(0));
        Tensor calibration = Tensor.of(shape, EzklInput.read(DIR.resolve("calibration.json")).inputData().get(0));
        String expected = Files.readString(DIR.resolve("expected.json"));
        int[] labels = ints(field(expected, "labels"));
        int[] floatPredictions = ints(field(expected, "float_predictions"));
        double floatAccuracy = Double.parseDouble(field(expected, "float_accuracy"));

        // the unrolled GRU in our float executor gives PyTorch's labels
        Tensor fl = new FloatExecutor(g).run(test);
        for (int i = 0; i < labels.length; i++) {
            assertEquals(floatPredictions[i], (int) fl.get(i), "float executor, sample " + i);
        }

        QuantizedModel qm = Quantizer.quantize(g, List.of(calibration), QuantizationOptions.int8());
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        IntTensor x = qm.quantizeInput(test);
        long t0 = System.nanoTime();
        ProofResult proof = new ModelProver(pk).prove(x, s -> {});
        long t1 = System.nanoTime();
        CircuitVerifier.Outcome o = CircuitVerifier.verify(pk.verifyingKey(), proof.proof());
        long t2 = System.nanoTime();
        assertTrue(o.result().isValid(), o.result().toString());

        Tensor proved = qm.dequantize(qm.outputIds()[0], proof.output());
        int correct = 0, agree = 0;
        for (int i = 0; i < labels.length; i++) {
            int p = (int) Math.round(proved.get(i));
            correct += p == labels[i] ? 1 : 0;
            agree += p == floatPredictions[i] ? 1 : 0;
        }
        System.out.printf("GRU digits: float accuracy %.4f (%d/%d), proved %.4f (%d/%d), %d/%d labels equal;"
                        + " prove %.1f s, verify %.2f s, proof %d bytes%n", floatAccuracy, Math.round(floatAccuracy * labels.length),
                labels.length, correct / (double) labels.length, correct, labels.length, agree, labels.length,
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, proof.proof().length);
        assertTrue(correct / (double) labels.length >= floatAccuracy, "proved accuracy " + correct + "/" + labels.length
                + " below the float model's " + floatAccuracy);

        // a changed label in the public output, and flipped proof bytes, are rejected
        byte[] p = proof.proof();
        PublicValues.Tensor out = PublicValues.output(p);
        for (int idx : new int[] {0, labels.length / 2, labels.length - 1}) {
            byte[] bad = PublicValues.withValueChanged(p, out, idx, 1);
            VerificationResult r = CircuitVerifier.verify(pk.verifyingKey(), bad).result();
            assertFalse(r.isValid(), "label " + idx + " changed was accepted");
        }
        for (int i = out.end() + 13; i < p.length; i += p.length / 25) {
            byte[] bad = p.clone();
            bad[i] ^= 0x5a;
            VerificationResult r = CircuitVerifier.verify(pk.verifyingKey(), bad).result();
            assertFalse(r.isValid(), "byte " + i + " flipped was accepted");
            assertFalse(r.reason().startsWith("malformed proof ("), "byte " + i + ": " + r.reason());
        }
    }

    /** The text of a top-level field of the flat JSON object that make_gru_digits.py writes. */
    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\\s*(\\[[^\\]]*\\]|[-0-9.eE]+)").matcher(json);
        assertTrue(m.find(), name + " in expected.json");
        return m.group(1);
    }

    private static int[] ints(String list) {
        return Arrays.stream(list.replaceAll("[\\[\\]\\s]", "").split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
