package dev.zkinfer.nn.quant;

import dev.zkinfer.nn.tensor.Shapes;

/**
 * A tensor of the quantized model. Its integer values v stand for the real values {@code v *
 * scale} (symmetric quantization, zero point 0).
 *
 * @param id index in {@link QuantizedModel#tensors()}
 * @param name the graph tensor it stands for (or a derived name)
 * @param kind what the values are
 * @param bits for activations and constants, the signed width: values lie in [-2^(bits-1),
 *     2^(bits-1) - 1]; for accumulators 32
 * @param constantValues the values of a {@link Kind#CONSTANT} (row-major), else null
 * Thread-safe, provided nobody modifies its constant values array (the shape is copied in and out; the values are shared).
 */
public record QTensor(int id, String name, int[] shape, double scale, Kind kind, int bits, int[] constantValues) {
  /** What a tensor's values are. */
  public enum Kind {
    /** The model input (quantized by the caller, see {@link QuantizedModel#quantizeInput}). */
    INPUT,
    /** An int8 / int16 activation produced by an op. */
    ACTIVATION,
    /** An int32 accumulator (matmul / convolution / sum output before requantization). */
    ACCUMULATOR,
    /** A constant operand (part of the model, like weights). */
    CONSTANT
  }

  public QTensor {
    shape = shape.clone();
    if (constantValues != null && constantValues.length != Shapes.size(shape)) {
      throw new IllegalArgumentException("constant " + name + " has " + constantValues.length + " values for shape " + Shapes.str(shape));
    }
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  int[] shapeView() {
    return shape;
  }

  public int size() {
    return Shapes.size(shape);
  }

  public int min() {
    return kind == Kind.ACCUMULATOR ? Integer.MIN_VALUE : -(1 << (bits - 1));
  }

  public int max() {
    return kind == Kind.ACCUMULATOR ? Integer.MAX_VALUE : (1 << (bits - 1)) - 1;
  }

  @Override
  public String toString() {
    return "t" + id + ":" + name + Shapes.str(shape) + " " + kind + (kind == Kind.ACCUMULATOR ? "" : "/int" + bits) + " scale=" + (float) scale;
  }
}
