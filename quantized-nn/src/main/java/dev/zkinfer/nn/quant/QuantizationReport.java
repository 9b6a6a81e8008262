package dev.zkinfer.nn.quant;

import dev.zkinfer.nn.graph.FloatExecutor;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.tensor.Tensor;
import java.util.List;

/**
 * The accuracy cost of quantization on some inputs: how often the argmax of the (first) output's
 * last axis agrees between float and integer execution, and the largest and mean absolute error
 * of the dequantized output against the float output, also relative to the largest |float
 * output|.
 * Immutable and thread-safe.
 */
public record QuantizationReport(int samples, double argmaxAgreement, double maxAbsError, double meanAbsError, double maxAbsFloatOutput) {

  /** max abs error / max |float output|. */
  public double relativeMaxError() {
    return maxAbsFloatOutput == 0 ? maxAbsError : maxAbsError / maxAbsFloatOutput;
  }

  public static QuantizationReport compare(Graph graph, QuantizedModel model, List<Tensor> inputs) {
    return compare(graph, model, inputs, IntegerExecutor.create());
  }

  public static QuantizationReport compare(Graph graph, QuantizedModel model, List<Tensor> inputs, IntegerExecutor executor) {
    String name = graph.inputs().get(0).name();
    List<java.util.Map<String, Tensor>> samples = new java.util.ArrayList<>();
    for (Tensor in : inputs) samples.add(java.util.Map.of(name, in));
    return compareNamed(graph, model, samples, executor);
  }

  /**
   * The report over every output of a graph with any number of inputs: {@code samples} holds one
   * map from input name to value per sample (an empty map for a graph without run-time input).
   * Argmax agreement counts the last-axis rows of every output; the errors run over all their values.
   */
  public static QuantizationReport compareNamed(Graph graph, QuantizedModel model, List<java.util.Map<String, Tensor>> samples) {
    return compareNamed(graph, model, samples, IntegerExecutor.create());
  }

  private static QuantizationReport compareNamed(Graph graph, QuantizedModel model, List<java.util.Map<String, Tensor>> samples,
      IntegerExecutor executor) {
    FloatExecutor fx = new FloatExecutor(graph);
    int agree = 0, rowsTotal = 0;
    double maxErr = 0, sumErr = 0, maxRef = 0;
    long count = 0;
    int[] inIds = model.inputIds();
    int[] outIds = model.outputIds();
    for (java.util.Map<String, Tensor> sample : samples) {
      java.util.Map<String, Tensor> refs = fx.run(sample);
      java.util.List<Tensor> xs = new java.util.ArrayList<>();
      for (int i = 0; i < inIds.length; i++) xs.add(sample.get(graph.inputs().get(i).name()));
      IntegerExecutor.Trace trace = executor.run(model, model.quantizeInputs(xs, true).array(), null, false);
      for (int j = 0; j < outIds.length; j++) {
        Tensor ref = refs.get(graph.outputs().get(j).name());
        Tensor got = model.dequantize(outIds[j], trace.value(outIds[j]));
        int[] s = ref.shapeView();
        int last = s.length == 0 ? 1 : s[s.length - 1];
        int rows = last == 0 ? 0 : ref.size() / last;
        for (int r = 0; r < rows; r++) {
          rowsTotal++;
          if (ref.argmaxOfRow(r) == got.argmaxOfRow(r)) agree++;
        }
        for (int i = 0; i < ref.size(); i++) {
          double e = Math.abs(ref.get(i) - got.get(i));
          maxErr = Math.max(maxErr, e);
          sumErr += e;
          maxRef = Math.max(maxRef, Math.abs(ref.get(i)));
          count++;
        }
      }
    }
    return new QuantizationReport(samples.size(), rowsTotal == 0 ? 1 : agree / (double) rowsTotal, maxErr, count == 0 ? 0 : sumErr / count, maxRef);
  }

  @Override
  public String toString() {
    return String.format("QuantizationReport(samples=%d, argmax agreement=%.4f, max abs error=%.5g (%.2f%% of max |float|=%.5g), mean abs error=%.5g)",
        samples, argmaxAgreement, maxAbsError, 100 * relativeMaxError(), maxAbsFloatOutput, meanAbsError);
  }
}
