package dev.zkinfer.arrow;

import dev.zkinfer.nn.tensor.Shapes;
import dev.zkinfer.nn.tensor.Tensor;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.BaseListVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Batches of inputs in Arrow IPC files (the random-access "file" format): one row per inference,
 * one column holding each row's flattened values as a FixedSizeList&lt;float32&gt; (written by
 * {@link #write}) or a List / FixedSizeList of float32 or float64 (accepted by {@link #read}).
 * Stateless static functions: thread-safe (each call has its own Arrow allocator).
 */
public final class ArrowBatches {
  private ArrowBatches() {}

  /** Writes rows (all of the same shape) to column {@code column} as FixedSizeList&lt;float&gt;. */
  public static void write(Path file, String column, List<Tensor> rows) throws IOException {
    if (rows.isEmpty()) throw new IllegalArgumentException("no rows to write");
    int width = rows.get(0).size();
    Field child = new Field("item", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
    Field field = new Field(column, FieldType.notNullable(new ArrowType.FixedSizeList(width)), List.of(child));
    try (BufferAllocator alloc = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(List.of(field)), alloc);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, ch)) {
      FixedSizeListVector list = (FixedSizeListVector) root.getVector(column);
      Float4Vector values = (Float4Vector) list.getDataVector();
      list.allocateNew();
      values.allocateNew(rows.size() * width);
      for (int r = 0; r < rows.size(); r++) {
        Tensor t = rows.get(r);
        if (t.size() != width) throw new IllegalArgumentException("row " + r + " has " + t.size() + " values, row 0 has " + width);
        list.setNotNull(r);
        for (int i = 0; i < width; i++) values.set(r * width + i, (float) t.get(i));
      }
      values.setValueCount(rows.size() * width);
      list.setValueCount(rows.size());
      root.setRowCount(rows.size());
      writer.start();
      writer.writeBatch();
      writer.end();
    }
  }

  /** Reads every row of column {@code column} (null: the first column) as a tensor of {@code rowShape}. */
  public static List<Tensor> read(Path file, String column, int[] rowShape) throws IOException {
    int width = Shapes.size(rowShape);
    List<Tensor> out = new ArrayList<>();
    try (BufferAllocator alloc = new RootAllocator();
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ArrowFileReader reader = new ArrowFileReader(ch, alloc)) {
      while (reader.loadNextBatch()) {
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        FieldVector v = column == null ? (root.getFieldVectors().isEmpty() ? null : root.getFieldVectors().get(0)) : root.getVector(column);
        if (v == null) throw new IOException(file + ": no column '" + column + "' (columns: " + root.getSchema().getFields() + ")");
        if (!(v instanceof BaseListVector)) throw new IOException(file + ": column '" + column + "' is " + v.getField().getType() + ", not a list of floats");
        FieldVector data = v instanceof FixedSizeListVector f ? f.getDataVector() : ((ListVector) v).getDataVector();
        for (int r = 0; r < root.getRowCount(); r++) {
          int start, end;
          if (v instanceof FixedSizeListVector f) {
            start = r * f.getListSize();
            end = start + f.getListSize();
          } else {
            ListVector l = (ListVector) v;
            start = l.getElementStartIndex(r);
            end = l.getElementEndIndex(r);
          }
          if (end - start != width) {
            throw new IOException(file + ": row " + r + " has " + (end - start) + " values, expected " + width + " for shape " + Shapes.str(rowShape));
          }
          double[] d = new double[width];
          for (int i = 0; i < width; i++) {
            d[i] = switch (data) {
              case Float4Vector f4 -> f4.get(start + i);
              case Float8Vector f8 -> f8.get(start + i);
              default -> throw new IOException(file + ": column '" + column + "' holds " + data.getField().getType() + ", not floats");
            };
          }
          out.add(Tensor.of(rowShape, d));
        }
      }
    }
    return out;
  }
}
