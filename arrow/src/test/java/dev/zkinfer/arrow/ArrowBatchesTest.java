package dev.zkinfer.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.zkinfer.nn.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrowBatchesTest {
  @Test
  void arrowBatchesRoundTrip(@TempDir Path dir) throws Exception {
    List<Tensor> rows = new ArrayList<>();
    for (int r = 0; r < 5; r++) {
      Tensor t = Tensor.zeros(1, 2, 3);
      for (int i = 0; i < t.size(); i++) t.data()[i] = (float) (r * 0.25 - i);
      rows.add(t);
    }
    Path file = dir.resolve("batch.arrow");
    ArrowBatches.write(file, "input", rows);
    List<Tensor> back = ArrowBatches.read(file, "input", new int[] {1, 2, 3});
    assertEquals(5, back.size());
    for (int r = 0; r < 5; r++) assertArrayEquals(rows.get(r).data(), back.get(r).data(), 0);
    var e = assertThrows(java.io.IOException.class, () -> ArrowBatches.read(file, "input", new int[] {1, 7}));
    assertEquals(true, e.getMessage().contains("expected 7"), e.getMessage());
    assertThrows(java.io.IOException.class, () -> ArrowBatches.read(file, "nope", new int[] {1, 2, 3}));
    Files.write(dir.resolve("junk.arrow"), new byte[] {1, 2, 3});
    assertThrows(Exception.class, () -> ArrowBatches.read(dir.resolve("junk.arrow"), "input", new int[] {6}));
  }
}
