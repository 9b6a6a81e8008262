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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A gradient-boosted tree ensemble (10 trees of depth 3, sklearn, breast-cancer data) exported as a
 * tensor program: Gather of the tested features, LessOrEqual against the thresholds, MatMul with
 * the path matrix, Equal with the left-turn counts, MatMul with the leaf values, Greater than 0
 * (src/test/resources/trees/make_tree_ensemble.py). Quantized to int16 with calibration on 342
 * training samples and proved on the 171 held-out samples in one proof (batch 171): the proof
 * verifies, the proved predictions are the float model's on every sample, so the proved accuracy
 * is the float accuracy (158/171 = 0.9240), and a flipped predicted label is rejected. int16,
 * because int8 inputs (a step of 0.08 standard deviations) move sample 35 across a threshold
 * (its float score −0.99 becomes +0.49: one prediction in 171 changes).
 */
class TreeEnsembleProofTest {
    static final Path DIR = Path.of("src/test/resources/trees");

    @Test
    void provedPredictionsMatchTheFloatModelOnTheHeldOutSet() throws Exception {
        Graph g = OnnxModel.load(DIR.resolve("tree_ensemble.onnx"));
        int[] shape = g.inputs().get(0).shape();
        Tensor test = rows(DIR.resolve("input.json"), shape);
        Tensor calRows = rows(DIR.resolve("calibration.json"), new int[] {342, shape[1]});
        List<Tensor> calibration = new ArrayList<>();
        int size = shape[0] * shape[1];
        for (int off = 0; off + size <= calRows.size(); off += size) {
            calibration.add(Tensor.of(shape, Arrays.copyOfRange(calRows.data(), off, off + size)));
        }
        String expected = Files.readString(DIR.resolve("expected.json"));
        int[] labels = ints(field(expected, "labels"));
        int[] floatPredictions = ints(field(expected, "float_predictions"));
        double floatAccuracy = Double.parseDouble(field(expected, "float_accuracy"));

        // our float executor reproduces sklearn's predictions
        Tensor fl = new FloatExecutor(g).run(test);
        for (int i = 0; i < labels.length; i++) {
            assertEquals(floatPredictions[i], (int) fl.get(i), "float executor, sample " + i);
        }

        QuantizedModel qm = Quantizer.quantize(g, calibration, QuantizationOptions.int16());
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        IntTensor x = qm.quantizeInput(test);
        ProofResult proof = new ModelProver(pk).prove(x, s -> {});
        CircuitVerifier.Outcome o = CircuitVerifier.verify(pk.verifyingKey(), proof.proof());
        assertTrue(o.result().isValid(), o.result().toString());

        Tensor proved = qm.dequantize(qm.outputIds()[0], proof.output());
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            assertEquals(Goldilocks(proof.output().data()[i]), o.output()[i], "verifier's public output " + i);
            int p = (int) Math.round(proved.get(i));
            assertEquals(floatPredictions[i], p, "proved prediction of sample " + i);
            if (p == labels[i]) {
                correct++;
            }
        }
        assertEquals(floatAccuracy, correct / (double) labels.length, 1e-12, "proved accuracy");
        assertEquals(158, correct, "held-out samples classified correctly (the figure in the README)");

        // a predicted label changed in the public output, and flipped proof bytes, are rejected
        byte[] p = proof.proof();
        PublicValues.Tensor out = PublicValues.output(p);
        for (int idx : new int[] {0, 35, labels.length - 1}) {
            byte[] bad = PublicValues.withValueChanged(p, out, idx, 1);
            VerificationResult r = CircuitVerifier.verify(pk.verifyingKey(), bad).result();
            assertFalse(r.isValid(), "prediction " + idx + " flipped was accepted");
        }
        SplittableRandom rnd = new SplittableRandom(14);
        for (int k = 0; k < 40; k++) {
            int i = out.end() + rnd.nextInt(p.length - out.end());
            byte[] bad = p.clone();
            bad[i] ^= (byte) (1 + rnd.nextInt(255));
            VerificationResult r = CircuitVerifier.verify(pk.verifyingKey(), bad).result();
            assertFalse(r.isValid(), "byte " + i + " flipped was accepted");
            assertFalse(r.reason().startsWith("malformed proof ("), "byte " + i + ": " + r.reason());
        }
    }

    private static long Goldilocks(int v) {
        return dev.zkinfer.field.Goldilocks.fromSigned(v);
    }

    private static Tensor rows(Path file, int[] shape) throws Exception {
        List<double[]> rows = EzklInput.read(file).inputData();
        double[] d = new double[rows.size() * shape[1]];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, d, r * shape[1], shape[1]);
        }
        return Tensor.of(new int[] {rows.size(), shape[1]}, d);
    }

    /** The text of a top-level field of the flat JSON object that make_tree_ensemble.py writes. */
    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\\s*(\\[[^\\]]*\\]|[-0-9.eE]+)").matcher(json);
        assertTrue(m.find(), name + " in expected.json");
        return m.group(1);
    }

    private static int[] ints(String list) {
        return Arrays.stream(list.replaceAll("[\\[\\]\\s]", "").split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
