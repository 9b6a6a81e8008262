package dev.zkinfer.nn.tensor;

import java.util.Arrays;

/**
 * A dense real-valued tensor for the float reference path and for graph constants. Values are
 * held as doubles so that int64 constants (shapes, indices; exact up to 2^53) and float32 data
 * share one type; {@link #type()} records which ONNX element type the values stand for.
 * Not thread-safe for writes: {@link #data()} is the backing array; share an instance between threads only while nobody writes to it.
 */
public final class Tensor {
  /** The element type a tensor's values stand for. */
  public enum ElementType {
    FLOAT,
    INT64;
  }

  private final ElementType type;
  private final int[] shape;
  private final double[] data;

  public Tensor(ElementType type, int[] shape, double[] data) {
    if (Shapes.size(shape) != data.length) {
      throw new IllegalArgumentException(
          "shape " + Shapes.str(shape) + " needs " + Shapes.size(shape) + " values, got " + data.length);
    }
    this.type = type;
    this.shape = shape.clone();
    this.data = data;
  }

  public static Tensor of(int[] shape, double[] data) {
    return new Tensor(ElementType.FLOAT, shape, data);
  }

  public static Tensor ofFloats(int[] shape, float[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) d[i] = values[i];
    return new Tensor(ElementType.FLOAT, shape, d);
  }

  public static Tensor ofLongs(int[] shape, long[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) d[i] = values[i];
    return new Tensor(ElementType.INT64, shape, d);
  }

  public static Tensor zeros(int... shape) {
    return new Tensor(ElementType.FLOAT, shape, new double[Shapes.size(shape)]);
  }

  public ElementType type() {
    return type;
  }

  public int[] shape() {
    return shape.clone();
  }

  /** The shape array itself (not copied): callers must not modify it. */
  public int[] shapeView() {
    return shape;
  }

  public int rank() {
    return shape.length;
  }

  public int size() {
    return data.length;
  }

  /** The backing values (not copied). */
  public double[] data() {
    return data;
  }

  public double get(int flatIndex) {
    return data[flatIndex];
  }

  public float[] toFloatArray() {
    float[] f = new float[data.length];
    for (int i = 0; i < f.length; i++) f[i] = (float) data[i];
    return f;
  }

  public long[] toLongArray() {
    long[] l = new long[data.length];
    for (int i = 0; i < l.length; i++) l[i] = (long) data[i];
    return l;
  }

  public Tensor reshape(int... newShape) {
    return new Tensor(type, newShape, data);
  }

  /** Index of the largest value in row {@code row} of a tensor viewed as [rows, last dim]. */
  public int argmaxOfRow(int row) {
    int n = shape.length == 0 ? 1 : shape[shape.length - 1];
    int best = 0;
    for (int i = 1; i < n; i++) if (data[row * n + i] > data[row * n + best]) best = i;
    return best;
  }

  @Override
  public String toString() {
    String values = data.length <= 8 ? Arrays.toString(data) : "[" + data.length + " values]";
    return "Tensor" + type + Shapes.str(shape) + values;
  }
}
