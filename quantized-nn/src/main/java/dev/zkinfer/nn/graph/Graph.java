package dev.zkinfer.nn.graph;

import dev.zkinfer.nn.tensor.Shapes;
import dev.zkinfer.nn.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model as a list of operator {@link Node}s in execution order over named tensors, with every
 * shape fixed and known. Constants (initializers and everything constant folding could compute)
 * are held in {@link #constants()}; the nodes are only those that depend on a graph input.
 * Produced by the ONNX importer and by {@link ModelBuilder}; immutable.
 * Thread-safe: share one instance between threads freely.
 */
public final class Graph {
  private final List<ValueInfo> inputs;
  private final List<ValueInfo> outputs;
  private final Map<String, Tensor> constants;
  private final List<Node> nodes;
  private final Map<String, int[]> shapes;

  Graph(List<ValueInfo> inputs, List<ValueInfo> outputs, Map<String, Tensor> constants, List<Node> nodes,
      Map<String, int[]> shapes) {
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.constants = Collections.unmodifiableMap(new LinkedHashMap<>(constants));
    this.nodes = List.copyOf(nodes);
    this.shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
  }

  public List<ValueInfo> inputs() {
    return inputs;
  }

  public List<ValueInfo> outputs() {
    return outputs;
  }

  public List<Node> nodes() {
    return nodes;
  }

  public Map<String, Tensor> constants() {
    return constants;
  }

  public boolean isConstant(String name) {
    return constants.containsKey(name);
  }

  /** The fixed shape of any tensor of the graph (input, intermediate, output or constant). */
  public int[] shapeOf(String name) {
    Tensor c = constants.get(name);
    if (c != null) return c.shape();
    int[] s = shapes.get(name);
    if (s == null) throw new IllegalArgumentException("no tensor named '" + name + "' in the graph");
    return s.clone();
  }

  /** Number of weights and biases (constant values) the nodes use. */
  public long parameterCount() {
    long n = 0;
    for (Tensor t : constants.values()) n += t.size();
    return n;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Graph(inputs=").append(inputs).append(", outputs=").append(outputs).append(")\n");
    for (Node n : nodes) {
      sb.append("  ").append(n.opType()).append(' ').append(n.name()).append(' ').append(n.inputs()).append(" -> ");
      for (String o : n.outputs()) sb.append(o).append(shapes.containsKey(o) ? Shapes.str(shapes.get(o)) : "").append(' ');
      sb.append('\n');
    }
    return sb.toString();
  }
}
