package dev.zkinfer.nn.onnx;

import dev.zkinfer.nn.ModelFormatException;
import dev.zkinfer.nn.graph.Node;
import dev.zkinfer.nn.tensor.Shapes;
import dev.zkinfer.nn.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the subset of onnx.proto that inference needs (field numbers from onnx.proto3):
 * ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto and
 * OperatorSetIdProto. Everything else is skipped.
 */
final class OnnxParser {
  /** A graph input or output as declared: dims of -1 are symbolic (dim_param) or unknown. */
  record DeclaredValue(String name, long[] dims, int elemType) {}

  record ParsedGraph(
      List<Node> nodes,
      Map<String, Tensor> initializers,
      List<DeclaredValue> inputs,
      List<DeclaredValue> outputs) {}

  private final Map<String, Integer> opsets = new HashMap<>();

  static ParsedGraph parseModel(byte[] bytes) {
    if (bytes.length == 0) throw new ModelFormatException("malformed ONNX model: the file is empty");
    OnnxParser p = new OnnxParser();
    ProtoReader r = new ProtoReader(bytes, 0, bytes.length, "ONNX model");
    int[] graphRange = null;
    boolean sawIrVersion = false;
    while (r.hasMore()) {
      int tag = r.readTag();
      int field = tag >>> 3;
      if (field == 1 && (tag & 7) == ProtoReader.VARINT) {
        r.readVarint();
        sawIrVersion = true;
      } else if (field == 8 && (tag & 7) == ProtoReader.LENGTH_DELIMITED) {
        p.parseOpset(r.readMessage("opset import"));
      } else if (field == 7 && (tag & 7) == ProtoReader.LENGTH_DELIMITED) {
        graphRange = r.readBytesRange();
      } else {
        r.skip(tag);
      }
    }
    if (graphRange == null) {
      throw new ModelFormatException(
          "malformed ONNX model: no graph found" + (sawIrVersion ? "" : " (is this an ONNX file?)"));
    }
    if (!p.opsets.containsKey("")) p.opsets.put("", sawIrVersion ? 1 : 1);
    return p.parseGraph(new ProtoReader(bytes, graphRange[0], graphRange[1], "ONNX graph"));
  }

  private void parseOpset(ProtoReader r) {
    String domain = "";
    long version = 0;
    while (r.hasMore()) {
      int tag = r.readTag();
      switch (tag >>> 3) {
        case 1 -> domain = checkType(r, tag, ProtoReader.LENGTH_DELIMITED) ? r.readString() : domain;
        case 2 -> version = checkType(r, tag, ProtoReader.VARINT) ? r.readVarint() : version;
        default -> r.skip(tag);
      }
    }
    if (domain.equals("ai.onnx")) domain = "";
    opsets.put(domain, (int) Math.min(version, 10_000));
  }

  private ParsedGraph parseGraph(ProtoReader r) {
    List<int[]> nodeRanges = new ArrayList<>();
    Map<String, Tensor> inits = new LinkedHashMap<>();
    List<DeclaredValue> inputs = new ArrayList<>();
    List<DeclaredValue> outputs = new ArrayList<>();
    while (r.hasMore()) {
      int tag = r.readTag();
      int field = tag >>> 3;
      if ((tag & 7) != ProtoReader.LENGTH_DELIMITED) {
        r.skip(tag);
        continue;
      }
      switch (field) {
        case 1 -> nodeRanges.add(r.readBytesRange());
        case 5 -> {
          NamedTensor t = parseTensor(r.readMessage("initializer"));
          inits.put(t.name, t.tensor);
        }
        case 15 -> throw new ModelFormatException("unsupported ONNX model: sparse initializers are not supported");
        case 11 -> inputs.add(parseValueInfo(r.readMessage("graph input")));
        case 12 -> outputs.add(parseValueInfo(r.readMessage("graph output")));
        default -> r.skip(tag);
      }
    }
    List<Node> nodes = new ArrayList<>();
    for (int[] range : nodeRanges) {
      nodes.add(parseNode(new ProtoReader(r.buffer(), range[0], range[1], "node"), nodes.size()));
    }
    return new ParsedGraph(nodes, inits, inputs, outputs);
  }

