package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.model.ModelFormatException;
import io.zkaudit.prover.model.ModelSplit;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.ResNet8;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@link ChainedProofCases} on ResNet-8 split at a middle layer. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChainedResNetProofTest extends ChainedProofCases {
  @Override
  QuantizedModel load() throws Exception {
    return ResNet8.model();
  }

  @Override
  List<int[]> inputs(QuantizedModel q) throws Exception {
    return ResNet8.inputs(q, 2);
  }

  @Test
  void aSkipConnectionAcrossTheCutIsRefused() {
    // ResNet-8's residual blocks: a cut inside a block lets the skip connection cross it.
    int n = model.description().layers().size();
    int refused = 0;
    for (int at = 1; at < n; at++) {
      try {
        ModelSplit.at(model, at);
      } catch (ModelFormatException e) {
        if (e.getMessage().contains("is not a chain")) {
          refused++;
        }
      }
    }
    assertTrue(refused > 0, "a cut across a skip connection is refused");
  }
}
