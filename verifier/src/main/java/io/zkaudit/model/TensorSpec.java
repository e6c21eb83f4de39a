package io.zkaudit.model;

import java.util.List;

/**
 * One tensor of the graph: its shape (NHWC for images), element type and quantization. Real value =
 * scale × (q − zeroPoint). Per-channel quantization (weights) has one scale and zero point per
 * index of {@code quantizedDimension}; per-tensor has one of each. A {@code constant} tensor holds
 * weights or biases: its values are private (in the prover's QuantizedModel), only its shape and
 * quantization are public.
 */
public record TensorSpec(
    String name,
    List<Integer> shape,
    ElementType type,
    List<Float> scales,
    List<Integer> zeroPoints,
    int quantizedDimension,
    boolean constant) {

  public TensorSpec {
    shape = List.copyOf(shape);
    scales = List.copyOf(scales);
    zeroPoints = List.copyOf(zeroPoints);
    if (name == null || type == null) throw new ModelFormatException("tensor without name or type");
    long size = 1;
    for (int d : shape) {
      if (d <= 0)
        throw new ModelFormatException("tensor " + name + " has a non-positive dimension " + shape);
      size *= d;
      if (size > Integer.MAX_VALUE)
        throw new ModelFormatException("tensor " + name + " is too large " + shape);
    }
    if (scales.size() != zeroPoints.size() || scales.isEmpty()) {
      throw new ModelFormatException(
          "tensor "
              + name
              + " has "
              + scales.size()
              + " scales and "
              + zeroPoints.size()
              + " zero points");
    }
    if (scales.size() > 1) {
      if (quantizedDimension < 0
          || quantizedDimension >= shape.size()
          || shape.get(quantizedDimension) != scales.size()) {
        throw new ModelFormatException(
            "tensor " + name + " has per-channel quantization that does not match its shape");
      }
    }
    for (int i = 0; i < scales.size(); i++) {
      float s = scales.get(i);
      if (!(s > 0) || Float.isInfinite(s))
        throw new ModelFormatException("tensor " + name + " has scale " + s);
      int z = zeroPoints.get(i);
      if (type != ElementType.INT32 && (z < type.min() || z > type.max())) {
        throw new ModelFormatException(
            "tensor " + name + " has zero point " + z + " outside " + type);
      }
    }
  }

  /** A per-tensor quantized tensor. */
  public static TensorSpec of(
      String name,
      List<Integer> shape,
      ElementType type,
      float scale,
      int zeroPoint,
      boolean constant) {
    return new TensorSpec(name, shape, type, List.of(scale), List.of(zeroPoint), 0, constant);
  }

  public int size() {
    int n = 1;
    for (int d : shape) n *= d;
    return n;
  }

  public int rank() {
    return shape.size();
  }

  public int dim(int i) {
    return shape.get(i);
  }

  public float scale() {
    return scales.get(0);
  }

  public int zeroPoint() {
    return zeroPoints.get(0);
  }

  public boolean perChannel() {
    return scales.size() > 1;
  }

  public int[] shapeArray() {
    return shape.stream().mapToInt(Integer::intValue).toArray();
  }
}
