package dev.zkinfer.nn.graph;

import dev.zkinfer.nn.ModelFormatException;
import dev.zkinfer.nn.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * One operator application. Inputs and outputs name tensors of the {@link Graph}; an empty input
 * name means an omitted optional input. Attribute values are {@code Long}, {@code Double},
 * {@code String}, {@code long[]}, {@code double[]}, {@code List<String>} or {@link Tensor}.
 *
 * @param index position of the node in the source file (for messages)
 * @param opset the operator-set version of the node's domain, which fixes its semantics
 * Immutable and thread-safe, provided nobody modifies the lists and attribute values it holds.
 */
public record Node(
    String name,
    String opType,
    int index,
    int opset,
    List<String> inputs,
    List<String> outputs,
    Map<String, Object> attributes) {

  public Node {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    attributes = Map.copyOf(attributes);
  }

  /** The i-th input name, or "" when absent. */
  public String input(int i) {
    return i < inputs.size() ? inputs.get(i) : "";
  }

  public boolean hasInput(int i) {
    return !input(i).isEmpty();
  }

  public boolean has(String attribute) {
    return attributes.containsKey(attribute);
  }

  public long attrLong(String attribute, long defaultValue) {
    Object v = attributes.get(attribute);
    if (v == null) return defaultValue;
    if (v instanceof Long l) return l;
    throw unsupported("attribute " + attribute + " has an unexpected type");
  }

  public double attrDouble(String attribute, double defaultValue) {
    Object v = attributes.get(attribute);
    if (v == null) return defaultValue;
    if (v instanceof Double d) return d;
    if (v instanceof Long l) return l;
    throw unsupported("attribute " + attribute + " has an unexpected type");
  }

  public String attrString(String attribute, String defaultValue) {
    Object v = attributes.get(attribute);
    if (v == null) return defaultValue;
    if (v instanceof String s) return s;
    throw unsupported("attribute " + attribute + " has an unexpected type");
  }

  /** An ints attribute, or null when absent. */
  public long[] attrLongs(String attribute) {
    Object v = attributes.get(attribute);
    if (v == null) return null;
    if (v instanceof long[] l) return l.clone();
    if (v instanceof Long l) return new long[] {l};
    throw unsupported("attribute " + attribute + " has an unexpected type");
  }

  public double[] attrDoubles(String attribute) {
    Object v = attributes.get(attribute);
    if (v == null) return null;
    if (v instanceof double[] d) return d.clone();
    throw unsupported("attribute " + attribute + " has an unexpected type");
  }

  public Tensor attrTensor(String attribute) {
    Object v = attributes.get(attribute);
    if (v == null) return null;
    if (v instanceof Tensor t) return t;
    throw unsupported("attribute " + attribute + " has an unexpected type");
  }

  /** The one-line error for something about this node that is not supported. */
  public ModelFormatException unsupported(String what) {
    return new ModelFormatException(opType + " at node '" + name + "' (node " + index + "): " + what);
  }

  public Node withInputs(List<String> newInputs) {
    return new Node(name, opType, index, opset, newInputs, outputs, attributes);
  }
}
