package dev.zkinfer.arrow;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes Arrow IPC test files with Arrow Java's own writer (and, for compressed files, Arrow's
 * arrow-compression codecs: zstd-jni and commons-compress), the way other tools write them: any
 * column types, the file or the stream format, several record batches. Rows are given as Java
 * values: a Number or Boolean for a scalar, a List for a list, null for a null.
 */
final class ArrowFileMaker {
  private ArrowFileMaker() {}

  static final ArrowType F32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
  static final ArrowType F64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
  static final ArrowType F16 = new ArrowType.FloatingPoint(FloatingPointPrecision.HALF);

  static Field scalar(String name, ArrowType type) {
    return new Field(name, FieldType.nullable(type), null);
  }

  static Field list(String name, Field child) {
    return new Field(name, FieldType.nullable(ArrowType.List.INSTANCE), List.of(child));
  }

  static Field largeList(String name, Field child) {
    return new Field(name, FieldType.nullable(ArrowType.LargeList.INSTANCE), List.of(child));
  }

  static Field fixedList(String name, int size, Field child) {
    return new Field(name, FieldType.nullable(new ArrowType.FixedSizeList(size)), List.of(child));
  }

  /** How to write: the IPC file or stream format, a codec (NO_COMPRESSION, ZSTD, LZ4_FRAME), rows per batch. */
  record How(boolean stream, CompressionUtil.CodecType codec, int rowsPerBatch) {
    static final How FILE = new How(false, CompressionUtil.CodecType.NO_COMPRESSION, Integer.MAX_VALUE);
    static final How STREAM = new How(true, CompressionUtil.CodecType.NO_COMPRESSION, Integer.MAX_VALUE);
  }

  /** Writes the columns (field → its rows; all of one length) to {@code file}. */
  static Path write(Path file, How how, Map<Field, List<?>> columns) throws IOException {
    List<Field> fields = List.copyOf(columns.keySet());
    int rows = columns.get(fields.get(0)).size();
    CompressionCodec.Factory codecs = how.codec() == CompressionUtil.CodecType.NO_COMPRESSION
        ? NoCompressionCodec.Factory.INSTANCE : CommonsCompressionFactory.INSTANCE;
    try (BufferAllocator alloc = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), alloc);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        ArrowWriter writer = how.stream()
            ? new ArrowStreamWriter(root, null, ch, IpcOption.DEFAULT, codecs, how.codec(), Optional.empty())
            : new ArrowFileWriter(root, null, ch, null, IpcOption.DEFAULT, codecs, how.codec(), Optional.empty())) {
      writer.start();
      for (int from = 0; from < rows; from += how.rowsPerBatch()) {
        int n = Math.min(how.rowsPerBatch(), rows - from);
        root.allocateNew();
        for (int c = 0; c < fields.size(); c++) {
          List<?> values = columns.get(fields.get(c));
          for (int r = 0; r < n; r++) {
            put(root.getVector(c), r, values.get(from + r));
          }
        }
        root.setRowCount(n);
        writer.writeBatch();
      }
      writer.end();
    }
    return file;
  }

  private static void put(ValueVector v, int i, Object x) {
    if (x == null) {
      switch (v) {
        case BaseFixedWidthVector f -> f.setNull(i);
        case ListVector l -> l.setNull(i);
        case LargeListVector l -> l.setNull(i);
        case FixedSizeListVector l -> l.setNull(i);
        case VarCharVector s -> s.setNull(i);
        default -> throw new IllegalArgumentException(v.getClass().toString());
      }
      return;
    }
    switch (v) {
      case Float4Vector f -> f.setSafe(i, ((Number) x).floatValue());
      case Float8Vector f -> f.setSafe(i, ((Number) x).doubleValue());
      case Float2Vector f -> f.setSafeWithPossibleTruncate(i, ((Number) x).floatValue());
      case TinyIntVector n -> n.setSafe(i, ((Number) x).byteValue());
      case SmallIntVector n -> n.setSafe(i, ((Number) x).shortValue());
      case IntVector n -> n.setSafe(i, ((Number) x).intValue());
      case BigIntVector n -> n.setSafe(i, ((Number) x).longValue());
      case UInt1Vector n -> n.setSafe(i, ((Number) x).intValue());
      case UInt8Vector n -> n.setSafe(i, ((Number) x).longValue());
      case BitVector b -> b.setSafe(i, ((Boolean) x) ? 1 : 0);
      case VarCharVector s -> s.setSafe(i, x.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      case ListVector l -> {
        List<?> items = (List<?>) x;
        int start = l.startNewValue(i);
        for (int k = 0; k < items.size(); k++) put(l.getDataVector(), start + k, items.get(k));
        l.endValue(i, items.size());
      }
      case LargeListVector l -> {
        List<?> items = (List<?>) x;
        long start = l.startNewValue(i);
        for (int k = 0; k < items.size(); k++) put(l.getDataVector(), (int) start + k, items.get(k));
        l.endValue(i, items.size());
      }
      case FixedSizeListVector l -> {
        List<?> items = (List<?>) x;
        if (items.size() != l.getListSize()) throw new IllegalArgumentException("fixed-size list of " + l.getListSize());
        l.startNewValue(i);
        for (int k = 0; k < items.size(); k++) put(l.getDataVector(), i * l.getListSize() + k, items.get(k));
      }
      default -> throw new IllegalArgumentException(v.getClass().toString());
    }
  }
}
