package io.zkaudit.engine;

import io.zkaudit.model.ModelDescription;
import java.util.List;

/**
 * The witness of one inference: the value of every tensor (by tensor id; constants included) and
 * one {@link LayerTrace} per layer, in execution order.
 */
public record InferenceTrace(
    ModelDescription description, int[][] tensorValues, List<LayerTrace> layers) {
  public int[] output() {
    return tensorValues[description.outputs().getFirst()];
  }

  public int[] tensor(int id) {
    return tensorValues[id];
  }
}
