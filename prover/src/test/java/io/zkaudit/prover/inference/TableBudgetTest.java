package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.model.Padding;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.TinyModels.Chain;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A key whose layers would need more lookup-table rows than a table may hold is refused while the
 * rows are added, not after all of them were built: 70 max pools, each clamped differently, name 70
 * pair tables of 2^16 rows (4.6M rows, over the 2^22 limit).
 */
class TableBudgetTest {
  @Test
  void tooManyDistinctTablesAreRefusedAsTheyAreAdded() {
    Chain chain = new Chain("many-clamps", List.of(1, 4, 4, 1));
    for (int i = 0; i < 70; i++) {
      chain.maxPool("pool" + i, 2, 1, new Padding(0, 0, 1, 1), -128 + i, 127);
    }
    QuantizedModel model = chain.build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelCircuit.of(model.description()));
    assertTrue(e.getMessage().contains("lookup tables exceed 2^22 rows"), e.getMessage());
  }

  @Test
  void aFewDistinctTablesStayWithinTheBudget() {
    Chain chain = new Chain("some-clamps", List.of(1, 4, 4, 1));
    for (int i = 0; i < 3; i++) {
      chain.maxPool("pool" + i, 2, 1, new Padding(0, 0, 1, 1), -128 + i, 127);
    }
    assertTrue(ModelCircuit.of(chain.build().description()).maxPools().size() == 3);
  }
}
