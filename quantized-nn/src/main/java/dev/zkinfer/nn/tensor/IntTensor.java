package dev.zkinfer.nn.tensor;

import java.util.Arrays;

/**
 * A dense integer tensor of the quantized model: activations (int8/int16 values), accumulators
 * (int32) and lookup-table indices all live in an {@code int[]}, row-major.
 * Not thread-safe for writes: {@link #data()} is the backing array; share an instance between threads only while nobody writes to it.
 */
public final class IntTensor {
  private final int[] shape;
  private final int[] data;

  public IntTensor(int[] shape, int[] data) {
    if (Shapes.size(shape) != data.length) {
      throw new IllegalArgumentException(
          "shape " + Shapes.str(shape) + " needs " + Shapes.size(shape) + " values, got " + data.length);
    }
    this.shape = shape.clone();
    this.data = data;
  }

  public int[] shape() {
    return shape.clone();
  }

  /** The shape array itself (not copied): callers must not modify it. */
  public int[] shapeView() {
    return shape;
  }

  public int size() {
    return data.length;
  }

  /** The backing values (not copied). */
  public int[] data() {
    return data;
  }

  public int get(int flatIndex) {
    return data[flatIndex];
  }

  /** Index of the largest value in row {@code row} of the tensor viewed as [rows, last dim]. */
  public int argmaxOfRow(int row) {
    int n = shape.length == 0 ? 1 : shape[shape.length - 1];
    int best = 0;
    for (int i = 1; i < n; i++) if (data[row * n + i] > data[row * n + best]) best = i;
    return best;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IntTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    String values = data.length <= 8 ? Arrays.toString(data) : "[" + data.length + " values]";
    return "IntTensor" + Shapes.str(shape) + values;
  }
}
