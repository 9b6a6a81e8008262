package dev.zkinfer.arrow;

import dev.zkinfer.InvalidInputException;
import dev.zkinfer.MalformedInputException;
import dev.zkinfer.nn.tensor.Shapes;
import dev.zkinfer.nn.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.ListViewVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Model inputs in Arrow IPC files, as users write them (pyarrow, Arrow Java, Polars, pandas'
 * {@code to_feather}): the file format ({@code ARROW1} magic; Feather v2) or the stream format,
 * uncompressed or with {@code ZSTD} or {@code LZ4_FRAME} body compression, one or more record
 * batches. Each column is read as one list of rows; a row's value may be a number (float16/32/64,
 * a signed or unsigned integer, a boolean as 1/0) or a list of them: {@code list},
 * {@code large_list}, {@code fixed_size_list} or {@code list_view}, nested to any depth (a list of
 * lists is flattened row-major). Nulls, dictionary-encoded columns and other types (strings,
 * decimals, structs, ...) are refused with one line naming the file, the column and the problem.
 * What the rows mean for a model (one row per batch, one per sample, ...) is the caller's
 * business. Stateless static functions: thread-safe (each call has its own Arrow allocator).
 */
public final class ArrowBatches {
  private ArrowBatches() {}

  /** The largest integer every double holds exactly; larger integer inputs are refused, not rounded. */
  private static final long EXACT_INTEGER = 1L << 53;

  /**
   * One column of an Arrow file: its name, its type in Arrow's words ({@code List<FloatingPoint(SINGLE)>}),
   * and each row's values flattened. A column that cannot be read as numbers (a type that is not
   * numbers, a null, an integer past 2^53) is still listed, so that a file may carry labels or
   * ids next to its inputs; its {@link #rows} throws the reason. Immutable by convention: callers
   * must not modify the arrays.
   */
  public static final class Column {
    private final String name;
    private final String type;
    private final boolean numeric;
    private final List<double[]> rows;
    private final String problem;

    Column(String name, String type, boolean numeric, List<double[]> rows, String problem) {
      this.name = name;
      this.type = type;
      this.numeric = numeric;
      this.rows = rows;
      this.problem = problem;
    }

    public String name() {
      return name;
    }

    /** The column's Arrow type, children in angle brackets: {@code FixedSizeList(3)<FloatingPoint(SINGLE)>}. */
    public String type() {
      return type;
    }

    /** True when the column's type holds numbers (numbers or lists of them), whether or not its values can all be read. */
    public boolean numeric() {
      return numeric;
    }

    /** True when each row is one number (not a list): a table of features, one per column. */
    public boolean scalar() {
      return numeric && !type.contains("<");
    }

    /**
     * Each row's values, flattened.
     *
     * @throws InvalidInputException (one line naming the file, column and, for a bad value, the
     *     row) when the column cannot be read as numbers
     */
    public List<double[]> rows() {
      if (problem != null) throw new InvalidInputException(problem);
      return rows;
    }
  }

  /**
   * True when the file starts like an Arrow IPC file ({@code ARROW1}) or stream (a continuation
   * marker, 0xFFFFFFFF), or a Feather version 1 file ({@code FEA1}, which {@link #readColumns} refuses by name).
   */
  public static boolean isArrow(Path file) throws IOException {
    return format(file) != null;
  }

