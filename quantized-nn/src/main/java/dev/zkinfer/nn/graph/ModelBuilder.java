package dev.zkinfer.nn.graph;

import dev.zkinfer.nn.tensor.Shapes;
import dev.zkinfer.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds a {@link Graph} layer by layer with synthetic weights drawn from a seeded generator (He
 * uniform: U(-sqrt(6 / fan_in), sqrt(6 / fan_in)); biases U(-0.1, 0.1)), for benchmark models.
 * Each call appends a layer to the current tensor; {@link #build()} goes through the same
 * assembly (shape inference, validation) as the ONNX importer.
 *
 * <pre>{@code
 * Graph mlp = new ModelBuilder(42, 1, 784).gemm(56).relu().gemm(10).build();
 * }</pre>
 * Not thread-safe: a builder is confined to one thread; the {@link Graph} it builds is thread-safe.
 */
public final class ModelBuilder {
  private final SplittableRandom random;
  private final ValueInfo input;
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Tensor> weights = new LinkedHashMap<>();
  private final Map<String, int[]> shapes = new HashMap<>();
  private String current;
  private int counter;

  /** Starts a graph with one input named "input" of the given shape (leading dim = batch). */
  public ModelBuilder(long seed, int... inputShape) {
    this.random = new SplittableRandom(seed);
    this.input = new ValueInfo("input", inputShape);
    this.current = "input";
    shapes.put(current, inputShape.clone());
  }

  /** MLP 784-56-10 (with ReLU), batch 1. */
  public static Graph mlp784x56x10(long seed) {
    return new ModelBuilder(seed, 1, 784).gemm(56).relu().gemm(10).build();
  }

  /** A LeNet-like CNN for 1x28x28 inputs. */
  public static Graph smallCnn(long seed) {
    return new ModelBuilder(seed, 1, 1, 28, 28).conv(6, 5, 1, 0).relu().maxPool(2, 2).conv(16, 5, 1, 0).relu().maxPool(2, 2)
        .flatten().gemm(120).relu().gemm(84).relu().gemm(10).build();
  }

  /** VGG-11 (configuration A) for 3x32x32 CIFAR inputs, with a 512-512-10 classifier. */
  public static Graph vgg11(long seed) {
    return vgg(seed, new int[] {64, -1, 128, -1, 256, 256, -1, 512, 512, -1, 512, 512, -1});
  }

  /** VGG-16 (configuration D) for 3x32x32 CIFAR inputs, with a 512-512-10 classifier. */
  public static Graph vgg16(long seed) {
    return vgg(seed, new int[] {64, 64, -1, 128, 128, -1, 256, 256, 256, -1, 512, 512, 512, -1, 512, 512, 512, -1});
  }

  private static Graph vgg(long seed, int[] config) {
    ModelBuilder b = new ModelBuilder(seed, 1, 3, 32, 32);
    for (int c : config) {
      if (c < 0) b.maxPool(2, 2);
      else b.conv(c, 3, 1, 1).relu();
    }
    return b.flatten().gemm(512).relu().gemm(512).relu().gemm(10).build();
  }

  private String fresh(String kind) {
    return kind + "_" + (counter++);
  }

  private int[] shape() {
    return shapes.get(current);
  }

  private void add(String op, List<String> ins, Map<String, Object> attrs, int[] outShape) {
    String out = fresh(op.toLowerCase() + "_out");
    nodes.add(new Node(fresh(op), op, nodes.size(), 13, ins, List.of(out), attrs));
    shapes.put(out, outShape);
    current = out;
  }

  private String weight(String kind, int[] shape, double bound) {
    String name = fresh(kind);
    double[] d = new double[Shapes.size(shape)];
    for (int i = 0; i < d.length; i++) d[i] = (random.nextDouble() * 2 - 1) * bound;
    weights.put(name, Tensor.of(shape, d));
    return name;
  }

  /** 2-D convolution with square kernel, stride and symmetric padding, with bias. */
  public ModelBuilder conv(int outChannels, int kernel, int stride, int pad) {
    int[] s = shape();
    if (s.length != 4) throw new IllegalStateException("conv needs an NCHW input, current shape " + Shapes.str(s));
    int fanIn = s[1] * kernel * kernel;
    String w = weight("conv_weight", new int[] {outChannels, s[1], kernel, kernel}, Math.sqrt(6.0 / fanIn));
    String b = weight("conv_bias", new int[] {outChannels}, 0.1);
    int oh = (s[2] + 2 * pad - kernel) / stride + 1, ow = (s[3] + 2 * pad - kernel) / stride + 1;
    add("Conv", List.of(current, w, b), Map.of("strides", new long[] {stride, stride}, "pads", new long[] {pad, pad, pad, pad},
        "kernel_shape", new long[] {kernel, kernel}), new int[] {s[0], outChannels, oh, ow});
    return this;
  }

  /** Fully connected layer y = x W^T + b on a [batch, features] input. */
  public ModelBuilder gemm(int outFeatures) {
    int[] s = shape();
    if (s.length != 2) throw new IllegalStateException("gemm needs a [batch, features] input, current shape " + Shapes.str(s));
    String w = weight("gemm_weight", new int[] {outFeatures, s[1]}, Math.sqrt(6.0 / s[1]));
    String b = weight("gemm_bias", new int[] {outFeatures}, 0.1);
    add("Gemm", List.of(current, w, b), Map.of("transB", 1L), new int[] {s[0], outFeatures});
    return this;
  }

  public ModelBuilder relu() {
    add("Relu", List.of(current), Map.of(), shape());
    return this;
  }

  public ModelBuilder sigmoid() {
    add("Sigmoid", List.of(current), Map.of(), shape());
    return this;
  }

  public ModelBuilder maxPool(int kernel, int stride) {
    int[] s = shape();
    add("MaxPool", List.of(current), Map.of("kernel_shape", new long[] {kernel, kernel}, "strides", new long[] {stride, stride}),
        new int[] {s[0], s[1], (s[2] - kernel) / stride + 1, (s[3] - kernel) / stride + 1});
    return this;
  }

  public ModelBuilder avgPool(int kernel, int stride) {
    int[] s = shape();
    add("AveragePool", List.of(current), Map.of("kernel_shape", new long[] {kernel, kernel}, "strides", new long[] {stride, stride}),
        new int[] {s[0], s[1], (s[2] - kernel) / stride + 1, (s[3] - kernel) / stride + 1});
    return this;
  }

  public ModelBuilder flatten() {
    int[] s = shape();
    add("Flatten", List.of(current), Map.of("axis", 1L), new int[] {s[0], Shapes.size(s) / s[0]});
    return this;
  }

  public ModelBuilder softmax() {
    add("Softmax", List.of(current), Map.of("axis", -1L), shape());
    return this;
  }

  /** The graph, with the current tensor as its only output. */
  public Graph build() {
    return GraphAssembler.assemble(nodes, weights, List.of(input), List.of(current), input.shape()[0], input.shape()[0]);
  }
}
