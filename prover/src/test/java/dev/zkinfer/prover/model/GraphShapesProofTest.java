package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.VerificationResult;
import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.nn.ModelFormatException;
import dev.zkinfer.nn.graph.FloatExecutor;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.io.EzklInput;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizationReport;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.security.SecurityProfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Graph shapes beyond one input and one output (src/test/resources/graphio, made by
 * make_graphio_models.py with a numpy float reference): two run-time inputs, two outputs, and a
 * generator without run-time input. Each proves and verifies, the verifier's public inputs and
 * outputs are the prover's, the dequantized outputs are within quantization error of numpy, and
 * a change to any one public input or output, or flipped proof bytes, is rejected.
 */
class GraphShapesProofTest {
    static final Path DIR = Path.of("src/test/resources/graphio");

    /** A loaded case: the graph, its inputs by name, numpy's outputs, and the quantized model. */
    record Case(Graph graph, Map<String, Tensor> inputs, List<double[]> reference, QuantizedModel qm) {}

    static Case load(String name) throws Exception {
        Graph g = OnnxModel.load(DIR.resolve(name + ".onnx"));
        EzklInput io = EzklInput.read(DIR.resolve(name + ".json"));
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (int i = 0; i < g.inputs().size(); i++) {
            inputs.put(g.inputs().get(i).name(), Tensor.of(g.inputs().get(i).shape(), io.inputData().get(i)));
        }
        QuantizedModel qm = Quantizer.quantizeNamed(g, List.of(inputs), QuantizationOptions.int8());
        return new Case(g, inputs, io.outputData(), qm);
    }

    /** Proves the case's own input; checks the outcome, the float reference and the rejections. */
    static void provesAndRejectsCheating(Case c, double tolerance) {
        QuantizedModel qm = c.qm();
        IntTensor[] x = qm.quantizeInputs(new ArrayList<>(c.inputs().values()), false).array();
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        ProofResult proof = new ModelProver(pk).prove(x, s -> {});
        CircuitVerifier.Outcome o = CircuitVerifier.verify(pk.verifyingKey(), proof.proof());
        assertTrue(o.result().isValid(), o.result().toString());

        IntegerExecutor.Trace trace = IntegerExecutor.create().run(qm, x, null, true);
        int[] outIds = qm.outputIds();
        assertEquals(outIds.length, o.outputs().size());
        assertEquals(outIds.length, proof.outputs().size());
        for (int j = 0; j < outIds.length; j++) {
            long[] expected = Arrays.stream(trace.value(outIds[j]).data()).asLongStream().toArray();
            assertArrayEquals(expected, o.outputs().get(j), "verifier's public output " + j);
            assertEquals(trace.value(outIds[j]), proof.outputs().get(j), "prover's output " + j);
            Tensor proved = qm.dequantize(outIds[j], proof.outputs().get(j));
            double[] ref = c.reference().get(j);
            for (int i = 0; i < ref.length; i++) {
                assertEquals(ref[i], proved.get(i), tolerance, "output " + j + " at " + i);
            }
        }
        assertEquals(x.length, o.inputs().size());
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(Arrays.stream(x[i].data()).asLongStream().toArray(), o.inputs().get(i), "verifier's public input " + i);
        }
        if (x.length != 1) {
            assertThrows(IllegalStateException.class, o::input);
        }
        if (outIds.length != 1) {
            assertThrows(IllegalStateException.class, o::output);
            assertThrows(IllegalStateException.class, proof::output);
        }

