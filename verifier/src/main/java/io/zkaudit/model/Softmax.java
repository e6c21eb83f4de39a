package io.zkaudit.model;

import java.util.List;

/**
 * Softmax over the last axis, the model's final layer. It is monotone, so the prediction (top-k) is
 * that of its input, the logits: proofs attest the logits, and this layer's output is computed from
 * them as real numbers (beta·scale·(x − zeroPoint)), rounded to the output quantization.
 */
public record Softmax(String name, int input, int output, float beta) implements Layer {
  @Override
  public List<Integer> inputs() {
    return List.of(input);
  }
}
