package dev.zkinfer.nn.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.nn.quant.IntegerExecutor;
import dev.zkinfer.nn.quant.QTensor;
import dev.zkinfer.nn.quant.QuantizationOptions;
import dev.zkinfer.nn.quant.QuantizedModel;
import dev.zkinfer.nn.quant.Quantizer;
import dev.zkinfer.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A token embedding of GPT-2's 50,257 rows (beyond the direct one-hot's 4,096) selects through the
 * residues of the id (OperatorLowering.gatherByResidues): the float graph matches a plain row
 * lookup exactly, the ids input keeps scale 1 in 17 bits at int16, and the integer model picks
 * each row (the dequantized embedding within the table's int8 rounding of the right row, far from
 * any other), for ids across the whole vocabulary, its ends included.
 */
class LargeVocabularyGatherTest {
  static final int VOCAB = 50_257, D = 8, T = 16;

  /** ids -> Gather(table) -> output, the table's rows distinct. */
  static Graph embedding(Tensor table) {
    Node g = new Node("embed", "Gather", 0, 13, List.of("table", "ids"), List.of("out"), java.util.Map.of("axis", 0L));
    return GraphAssembler.assemble(List.of(g), java.util.Map.of("table", table), List.of(new ValueInfo("ids", new int[] {1, T})),
        List.of("out"), 1, 1);
  }

  static Tensor ids(long... v) {
    double[] d = new double[v.length];
    for (int i = 0; i < d.length; i++) d[i] = v[i];
    return Tensor.of(new int[] {1, v.length}, d);
  }

  @Test
  void embeddingOfFiftyThousandRowsPicksEveryRowExactly() {
    SplittableRandom rnd = new SplittableRandom(7);
    double[] t = new double[VOCAB * D];
    for (int i = 0; i < t.length; i++) t[i] = rnd.nextDouble() * 2 - 1;
    Tensor table = Tensor.of(new int[] {VOCAB, D}, t);
    Graph g = embedding(table);
    assertTrue(g.nodes().stream().anyMatch(n -> n.opType().equals("Mod")), "the residue path");
    List<Tensor> calibration = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      long[] v = new long[T];
      for (int i = 0; i < T; i++) v[i] = rnd.nextInt(VOCAB);
      v[0] = VOCAB - 1;
      calibration.add(ids(v));
    }
    QuantizedModel qm = Quantizer.quantize(g, calibration, QuantizationOptions.int16());
    QTensor in = qm.input();
    assertEquals(1.0, in.scale(), "ids keep scale 1");
    assertTrue(in.max() >= VOCAB - 1, "the ids' width holds the vocabulary: " + in);
    FloatExecutor fx = new FloatExecutor(g);
    IntegerExecutor ex = IntegerExecutor.create();
    long[][] prompts = {{0, 1, 2, 224, 225, 226, 50_255, 50_256, 50_000, 12_345, 31_337, 32_767, 32_768, 40_000, 7, 99},
        rnd.longs(T, 0, VOCAB).toArray()};
    for (long[] p : prompts) {
      Tensor want = fx.run(ids(p));
      Tensor got = qm.dequantize(qm.outputIds()[0], ex.infer(qm, qm.quantizeInput(ids(p))));
      for (int i = 0; i < T; i++) {
        for (int c = 0; c < D; c++) {
          assertEquals(t[(int) p[i] * D + c], want.get(i * D + c), 0, "float row of id " + p[i]);
          // int8 per-column weights: half a step of 1/127, plus the output's int16 rounding
          assertEquals(want.get(i * D + c), got.get(i * D + c), 0.006, "integer row of id " + p[i] + ", column " + c);
        }
      }
    }
    // an id outside the vocabulary selects no row
    long[] bad = prompts[0].clone();
    bad[3] = VOCAB;
    Tensor got = qm.dequantize(qm.outputIds()[0], ex.infer(qm, qm.quantizeInput(ids(bad))));
    double[] row = new double[D];
    System.arraycopy(got.data(), 3 * D, row, 0, D);
    assertArrayEquals(new double[D], row, 0, "id " + VOCAB + " selects nothing");
  }
}
