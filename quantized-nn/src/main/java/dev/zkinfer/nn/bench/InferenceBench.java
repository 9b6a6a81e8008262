package dev.zkinfer.nn.bench;

import dev.zkinfer.nn.graph.FloatExecutor;
import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.io.MnistIdx;
import dev.zkinfer.nn.onnx.OnnxLoadOptions;
import dev.zkinfer.nn.onnx.OnnxModel;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Rough LeNet-5 timings (not a substitute for JMH): integer inference per image on one thread
 * (vector and scalar kernels), batched integer throughput on two threads, and the float executor
 * per image. The methods {@link #integerInference}, {@link #floatInference} are the units a JMH
 * benchmark can call.
 *
 * <p>Usage: {@code java --add-modules=jdk.incubator.vector -cp ... dev.zkinfer.nn.bench.InferenceBench
 * [path/to/shared]}
 */
public final class InferenceBench {
  private final Graph graph;
  private final QuantizedModel model;
  private final List<Tensor> images = new ArrayList<>();
  private final List<IntTensor> quantized = new ArrayList<>();

  public InferenceBench(Path shared, int count) throws Exception {
    graph = OnnxModel.load(shared.resolve("models/mnist-lenet5/lenet5.onnx"), OnnxLoadOptions.defaults().withBatchSize(1));
    MnistIdx.Images all = MnistIdx.readImages(shared.resolve("datasets/mnist/t10k-images-idx3-ubyte.gz"));
    for (int i = 0; i < count; i++) images.add(all.lenetInput(i));
    model = Quantizer.quantize(graph, images.subList(0, Math.min(200, count)), QuantizationOptions.int8());
    for (Tensor t : images) quantized.add(model.quantizeInput(t));
  }

  public IntTensor integerInference(IntegerExecutor ex, int i) {
    return ex.infer(model, quantized.get(i % quantized.size()));
  }

  public Tensor floatInference(FloatExecutor fx, int i) {
    return fx.run(images.get(i % images.size()));
  }

  public static void main(String[] args) throws Exception {
    Path shared = Path.of(args.length > 0 ? args[0] : System.getProperty("zkinfer.shared", "../shared"));
    int n = 10_000;
    InferenceBench b = new InferenceBench(shared, n);
    IntegerExecutor vector = IntegerExecutor.create(), scalar = new IntegerExecutor(IntegerExecutor.Kernels.SCALAR);
    FloatExecutor fx = new FloatExecutor(b.graph);
    System.out.println("LeNet-5, " + b.model.ops().size() + " integer ops, kernels " + vector.kernels() + ", "
        + Runtime.getRuntime().availableProcessors() + " cores");
    for (int round = 0; round < 3; round++) {
      double v = perImageMicros(n, i -> b.integerInference(vector, i));
      double s = perImageMicros(n, i -> b.integerInference(scalar, i));
      double f = perImageMicros(n / 4, i -> b.floatInference(fx, i));
      long t0 = System.nanoTime();
      vector.inferBatch(b.model, b.quantized, 2);
      double batchSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("round %d: int8 vector %.1f us/image, int8 scalar %.1f us/image (1 thread); int8 batch of %d on 2 threads: %.0f images/s; float %.1f us/image%n",
          round, v, s, n, n / batchSeconds, f);
    }
  }

  private static double perImageMicros(int n, java.util.function.IntConsumer body) {
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) body.accept(i);
    return (System.nanoTime() - t0) / 1e3 / n;
  }
}
