package dev.zkinfer.nn.graph;

import dev.zkinfer.nn.tensor.Shapes;
import dev.zkinfer.nn.tensor.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Runs a {@link Graph} in floating point: the reference that quantization is measured against.
 * Values are computed in double precision (constants from float32 files are exact), so results
 * agree with a float32 runtime to about 1e-6 relative. Thread-safe: one executor may run many
 * inputs concurrently.
 */
public final class FloatExecutor {
  private final Graph graph;

  public FloatExecutor(Graph graph) {
    this.graph = graph;
  }

  public Graph graph() {
    return graph;
  }

  /** Runs a single-input graph and returns its first output. */
  public Tensor run(Tensor input) {
    if (graph.inputs().size() != 1) {
      throw new IllegalArgumentException("the model has " + graph.inputs().size() + " inputs; pass them by name");
    }
    Map<String, Tensor> out = run(Map.of(graph.inputs().get(0).name(), input), null);
    return out.get(graph.outputs().get(0).name());
  }

  /** Runs the graph; returns the graph outputs by name. */
  public Map<String, Tensor> run(Map<String, Tensor> inputs) {
    return run(inputs, null);
  }

  /**
   * Runs the graph, calling {@code listener} with the name and value of every graph input and
   * every node output as it is computed (for calibration). Returns the graph outputs by name.
   */
  public Map<String, Tensor> run(Map<String, Tensor> inputs, BiConsumer<String, Tensor> listener) {
    Map<String, Tensor> values = new HashMap<>(graph.constants());
    for (var in : graph.inputs()) {
      Tensor t = inputs.get(in.name());
      if (t == null) throw new IllegalArgumentException("missing input '" + in.name() + "' (expected shape " + Shapes.str(in.shape()) + ")");
      checkShape(in.name(), in.shape(), t.shapeView());
      values.put(in.name(), t);
      if (listener != null) listener.accept(in.name(), t);
    }
    Map<String, Integer> lastUse = lastUses();
    List<Node> nodes = graph.nodes();
    for (int k = 0; k < nodes.size(); k++) {
      Node n = nodes.get(k);
      Tensor[] in = new Tensor[n.inputs().size()];
      for (int i = 0; i < in.length; i++) in[i] = n.input(i).isEmpty() ? null : values.get(n.input(i));
      Tensor[] out = OpKernels.evaluate(n, in);
      for (int i = 0; i < out.length && i < n.outputs().size(); i++) {
        String name = n.outputs().get(i);
        if (name.isEmpty()) continue;
        values.put(name, out[i]);
        if (listener != null) listener.accept(name, out[i]);
      }
      if (listener == null) {
        for (String i : n.inputs()) if (lastUse.getOrDefault(i, -1) == k && !graph.isConstant(i)) values.remove(i);
      }
    }
    Map<String, Tensor> result = new LinkedHashMap<>();
    for (var o : graph.outputs()) result.put(o.name(), values.get(o.name()));
    return result;
  }

  private Map<String, Integer> lastUses() {
    Map<String, Integer> last = new HashMap<>();
    List<Node> nodes = graph.nodes();
    for (int k = 0; k < nodes.size(); k++) for (String i : nodes.get(k).inputs()) last.put(i, k);
    for (var o : graph.outputs()) last.put(o.name(), Integer.MAX_VALUE);
    return last;
  }

  static void checkShape(String name, int[] expected, int[] actual) {
    if (!Arrays.equals(expected, actual)) {
      throw new IllegalArgumentException("input '" + name + "' has shape " + Shapes.str(actual)
          + " but the model expects " + Shapes.str(expected));
    }
  }
}
