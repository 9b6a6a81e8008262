package dev.zkinfer.prover.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.circuit.CircuitVerifier;
import dev.zkinfer.nn.ModelFormatException;
import dev.zkinfer.nn.graph.FloatExecutor;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.GraphAssembler;
import dev.zkinfer.nn.graph.Node;
import dev.zkinfer.nn.graph.ValueInfo;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operators that the importer rewrites into operators with a proof of their own (see
 * OperatorLowering: Resize / Upsample, ConvTranspose, InstanceNormalization, TopK,
 * ScatterElements, Mod, Cast to an integer type, the other reductions, Gather with run-time
 * indices from a constant table, Conv with groups, dilations or one spatial axis, and NonZero /
 * Shape / Size / Range folded into constants), each in a tiny ONNX model (src/test/resources/lowered, made by
 * make_lowered_models.py): our float executor on the rewritten graph agrees with onnxruntime on the
 * original operator (which checks the rewriting), and the model quantized to int8 compiles, proves
 * and verifies, and its proved output is within the error the quantization report states of
 * onnxruntime's output. Cheating (a changed output, flipped proof bytes, changed advice) is
 * rejected by the existing layers the rewrite lands on.
 */
class LoweredOperatorProofTest {
  static final Path DIR = Path.of("src/test/resources/lowered");

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"resize_nearest", "resize_nearest_asymmetric", "resize_linear", "resize_linear_sizes", "upsample_nearest",
      "conv_transpose", "conv_transpose_grouped", "instance_norm", "topk_values", "topk_smallest_indices", "scatter_elements",
      "mod_fmod", "mod_integer", "cast_int", "reduce_l1", "reduce_l2", "reduce_sum_square", "reduce_log_sum_exp", "reduce_prod",
      "nonzero_gather", "shape_range_gather", "gather_runtime_indices", "conv_grouped_dilated", "conv1d", "conv1d_dilated", "conv_transpose_1d", "resize_cubic", "conv_transpose_same"})
  void provesWithinTheReportedErrorOfOnnxRuntime(String name) throws Exception {
    Path model = DIR.resolve(name + ".onnx");
    Graph g = OnnxModel.load(model);
    EzklInput io = EzklInput.read(DIR.resolve(name + ".json"));
    int[] shape = g.inputs().get(0).shape();
    Tensor in = Tensor.of(shape, io.inputData().get(0));
    double[] ort = OnnxRuntimeReference.run(model, Arrays.stream(shape).asLongStream().toArray(), io.inputData().get(0));

    // the rewritten graph, run in float, is the original operator
    Tensor fl = new FloatExecutor(g).run(in);
    assertEquals(ort.length, fl.size(), name + ": output size");
    for (int i = 0; i < ort.length; i++) {
      assertEquals(ort[i], fl.get(i), 1e-5 * Math.max(1, Math.abs(ort[i])), name + ": float executor against onnxruntime at " + i);
    }

    OperatorCoverageProofTest.Proved p = OperatorCoverageProofTest.quantizeProveVerify(g, in, name);
    QuantizedModel qm = p.model();
    Tensor proved = p.output();
    QuantizationReport report = QuantizationReport.compare(g, qm, List.of(in));
    double sy = qm.output().scale();
    double maxError = 0, range = 0;
    for (int i = 0; i < ort.length; i++) {
      double e = Math.abs(proved.get(i) - ort[i]);
      maxError = Math.max(maxError, e);
      range = Math.max(range, Math.abs(ort[i]));
      assertTrue(e <= report.maxAbsError() + 1e-5 * Math.max(1, Math.abs(ort[i])), name + ": proved output " + i + " is "
          + proved.get(i) + ", onnxruntime's " + ort[i] + ", beyond the reported error " + report.maxAbsError());
    }
    // and the reported error itself is a quantization error, not a wrong result: a few output steps
    assertTrue(report.maxAbsError() <= 6 * sy + 0.02 * range, name + ": reported error " + report.maxAbsError()
        + " at output step " + sy + " and output range " + range);
    System.out.printf("%s: largest error against onnxruntime %.5f (reported %.5f, output step %.5f)%n", name, maxError,
        report.maxAbsError(), sy);
    ArithmeticOpsProofTest.provesAndRejectsCheating(qm, hasAdvice(name));
  }

  /** Rewrites that land only on index maps and single tables have no advice outside lookups to change. */
  static boolean hasAdvice(String name) {
    return !(name.startsWith("resize_nearest") || name.startsWith("upsample") || name.startsWith("scatter")
        || name.startsWith("mod") || name.startsWith("cast") || name.startsWith("nonzero") || name.startsWith("shape"));
  }

  @Test
  void aRunTimeNonZeroIsRefusedNamingTheNode() {
    // NonZero of the run-time input: its output shape depends on the values, which no fixed circuit can have
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> GraphAssembler.assemble(
        List.of(new Node("nz", "NonZero", 0, 17, List.of("x"), List.of("y"), Map.of())), Map.of(),
        List.of(new ValueInfo("x", new int[] {1, 4})), List.of("y"), 1, 1));
    assertTrue(e.getMessage().contains("NonZero") && e.getMessage().contains("'nz'"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void aTopKTooLargeToUnrollIsRefusedNamingTheNode() {
    Tensor k = Tensor.ofLongs(new int[] {1}, new long[] {40});
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> GraphAssembler.assemble(
        List.of(new Node("top", "TopK", 0, 17, List.of("x", "k"), List.of("y", "i"), Map.of())), Map.of("k", k),
        List.of(new ValueInfo("x", new int[] {1, 64})), List.of("y"), 1, 1));
    assertTrue(e.getMessage().contains("TopK") && e.getMessage().contains("'top'") && e.getMessage().contains("compare-exchanges"),
        e.getMessage());
  }

  @Test
  void aRunTimeModDivisorIsRefusedAtQuantizationNamingTheNode() {
    Graph g = GraphAssembler.assemble(List.of(new Node("m", "Mod", 0, 17, List.of("x", "x"), List.of("y"), Map.of("fmod", 1L))),
        Map.of(), List.of(new ValueInfo("x", new int[] {1, 4})), List.of("y"), 1, 1);
    Tensor in = Tensor.of(new int[] {1, 4}, new double[] {1, 2, 3, 4});
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> Quantizer.quantize(g, List.of(in), QuantizationOptions.int8()));
    assertTrue(e.getMessage().contains("Mod") && e.getMessage().contains("'m'") && e.getMessage().contains("constant divisor"),
        e.getMessage());
  }
}
