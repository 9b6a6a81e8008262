package dev.zkinfer.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil.CodecType;
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
 * Writes Arrow IPC inputs for the CLI tests with Arrow Java's writer (and arrow-compression's
 * codecs), in the layouts users write: each column's rows as list&lt;float&gt;, list&lt;double&gt;,
 * large_list&lt;double&gt;, fixed_size_list&lt;float&gt;, one double per row, or strings (to be refused);
 * a null row where a row is null.
 */
final class ArrowInputs {
    private ArrowInputs() {}

    enum Layout { LIST_F32, LIST_F64, LARGE_LIST_F64, FIXED_F32, SCALAR_F64, UTF8 }

    record Column(String name, Layout layout, List<double[]> rows) {
        static Column of(String name, Layout layout, double[]... rows) {
            return new Column(name, layout, java.util.Arrays.asList(rows));
        }
    }

    static Path file(Path file, Column... columns) throws IOException {
        return write(file, false, CodecType.NO_COMPRESSION, columns);
    }

    static Path write(Path file, boolean stream, CodecType codec, Column... columns) throws IOException {
        List<Field> fields = new ArrayList<>();
        for (Column c : columns) {
            fields.add(field(c));
        }
        CompressionCodec.Factory codecs = codec == CodecType.NO_COMPRESSION ? NoCompressionCodec.Factory.INSTANCE : CommonsCompressionFactory.INSTANCE;
        try (BufferAllocator alloc = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), alloc);
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                ArrowWriter w = stream
                        ? new ArrowStreamWriter(root, null, ch, IpcOption.DEFAULT, codecs, codec, Optional.empty())
                        : new ArrowFileWriter(root, null, ch, null, IpcOption.DEFAULT, codecs, codec, Optional.empty())) {
            root.allocateNew();
            int n = columns[0].rows().size();
            for (int c = 0; c < columns.length; c++) {
                fill(root, c, columns[c]);
            }
            root.setRowCount(n);
            w.start();
            w.writeBatch();
            w.end();
        }
        return file;
    }

    private static Field field(Column c) {
        ArrowType f32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
        ArrowType f64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
        return switch (c.layout()) {
            case LIST_F32 -> new Field(c.name(), FieldType.nullable(ArrowType.List.INSTANCE), List.of(Field.nullable("item", f32)));
            case LIST_F64 -> new Field(c.name(), FieldType.nullable(ArrowType.List.INSTANCE), List.of(Field.nullable("item", f64)));
            case LARGE_LIST_F64 -> new Field(c.name(), FieldType.nullable(ArrowType.LargeList.INSTANCE), List.of(Field.nullable("item", f64)));
            case FIXED_F32 -> new Field(c.name(), FieldType.nullable(new ArrowType.FixedSizeList(c.rows().get(0).length)),
                    List.of(Field.nullable("item", f32)));
            case SCALAR_F64 -> Field.nullable(c.name(), f64);
            case UTF8 -> Field.nullable(c.name(), ArrowType.Utf8.INSTANCE);
        };
    }

    private static void fill(VectorSchemaRoot root, int c, Column col) {
        List<double[]> rows = col.rows();
        for (int r = 0; r < rows.size(); r++) {
            double[] x = rows.get(r);
            switch (root.getVector(c)) {
                case ListVector l -> {
                    if (x == null) {
                        l.setNull(r);
                        continue;
                    }
                    int start = l.startNewValue(r);
                    for (int i = 0; i < x.length; i++) {
                        if (l.getDataVector() instanceof Float4Vector f) {
                            f.setSafe(start + i, (float) x[i]);
                        } else {
                            ((Float8Vector) l.getDataVector()).setSafe(start + i, x[i]);
                        }
                    }
                    l.endValue(r, x.length);
                }
                case LargeListVector l -> {
                    long start = l.startNewValue(r);
                    for (int i = 0; i < x.length; i++) {
                        ((Float8Vector) l.getDataVector()).setSafe((int) start + i, x[i]);
                    }
                    l.endValue(r, x.length);
                }
                case FixedSizeListVector l -> {
                    l.startNewValue(r);
                    for (int i = 0; i < x.length; i++) {
                        ((Float4Vector) l.getDataVector()).setSafe(r * x.length + i, (float) x[i]);
                    }
                }
                case Float8Vector f -> f.setSafe(r, x[0]);
                case VarCharVector s -> s.setSafe(r, java.util.Arrays.toString(x).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                default -> throw new IllegalArgumentException(root.getVector(c).getClass().toString());
            }
        }
    }
}
