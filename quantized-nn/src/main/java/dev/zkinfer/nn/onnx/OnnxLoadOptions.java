package dev.zkinfer.nn.onnx;

import java.util.HashMap;
import java.util.Map;

/**
 * How to fix the shapes of an ONNX model at load time.
 *
 * <ul>
 *   <li>{@code batchSize}: the size given to the leading dimension of every graph input. When
 *       null, a dynamic leading dimension (dim_param, 0 or -1) becomes 1 and a fixed one is kept.
 *       When set, it replaces the leading dimension even if the file fixes it (e.g. the LeNet's
 *       batch of 10); constant Reshape targets whose first entry is the exported batch follow.
 *   <li>{@code inputShapes}: full shapes for named inputs, for graphs with other dynamic
 *       dimensions; they take precedence over {@code batchSize}.
 * </ul>
 * Immutable and thread-safe, provided nobody modifies the shape arrays it holds.
 */
public record OnnxLoadOptions(Integer batchSize, Map<String, int[]> inputShapes) {
  public OnnxLoadOptions {
    if (batchSize != null && batchSize < 1) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    inputShapes = Map.copyOf(inputShapes);
  }

  public static OnnxLoadOptions defaults() {
    return new OnnxLoadOptions(null, Map.of());
  }

  public OnnxLoadOptions withBatchSize(int batch) {
    return new OnnxLoadOptions(batch, inputShapes);
  }

  public OnnxLoadOptions withInputShape(String input, int... shape) {
    Map<String, int[]> m = new HashMap<>(inputShapes);
    m.put(input, shape.clone());
    return new OnnxLoadOptions(batchSize, m);
  }
}