  private static String format(Path file) throws IOException {
    byte[] head = new byte[6];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, 6);
    }
    if (n == 6 && Arrays.equals(head, new byte[] {'A', 'R', 'R', 'O', 'W', '1'})) return "file";
    if (n >= 4 && head[0] == -1 && head[1] == -1 && head[2] == -1 && head[3] == -1) return "stream";
    if (n >= 4 && head[0] == 'F' && head[1] == 'E' && head[2] == 'A' && head[3] == '1') return "feather1";
    return null;
  }

  /**
   * Every column of the file, in schema order, with the rows of all its record batches.
   *
   * A column that cannot be read as numbers is listed too; its {@link Column#rows} throws why.
   *
   * @throws MalformedInputException (one line naming the file) when the file is not a readable
   *     Arrow IPC file or stream (truncated, damaged, corrupt compressed data)
   */
  public static List<Column> readColumns(Path file) throws IOException {
    String format = format(file);
    if (format == null) throw new MalformedInputException(file + ": not an Arrow IPC file (no ARROW1 magic) or stream");
    if (format.equals("feather1")) {
      throw new InvalidInputException(file + ": a Feather version 1 file (FEA1), the format before Arrow IPC, which zkinfer does not read; "
          + "write it again as Feather version 2 (pyarrow.feather.write_feather's default) or an Arrow IPC file");
    }
    // Bounded so that a damaged length cannot take all native memory: the values end up in the
    // heap as doubles anyway, at twice a float32 file's size.
    long limit = Math.max(256L << 20, Runtime.getRuntime().maxMemory() / 2);
    try (BufferAllocator alloc = new RootAllocator(limit);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ArrowReader reader = format.equals("file")
            ? new ArrowFileReader(ch, alloc, InputCodecs.INSTANCE)
            : new ArrowStreamReader(ch, alloc, InputCodecs.INSTANCE)) {
      Schema schema = reader.getVectorSchemaRoot().getSchema();
      List<Field> fields = schema.getFields();
      int k = fields.size();
      List<List<double[]>> rows = new ArrayList<>();
      String[] problems = new String[k];
      boolean[] numeric = new boolean[k];
      for (int c = 0; c < k; c++) {
        Field f = fields.get(c);
        String unsupported = unsupported(f);
        numeric[c] = unsupported == null;
        if (unsupported != null) {
          problems[c] = file + ": column '" + f.getName() + "' (" + describe(f) + "): " + unsupported;
        }
        rows.add(new ArrayList<>());
      }
      Values values = new Values();
      while (reader.loadNextBatch()) {
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        for (int c = 0; c < k; c++) {
          if (problems[c] != null) continue;
          FieldVector v = root.getVector(c);
          List<double[]> out = rows.get(c);
          for (int r = 0; r < root.getRowCount(); r++) {
            try {
              values.clear();
              read(v, r, values);
            } catch (Unreadable e) {
              problems[c] = file + ": column '" + fields.get(c).getName() + "' (" + describe(fields.get(c)) + "), row " + out.size() + ": "
                  + e.getMessage();
              break;
            }
            out.add(values.toArray());
          }
        }
      }
      List<Column> columns = new ArrayList<>();
      for (int c = 0; c < k; c++) {
        Field f = fields.get(c);
        columns.add(new Column(f.getName(), describe(f), numeric[c], problems[c] == null ? rows.get(c) : null, problems[c]));
      }
      return columns;
    } catch (InvalidInputException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // Arrow reports a damaged file through IOExceptions and its own unchecked exceptions
      // (index errors, flatbuffer errors, OutOfMemoryException past the allocator's limit).
      throw new MalformedInputException(file + ": not a readable Arrow IPC " + format + " (" + oneLine(e) + ")", e);
    }
  }

  /** Why a column of this type cannot be read as numbers, or null when it can. */
  private static String unsupported(Field f) {
    if (f.getDictionary() != null) return "dictionary-encoded; write it as numbers or lists of numbers";
    return switch (f.getType()) {
      case ArrowType.FloatingPoint p -> null;
      case ArrowType.Int i -> null;
      case ArrowType.Bool b -> null;
      case ArrowType.List l -> f.getChildren().size() == 1 ? unsupported(f.getChildren().get(0)) : "a list without one child type";
      case ArrowType.LargeList l -> f.getChildren().size() == 1 ? unsupported(f.getChildren().get(0)) : "a list without one child type";
      case ArrowType.FixedSizeList l -> f.getChildren().size() == 1 ? unsupported(f.getChildren().get(0)) : "a list without one child type";
      case ArrowType.ListView l -> f.getChildren().size() == 1 ? unsupported(f.getChildren().get(0)) : "a list without one child type";
      default -> "values of type " + f.getType() + " are not numbers; zkinfer reads floats, integers, booleans and (large, fixed-size) "
          + "lists of them";
    };
  }

  /** A value zkinfer cannot take as a number; the caller adds the file, column and row. */
  private static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  /** Appends the values of {@code v}'s entry {@code i} (a number or a list of them, nested). */
  private static void read(ValueVector v, int i, Values out) throws Unreadable {
    if (v.isNull(i)) throw new Unreadable("null value (inputs must be numbers)");
    switch (v) {
      case Float4Vector f -> out.add(f.get(i));
      case Float8Vector f -> out.add(f.get(i));
      case Float2Vector f -> out.add(f.getValueAsDouble(i));
      case BitVector b -> out.add(b.get(i));
      case UInt1Vector u -> out.add(u.getObjectNoOverflow(i));
      case UInt2Vector u -> out.add(u.get(i));
      case UInt4Vector u -> out.add(exact(u.getObjectNoOverflow(i)));
      case UInt8Vector u -> {
        java.math.BigInteger x = u.getObjectNoOverflow(i);
        if (x.bitLength() > 53) throw new Unreadable("integer " + x + " is too large to be an input exactly (at most 2^53)");
        out.add(x.longValue());
      }
      case BaseIntVector n -> out.add(exact(n.getValueAsLong(i)));
      case FixedSizeListVector l -> range(l.getDataVector(), (long) i * l.getListSize(), (long) (i + 1) * l.getListSize(), out);
      case ListVector l -> range(l.getDataVector(), l.getElementStartIndex(i), l.getElementEndIndex(i), out);
      case LargeListVector l -> range(l.getDataVector(), l.getElementStartIndex(i), l.getElementEndIndex(i), out);
      case ListViewVector l -> range(l.getDataVector(), l.getElementStartIndex(i), l.getElementEndIndex(i), out);
      default -> throw new Unreadable("values of type " + v.getField().getType() + " are not numbers; zkinfer reads floats, integers, "
          + "booleans and (large, fixed-size) lists of them");
    }
  }

  private static void range(ValueVector data, long start, long end, Values out) throws Unreadable {
    if (start < 0 || end < start || end > data.getValueCount()) {
      throw new Unreadable("list offsets [" + start + ", " + end + ") lie outside its " + data.getValueCount() + " values (a damaged file)");
    }
    int from = (int) start, to = (int) end;
    // The common layouts (lists of float32 or float64) without the type dispatch per value.
    switch (data) {
      case Float4Vector f -> {
        for (int k = from; k < to; k++) {
          if (f.isNull(k)) throw new Unreadable("null value (inputs must be numbers)");
          out.add(f.get(k));
        }
      }
      case Float8Vector f -> {
        for (int k = from; k < to; k++) {
          if (f.isNull(k)) throw new Unreadable("null value (inputs must be numbers)");
          out.add(f.get(k));
        }
      }
      default -> {
        for (int k = from; k < to; k++) read(data, k, out);
      }
    }
  }

  private static long exact(long x) throws Unreadable {
    if (x > EXACT_INTEGER || x < -EXACT_INTEGER) throw new Unreadable("integer " + x + " is too large to be an input exactly (at most 2^53)");
    return x;
  }

  /** A growable array of doubles (one row's values). */
  private static final class Values {
    double[] a = new double[16];
    int n;

    void add(double x) {
      if (n == a.length) a = Arrays.copyOf(a, 2 * n);
      a[n++] = x;
    }

    void clear() {
      n = 0;
    }

    double[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }

  /** A field's type in Arrow's words, children in angle brackets: {@code FixedSizeList(3)<FloatingPoint(SINGLE)>}. */
  private static String describe(Field f) {
    String s = f.getType().toString();
    if (!f.getChildren().isEmpty()) {
      List<String> children = new ArrayList<>();
      for (Field c : f.getChildren()) children.add(describe(c));
      s += "<" + String.join(", ", children) + ">";
    }
    return s;
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    m = m.strip().replaceAll("\\s*\\R\\s*", "; ");
    return m.length() > 300 ? m.substring(0, 300) + "..." : m;
  }

  /** Writes rows (all of the same shape) to column {@code column} as FixedSizeList&lt;float&gt; in the IPC file format. */
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

  /**
   * Reads every row of column {@code column} (null: the first column) as a tensor of
   * {@code rowShape}: each row must hold exactly that many values.
   */
  public static List<Tensor> read(Path file, String column, int[] rowShape) throws IOException {
    List<Column> columns = readColumns(file);
    Column col = null;
    for (Column c : columns) {
      if (column == null || c.name().equals(column)) {
        col = c;
        break;
      }
    }
    if (col == null) {
      throw new InvalidInputException(file + ": no column '" + column + "' (columns: " + String.join(", ", columns.stream().map(Column::name).toList()) + ")");
    }
    int width = Shapes.size(rowShape);
    List<Tensor> out = new ArrayList<>();
    for (int r = 0; r < col.rows().size(); r++) {
      double[] d = col.rows().get(r);
      if (d.length != width) {
        throw new InvalidInputException(file + ": column '" + col.name() + "', row " + r + " has " + d.length + " values, expected " + width
            + " for shape " + Shapes.str(rowShape));
      }
      out.add(Tensor.of(rowShape, d));
    }
    return out;
  }
}