        // each public input and each public output, changed by one at its first and last entry
        byte[] p = proof.proof();
        List<PublicValues.Tensor> fields = new ArrayList<>(PublicValues.inputs(p));
        fields.addAll(PublicValues.outputs(p));
        assertEquals(x.length + outIds.length, fields.size());
        for (int f = 0; f < fields.size(); f++) {
            PublicValues.Tensor field = fields.get(f);
            for (int idx : new int[] {0, field.values().length - 1}) {
                for (long delta : new long[] {1, -1}) {
                    byte[] bad = PublicValues.withValueChanged(p, field, idx, delta);
                    CircuitVerifier.Outcome r = CircuitVerifier.verify(pk.verifyingKey(), bad);
                    String what = (f < x.length ? "input " + f : "output " + (f - x.length)) + " entry " + idx + " changed by " + delta;
                    assertFalse(r.result().isValid(), what + " was accepted");
                    assertThrows(IllegalStateException.class, r::outputs, what + ": an invalid outcome exposes no output");
                    assertThrows(IllegalStateException.class, r::inputs, what + ": an invalid outcome exposes no input");
                }
            }
        }
        // the counts of inputs and outputs, and flipped bytes anywhere after the header
        int headerEnd = PublicValues.end(p);
        for (int at : new int[] {dev.zkinfer.circuit.ProofProtocol.HEADER_BYTES, fields.get(0).widthAt() - 4}) {
            byte[] bad = p.clone();
            bad[at] ^= 1;
            assertFalse(CircuitVerifier.verify(pk.verifyingKey(), bad).result().isValid(), "byte " + at + " flipped was accepted");
        }
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = headerEnd; i < p.length; i += 1 + rnd.nextInt(211)) {
            byte[] bad = p.clone();
            bad[i] ^= (byte) (1 + rnd.nextInt(255));
            VerificationResult r = CircuitVerifier.verify(pk.verifyingKey(), bad).result();
            assertFalse(r.isValid(), "byte " + i + " flipped was accepted");
            assertFalse(r.reason().startsWith("malformed proof ("), "byte " + i + ": " + r.reason());
        }
    }

    static double step(QuantizedModel qm, int id) {
        return qm.tensor(id).scale();
    }

    @Test
    void provesAModelWithTwoRunTimeInputs() throws Exception {
        Case c = load("two_inputs");
        assertEquals(2, c.qm().inputIds().length);
        // MatMul of two quantized operands: K·(|a|·sb + |b|·sa)/2 + sy/2 bounds the quantization error
        QuantizedModel qm = c.qm();
        double sa = step(qm, qm.inputIds()[0]), sb = step(qm, qm.inputIds()[1]), sy = step(qm, qm.outputIds()[0]);
        provesAndRejectsCheating(c, 3 * (sa + sb) / 2 + sy / 2 + sa * sb);
        // the float executor and the report agree on two inputs
        Map<String, Tensor> fl = new FloatExecutor(c.graph()).run(c.inputs());
        assertArrayEquals(c.reference().get(0), fl.get("y").data(), 1e-5);
        assertTrue(QuantizationReport.compareNamed(c.graph(), qm, List.of(c.inputs())).maxAbsError() < 0.05);
    }

    @Test
    void provesAModelWithTwoOutputs() throws Exception {
        Case c = load("two_outputs");
        QuantizedModel qm = c.qm();
        assertEquals(2, qm.outputIds().length);
        provesAndRejectsCheating(c, 0.05);
    }

    @Test
    void provesAGeneratorWithoutRunTimeInput() throws Exception {
        Case c = load("no_input");
        QuantizedModel qm = c.qm();
        assertEquals(0, qm.inputIds().length);
        assertEquals(2, qm.outputIds().length);
        // constants quantized at their own scale: half a step of error at most
        double tol = Math.max(step(qm, qm.outputIds()[0]), step(qm, qm.outputIds()[1])) / 2 + 1e-9;
        provesAndRejectsCheating(c, tol);
    }

    @Test
    void aGraphWithInputsWhoseOutputsAreAllConstantsIsStillRefused() throws Exception {
        Graph g = OnnxModel.load(DIR.resolve("constant_output.onnx"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Quantizer.quantizeNamed(g,
                List.of(Map.of("x", Tensor.of(new int[] {1, 2}, new double[] {0.5, -0.5}))), QuantizationOptions.int8()));
        assertTrue(e.getMessage().contains("is a constant; nothing to quantize"), e.getMessage());
    }

    @Test
    void multiInputQuantizationNamesTheInput() throws Exception {
        Case c = load("two_inputs");
        List<Tensor> xs = new ArrayList<>(c.inputs().values());
        double[] big = xs.get(1).data().clone();
        big[2] = 1e3;
        xs.set(1, Tensor.of(xs.get(1).shapeView(), big));
        var e = assertThrows(dev.zkinfer.InvalidInputException.class, () -> c.qm().quantizeInputs(xs, false));
        assertTrue(e.getMessage().startsWith("input 'b': input value 1000.0 at index 2"), e.getMessage());
        assertEquals(1, c.qm().quantizeInputs(xs, true).clamped());
        assertThrows(dev.zkinfer.InvalidInputException.class, () -> c.qm().quantizeInput(xs.get(0), true));
    }
}
