package io.zkaudit.layers;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.model.ElementType;
import io.zkaudit.model.FullyConnected;
import io.zkaudit.model.ModelDescription;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.Requantization;
import io.zkaudit.model.TensorSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A description may name an activation as a linear layer's weights (the shape rules allow it: a
 * dense layer of its input by itself computes sum x_i^2). The weight commitment would hold one
 * fixed table for it, so a proof would show a different, linear function than the described one:
 * the circuit refuses it, for the verifier as for the prover.
 */
class ComputedWeightsTest {
  @Test
  void aDenseLayerWhoseWeightsTheModelComputesIsRefused() {
    List<TensorSpec> tensors =
        List.of(
            TensorSpec.of(
                "x",
                List.of(1, 4),
                ElementType.INT8,
                0.05f,
                0,
                false), // 0: the input, also "weights"
            TensorSpec.of("b", List.of(1), ElementType.INT32, 0.0025f, 0, true), // 1
            TensorSpec.of("y", List.of(1, 1), ElementType.INT8, 0.05f, 0, false)); // 2
    FullyConnected square =
        new FullyConnected(
            "square",
            0,
            0,
            1,
            2,
            0,
            List.of(0),
            Requantization.perTensor(1 << 30, 0, 0, -128, 127));
    ModelDescription d =
        new ModelDescription("x-times-x", tensors, List.of(square), List.of(0), List.of(2));
    for (boolean zk : new boolean[] {false, true}) {
      ModelFormatException e =
          assertThrows(ModelFormatException.class, () -> ModelCircuit.of(d, zk));
      assertTrue(
          e.getMessage().contains("weights that the model computes (tensor 'x' is not a constant)"),
          e.getMessage());
    }
  }
}
