package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.nn.ModelFormatException;
import dev.zkinfer.nn.graph.FloatExecutor;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.io.EzklInput;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizationReport;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import dev.zkinfer.security.SecurityProfile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The element-wise functions, comparisons, logical operators and run-time Where, each in a tiny
 * ONNX model (src/test/resources/ops, made by make_ops_models.py with a numpy float reference, which
 * must agree with onnxruntime's; onnxruntime, test scope, is the reference the proof is held to):
 * imported, quantized to int8 with calibration on its own input, compiled, proved and verified;
 * the proof's output is the integer executor's, a changed public output, flipped proof bytes and
 * changed advice are rejected ({@link ArithmeticOpsProofTest#provesAndRejectsCheating}), and the
 * proved output, dequantized, is within the error that quantization allows of the float
 * reference (onnxruntime): half an output step plus the function's slope times half an input step (a table
 * entry is f at the quantized input, rounded), and exactly equal for booleans.
 */
class OperatorCoverageProofTest {
    static final Path DIR = Path.of("src/test/resources/ops");

    /**
     * Case, and the largest |f'| on the case's input range widened by half an input step (0 for
     * booleans: comparisons must agree exactly, the inputs keep ties exact and other pairs 0.1
     * apart).
     */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("unary_elu", 1.0), Arguments.of("unary_selu", 1.76), Arguments.of("unary_softplus", 1.0),
                Arguments.of("unary_softsign", 1.0), Arguments.of("unary_hardsigmoid", 0.3), Arguments.of("unary_exp", 7.6),
                Arguments.of("unary_log", 4.5), Arguments.of("unary_sqrt", 1.1), Arguments.of("unary_reciprocal", 4.5),
                Arguments.of("unary_cos", 1.0), Arguments.of("unary_sin", 1.0), Arguments.of("unary_round", 0.0),
                Arguments.of("unary_neg", 1.0), Arguments.of("unary_abs", 1.0),
                Arguments.of("pow_cube", 12.5), Arguments.of("pow_sqrt", 1.1),
                Arguments.of("compare_equal", 0.0), Arguments.of("compare_less", 0.0), Arguments.of("compare_greater", 0.0),
                Arguments.of("compare_lessorequal", 0.0), Arguments.of("compare_greaterorequal", 0.0),
                Arguments.of("compare_constant_first", 0.0), Arguments.of("compare_equal_constant", 0.0),
                Arguments.of("logical_and", 0.0), Arguments.of("logical_or", 0.0), Arguments.of("logical_xor", 0.0),
                Arguments.of("logical_not", 0.0),
                Arguments.of("where_min", 1.0), Arguments.of("where_constant_branch", 1.0),
                // maxima and minima are exact at the input's scale, or requantized once to the output's
                Arguments.of("reduce_max", 1.0), Arguments.of("reduce_min", 1.0), Arguments.of("reduce_max_all", 1.0),
                Arguments.of("global_max_pool", 1.0), Arguments.of("max_two", 1.0), Arguments.of("min_three", 1.0),
                Arguments.of("max_scalar", 1.0), Arguments.of("min_broadcast", 1.0),
                Arguments.of("argmax", 0.0), Arguments.of("argmin_last", 0.0),
                // LogSoftmax: the stated bound 2·sx + sy + L·2^−15 + 2^−8 (L = 4 or 8 here; below 2·sx + sy + 2^−7)
                Arguments.of("log_softmax", 0.0), Arguments.of("log_softmax_axis1", 0.0),
                // two operands rounded at the input scale and a partial sum at about twice it
                Arguments.of("sum_three", 4.0),
                Arguments.of("tile", 1.0), Arguments.of("expand", 1.0), Arguments.of("gather_elements", 1.0),
                Arguments.of("trilu_upper", 1.0), Arguments.of("trilu_lower", 1.0),
                // unrolled recurrences (4 steps, hidden 4, states in (−1, 1)): see RECURRENT_TOLERANCE
                Arguments.of("lstm", 0.0), Arguments.of("gru_reverse", 0.0), Arguments.of("rnn_bidirectional", 0.0));
    }

    /**
     * The error allowed to an unrolled RNN / GRU / LSTM over 4 steps at int8: every step requantizes
     * its gate sums, tables and products, and the state carries the error on, so the bound is
     * empirical: 0.025, about 3 steps of a state in (−1, 1); the largest error seen is 0.011 (the
     * bidirectional RNN; LSTM 0.0025, GRU 0.0051).
     */
    static final double RECURRENT_TOLERANCE = 0.025;

    static boolean isRecurrent(String name) {
        return name.startsWith("lstm") || name.startsWith("gru") || name.startsWith("rnn");
    }

    /** Operators whose proof has no advice outside lookup tables (index maps, a clamp, a masked fill). */
    /**
     * Minimums with derived max-pool gaps: every committed value is tied to a lookup (the
     * complements' tables, the maximum's complement, the gaps' ranges), so no ±1 change of one
     * value leaves a lookup witness and no such tampering reaches the verifier; a maximum moved
     * up past its window is caught by the verifier in MaxPoolLayerTest.derivedGapsCheatingCaught.
     */
    static boolean everyAdviceChangeLeavesATable(String name) {
        return name.equals("reduce_min") || name.equals("min_three") || name.equals("min_broadcast");
    }

    static boolean noAdviceOutsideTables(String name) {
        return name.startsWith("unary") || name.startsWith("pow") || name.equals("max_scalar") || name.equals("tile")
                || name.equals("expand") || name.equals("gather_elements") || name.startsWith("trilu");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void provesAndAgreesWithTheFloatReference(String name, double slope) throws Exception {
        Graph g = OnnxModel.load(DIR.resolve(name + ".onnx"));
        EzklInput io = EzklInput.read(DIR.resolve(name + ".json"));
        Tensor in = Tensor.of(g.inputs().get(0).shape(), io.inputData().get(0));
        // the float reference is onnxruntime's output; the numpy output committed beside the model must agree with it
        double[] reference = OnnxRuntimeReference.run(DIR.resolve(name + ".onnx"),
                Arrays.stream(g.inputs().get(0).shape()).asLongStream().toArray(), io.inputData().get(0));
        double[] numpy = io.outputData().get(0);
        assertEquals(numpy.length, reference.length, name + ": output size");
        for (int i = 0; i < reference.length; i++) {
            assertEquals(numpy[i], reference[i], 1e-5 * Math.max(1, Math.abs(numpy[i])), name + ": numpy against onnxruntime at " + i);
        }
        // booleans and indices must agree exactly
        boolean isBoolean = name.startsWith("compare") || name.startsWith("logical") || name.startsWith("arg");

        // our float executor agrees with onnxruntime
        Tensor fl = new FloatExecutor(g).run(in);
        for (int i = 0; i < reference.length; i++) {
            assertEquals(reference[i], fl.get(i), 1e-5 * Math.max(1, Math.abs(reference[i])), name + ": float executor at " + i);
        }

        Proved p = quantizeProveVerify(g, in, name);
        QuantizedModel qm = p.model();
        Tensor proved = p.output();
        double sx = qm.input().scale(), sy = qm.output().scale();
        double tolerance = isBoolean ? 0 : isRecurrent(name) ? RECURRENT_TOLERANCE : name.startsWith("log_softmax") ? 2 * sx + sy + 0x1p-7 : sy / 2 + slope * sx / 2 + 1e-9;
        double maxError = 0, maxReferenceError = 0;
        for (int i = 0; i < reference.length; i++) {
            double e = Math.abs(proved.get(i) - reference[i]);
            maxReferenceError = Math.max(maxReferenceError, e);
            maxError = Math.max(maxError, Math.abs(proved.get(i) - fl.get(i)));
            assertTrue(e <= tolerance, name + ": proved output " + i + " is " + proved.get(i) + ", the float reference "
                    + reference[i] + " (allowed error " + tolerance + ", input step " + sx + ", output step " + sy + ")");
        }
        System.out.printf("%s: largest error against the float reference %.5f (allowed %.5f, input step %.5f, output step %.5f)%n",
                name, maxReferenceError, tolerance, sx, sy);
        // the quantization report states the same error as the proved output shows
        QuantizationReport report = QuantizationReport.compare(g, qm, List.of(in));
        assertEquals(maxError, report.maxAbsError(), 1e-12, name + ": " + report);

        // a single table lookup or an index map has no advice that a cheating prover could change and still build a lookup witness for
        ArithmeticOpsProofTest.provesAndRejectsCheating(qm, !noAdviceOutsideTables(name) && !everyAdviceChangeLeavesATable(name));
    }

    /** An operator model of {@link #DIR} and its input from NAME.json, quantized to int8 calibrated on that input. */
    record Quantized(QuantizedModel model, Tensor input) {}

    static Quantized quantizedOnItsInput(String name) throws java.io.IOException {
        Graph g = OnnxModel.load(DIR.resolve(name + ".onnx"));
        EzklInput io = EzklInput.read(DIR.resolve(name + ".json"));
        Tensor in = Tensor.of(g.inputs().get(0).shape(), io.inputData().get(0));
        return new Quantized(Quantizer.quantize(g, List.of(in), QuantizationOptions.int8()), in);
    }

    /**
     * Expand is index maps between the public input and output that all move their claims without a
     * sumcheck: the layers leave no claim on the witness or the model, and the commitments are opened
     * at their out-of-domain answers alone. Every byte after the public values is checked (before that,
     * the roots and answers were the end of the proof and nothing read them).
     */
    @Test
    void anAllTransferProofHasNoUncheckedByte() throws Exception {
        Quantized m = quantizedOnItsInput("expand");
        QuantizedModel qm = m.model();
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        byte[] p = new ModelProver(pk).prove(qm.quantizeInput(m.input()), s -> {}).proof();
        assertTrue(CircuitVerifier.verify(pk.verifyingKey(), p).result().isValid());
        for (int i = PublicValues.end(p); i < p.length; i++) {
            for (int flip : new int[] {0x01, 0x80}) {
                byte[] bad = p.clone();
                bad[i] ^= (byte) flip;
                if (CircuitVerifier.verify(pk.verifyingKey(), bad).result().isValid()) {
                    // a WHIR proof-of-work nonce is the prover's free choice: a flipped one meets the bits too
                    // with chance 2^-powBits (the queries it draws may be all the leaves), a proof as valid as the first
                    assertTrue(powNonceByte(pk.verifyingKey(), p, i), "byte " + i + " of " + p.length + " flipped was accepted");
                }
            }
        }
        assertFalse(CircuitVerifier.verify(pk.verifyingKey(), Arrays.copyOf(p, p.length - 1)).result().isValid());
    }

    /** Whether byte i of the proof is part of a proof-of-work nonce: a flip of one of its bits fails the proof of work. */
    private static boolean powNonceByte(dev.zkinfer.circuit.VerifyingKey vk, byte[] p, int i) {
        for (int bit = 0; bit < 8; bit++) {
            byte[] bad = p.clone();
            bad[i] ^= (byte) (1 << bit);
            if (CircuitVerifier.verify(vk, bad).result().toString().contains("proof-of-work nonce")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void tablesSaturateOutsideTheDomain() throws Exception {
        // the int8 table of Log covers the whole input range [-128, 127]·sx: Log(0) = -inf takes the smallest output,
        // the logs of negative numbers (NaN) give 0, and the proof shows exactly that
        QuantizedModel qm = quantizedOnItsInput("unary_log").model();
        int[] q = new int[qm.input().size()];
        q[0] = 0;
        q[1] = -5;
        q[2] = -128;
        q[3] = 127;
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        ProofResult proof = new ModelProver(pk).prove(new IntTensor(qm.input().shape(), q), s -> {});
        assertTrue(CircuitVerifier.verify(pk.verifyingKey(), proof.proof()).result().isValid());
        int[] out = proof.output().data();
        int min = -(1 << (qm.activationBits() - 1));
        assertEquals(min, out[0], "Log(0)");
        assertEquals(0, out[1], "Log(negative)");
        assertEquals(0, out[2], "Log(negative)");
        assertEquals(Math.log(127 * qm.input().scale()), out[3] * qm.output().scale(), qm.output().scale() / 2 + 1e-9, "Log(max)");
    }

    @Test
    void anArgMaxWhoseIndicesExceedInt8IsRefusedNamingTheOperatorAndNode() throws Exception {
        Graph g = OnnxModel.load(DIR.resolve("argmax_too_long.onnx"));
        EzklInput io = EzklInput.read(DIR.resolve("argmax_too_long.json"));
        Tensor in = Tensor.of(g.inputs().get(0).shape(), io.inputData().get(0));
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> Quantizer.quantize(g, List.of(in), QuantizationOptions.int8()));
        assertTrue(e.getMessage().contains("ArgMax"), e.getMessage());
        assertTrue(e.getMessage().contains("argmax_node"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        // the float model still runs: the index is exact there
        assertEquals(io.outputData().get(0)[0], new FloatExecutor(g).run(in).get(0));
    }

    @Test
    void aRunTimeExponentIsRefusedNamingTheOperatorAndNode() throws Exception {
        // Pow(x, x): the exponent is a run-time tensor, which no table can express
        Graph g = OnnxModel.load(DIR.resolve("pow_runtime_exponent.onnx"));
        Tensor in = Tensor.of(g.inputs().get(0).shape(), new double[g.inputs().get(0).shape()[1]]);
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> Quantizer.quantizeNamed(g, List.of(Map.of("x", in)), QuantizationOptions.int8()));
        assertTrue(e.getMessage().contains("Pow"), e.getMessage());
        assertTrue(e.getMessage().contains("pow_node"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /** A model quantized on one input, proved on it and verified: the model and the proved output in float. */
    record Proved(QuantizedModel model, Tensor output) {}

    /**
     * Quantizes {@code g} on {@code in} (through the model's file format, whose checks the CLI
     * meets, e.g. tables covering their input's range), proves the inference on {@code in} and
     * verifies it, asserting validity and the proved output.
     */
    static Proved quantizeProveVerify(Graph g, Tensor in, String name) throws java.io.IOException {
        QuantizedModel qm = Quantizer.quantize(g, List.of(in), QuantizationOptions.int8());
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        qm.write(new java.io.DataOutputStream(bytes));
        qm = QuantizedModel.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        ProvingKey pk = ProvingKey.create(qm, SecurityProfile.DEFAULT, s -> {});
        ProofResult proof = new ModelProver(pk).prove(qm.quantizeInput(in), s -> {});
        CircuitVerifier.Outcome o = CircuitVerifier.verify(pk.verifyingKey(), proof.proof());
        assertTrue(o.result().isValid(), name + ": " + o.result());
        assertArrayEquals(Arrays.stream(proof.output().data()).asLongStream().toArray(), o.output());
        return new Proved(qm, qm.dequantize(qm.outputIds()[0], proof.output()));
    }
}
