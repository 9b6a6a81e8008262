package dev.zkinfer.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.nn.graph.Graph;
import dev.zkinfer.nn.graph.ModelBuilder;
import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.IntegerExecutor.Kernels;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizationReport;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.quant.Requantize;
import dev.zkinfer.nn.tensor.IntTensor;
import dev.zkinfer.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IntegerExecutorTest {
  static Tensor randomInput(SplittableRandom r, int... shape) {
    Tensor t = Tensor.zeros(shape);
    for (int i = 0; i < t.size(); i++) t.data()[i] = r.nextGaussian();
    return t;
  }

  static Graph randomCnn(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int c1 = 1 + r.nextInt(9), c2 = 1 + r.nextInt(13), k = 1 + r.nextInt(3) * 2, pad = r.nextInt(2);
    return new ModelBuilder(seed, 1, 1 + r.nextInt(3), 12, 12).conv(c1, k, 1 + r.nextInt(2), pad).relu().maxPool(2, 2)
        .conv(c2, 3, 1, 1).sigmoid().avgPool(2, 1).flatten().gemm(1 + r.nextInt(20)).relu().gemm(7).softmax().build();
  }

  /** Every tensor of the two executors' traces of x is equal. */
  static void assertSameTrace(IntegerExecutor scalar, IntegerExecutor vector, QuantizedModel qm, IntTensor x, String where) {
    var a = scalar.run(qm, x);
    var b = vector.run(qm, x);
    for (int id = 0; id < qm.tensors().size(); id++) assertEquals(a.value(id), b.value(id), where + " tensor " + qm.tensor(id));
  }

  /** Wide dense layers (≥ 256 outputs: the row-streaming float loop) equal the scalar kernels. */
  @Test
  void wideDenseLayersEqualScalarKernelsBitForBit() {
    IntegerExecutor scalar = new IntegerExecutor(Kernels.SCALAR), vector = new IntegerExecutor(Kernels.VECTOR);
    for (long seed = 1; seed <= 4; seed++) {
      SplittableRandom r = new SplittableRandom(seed * 13);
      int batch = 1 + (int) (seed % 2);
      Graph g = new ModelBuilder(seed, batch, 96 + r.nextInt(64)).gemm(256 + r.nextInt(300)).relu().gemm(300 + r.nextInt(200)).relu()
          .gemm(10).build();
      int[] shape = g.inputs().get(0).shape();
      QuantizedModel qm = Quantizer.quantize(g, List.of(randomInput(r, shape), randomInput(r, shape)), QuantizationOptions.int8());
      for (int trial = 0; trial < 3; trial++) {
        IntTensor x = qm.quantizeInput(randomInput(r, shape));
        assertSameTrace(scalar, vector, qm, x, "seed " + seed);
        assertEquals(scalar.infer(qm, x), vector.infer(qm, x), "seed " + seed + " infer");
      }
    }
  }

  @ParameterizedTest(name = "int{0}")
  @ValueSource(ints = {8, 16})
  void vectorKernelsEqualScalarKernelsBitForBit(int bits) {
    IntegerExecutor scalar = new IntegerExecutor(Kernels.SCALAR), vector = new IntegerExecutor(Kernels.VECTOR);
    QuantizationOptions options = bits == 8 ? QuantizationOptions.int8() : QuantizationOptions.int16();
    for (long seed = 1; seed <= 12; seed++) {
      Graph g = randomCnn(seed);
      SplittableRandom r = new SplittableRandom(seed * 31);
      int[] shape = g.inputs().get(0).shape();
      List<Tensor> calib = List.of(randomInput(r, shape), randomInput(r, shape));
      QuantizedModel qm = Quantizer.quantize(g, calib, options);
      for (int trial = 0; trial < 3; trial++) {
        assertSameTrace(scalar, vector, qm, qm.quantizeInput(randomInput(r, shape)), "seed " + seed);
      }
    }
  }

  /**
   * infer() takes the fused path (convolution or dense, requantization and max pool as one float
   * kernel where float is exact, the int32 kernels where it is not); it must equal the scalar
   * specification op by op, for single images, a batch dimension inside the model, strided
   * convolutions, int16 models (whose bounds mostly force the int32 fallback), and batches over
   * threads.
   */
  @ParameterizedTest(name = "int{0}")
  @ValueSource(ints = {8, 16})
  void fusedInferenceEqualsScalarSpecificationBitForBit(int bits) {
    IntegerExecutor scalar = new IntegerExecutor(Kernels.SCALAR), vector = new IntegerExecutor(Kernels.VECTOR);
    QuantizationOptions options = bits == 8 ? QuantizationOptions.int8() : QuantizationOptions.int16();
    for (long seed = 1; seed <= 16; seed++) {
      SplittableRandom r = new SplittableRandom(seed * 17);
      int batch = 1 + (int) (seed % 3);
      int c1 = 1 + r.nextInt(9), c2 = 1 + r.nextInt(24), k1 = 1 + r.nextInt(3) * 2, pad = r.nextInt(3), pool = 1 + r.nextInt(2);
      Graph g = new ModelBuilder(seed, batch, 1 + r.nextInt(3), 10 + r.nextInt(8), 10 + r.nextInt(8)).conv(c1, k1, 1 + (int) (seed % 4 == 0 ? 1 : 0), pad)
          .relu().maxPool(pool, pool).conv(c2, 3, 1, 1).relu().maxPool(2, 1).conv(3, 3, 1, 1).flatten().gemm(1 + r.nextInt(40)).relu()
          .gemm(1 + r.nextInt(12)).build();
      int[] shape = g.inputs().get(0).shape();
      QuantizedModel qm = Quantizer.quantize(g, List.of(randomInput(r, shape), randomInput(r, shape)), options);
      List<IntTensor> inputs = new ArrayList<>();
      for (int trial = 0; trial < 5; trial++) {
        Tensor t = randomInput(r, shape);
        // Some inputs at the ends of the range, where the float kernels' exactness bound is tightest.
        if (trial == 4) for (int i = 0; i < t.size(); i++) t.data()[i] = (i % 2 == 0 ? 1e9 : -1e9);
        inputs.add(qm.quantizeInput(t));
      }
      List<IntTensor> expected = new ArrayList<>();
      for (IntTensor x : inputs) {
        IntTensor want = scalar.infer(qm, x);
        assertEquals(want, vector.infer(qm, x), "seed " + seed + "\n" + qm);
        assertEquals(want, vector.run(qm, x).output(), "seed " + seed);
        expected.add(want);
      }
      assertEquals(expected, vector.inferBatch(qm, inputs, 2), "seed " + seed);
    }
  }

  /**
   * Convolutions fused with the max pool after them (the pooled spatial layout on phase-split
   * input, or channels last in window order, whichever the cost model picks) equal the scalar
   * specification: pool kernels 1 to 3 with strides up to the kernel and beyond, odd image sizes
   * whose last rows and columns no window covers, padded convolutions, few and many channels.
   */
  @Test
  void pooledConvolutionsEqualScalarSpecificationBitForBit() {
    IntegerExecutor scalar = new IntegerExecutor(Kernels.SCALAR), vector = new IntegerExecutor(Kernels.VECTOR);
    for (long seed = 1; seed <= 24; seed++) {
      SplittableRandom r = new SplittableRandom(seed * 7919);
      int batch = 1 + r.nextInt(2), poolKernel = 1 + r.nextInt(3), poolStride = 1 + r.nextInt(3);
      int c1 = 1 + r.nextInt(20), c2 = 1 + r.nextInt(24), k1 = 1 + r.nextInt(3) * 2;
      Graph g = new ModelBuilder(seed, batch, 1 + r.nextInt(4), 18 + r.nextInt(6), 18 + r.nextInt(6)).conv(c1, k1, 1, r.nextInt(3)).relu()
          .maxPool(poolKernel, poolStride).conv(c2, 3, 1, r.nextInt(2)).relu().maxPool(2, 2).flatten().gemm(1 + r.nextInt(16)).build();
      int[] shape = g.inputs().get(0).shape();
      QuantizedModel qm = Quantizer.quantize(g, List.of(randomInput(r, shape), randomInput(r, shape)), QuantizationOptions.int8());
      for (int trial = 0; trial < 4; trial++) {
        IntTensor x = qm.quantizeInput(randomInput(r, shape));
        assertEquals(scalar.infer(qm, x), vector.infer(qm, x), "seed " + seed + "\n" + qm);
      }
    }
  }

  /**
   * Narrow images, whose pooled rows are one to four values wide: the requantization's whole
   * vectors then reach past several rows, and must neither leave the plane nor the buffers.
   */
  @Test
  void narrowPooledRowsEqualScalarSpecification() {
    IntegerExecutor scalar = new IntegerExecutor(Kernels.SCALAR), vector = new IntegerExecutor(Kernels.VECTOR);
    for (int w = 3; w <= 10; w++) {
      for (int channels : new int[] {1, 3, 7}) {
        SplittableRandom r = new SplittableRandom(w * 31L + channels);
        Graph g = new ModelBuilder(w, 1, 1 + r.nextInt(2), 6 + r.nextInt(5), w).conv(channels, 3, 1, r.nextInt(2)).relu().maxPool(2, 2)
            .flatten().gemm(3).build();
        int[] shape = g.inputs().get(0).shape();
        QuantizedModel qm = Quantizer.quantize(g, List.of(randomInput(r, shape), randomInput(r, shape)), QuantizationOptions.int8());
        List<IntTensor> inputs = new ArrayList<>(), expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          inputs.add(qm.quantizeInput(randomInput(r, shape)));
          expected.add(scalar.infer(qm, inputs.getLast()));
          assertEquals(expected.getLast(), vector.infer(qm, inputs.getLast()), "width " + w + ", channels " + channels);
        }
        assertEquals(expected, vector.inferBatch(qm, inputs, 1), "width " + w + ", channels " + channels);
      }
    }
  }

  /**
   * inferBatch runs its images through the model several at a time (image blocking: channels-last
   * convolutions whose blocks of columns span images, dense layers four rows at a time where the
   * rows are dense enough); for every batch size from 1 to 13 it must equal the scalar
   * specification run image by image, on convolutional models (dense layers after a ReLU, sparse,
   * and after a sigmoid, dense) and on MLPs with a batch dimension inside the model.
   */
  @Test
  void imageBlockedBatchesEqualScalarSpecificationImageByImage() {
    IntegerExecutor scalar = new IntegerExecutor(Kernels.SCALAR), vector = new IntegerExecutor(Kernels.VECTOR);
    for (long seed = 1; seed <= 6; seed++) {
      SplittableRandom r = new SplittableRandom(seed * 104729);
      Graph g = seed % 3 == 0
          ? new ModelBuilder(seed, 1 + r.nextInt(3), 8 + r.nextInt(40)).gemm(1 + r.nextInt(40)).sigmoid().gemm(1 + r.nextInt(20)).relu()
              .gemm(5).build()
          : new ModelBuilder(seed, 1, 1 + r.nextInt(3), 12 + r.nextInt(8), 12 + r.nextInt(8)).conv(2 + r.nextInt(8), 3, 1, 1).relu()
              .maxPool(2, 2).conv(8 + r.nextInt(24), 3, 1, r.nextInt(2)).relu().maxPool(2, 2).flatten().gemm(1 + r.nextInt(30))
              .sigmoid().gemm(1 + r.nextInt(12)).build();
      int[] shape = g.inputs().get(0).shape();
      QuantizedModel qm = Quantizer.quantize(g, List.of(randomInput(r, shape), randomInput(r, shape)), QuantizationOptions.int8());
      for (int size = 1; size <= 13; size++) {
        List<IntTensor> inputs = new ArrayList<>(), expected = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          IntTensor x = qm.quantizeInput(randomInput(r, shape));
          inputs.add(x);
          expected.add(scalar.infer(qm, x));
        }
        assertEquals(expected, vector.inferBatch(qm, inputs, 1), "seed " + seed + " batch of " + size + "\n" + qm);
      }
    }
  }

  /**
   * The dense kernels' gathers on inputs of chosen sparsity: all zero, one nonzero (first, last,
   * in the tail past whole vectors), a tenth, half, all nonzero, mixed within four-row blocks so
   * that both the block kernel and the one-row kernels run; widths that are and are not whole
   * vectors. Batches of 1 to 9 through inferBatch, and one image at a time through infer, equal
   * the scalar specification.
   */
  @Test
  void denseGathersOnChosenSparsityEqualScalarSpecification() {
    IntegerExecutor scalar = new IntegerExecutor(Kernels.SCALAR), vector = new IntegerExecutor(Kernels.VECTOR);
    for (int width : new int[] {45, 64, 400}) {
      SplittableRandom r = new SplittableRandom(width);
      Graph g = new ModelBuilder(width, 1, width).gemm(37).relu().gemm(300).relu().gemm(9).build();
      QuantizedModel qm = Quantizer.quantize(g, List.of(randomInput(r, 1, width), randomInput(r, 1, width)), QuantizationOptions.int8());
      List<IntTensor> inputs = new ArrayList<>();
      for (double density : new double[] {0, -1, -2, -3, 0.1, 0.5, 1, 0.5, 0, 1}) {
        Tensor t = Tensor.zeros(1, width);
        if (density == -1) t.data()[0] = 1.5;
        if (density == -2) t.data()[width - 1] = -2.5;
        if (density == -3) t.data()[width / 8 * 8 - 1] = 0.75;
        for (int i = 0; i < width; i++) if (density > 0 && r.nextDouble() < density) t.data()[i] = r.nextGaussian() + (r.nextBoolean() ? 1 : -1);
        inputs.add(qm.quantizeInput(t));
      }
      List<IntTensor> expected = new ArrayList<>();
      for (IntTensor x : inputs) {
        expected.add(scalar.infer(qm, x));
        assertEquals(expected.getLast(), vector.infer(qm, x), "width " + width);
      }
      for (int size = 1; size <= 9; size++) {
        for (int from = 0; from + size <= inputs.size(); from += 3) {
          assertEquals(expected.subList(from, from + size), vector.inferBatch(qm, inputs.subList(from, from + size), 1), "width " + width + ", inputs " + from + ".." + (from + size));
        }
      }
    }
  }

  @Test
  void fusedInferenceEqualsScalarSpecificationOnLenetShapedModel() {
    IntegerExecutor scalar = new IntegerExecutor(Kernels.SCALAR), vector = new IntegerExecutor(Kernels.VECTOR);
    for (long seed = 1; seed <= 3; seed++) {
      Graph g = ModelBuilder.smallCnn(seed);
      SplittableRandom r = new SplittableRandom(seed);
      QuantizedModel qm = Quantizer.quantize(g, List.of(randomInput(r, 1, 1, 28, 28)), QuantizationOptions.int8());
      List<IntTensor> inputs = new ArrayList<>();
      for (int i = 0; i < 9; i++) inputs.add(qm.quantizeInput(randomInput(r, 1, 1, 28, 28)));
      List<IntTensor> expected = new ArrayList<>();
      for (IntTensor x : inputs) expected.add(scalar.infer(qm, x));
      assertEquals(expected, vector.inferBatch(qm, inputs, 1));
      assertEquals(expected, vector.inferBatch(qm, inputs, 2));
      assertEquals(expected, vector.inferBatch(qm, inputs, 3));
    }
  }

  @Test
  void everyOpOutputIsReportedInOrder() {
    Graph g = ModelBuilder.smallCnn(3);
    SplittableRandom r = new SplittableRandom(3);
    QuantizedModel qm = Quantizer.quantize(g, List.of(randomInput(r, 1, 1, 28, 28)), QuantizationOptions.int8());
    List<Integer> seen = new ArrayList<>();
    IntTensor x = qm.quantizeInput(randomInput(r, 1, 1, 28, 28));
    var trace = IntegerExecutor.create().run(qm, x, (k, op, out) -> {
      seen.add(k);
      assertArrayEquals(qm.tensor(op.output()).shape(), out.shape());
    });
    assertEquals(qm.ops().size(), seen.size());
    for (int k = 0; k < seen.size(); k++) assertEquals(k, seen.get(k));
    for (var op : qm.ops()) {
      var t = qm.tensor(op.output());
      for (int v : trace.value(op.output()).data()) assertTrue(v >= t.min() && v <= t.max(), "value " + v + " out of range of " + t);
    }
  }

  @Test
  void batchedInferenceOnTwoThreadsEqualsSequential() {
    Graph g = ModelBuilder.mlp784x56x10(5);
    SplittableRandom r = new SplittableRandom(5);
    QuantizedModel qm = Quantizer.quantize(g, List.of(randomInput(r, 1, 784)), QuantizationOptions.int8());
    List<IntTensor> inputs = new ArrayList<>();
    for (int i = 0; i < 37; i++) inputs.add(qm.quantizeInput(randomInput(r, 1, 784)));
    IntegerExecutor ix = IntegerExecutor.create();
    assertEquals(ix.inferBatch(qm, inputs, 1), ix.inferBatch(qm, inputs, 2));
  }

  @Test
  void wrongInputShapeNamesExpectedAndActual() {
    Graph g = ModelBuilder.mlp784x56x10(5);
    QuantizedModel qm = Quantizer.quantize(g, List.of(Tensor.zeros(1, 784)), QuantizationOptions.int8());
    var e = assertThrows(dev.zkinfer.InvalidInputException.class, () -> IntegerExecutor.create().infer(qm, new IntTensor(new int[] {1, 783}, new int[783])));
    assertTrue(e.getMessage().contains("[1,783]") && e.getMessage().contains("[1,784]"), e.getMessage());
    var f = assertThrows(IllegalArgumentException.class, () -> new dev.zkinfer.nn.graph.FloatExecutor(g).run(Tensor.zeros(1, 28, 28)));
    assertTrue(f.getMessage().contains("[1,28,28]") && f.getMessage().contains("[1,784]"), f.getMessage());
  }

  /** A value outside the input's integer range is refused, by both kernel sets, in the vector lanes or the tail. */
  @Test
  void inputValueOutsideItsRangeIsNamedWithItsIndex() {
    Graph g = ModelBuilder.mlp784x56x10(5);
    QuantizedModel qm = Quantizer.quantize(g, List.of(Tensor.zeros(1, 784)), QuantizationOptions.int8());
    int max = qm.tensor(qm.inputIds()[0]).max(), min = qm.tensor(qm.inputIds()[0]).min();
    for (IntegerExecutor ex : List.of(new IntegerExecutor(Kernels.SCALAR), new IntegerExecutor(Kernels.VECTOR))) {
      for (int at : new int[] {0, 5, 777, 783}) {
        for (int bad : new int[] {max + 1, min - 1}) {
          int[] d = new int[784];
          d[at] = bad;
          var e = assertThrows(dev.zkinfer.InvalidInputException.class, () -> ex.infer(qm, new IntTensor(new int[] {1, 784}, d)));
          assertTrue(e.getMessage().contains("value " + bad + " at " + at + " is outside"), e.getMessage());
        }
      }
      int[] edges = new int[784];
      for (int i = 0; i < edges.length; i++) edges[i] = i % 2 == 0 ? max : min;
      assertEquals(10, ex.infer(qm, new IntTensor(new int[] {1, 784}, edges)).size());
    }
  }

  @Test
  void requantizationRoundsHalfUpAndStaysBelowTwoToThe63() {
    assertEquals(2, Requantize.apply(3, 1 << 23, 24)); // 1.5 -> 2
    assertEquals(-1, Requantize.apply(-3, 1 << 23, 24)); // -1.5 -> -1 (half up)
    var m = Requantize.multiplier(0.0123);
    assertTrue(m.m() >= 1 << 23 && m.m() < 1 << 24);
    assertEquals(0.0123, m.value(), 0.0123 * 1e-7);
    assertTrue((double) Integer.MAX_VALUE * m.m() < 0x1p63);
  }

  @Test
  void vggQuantizesAndTracksFloat() {
    Graph g = ModelBuilder.vgg11(7);
    SplittableRandom r = new SplittableRandom(7);
    List<Tensor> calib = List.of(randomInput(r, 1, 3, 32, 32), randomInput(r, 1, 3, 32, 32));
    QuantizedModel qm = Quantizer.quantize(g, calib, QuantizationOptions.int8());
    QuantizationReport rep = QuantizationReport.compare(g, qm, calib);
    assertTrue(rep.relativeMaxError() < 0.1, rep.toString());
  }
}
