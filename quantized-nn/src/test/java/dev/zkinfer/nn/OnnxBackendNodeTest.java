package dev.zkinfer.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.nn.graph.FloatExecutor;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX's own operator tests (Debian package libonnx-testdata, data/node/test_*): every case whose
 * operators are all supported must either match output_*.pb to within 1e-4 * max(1, |want|) in
 * the float executor, or be refused at load with a one-line error about an unsupported
 * attribute (reported as skipped, with the message). Cases using operators we do not support at
 * all are not generated (counted in {@link #unsupportedOperatorCasesAreRefusedByName}).
 */
class OnnxBackendNodeTest {
  static final Path NODE_DIR = Path.of("/usr/share/libonnx-testdata/data/node");
  static final Pattern UNSUPPORTED_OP = Pattern.compile("^unsupported operator '([^']+)' at node '.*' \\(node \\d+\\)$");

  /** Cases whose test data this harness cannot feed, with the reason. */
  static final Map<String, String> NOT_APPLICABLE = Map.of(
      "test_cast_BFLOAT16_to_FLOAT", "the test stores bfloat16 inputs as uint16",
      "test_cast_FLOAT_to_BFLOAT16", "the test stores bfloat16 outputs as uint16",
      "test_castlike_BFLOAT16_to_FLOAT_expanded", "the test stores bfloat16 inputs as uint16",
      "test_castlike_FLOAT_to_BFLOAT16_expanded", "the test stores bfloat16 outputs as uint16");

  static Stream<String> supportedCases() throws IOException {
    if (!Files.isDirectory(NODE_DIR)) return Stream.of("<libonnx-testdata absent>");
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(NODE_DIR)) {
      for (Path dir : s.sorted().toList()) {
        if (!Files.exists(dir.resolve("model.onnx"))) continue;
        try {
          load(dir);
        } catch (ModelFormatException e) {
          if (UNSUPPORTED_OP.matcher(e.getMessage()).matches()) continue;
        } catch (RuntimeException e) {
          // reported by the test itself
        }
        names.add(dir.getFileName().toString());
      }
    }
    return names.stream();
  }

  static Graph load(Path dir) throws IOException {
    OnnxLoadOptions options = OnnxLoadOptions.defaults();
    // Pin every input to the shape of its test tensor (some declare dynamic dimensions).
    List<Tensor> inputs = inputs(dir);
    Graph probe = null;
    try {
      probe = OnnxModel.load(dir.resolve("model.onnx"), options);
    } catch (ModelFormatException e) {
      if (!e.getMessage().contains("dynamic dimension")) throw e;
    }
    if (probe == null || probe.inputs().size() == inputs.size()) {
      // Map i-th declared input to i-th tensor, by the names in the declared order.
      Graph g = probe;
      if (g == null) {
        throw new ModelFormatException("input '?': not applicable, the model declares dynamic input dimensions");
      }
      for (int i = 0; i < inputs.size(); i++) options = options.withInputShape(g.inputs().get(i).name(), inputs.get(i).shape());
      return OnnxModel.load(dir.resolve("model.onnx"), options);
    }
    return probe;
  }

  static List<Tensor> inputs(Path dir) throws IOException {
    List<Tensor> in = new ArrayList<>();
    Path set = dir.resolve("test_data_set_0");
    for (int i = 0; Files.exists(set.resolve("input_" + i + ".pb")); i++) in.add(OnnxModel.readTensor(set.resolve("input_" + i + ".pb")));
    return in;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("supportedCases")
  void floatExecutorMatchesOnnxReference(String name) throws IOException {
    Assumptions.assumeTrue(Files.isDirectory(NODE_DIR), "libonnx-testdata is not installed (apt-get install libonnx-testdata); skipping");
    Path dir = NODE_DIR.resolve(name);
    Assumptions.assumeFalse(NOT_APPLICABLE.containsKey(name), () -> "not applicable: " + NOT_APPLICABLE.get(name));
    try {
      inputs(dir);
    } catch (ModelFormatException e) {
      Assumptions.abort("not applicable: the test data is not a numeric tensor (" + e.getMessage() + ")");
    }
    Graph g;
    try {
      g = load(dir);
    } catch (ModelFormatException e) {
      assertFalse(e.getMessage().contains("\n"), "one-line message");
      assertTrue(e.getMessage().contains(" at node ") || e.getMessage().startsWith("input '"), name + ": names the node: " + e.getMessage());
      Assumptions.abort("expected-unsupported: " + e.getMessage());
      return;
    }
    List<Tensor> in = inputs(dir);
    Map<String, Tensor> feeds = new HashMap<>();
    for (int i = 0; i < g.inputs().size(); i++) feeds.put(g.inputs().get(i).name(), in.get(i));
    Map<String, Tensor> out = new FloatExecutor(g).run(feeds);
    Path set = dir.resolve("test_data_set_0");
    for (int i = 0; i < g.outputs().size(); i++) {
      Tensor want = OnnxModel.readTensor(set.resolve("output_" + i + ".pb"));
      Tensor got = out.get(g.outputs().get(i).name());
      assertArrayEquals(want.shape(), got.shape(), "output " + i + " shape");
      for (int k = 0; k < want.size(); k++) {
        double w = want.get(k), v = got.get(k);
        if (Double.isNaN(w) && Double.isNaN(v)) continue;
        if (Double.isInfinite(w) && w == v) continue;
        assertTrue(Math.abs(v - w) <= 1e-4 * Math.max(1, Math.abs(w)), name + " output " + i + "[" + k + "]: got " + v + ", want " + w);
      }
    }
  }

  @Test
  void unsupportedOperatorCasesAreRefusedByName() throws IOException {
    Assumptions.assumeTrue(Files.isDirectory(NODE_DIR), "libonnx-testdata is not installed; skipping");
    int refused = 0;
    try (Stream<Path> s = Files.list(NODE_DIR)) {
      for (Path dir : s.sorted().toList()) {
        if (!Files.exists(dir.resolve("model.onnx"))) continue;
        try {
          OnnxModel.load(dir.resolve("model.onnx"));
        } catch (ModelFormatException e) {
          Matcher m = UNSUPPORTED_OP.matcher(e.getMessage());
          if (m.matches()) {
            refused++;
            assertFalse(e.getMessage().contains("\n"));
          }
        }
      }
    }
    assertTrue(refused > 0, "the suite covers operators outside our set, so some cases must be refused");
  }
}
