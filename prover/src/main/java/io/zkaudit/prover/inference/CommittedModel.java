package io.zkaudit.prover.inference;

import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.inference.WeightLayout;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.model.QuantizedModel;
import io.zkaudit.prover.pcs.Committed;
import java.util.List;

/**
 * A model ready to prove with: its circuit, the weight tables in their proof layouts, and their
 * commitment (kept by the seller; the {@link VerifyingKey} is what it publishes).
 */
public record CommittedModel(QuantizedModel model, ModelCircuit circuit, WeightLayout layout, List<long[]> weightTables,
    Committed weights, VerifyingKey vk) {}
