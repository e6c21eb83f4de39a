package io.zkaudit.prover.model;

import io.zkaudit.model.Layer;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.Softmax;
import io.zkaudit.model.TensorSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A quantized model with its private values: the public {@link ModelDescription} plus the integer
 * value of every constant tensor (weights as their raw quantized integers, uint8 as 0..255; biases
 * as int32), indexed by tensor id. This is what the seller commits to.
 */
public record QuantizedModel(ModelDescription description, Map<Integer, int[]> constants) {

  public QuantizedModel {
    constants = Map.copyOf(constants);
    for (int t = 0; t < description.tensors().size(); t++) {
      TensorSpec spec = description.tensor(t);
      if (!spec.constant()) continue;
      int[] values = constants.get(t);
      if (values == null || values.length != spec.size()) {
        throw new ModelFormatException(
            "constant tensor " + spec.name() + " has no values or the wrong number of them");
      }
      for (int v : values) {
        if (v < spec.type().min() || v > spec.type().max()) {
          throw new ModelFormatException(
              "constant tensor " + spec.name() + " holds " + v + ", outside " + spec.type());
        }
      }
    }
    for (int id : constants.keySet()) {
      if (id < 0 || id >= description.tensors().size() || !description.tensor(id).constant()) {
        throw new ModelFormatException(
            "values given for tensor " + id + " which is not a constant");
      }
    }
  }

  /** The values of one constant tensor (a copy is not made: treat as read-only). */
  public int[] constant(int tensorId) {
    int[] v = constants.get(tensorId);
    if (v == null) throw new IllegalArgumentException("tensor " + tensorId + " is not a constant");
    return v;
  }

  public TensorSpec input() {
    return description.tensor(description.inputs().getFirst());
  }

  public TensorSpec output() {
    return description.tensor(description.outputs().getFirst());
  }

  /**
   * The tensor whose ranking is the prediction: the input of a final Softmax (monotone, so the same
   * order with fewer ties) or else the first output.
   */
  public int logitsTensor() {
    int out = description.outputs().getFirst();
    List<Layer> layers = description.layers();
    for (int i = layers.size() - 1; i >= 0; i--) {
      if (layers.get(i).output() == out) {
        if (layers.get(i) instanceof Softmax s) return s.input();
        return out;
      }
    }
    return out;
  }

  /** Number of weight and bias values (the model's parameter count). */
  public long parameterCount() {
    long n = 0;
    for (int[] v : constants.values()) n += v.length;
    return n;
  }

  /** Builds the constants map incrementally (for importers). */
  public static Map<Integer, int[]> newConstants() {
    return new HashMap<>();
  }
}
