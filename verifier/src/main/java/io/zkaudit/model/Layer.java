package io.zkaudit.model;

import java.util.List;

/**
 * One layer of a quantized model: reads tensors (by index into {@link ModelDescription#tensors()})
 * and writes one output tensor. Each implementation documents its exact integer semantics; the
 * integer engine and the proofs both follow that text.
 */
public sealed interface Layer
    permits Conv2D,
        DepthwiseConv2D,
        FullyConnected,
        Add,
        Mul,
        AveragePool,
        MaxPool,
        Mean,
        Reshape,
        Pad,
        Concat,
        Requantize,
        Softmax,
        Unary {

  /** The node's name in the source model (for error messages and reports). */
  String name();

  /** Every tensor read, activations and constants, in a fixed order. */
  List<Integer> inputs();

  int output();

  /** The activation tensors read (those that are not constants). */
  default List<Integer> activationInputs(ModelDescription model) {
    return inputs().stream().filter(i -> !model.tensors().get(i).constant()).toList();
  }
}
