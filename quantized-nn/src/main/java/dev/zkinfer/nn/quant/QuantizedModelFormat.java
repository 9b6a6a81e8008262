package dev.zkinfer.nn.quant;

import dev.zkinfer.nn.ModelFormatException;
import dev.zkinfer.nn.quant.QOp.*;
import dev.zkinfer.nn.tensor.Shapes;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary format of a {@link QuantizedModel}, little-endian throughout (written through
 * {@link DataOutput} with bytes reversed, so it matches the project's other formats):
 *
 * <pre>
 * magic    4 bytes "ZKQM"
 * version  i32 = 1
 * bits     i32 activation bits (8 or 16)
 * tensors  i32 count, then per tensor: name (i32 length + UTF-8), rank i32, dims i32[rank],
 *          scale f64, kind u8 (QTensor.Kind ordinal), bits u8, has-values u8, [values i32[size]]
 * inputs   i32 count, i32 ids;  outputs  i32 count, i32 ids
 * ops      i32 count, then per op: tag u8 (index in OP_TAGS) and its fields in record order,
 *          each int as i32, each int[] as i32 length + i32 values, each boolean as u8
 * </pre>
 *
 * Reading checks every count and length against fixed bounds before allocating, reads arrays in
 * chunks (a truncated file fails at its end, never after a huge allocation) and validates every
 * tensor reference and array length, so corrupted bytes give a {@link ModelFormatException}.
 */
final class QuantizedModelFormat {
  static final byte[] MAGIC = {'Z', 'K', 'Q', 'M'};
  static final int VERSION = 1;
  static final int MAX_TENSORS = 1 << 20;
  static final int MAX_RANK = 8;
  static final int MAX_ELEMENTS = 1 << 28;
  static final int MAX_NAME_BYTES = 1 << 12;
  static final List<Class<?>> OP_TAGS = List.of(QConv.class, QDense.class, QMatMul.class, QRequant.class, QClamp.class,
      QPRelu.class, QTable.class, QMaxPool.class, QAvgPool.class, QReduceSum.class, QAdd.class, QMul.class, QSoftmax.class,
      QReshape.class, QTranspose.class, QSlice.class, QConcat.class, QPad.class, QGather.class, QMaskedFill.class);

  private QuantizedModelFormat() {}

  static void write(QuantizedModel m, DataOutput out) throws IOException {
    out.write(MAGIC);
    i32(out, VERSION);
    i32(out, m.activationBits());
    i32(out, m.tensors().size());
    for (QTensor t : m.tensors()) {
      byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
      i32(out, name.length);
      out.write(name);
      ints(out, t.shapeView());
      out.writeLong(Long.reverseBytes(Double.doubleToLongBits(t.scale())));
      out.writeByte(t.kind().ordinal());
      out.writeByte(t.bits());
      out.writeByte(t.constantValues() != null ? 1 : 0);
      if (t.constantValues() != null) for (int v : t.constantValues()) i32(out, v);
    }
    ints(out, m.inputIds());
    ints(out, m.outputIds());
    i32(out, m.ops().size());
    for (QOp op : m.ops()) {
      out.writeByte(OP_TAGS.indexOf(op.getClass()));
      for (var c : op.getClass().getRecordComponents()) {
        Object v;
        try {
          v = c.getAccessor().invoke(op);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
        if (v instanceof Integer i) i32(out, i);
        else if (v instanceof int[] a) ints(out, a);
        else if (v instanceof Boolean b) out.writeByte(b ? 1 : 0);
        else throw new IllegalStateException("unexpected field " + c);
      }
    }
  }

  private static void i32(DataOutput out, int v) throws IOException {
    out.writeInt(Integer.reverseBytes(v));
  }

  private static void ints(DataOutput out, int[] a) throws IOException {
    i32(out, a.length);
    for (int v : a) i32(out, v);
  }

  static QuantizedModel read(DataInput in) throws IOException {
    try {
      return readChecked(in);
    } catch (EOFException e) {
      throw new ModelFormatException("malformed quantized model: the data ends early");
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException("malformed quantized model: " + e.getMessage());
    }
  }

  private static QuantizedModel readChecked(DataInput in) throws IOException {
    byte[] magic = new byte[4];
    in.readFully(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) throw new ModelFormatException("not a zkinfer quantized model (bad magic)");
    int version = r32(in);
    if (version != VERSION) throw new ModelFormatException("unsupported quantized model version " + version + " (expected " + VERSION + ")");
    int bits = r32(in);
    if (bits != 8 && bits != 16) throw bad("activation bits " + bits);
    int nt = count(in, MAX_TENSORS, "tensor count");
    List<QTensor> tensors = new ArrayList<>(Math.min(nt, 1024));
    for (int id = 0; id < nt; id++) {
      int len = count(in, MAX_NAME_BYTES, "name length");
      byte[] name = new byte[len];
      in.readFully(name);
      int[] shape = readInts(in, MAX_RANK, "rank");
      for (int d : shape) if (d < 0) throw bad("negative dimension");
      int size;
      try {
        size = Shapes.size(shape);
      } catch (IllegalArgumentException e) {
        throw bad("tensor " + id + " is too large");
      }
      if (size > MAX_ELEMENTS) throw bad("tensor " + id + " has " + size + " elements");
      double scale = Double.longBitsToDouble(Long.reverseBytes(in.readLong()));
      int kind = in.readUnsignedByte();
      if (kind >= QTensor.Kind.values().length) throw bad("tensor kind " + kind);
      int tb = in.readUnsignedByte();
      if (tb < 2 || tb > 32) throw bad("tensor bits " + tb);
      int[] values = null;
      if (in.readUnsignedByte() != 0) values = readFixed(in, size);
      tensors.add(new QTensor(id, new String(name, StandardCharsets.UTF_8), shape, scale, QTensor.Kind.values()[kind], tb, values));
    }
    int[] inputs = readInts(in, MAX_TENSORS, "input count");
    int[] outputs = readInts(in, MAX_TENSORS, "output count");
    int nops = count(in, MAX_TENSORS, "op count");
    List<QOp> ops = new ArrayList<>(Math.min(nops, 1024));
    for (int k = 0; k < nops; k++) {
      int tag = in.readUnsignedByte();
      if (tag >= OP_TAGS.size()) throw bad("op " + k + " has unknown tag " + tag);
      Class<?> cls = OP_TAGS.get(tag);
      var comps = cls.getRecordComponents();
      Object[] args = new Object[comps.length];
      for (int i = 0; i < comps.length; i++) {
        Class<?> type = comps[i].getType();
        if (type == int.class) args[i] = r32(in);
        else if (type == int[].class) args[i] = readInts(in, MAX_ELEMENTS, comps[i].getName() + " length");
        else if (type == boolean.class) args[i] = in.readUnsignedByte() != 0;
      }
      QOp op = construct(tag, args);
      for (int t : op.inputs()) if (t < 0 || t >= nt) throw bad("op " + k + " reads tensor " + t + " of " + nt);
      if (op.output() < 0 || op.output() >= nt) throw bad("op " + k + " writes tensor " + op.output() + " of " + nt);
      validate(op, k, tensors);
      ops.add(op);
    }
    return new QuantizedModel(tensors, ops, inputs, outputs, bits);
  }

  /**
   * The op with tag {@code tag} from its record components' values, in declaration order. Written
   * out rather than through reflection: a cold JVM spent ~0.1 s making the reflective constructor
   * accessors (bytecode, per record class) of a LeNet-5 key's ops. A test checks every tag
   * against the record's canonical constructor.
   */
  static QOp construct(int tag, Object[] a) {
    return switch (tag) {
      case 0 -> new QConv((int) a[0], (int) a[1], (int) a[2], (int) a[3], (int) a[4], (int) a[5], (int) a[6], (int) a[7], (int) a[8], (int) a[9], (int[]) a[10], (int[]) a[11]);
      case 1 -> new QDense((int) a[0], (int) a[1], (int) a[2], (int) a[3], (int[]) a[4], (int[]) a[5]);
      case 2 -> new QMatMul((int) a[0], (int) a[1], (int) a[2]);
      case 3 -> new QRequant((int) a[0], (int) a[1], (int) a[2], (int[]) a[3], (int[]) a[4], (int) a[5], (int) a[6]);
      case 4 -> new QClamp((int) a[0], (int) a[1], (int) a[2], (int) a[3]);
      case 5 -> new QPRelu((int) a[0], (int) a[1], (int[]) a[2], (int[]) a[3], (int[]) a[4], (int) a[5], (int) a[6]);
      case 6 -> new QTable((int) a[0], (int) a[1], (int) a[2], (int[]) a[3]);
      case 7 -> new QMaxPool((int) a[0], (int) a[1], (int) a[2], (int) a[3], (int) a[4], (int) a[5], (int) a[6], (int) a[7]);
      case 8 -> new QAvgPool((int) a[0], (int) a[1], (int) a[2], (int) a[3], (int) a[4], (int) a[5], (int) a[6], (int) a[7], (int) a[8], (int) a[9], (boolean) a[10], (int[]) a[11], (int) a[12], (int) a[13], (int) a[14]);
      case 9 -> new QReduceSum((int) a[0], (int) a[1], (int[]) a[2]);
      case 10 -> new QAdd((int) a[0], (int) a[1], (int) a[2], (int) a[3], (int) a[4], (int) a[5], (int) a[6], (int) a[7]);
      case 11 -> new QMul((int) a[0], (int) a[1], (int) a[2], (int) a[3], (int) a[4], (int) a[5], (int) a[6]);
      case 12 -> new QSoftmax((int) a[0], (int) a[1], (int) a[2], (int) a[3], (int) a[4], (int) a[5], (int[]) a[6], (int) a[7]);
      case 13 -> new QReshape((int) a[0], (int) a[1]);
      case 14 -> new QTranspose((int) a[0], (int) a[1], (int[]) a[2]);
      case 15 -> new QSlice((int) a[0], (int) a[1], (int[]) a[2], (int[]) a[3]);
      case 16 -> new QConcat((int[]) a[0], (int) a[1], (int) a[2]);
      case 17 -> new QPad((int) a[0], (int) a[1], (int[]) a[2], (int) a[3], (int) a[4]);
      case 18 -> new QGather((int) a[0], (int) a[1], (int) a[2], (int[]) a[3]);
      case 19 -> new QMaskedFill((int) a[0], (int) a[1], (int[]) a[2], (int) a[3]);
      default -> throw new IllegalArgumentException("no op with tag " + tag);
    };
  }

  /** Checks that an op's arrays and shapes agree, so that running it cannot index out of range. */
  private static void validate(QOp op, int k, List<QTensor> t) {
    int outSize = t.get(op.output()).size();
    String where = "op " + k + " (" + op.kind() + ")";
    switch (op) {
      case QConv c -> {
        int[] xs = t.get(c.input()).shapeView(), os = t.get(c.output()).shapeView();
        if (xs.length != 4 || os.length != 4 || xs[1] != c.inChannels() || os[1] != c.outChannels() || os[0] != xs[0]
            || c.weights().length != (long) c.outChannels() * c.inChannels() * c.kernelH() * c.kernelW()
            || c.bias().length != c.outChannels() || c.strideH() < 1 || c.strideW() < 1) throw bad(where + " has inconsistent shapes");
      }
      case QDense d -> {
        if (d.inFeatures() < 1 || d.weights().length != (long) d.inFeatures() * d.outFeatures() || d.bias().length != d.outFeatures()
            || t.get(d.input()).size() % d.inFeatures() != 0 || outSize != t.get(d.input()).size() / d.inFeatures() * d.outFeatures()) {
          throw bad(where + " has inconsistent shapes");
        }
      }
      case QRequant r -> {
        if (r.m().length != r.shift().length || r.m().length == 0) throw bad(where + " multiplier arrays differ");
        for (int s : r.shift()) if (s < 1 || s > 62) throw bad(where + " shift " + s);
        if (r.m().length > 1 && (r.axis() < 0 || r.axis() >= t.get(r.output()).shapeView().length
            || t.get(r.output()).shapeView()[r.axis()] != r.m().length)) throw bad(where + " channel axis");
      }
      case QTable tb -> {
        QTensor x = t.get(tb.input());
        if (tb.inputMin() != x.min() || tb.table().length != (long) x.max() - x.min() + 1) throw bad(where + " table does not cover the input range");
      }
      case QSoftmax s -> {
        if (s.expTable().length != s.offset() + 1 || (long) s.outer() * s.mid() * s.inner() != outSize || s.mid() < 1
            || s.expTable()[s.offset()] <= 0) throw bad(where + " has inconsistent shapes");
      }
      case QMaskedFill f -> {
        if (f.mask().length != outSize) throw bad(where + " mask length");
      }
      case QAvgPool p -> {
        if (p.m().length != p.kernelH() * p.kernelW() + 1 || p.shift() < 1 || p.shift() > 62) throw bad(where + " multipliers");
      }
      case QAdd a -> {
        if (a.shift() < 1 || a.shift() > 62) throw bad(where + " shift");
      }
      case QMul m -> {
        if (m.shift() < 1 || m.shift() > 62) throw bad(where + " shift");
      }
      default -> {}
    }
  }

  private static ModelFormatException bad(String what) {
    return new ModelFormatException("malformed quantized model: " + what);
  }

  private static int r32(DataInput in) throws IOException {
    return Integer.reverseBytes(in.readInt());
  }

  private static int count(DataInput in, int max, String what) throws IOException {
    int n = r32(in);
    if (n < 0 || n > max) throw bad(what + " " + n + " is out of range [0, " + max + "]");
    return n;
  }

  private static int[] readInts(DataInput in, int max, String what) throws IOException {
    return readFixed(in, count(in, max, what));
  }

  /**
   * Reads n ints in chunks, so that a truncated stream fails before a large allocation; each chunk
   * is read with one readFully and converted in bulk (a cold JVM interprets a per-int readInt:
   * about a tenth of a second for LeNet-5's weights when loading a proving key).
   */
  private static int[] readFixed(DataInput in, int n) throws IOException {
    return readFixed(in, n, 1 << 16);
  }

  /** {@link #readFixed(DataInput, int)} in chunks of {@code chunk} ints (tests use small ones). */
  static int[] readFixed(DataInput in, int n, int chunk) throws IOException {
    int[] a = new int[Math.min(n, chunk)];
    byte[] bytes = new byte[4 * Math.min(n, chunk)];
    int filled = 0;
    while (filled < n) {
      int k = Math.min(chunk, n - filled);
      if (filled + k > a.length) a = java.util.Arrays.copyOf(a, (int) Math.min(n, Math.max(2L * a.length, filled + k)));
      in.readFully(bytes, 0, 4 * k);
      java.nio.ByteBuffer.wrap(bytes, 0, 4 * k).order(java.nio.ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(a, filled, k);
      filled += k;
    }
    return a;
  }

}
