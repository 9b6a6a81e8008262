package dev.zkinfer.arrow;

import static dev.zkinfer.arrow.ArrowFileMaker.F16;
import static dev.zkinfer.arrow.ArrowFileMaker.F32;
import static dev.zkinfer.arrow.ArrowFileMaker.F64;
import static dev.zkinfer.arrow.ArrowFileMaker.fixedList;
import static dev.zkinfer.arrow.ArrowFileMaker.largeList;
import static dev.zkinfer.arrow.ArrowFileMaker.list;
import static dev.zkinfer.arrow.ArrowFileMaker.scalar;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zkinfer.InvalidInputException;
import dev.zkinfer.nn.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.vector.compression.CompressionUtil.CodecType;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrowBatchesTest {
  @TempDir Path dir;

  @Test
  void arrowBatchesRoundTrip() throws Exception {
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
    var e = assertThrows(InvalidInputException.class, () -> ArrowBatches.read(file, "input", new int[] {1, 7}));
    assertTrue(e.getMessage().contains("column 'input', row 0 has 6 values, expected 7"), e.getMessage());
    var none = assertThrows(InvalidInputException.class, () -> ArrowBatches.read(file, "nope", new int[] {1, 2, 3}));
    assertTrue(none.getMessage().contains("no column 'nope' (columns: input)"), none.getMessage());
    Path feather1 = Files.write(dir.resolve("old.feather"), "FEA1\0\0\0\0 and the rest of a version 1 file".getBytes());
    assertTrue(ArrowBatches.isArrow(feather1));
    var v1 = assertThrows(InvalidInputException.class, () -> ArrowBatches.readColumns(feather1));
    assertTrue(v1.getMessage().startsWith(feather1 + ": a Feather version 1 file (FEA1)"), v1.getMessage());
    Files.write(dir.resolve("junk.arrow"), new byte[] {1, 2, 3});
    assertThrows(InvalidInputException.class, () -> ArrowBatches.read(dir.resolve("junk.arrow"), "input", new int[] {6}));
  }

  /** Three rows of every layout and number type users write; each row's values flattened row-major. */
  static Map<Field, List<?>> everyLayout() {
    Map<Field, List<?>> m = new LinkedHashMap<>();
    m.put(list("list_f32", scalar("item", F32)), List.of(List.of(0.5, -1.25, 3.0), List.of(), List.of(7.75)));
    m.put(list("list_f64", scalar("item", F64)), List.of(List.of(0.1, 0.2), List.of(1e-300), List.of(-2.5, 4.0, 1.0 / 3)));
    m.put(largeList("large_list_f64", scalar("item", F64)), List.of(List.of(1.5, 2.5), List.of(-0.1), List.of()));
    m.put(fixedList("fixed_f32", 2, scalar("item", F32)), List.of(List.of(1.0, 2.0), List.of(3.0, -4.5), List.of(0.0, 0.25)));
    m.put(fixedList("fixed_f64", 3, scalar("item", F64)), List.of(List.of(0.1, 0.2, 0.3), List.of(1.0, 2.0, 3.0), List.of(-1.0, -2.0, 1e10)));
    m.put(list("nested", fixedList("item", 2, scalar("item", F32))),
        List.of(List.of(List.of(1.0, 2.0), List.of(3.0, 4.0)), List.of(List.of(5.0, 6.0)), List.of()));
    m.put(list("ints", scalar("item", new ArrowType.Int(32, true))), List.of(List.of(1, -2, 3), List.of(0), List.of(Integer.MIN_VALUE)));
    m.put(list("longs", scalar("item", new ArrowType.Int(64, true))), List.of(List.of(1L << 53, -(1L << 53)), List.of(5L), List.of()));
    m.put(list("bytes", scalar("item", new ArrowType.Int(8, true))), List.of(List.of(-128, 127), List.of(0), List.of(1)));
    m.put(list("ubytes", scalar("item", new ArrowType.Int(8, false))), List.of(List.of(255, 0), List.of(128), List.of(1)));
    m.put(list("bools", scalar("item", ArrowType.Bool.INSTANCE)), List.of(List.of(true, false, true), List.of(false), List.of(true)));
    m.put(list("halves", scalar("item", F16)), List.of(List.of(0.5, -2.0), List.of(1024.0), List.of(0.125)));
    m.put(scalar("feature_f64", F64), List.of(0.5, -1.5, 2.0));
    m.put(scalar("feature_i16", new ArrowType.Int(16, true)), List.of(-7, 8, 9));
    return m;
  }

  static final double[][][] EVERY_LAYOUT_VALUES = {
    {{0.5, -1.25, 3.0}, {}, {7.75}},
    {{0.1, 0.2}, {1e-300}, {-2.5, 4.0, 1.0 / 3}},
    {{1.5, 2.5}, {-0.1}, {}},
    {{1.0, 2.0}, {3.0, -4.5}, {0.0, 0.25}},
    {{0.1, 0.2, 0.3}, {1.0, 2.0, 3.0}, {-1.0, -2.0, 1e10}},
    {{1, 2, 3, 4}, {5, 6}, {}},
    {{1, -2, 3}, {0}, {Integer.MIN_VALUE}},
    {{1L << 53, -(1L << 53)}, {5}, {}},
    {{-128, 127}, {0}, {1}},
    {{255, 0}, {128}, {1}},
    {{1, 0, 1}, {0}, {1}},
    {{0.5, -2.0}, {1024.0}, {0.125}},
    {{0.5}, {-1.5}, {2.0}},
    {{-7}, {8}, {9}},
  };

  private static void assertEveryLayout(List<ArrowBatches.Column> cols) {
    assertEquals(EVERY_LAYOUT_VALUES.length, cols.size());
    List<String> names = new ArrayList<>(everyLayout().keySet().stream().map(Field::getName).toList());
    for (int c = 0; c < cols.size(); c++) {
      ArrowBatches.Column col = cols.get(c);
      assertEquals(names.get(c), col.name());
      assertEquals(3, col.rows().size(), col.name());
      for (int r = 0; r < 3; r++) {
        assertArrayEquals(EVERY_LAYOUT_VALUES[c][r], col.rows().get(r), 0, col.name() + " row " + r);
      }
    }
    assertFalse(cols.get(0).scalar());
    assertTrue(cols.get(cols.size() - 1).scalar());
    assertEquals("LargeList<FloatingPoint(DOUBLE)>", cols.get(2).type());
  }

  @Test
  void readsEveryListLayoutAndNumberTypeInBothFormats() throws Exception {
    for (ArrowFileMaker.How how : List.of(ArrowFileMaker.How.FILE, ArrowFileMaker.How.STREAM,
        new ArrowFileMaker.How(false, CodecType.NO_COMPRESSION, 1), new ArrowFileMaker.How(true, CodecType.NO_COMPRESSION, 2))) {
      Path f = ArrowFileMaker.write(dir.resolve("layouts-" + how.stream() + how.rowsPerBatch() + ".arrow"), how, everyLayout());
      assertTrue(ArrowBatches.isArrow(f));
      assertEveryLayout(ArrowBatches.readColumns(f));
    }
  }

  @Test
  void readsZstdAndLz4CompressedFilesAsArrowJavaWritesThem() throws Exception {
    // Large enough columns that the codecs compress them (a buffer that would grow is stored as is).
    Random rnd = new Random(7);
    List<List<Double>> rows = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      List<Double> row = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) row.add(i % 97 == 0 ? rnd.nextGaussian() : (double) ((i / 50) % 7));
      rows.add(row);
    }
    for (CodecType codec : List.of(CodecType.ZSTD, CodecType.LZ4_FRAME)) {
      for (boolean stream : new boolean[] {false, true}) {
        Map<Field, List<?>> cols = everyLayout();
        Path small = ArrowFileMaker.write(dir.resolve("small-" + codec + stream), new ArrowFileMaker.How(stream, codec, 2), cols);
        assertEveryLayout(ArrowBatches.readColumns(small));

        Map<Field, List<?>> big = new LinkedHashMap<>();
        big.put(list("x", scalar("item", F64)), rows);
        Path f = ArrowFileMaker.write(dir.resolve("big-" + codec + stream), new ArrowFileMaker.How(stream, codec, 3), big);
        assertTrue(Files.size(f) < 4 * 20_000 * 8 / 4, codec + " compressed the file: " + Files.size(f) + " bytes");
        List<double[]> back = ArrowBatches.readColumns(f).get(0).rows();
        assertEquals(4, back.size());
        for (int r = 0; r < 4; r++) {
          assertArrayEquals(rows.get(r).stream().mapToDouble(Double::doubleValue).toArray(), back.get(r), 0, codec + " row " + r);
        }
      }
    }
  }

  @Test
  void decodesLinkedAndIndependentLz4Blocks() throws Exception {
    // pyarrow's LZ4 frames link their blocks (a match may reach into the previous block); Arrow
    // Java's are independent. Both (linked with checksums, independent without) over two 64 KiB blocks; a decoder
    // that kept each block apart fails the linked frame (checked by hand: "match offset 251 points before the data").
    Random rnd = new Random(3);
    byte[] data = new byte[100_000];
    for (int i = 0; i < data.length; i++) data[i] = i % 1000 < 700 ? (byte) ((i * 31) % 251) : (byte) rnd.nextInt(4);
    // (commons-compress's LZ4 compressor takes seconds on this data: two of the four combinations)
    for (boolean linked : new boolean[] {true, false}) {
      boolean checksums = linked;
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      var p = new FramedLZ4CompressorOutputStream.Parameters(FramedLZ4CompressorOutputStream.BlockSize.K64, checksums, checksums, linked,
          org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream.createParameterBuilder().tunedForSpeed().build());
      try (var out = new FramedLZ4CompressorOutputStream(bytes, p)) {
        out.write(data);
      }
      byte[] frame = bytes.toByteArray();
      assertTrue(frame.length < data.length / 2, "compressed: " + frame.length);
      assertArrayEquals(data, Lz4Frame.decode(frame, 0, frame.length, data.length), "linked " + linked + ", checksums " + checksums);
      // A wrong announced length, a truncation or damage is an IllegalArgumentException, never an index error.
      assertThrows(IllegalArgumentException.class, () -> Lz4Frame.decode(frame, 0, frame.length, data.length - 1));
      assertThrows(IllegalArgumentException.class, () -> Lz4Frame.decode(frame, 0, frame.length, data.length + 1));
      for (int cut = 0; cut < frame.length; cut += 997) {
        int end = cut;
        assertThrows(IllegalArgumentException.class, () -> Lz4Frame.decode(frame, 0, end, data.length));
      }
      for (int at = 0; at < frame.length; at += 1013) {
        byte[] bad = frame.clone();
        bad[at] ^= (byte) 0xA5;
        try {
          Lz4Frame.decode(bad, 0, bad.length, data.length);
        } catch (IllegalArgumentException expected) {
          // damage found; a flip inside literals decodes to other bytes, as in an uncompressed file
        }
      }
    }
  }

  @Test
  void nullsAndUnsupportedColumnsAreNamedInOneLine() throws Exception {
    Map<Field, List<?>> withNullRow = new LinkedHashMap<>();
    withNullRow.put(list("pixels", scalar("item", F32)), Arrays.asList(List.of(1.0), null, List.of(2.0)));
    Path f1 = ArrowFileMaker.write(dir.resolve("null-row.arrow"), ArrowFileMaker.How.FILE, withNullRow);
    ArrowBatches.Column c1 = ArrowBatches.readColumns(f1).get(0);
    assertTrue(c1.numeric());
    var e1 = assertThrows(InvalidInputException.class, c1::rows);
    assertEquals(f1 + ": column 'pixels' (List<FloatingPoint(SINGLE)>), row 1: null value (inputs must be numbers)", e1.getMessage());

    Map<Field, List<?>> withNullItem = new LinkedHashMap<>();
    withNullItem.put(largeList("pixels", scalar("item", F64)), List.of(List.of(1.0), Arrays.asList(2.0, null)));
    Path f2 = ArrowFileMaker.write(dir.resolve("null-item.arrow"), ArrowFileMaker.How.STREAM, withNullItem);
    var e2 = assertThrows(InvalidInputException.class, () -> ArrowBatches.readColumns(f2).get(0).rows());
    assertTrue(e2.getMessage().contains("column 'pixels'") && e2.getMessage().contains("row 1: null value"), e2.getMessage());

    Map<Field, List<?>> strings = new LinkedHashMap<>();
    strings.put(scalar("x", F32), List.of(1.0));
    strings.put(scalar("label", ArrowType.Utf8.INSTANCE), List.of("cat"));
    Path f3 = ArrowFileMaker.write(dir.resolve("strings.arrow"), ArrowFileMaker.How.FILE, strings);
    // A label column beside the inputs is listed, not read: only its rows are refused.
    List<ArrowBatches.Column> c3 = ArrowBatches.readColumns(f3);
    assertArrayEquals(new double[] {1.0}, c3.get(0).rows().get(0), 0);
    assertFalse(c3.get(1).numeric());
    assertFalse(c3.get(1).scalar());
    var e3 = assertThrows(InvalidInputException.class, () -> c3.get(1).rows());
    assertTrue(e3.getMessage().startsWith(f3 + ": column 'label' (Utf8): values of type Utf8 are not numbers"), e3.getMessage());

    Map<Field, List<?>> huge = new LinkedHashMap<>();
    huge.put(list("ids", scalar("item", new ArrowType.Int(64, true))), List.of(List.of((1L << 53) + 1)));
    Path f4 = ArrowFileMaker.write(dir.resolve("huge.arrow"), ArrowFileMaker.How.FILE, huge);
    var e4 = assertThrows(InvalidInputException.class, () -> ArrowBatches.readColumns(f4).get(0).rows());
    assertTrue(e4.getMessage().contains("integer 9007199254740993 is too large"), e4.getMessage());
  }

  @Test
  void everyTruncationOrFlippedByteIsAOneLineErrorOrAFile() throws Exception {
    Map<Field, List<?>> cols = new LinkedHashMap<>();
    List<List<Double>> rows = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      List<Double> row = new ArrayList<>();
      for (int i = 0; i < 3000; i++) row.add((double) ((i / 10) % 5) + r);
      rows.add(row);
    }
    cols.put(list("x", scalar("item", F32)), rows);
    cols.put(fixedList("y", 2, scalar("item", F64)), List.of(List.of(1.0, 2.0), List.of(3.0, 4.0), List.of(5.0, 6.0)));
    for (ArrowFileMaker.How how : List.of(ArrowFileMaker.How.FILE, ArrowFileMaker.How.STREAM,
        new ArrowFileMaker.How(false, CodecType.ZSTD, 2), new ArrowFileMaker.How(true, CodecType.LZ4_FRAME, 2))) {
      Path good = ArrowFileMaker.write(dir.resolve("good.arrow"), how, cols);
      byte[] bytes = Files.readAllBytes(good);
      Path bad = dir.resolve("bad.arrow");
      int step = Math.max(1, bytes.length / 150);
      for (int len = 0; len < bytes.length; len += step) {
        Files.write(bad, Arrays.copyOf(bytes, len));
        oneLineErrorOrColumns(bad, how + ", truncated to " + len);
      }
      for (int at = 0; at < bytes.length; at += step) {
        byte[] b = bytes.clone();
        b[at] ^= (byte) 0x5A;
        Files.write(bad, b);
        oneLineErrorOrColumns(bad, how + ", byte " + at + " flipped");
      }
    }
  }

  private static void oneLineErrorOrColumns(Path file, String what) throws Exception {
    try {
      for (ArrowBatches.Column c : ArrowBatches.readColumns(file)) c.rows();
    } catch (InvalidInputException e) {
      assertTrue(e.getMessage().startsWith(file + ": "), what + ": " + e.getMessage());
      assertFalse(e.getMessage().contains("\n"), what + ": one line: " + e.getMessage());
    }
  }
}
