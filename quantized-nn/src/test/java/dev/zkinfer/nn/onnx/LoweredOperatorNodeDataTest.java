package dev.zkinfer.nn.onnx;

import static org.junit.jupiter.api.Assertions.*;

import dev.zkinfer.nn.ModelFormatException;
import dev.zkinfer.nn.graph.FloatExecutor;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.GraphAssembler;
import dev.zkinfer.nn.graph.ValueInfo;
import dev.zkinfer.nn.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX's own node tests (Debian's libonnx-testdata) of the operators rewritten at import
 * (OperatorLowering), with every graph input but the first pinned to its test value as a constant
 * (their scales, sizes, k, indices, divisors, weights are run-time inputs there, which a circuit
 * cannot take, but are constants in exported models): the rewritten graph, run by the float
 * executor, must give ONNX's expected outputs (to 1e-4, relative above 1), or be refused with one
 * line naming the node (reported as skipped, with the reason). OnnxBackendNodeTest cannot cover
 * these: with their inputs at run time they are all refused.
 */
class LoweredOperatorNodeDataTest {
  static final Path NODE_DIR = Path.of("/usr/share/libonnx-testdata/data/node");
  static final List<String> PREFIXES = List.of("test_resize_", "test_upsample_", "test_convtranspose", "test_instancenorm_",
      "test_top_k", "test_scatter_elements_", "test_mod_", "test_nonzero_");

  static Stream<String> cases() throws IOException {
    if (!Files.isDirectory(NODE_DIR)) return Stream.of("<libonnx-testdata absent>");
    try (Stream<Path> s = Files.list(NODE_DIR)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> PREFIXES.stream().anyMatch(n::startsWith)).sorted().toList().stream();
    }
  }

  static Tensor tensor(Path dir, String kind, int i) throws IOException {
    return OnnxModel.readTensor(dir.resolve("test_data_set_0").resolve(kind + "_" + i + ".pb"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rewrittenGraphGivesOnnxsExpectedOutputs(String name) throws IOException {
    Assumptions.assumeTrue(Files.isDirectory(NODE_DIR), "libonnx-testdata is not installed; skipping");
    Path dir = NODE_DIR.resolve(name);
    OnnxParser.ParsedGraph pg = OnnxParser.parseModel(Files.readAllBytes(dir.resolve("model.onnx")));
    Map<String, Tensor> consts = new HashMap<>(pg.initializers());
    List<ValueInfo> inputs = new ArrayList<>();
    Tensor first = null;
    String firstName = null;
    int k = 0;
    for (OnnxParser.DeclaredValue in : pg.inputs()) {
      if (pg.initializers().containsKey(in.name())) continue;
      Tensor t;
      try {
        t = tensor(dir, "input", k++);
      } catch (ModelFormatException e) {
        Assumptions.abort("not applicable: the test data is not a numeric tensor (" + e.getMessage() + ")");
        return;
      }
      if (first == null) {
        first = t;
        firstName = in.name();
        inputs.add(new ValueInfo(in.name(), t.shape()));
      } else {
        consts.put(in.name(), t);
      }
    }
    List<String> outputs = pg.outputs().stream().map(OnnxParser.DeclaredValue::name).toList();
    Graph g;
    try {
      g = GraphAssembler.assemble(pg.nodes(), consts, inputs, outputs, 1, 1);
    } catch (ModelFormatException e) {
      assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
      assertTrue(e.getMessage().contains(" at node '"), "names the node: " + e.getMessage());
      Assumptions.abort("refused: " + e.getMessage());
      return;
    }
    Map<String, Tensor> out = new FloatExecutor(g).run(Map.of(firstName, first));
    for (int i = 0; i < outputs.size(); i++) {
      Tensor want = tensor(dir, "output", i), got = out.get(outputs.get(i));
      assertArrayEquals(want.shape(), got.shape(), name + " output " + i + " shape");
      for (int j = 0; j < want.size(); j++) {
        double w = want.get(j), v = got.get(j);
        if (Double.isNaN(w) && Double.isNaN(v)) continue;
        assertTrue(Math.abs(v - w) <= 1e-4 * Math.max(1, Math.abs(w)), name + " output " + i + "[" + j + "]: got " + v + ", want " + w);
      }
    }
  }
}
