package dev.zkinfer.nn.graph;

import dev.zkinfer.nn.tensor.Shapes;

/** A named graph input or output with its (fixed) shape. Immutable and thread-safe (the shape is copied in and out). */
public record ValueInfo(String name, int[] shape) {
  public ValueInfo {
    shape = shape.clone();
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  @Override
  public String toString() {
    return name + Shapes.str(shape);
  }
}
