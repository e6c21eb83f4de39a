package io.zkaudit.prover.inference;

import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.MnistCnn;
import java.util.List;
import org.junit.jupiter.api.TestInstance;

/** {@link ChainedProofCases} on the MNIST CNN split at a middle layer. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChainedMnistProofTest extends ChainedProofCases {
  @Override
  QuantizedModel load() throws Exception {
    return MnistCnn.model();
  }

  @Override
  List<int[]> inputs(QuantizedModel q) throws Exception {
    return MnistCnn.inputs(q, 2);
  }
}