  private Node parseNode(ProtoReader r, int index) {
    List<String> in = new ArrayList<>();
    List<String> out = new ArrayList<>();
    String name = "";
    String opType = "";
    String domain = "";
    Map<String, Object> attrs = new HashMap<>();
    List<String> badAttrs = new ArrayList<>();
    while (r.hasMore()) {
      int tag = r.readTag();
      if ((tag & 7) != ProtoReader.LENGTH_DELIMITED) {
        r.skip(tag);
        continue;
      }
      switch (tag >>> 3) {
        case 1 -> in.add(r.readString());
        case 2 -> out.add(r.readString());
        case 3 -> name = r.readString();
        case 4 -> opType = r.readString();
        case 7 -> domain = r.readString();
        case 5 -> parseAttribute(r.readMessage("attribute"), attrs, badAttrs);
        default -> r.skip(tag);
      }
    }
    if (name.isEmpty()) name = opType + "_" + index;
    if (domain.equals("ai.onnx")) domain = "";
    if (!domain.isEmpty()) {
      throw new ModelFormatException(
          "unsupported operator '" + domain + "." + opType + "' at node '" + name + "' (node " + index
              + "): only the default ONNX domain is supported");
    }
    if (!badAttrs.isEmpty()) {
      throw new ModelFormatException(
          opType + " at node '" + name + "' (node " + index + "): attribute " + badAttrs.get(0)
              + " has a type that is not supported (graph or sparse tensor)");
    }
    Integer opset = opsets.get(domain);
    return new Node(name, opType, index, opset == null ? 1 : opset, in, out, attrs);
  }

  private void parseAttribute(ProtoReader r, Map<String, Object> attrs, List<String> bad) {
    String name = "";
    long type = 0;
    Double f = null;
    Long i = null;
    byte[] s = null;
    Tensor t = null;
    List<Double> floats = new ArrayList<>();
    List<Long> ints = new ArrayList<>();
    List<String> strings = new ArrayList<>();
    boolean graph = false;
    while (r.hasMore()) {
      int tag = r.readTag();
      int wt = tag & 7;
      switch (tag >>> 3) {
        case 1 -> name = expect(r, tag, ProtoReader.LENGTH_DELIMITED) ? r.readString() : name;
        case 20 -> type = expect(r, tag, ProtoReader.VARINT) ? r.readVarint() : type;
        case 2 -> f = expect(r, tag, ProtoReader.FIXED32) ? (double) r.readFloat() : f;
        case 3 -> i = expect(r, tag, ProtoReader.VARINT) ? r.readVarint() : i;
        case 4 -> s = expect(r, tag, ProtoReader.LENGTH_DELIMITED) ? r.readBytes() : s;
        case 5 -> t = expect(r, tag, ProtoReader.LENGTH_DELIMITED) ? parseTensor(r.readMessage("tensor attribute")).tensor : t;
        case 6, 11, 22, 23 -> {
          graph = true;
          r.skip(tag);
        }
        case 7 -> {
          if (wt == ProtoReader.LENGTH_DELIMITED) {
            ProtoReader p = r.readMessage("floats attribute");
            while (p.hasMore()) floats.add((double) p.readFloat());
          } else if (wt == ProtoReader.FIXED32) {
            floats.add((double) r.readFloat());
          } else r.skip(tag);
        }
        case 8 -> {
          if (wt == ProtoReader.LENGTH_DELIMITED) {
            ProtoReader p = r.readMessage("ints attribute");
            while (p.hasMore()) ints.add(p.readVarint());
          } else if (wt == ProtoReader.VARINT) {
            ints.add(r.readVarint());
          } else r.skip(tag);
        }
        case 9 -> strings.add(expect(r, tag, ProtoReader.LENGTH_DELIMITED) ? r.readString() : "");
        default -> r.skip(tag);
      }
    }
    Object value;
    switch ((int) type) {
      case 1 -> value = f == null ? 0.0 : f;
      case 2 -> value = i == null ? 0L : i;
      case 3 -> value = s == null ? "" : new String(s, java.nio.charset.StandardCharsets.UTF_8);
      case 4 -> value = t;
      case 6 -> value = floats.stream().mapToDouble(Double::doubleValue).toArray();
      case 7 -> value = ints.stream().mapToLong(Long::longValue).toArray();
      case 8 -> value = List.copyOf(strings);
      case 0 -> {
        // Very old files omit the type: infer it from which field is set.
        if (f != null) value = f;
        else if (i != null) value = i;
        else if (s != null) value = new String(s, java.nio.charset.StandardCharsets.UTF_8);
        else if (t != null) value = t;
        else if (!floats.isEmpty()) value = floats.stream().mapToDouble(Double::doubleValue).toArray();
        else if (!ints.isEmpty()) value = ints.stream().mapToLong(Long::longValue).toArray();
        else if (graph) value = null;
        else value = List.copyOf(strings);
      }
      default -> value = null;
    }
    if (value == null) {
      bad.add("'" + name + "'");
      return;
    }
    attrs.put(name, value);
  }

