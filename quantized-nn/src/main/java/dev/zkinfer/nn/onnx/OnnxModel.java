package dev.zkinfer.nn.onnx;

import dev.zkinfer.nn.ModelFormatException;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.GraphAssembler;
import dev.zkinfer.nn.graph.ValueInfo;
import dev.zkinfer.nn.tensor.Shapes;
import dev.zkinfer.nn.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Loads ONNX model files into a {@link Graph} with fixed shapes. The protobuf wire format is
 * decoded by hand (see {@code OnnxParser}); only the default ONNX operator domain is accepted.
 * Every problem is reported as a {@link ModelFormatException} with a one-line message.
 * Stateless static loaders: thread-safe.
 */
public final class OnnxModel {
  /** ONNX files larger than this are refused before reading (external data is unsupported). */
  public static final long MAX_FILE_BYTES = 1L << 30;

  private OnnxModel() {}

  public static Graph load(Path file) throws IOException {
    return load(file, OnnxLoadOptions.defaults());
  }

  public static Graph load(Path file, OnnxLoadOptions options) throws IOException {
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) throw new ModelFormatException("ONNX file " + file + " is larger than 1 GiB");
    return load(Files.readAllBytes(file), options);
  }

  public static Graph load(byte[] bytes, OnnxLoadOptions options) {
    OnnxParser.ParsedGraph pg;
    try {
      pg = OnnxParser.parseModel(bytes);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException("malformed ONNX model: " + e.getMessage());
    }
    if (pg.nodes().isEmpty() && pg.outputs().isEmpty()) {
      throw new ModelFormatException("malformed ONNX model: the graph has no nodes and no outputs (is this an ONNX file?)");
    }
    List<ValueInfo> inputs = new ArrayList<>();
    Set<String> inits = pg.initializers().keySet();
    int originalBatch = 1;
    int chosenBatch = 1;
    boolean first = true;
    for (OnnxParser.DeclaredValue in : pg.inputs()) {
      if (inits.contains(in.name())) continue; // IR < 4 lists initializers as inputs
      int[] fixed = options.inputShapes().get(in.name());
      if (fixed == null) {
        if (in.dims() == null) throw new ModelFormatException("input '" + in.name() + "' has no declared shape; give it with OnnxLoadOptions.withInputShape");
        long[] d = in.dims();
        fixed = new int[d.length];
        for (int i = 0; i < d.length; i++) {
          boolean dynamic = d[i] <= 0;
          if (i == 0 && d.length > 0) {
            int declared = dynamic ? 1 : (int) d[0];
            int chosen = options.batchSize() != null ? options.batchSize() : declared;
            if (first) {
              originalBatch = declared;
              chosenBatch = chosen;
              first = false;
            }
            fixed[0] = chosen;
          } else if (dynamic) {
            throw new ModelFormatException("input '" + in.name() + "' has a dynamic dimension " + i + " in " + Arrays.toString(d)
                + "; give its shape with OnnxLoadOptions.withInputShape");
          } else {
            fixed[i] = (int) d[i];
          }
        }
      }
      try {
        Shapes.size(fixed);
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException("input '" + in.name() + "': " + e.getMessage());
      }
      inputs.add(new ValueInfo(in.name(), fixed));
    }
    List<String> outputs = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (OnnxParser.DeclaredValue o : pg.outputs()) if (seen.add(o.name())) outputs.add(o.name());
    try {
      return GraphAssembler.assemble(pg.nodes(), pg.initializers(), inputs, outputs, originalBatch, chosenBatch);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException("invalid ONNX model: " + e.getMessage());
    }
  }

  /** Reads a serialized ONNX TensorProto (as in ONNX's test data sets, e.g. input_0.pb). */
  public static Tensor readTensor(Path file) throws IOException {
    return OnnxParser.parseTensorBytes(Files.readAllBytes(file));
  }
}
