package io.zkaudit.prover.inference;

import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.inference.WeightLayout;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.prover.pcs.Committed;
import java.util.List;

/**
 * A model ready to prove with: its circuits (without and with zero knowledge, whose tensor layouts
 * differ: {@link ModelCircuit#of(io.zkaudit.model.ModelDescription, boolean)}), the weight tables
 * in their proof layouts (the same for both circuits), and their commitment (kept by the seller;
 * the {@link VerifyingKey} is what it publishes).
 */
public record CommittedModel(
    QuantizedModel model,
    ModelCircuit circuit,
    WeightLayout layout,
    List<long[]> weightTables,
    Committed weights,
    VerifyingKey vk,
    ModelCircuit zkCircuit) {

  public CommittedModel {
    if (circuit.zeroKnowledge() || !zkCircuit.zeroKnowledge()) {
      throw new IllegalArgumentException("the circuits are not a plain and a zero-knowledge one");
    }
  }

  /** With the zero-knowledge circuit derived from the model. */
  public CommittedModel(
      QuantizedModel model,
      ModelCircuit circuit,
      WeightLayout layout,
      List<long[]> weightTables,
      Committed weights,
      VerifyingKey vk) {
    this(
        model,
        circuit,
        layout,
        weightTables,
        weights,
        vk,
        ModelCircuit.of(model.description(), true));
  }

  /** The circuit of proofs with or without zero knowledge. */
  public ModelCircuit circuit(boolean zeroKnowledge) {
    return zeroKnowledge ? zkCircuit : circuit;
  }
}