  private record NamedTensor(String name, Tensor tensor) {}

  /** TensorProto data types (onnx.proto: TensorProto.DataType). */
  private static final int FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7,
      STRING = 8, BOOL = 9, FLOAT16 = 10, DOUBLE = 11, UINT32 = 12, UINT64 = 13, BFLOAT16 = 16;

  /** Parses a serialized TensorProto (also used for the test data's input_0.pb files). */
  static Tensor parseTensorBytes(byte[] bytes) {
    if (bytes.length == 0) throw new ModelFormatException("malformed tensor: the file is empty");
    return parseTensor(new ProtoReader(bytes, 0, bytes.length, "tensor")).tensor;
  }

  private static NamedTensor parseTensor(ProtoReader r) {
    List<Long> dims = new ArrayList<>();
    int dataType = 0;
    String name = "";
    int[] raw = null;
    List<int[]> packed = new ArrayList<>(); // [field, start, end] of packed repeated data
    List<double[]> unpacked = new ArrayList<>(); // [field, value] of unpacked elements
    while (r.hasMore()) {
      int tag = r.readTag();
      int field = tag >>> 3;
      int wt = tag & 7;
      switch (field) {
        case 1 -> {
          if (wt == ProtoReader.LENGTH_DELIMITED) {
            ProtoReader p = r.readMessage("tensor dims");
            while (p.hasMore()) dims.add(p.readVarint());
          } else if (wt == ProtoReader.VARINT) dims.add(r.readVarint());
          else r.skip(tag);
        }
        case 2 -> dataType = (int) (wt == ProtoReader.VARINT ? r.readVarint() : skipAnd(r, tag));
        case 8 -> name = wt == ProtoReader.LENGTH_DELIMITED ? r.readString() : skipName(r, tag);
        case 9 -> raw = wt == ProtoReader.LENGTH_DELIMITED ? r.readBytesRange() : skipRange(r, tag);
        case 4, 5, 7, 10, 11 -> {
          if (wt == ProtoReader.LENGTH_DELIMITED) {
            int[] range = r.readBytesRange();
            packed.add(new int[] {field, range[0], range[1]});
          } else if (wt == ProtoReader.FIXED32) {
            unpacked.add(new double[] {field, r.readFloat()});
          } else if (wt == ProtoReader.FIXED64) {
            unpacked.add(new double[] {field, r.readDouble()});
          } else if (wt == ProtoReader.VARINT) {
            unpacked.add(new double[] {field, r.readVarint()});
          } else r.skip(tag);
        }
        case 13, 14 -> {
          if (field == 14 && wt == ProtoReader.VARINT && r.readVarint() == 0) break;
          throw new ModelFormatException("unsupported ONNX tensor '" + name + "': external data files are not supported");
        }
        case 6 -> throw new ModelFormatException("unsupported ONNX tensor '" + name + "': string tensors are not supported");
        default -> r.skip(tag);
      }
    }
    int[] shape = new int[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      long d = dims.get(i);
      if (d < 0 || d > Integer.MAX_VALUE) throw r.malformed("tensor '" + name + "' has dimension " + d);
      shape[i] = (int) d;
    }
    int n;
    try {
      n = Shapes.size(shape);
    } catch (IllegalArgumentException e) {
      throw r.malformed("tensor '" + name + "' is too large: " + Shapes.str(shape));
    }
    Tensor.ElementType et =
        switch (dataType) {
          case FLOAT, DOUBLE, FLOAT16, BFLOAT16 -> Tensor.ElementType.FLOAT;
          case UINT8, INT8, UINT16, INT16, INT32, INT64, BOOL, UINT32, UINT64 -> Tensor.ElementType.INT64;
          case STRING -> throw new ModelFormatException("unsupported ONNX tensor '" + name + "': string tensors are not supported");
          default -> throw new ModelFormatException("unsupported ONNX tensor '" + name + "': data type " + dataType + " is not supported");
        };
    byte[] buf = r.buffer();
    double[] values;
    if (raw != null) {
      int width = elementBytes(dataType);
      long expected = (long) n * width;
      if (raw[1] - raw[0] != expected) {
        throw r.malformed("tensor '" + name + "' of shape " + Shapes.str(shape) + " needs " + expected
            + " bytes of raw_data, has " + (raw[1] - raw[0]));
      }
      values = new double[n];
      ByteBuffer bb = ByteBuffer.wrap(buf, raw[0], raw[1] - raw[0]).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) values[i] = readRaw(bb, dataType);
    } else {
      List<Double> vals = new ArrayList<>();
      for (int[] p : packed) {
        ProtoReader pr = new ProtoReader(buf, p[1], p[2], "tensor data");
        while (pr.hasMore()) {
          if ((long) vals.size() >= n) throw r.malformed("tensor '" + name + "' has more values than its shape " + Shapes.str(shape));
          vals.add(
              switch (p[0]) {
                case 4 -> (double) pr.readFloat();
                case 10 -> pr.readDouble();
                case 5 -> decodeInt32Field(pr.readVarint(), dataType);
                case 7 -> (double) pr.readVarint();
                case 11 -> unsigned(pr.readVarint());
                default -> throw r.malformed("unexpected field");
              });
        }
      }
      for (double[] u : unpacked) vals.add(u[0] == 5 ? decodeInt32Field((long) u[1], dataType) : u[1]);
      if (vals.size() != n) {
        throw r.malformed("tensor '" + name + "' of shape " + Shapes.str(shape) + " has " + vals.size() + " values");
      }
      values = new double[n];
      for (int i = 0; i < n; i++) values[i] = vals.get(i);
    }
    if (et == Tensor.ElementType.FLOAT && dataType == FLOAT) {
      for (int i = 0; i < n; i++) values[i] = (float) values[i];
    }
    return new NamedTensor(name, new Tensor(et, shape, values));
  }

  private static double unsigned(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0;
  }

  /** int32_data holds int8..int32, bool and the raw bits of float16 / bfloat16. */
  private static double decodeInt32Field(long v, int dataType) {
    int bits = (int) v;
    return switch (dataType) {
      case FLOAT16 -> Float.float16ToFloat((short) bits);
      case BFLOAT16 -> Float.intBitsToFloat(bits << 16);
      case UINT8 -> bits & 0xff;
      case UINT16 -> bits & 0xffff;
      case INT8 -> (byte) bits;
      case INT16 -> (short) bits;
      default -> bits;
    };
  }

  private static int elementBytes(int dataType) {
    return switch (dataType) {
      case FLOAT, INT32, UINT32 -> 4;
      case DOUBLE, INT64, UINT64 -> 8;
      case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
      default -> 1;
    };
  }

  private static double readRaw(ByteBuffer bb, int dataType) {
    return switch (dataType) {
      case FLOAT -> bb.getFloat();
      case DOUBLE -> bb.getDouble();
      case FLOAT16 -> Float.float16ToFloat(bb.getShort());
      case BFLOAT16 -> Float.intBitsToFloat((bb.getShort() & 0xffff) << 16);
      case INT8 -> bb.get();
      case UINT8 -> bb.get() & 0xff;
      case BOOL -> bb.get() != 0 ? 1 : 0;
      case INT16 -> bb.getShort();
      case UINT16 -> bb.getShort() & 0xffff;
      case INT32 -> bb.getInt();
      case UINT32 -> bb.getInt() & 0xffffffffL;
      case INT64 -> bb.getLong();
      case UINT64 -> unsigned(bb.getLong());
      default -> throw new ModelFormatException("unsupported tensor data type " + dataType);
    };
  }

  private DeclaredValue parseValueInfo(ProtoReader r) {
    String name = "";
    List<Long> dims = null;
    int elemType = 0;
    while (r.hasMore()) {
      int tag = r.readTag();
      if ((tag & 7) != ProtoReader.LENGTH_DELIMITED) {
        r.skip(tag);
        continue;
      }
      switch (tag >>> 3) {
        case 1 -> name = r.readString();
        case 2 -> {
          ProtoReader type = r.readMessage("type");
          while (type.hasMore()) {
            int t2 = type.readTag();
            if (t2 >>> 3 == 1 && (t2 & 7) == ProtoReader.LENGTH_DELIMITED) {
              ProtoReader tensorType = type.readMessage("tensor type");
              while (tensorType.hasMore()) {
                int t3 = tensorType.readTag();
                if (t3 >>> 3 == 1 && (t3 & 7) == ProtoReader.VARINT) {
                  elemType = (int) tensorType.readVarint();
                } else if (t3 >>> 3 == 2 && (t3 & 7) == ProtoReader.LENGTH_DELIMITED) {
                  dims = new ArrayList<>();
                  ProtoReader shape = tensorType.readMessage("shape");
                  while (shape.hasMore()) {
                    int t4 = shape.readTag();
                    if (t4 >>> 3 == 1 && (t4 & 7) == ProtoReader.LENGTH_DELIMITED) {
                      dims.add(parseDim(shape.readMessage("dimension")));
                    } else shape.skip(t4);
                  }
                } else tensorType.skip(t3);
              }
            } else type.skip(t2);
          }
        }
        default -> r.skip(tag);
      }
    }
    long[] d = dims == null ? null : dims.stream().mapToLong(Long::longValue).toArray();
    return new DeclaredValue(name, d, elemType);
  }

  private static long parseDim(ProtoReader r) {
    long value = -1;
    while (r.hasMore()) {
      int tag = r.readTag();
      if (tag >>> 3 == 1 && (tag & 7) == ProtoReader.VARINT) value = r.readVarint();
      else r.skip(tag);
    }
    return value;
  }

  private static boolean checkType(ProtoReader r, int tag, int wireType) {
    if ((tag & 7) == wireType) return true;
    r.skip(tag);
    return false;
  }

  private static boolean expect(ProtoReader r, int tag, int wireType) {
    return checkType(r, tag, wireType);
  }

  private static long skipAnd(ProtoReader r, int tag) {
    r.skip(tag);
    return 0;
  }

  private static String skipName(ProtoReader r, int tag) {
    r.skip(tag);
    return "";
  }

  private static int[] skipRange(ProtoReader r, int tag) {
    r.skip(tag);
    return null;
  }
}
