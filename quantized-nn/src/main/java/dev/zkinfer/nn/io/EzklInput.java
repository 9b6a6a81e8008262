package dev.zkinfer.nn.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * EZKL's {@code input.json}: {@code {"input_data": [[...], ...], "output_data": [[...], ...]}},
 * one flat row-major array of floats per graph input (and per output), nested arrays flattened;
 * {@code true} and {@code false} read as 1 and 0 (boolean inputs). {@code output_data} is
 * optional (empty when absent).
 * Immutable and thread-safe, provided nobody modifies the arrays it was given or returns (records share them, they do not copy).
 */
public record EzklInput(List<double[]> inputData, List<double[]> outputData) {
  public static EzklInput read(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  public static EzklInput parse(String json) {
    Object root = Json.parse(json);
    if (!(root instanceof Map<?, ?> m)) throw new dev.zkinfer.MalformedInputException("input.json: the top level must be an object");
    if (!m.containsKey("input_data")) throw new dev.zkinfer.MalformedInputException("input.json: no \"input_data\" field");
    return new EzklInput(rows(m.get("input_data"), "input_data"), m.containsKey("output_data") && m.get("output_data") != null
        ? rows(m.get("output_data"), "output_data") : List.of());
  }

  /**
   * The {@code output_data} of a JSON file (an EZKL input.json with outputs, or a file holding only
   * {@code {"output_data": [[...], ...]}}): one flat list per model output.
   */
  public static List<double[]> parseOutputData(String json) {
    Object root = Json.parse(json);
    if (!(root instanceof Map<?, ?> m)) throw new dev.zkinfer.MalformedInputException("the top level must be an object");
    if (m.get("output_data") == null) throw new dev.zkinfer.MalformedInputException("no \"output_data\" field");
    return rows(m.get("output_data"), "output_data");
  }

  private static List<double[]> rows(Object o, String field) {
    if (!(o instanceof List<?> l)) throw new dev.zkinfer.MalformedInputException("input.json: \"" + field + "\" must be an array of arrays");
    List<double[]> out = new ArrayList<>();
    for (Object row : l) {
      List<Double> flat = new ArrayList<>();
      flatten(row, flat, field);
      double[] d = new double[flat.size()];
      for (int i = 0; i < d.length; i++) d[i] = flat.get(i);
      out.add(d);
    }
    return out;
  }

  private static void flatten(Object o, List<Double> out, String field) {
    if (o instanceof Double d) out.add(d);
    else if (o instanceof Boolean b) out.add(b ? 1.0 : 0.0); // a boolean model input (tree ensembles' masks)
    else if (o instanceof List<?> l) for (Object x : l) flatten(x, out, field);
    else throw new dev.zkinfer.MalformedInputException("input.json: \"" + field + "\" holds a non-number: " + o);
  }

  /** Writes {@code {"input_data": [[...]]}} (and output_data when non-empty). */
  public String toJson() {
    StringBuilder sb = new StringBuilder("{\"input_data\": ");
    append(sb, inputData);
    if (!outputData.isEmpty()) {
      sb.append(", \"output_data\": ");
      append(sb, outputData);
    }
    return sb.append("}").toString();
  }

  private static void append(StringBuilder sb, List<double[]> rows) {
    sb.append('[');
    for (int r = 0; r < rows.size(); r++) {
      if (r > 0) sb.append(", ");
      sb.append('[');
      double[] row = rows.get(r);
      for (int i = 0; i < row.length; i++) {
        if (i > 0) sb.append(", ");
        sb.append((float) row[i]);
      }
      sb.append(']');
    }
    sb.append(']');
  }
}
