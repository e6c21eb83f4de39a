package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.model.ElementType;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.ResNet8;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A private input is range-checked inside the proof (ResNet-8, int8 input): a prover that commits
 * an input holding a value outside int8 and runs the model on it anyway (the engine's input check
 * skipped) is rejected by the range lookup, though the rest of its proof is consistent; the same
 * prover on an in-range input is accepted, so the rejection is the range check's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivateInputRangeTest {
  QuantizedModel model;
  CommittedModel committed;
  ModelVerifier verifier;
  int[] input;

  @BeforeAll
  void setUp() throws Exception {
    model = ResNet8.model();
    committed = ModelProver.commit(model);
    verifier = new ModelVerifier(committed.vk());
    input = ResNet8.inputs(model, 1).getFirst();
  }

  @Test
  void theStatementChecksTheInputsDeclaredRange() {
    assertEquals(
        ElementType.INT8, model.description().tensor(committed.zkCircuit().inputTensor()).type());
    assertArrayEquals(new long[] {-128, 127}, InferenceStatement.inputRange(committed.zkCircuit()));
    int plain = InferenceStatement.lookups(committed.zkCircuit()).lookups().get(1).groups().size();
    assertEquals(
        plain + 2,
        InferenceStatement.lookups(committed.zkCircuit(), true).lookups().get(1).groups().size());
  }

  @Test
  void theCheatingPathProvesAnInRangeInput() throws Exception {
    CommittedInput c = ModelProver.commitInput(committed, input, null);
    ModelProof p = CheatingProver.uncheckedInput(committed, c);
    int[] expected =
        new IntegerEngine(model).trace(input).tensor(committed.circuit().outputTensor());
    assertArrayEquals(
        expected, verifier.verifyCommitted(ModelProof.decode(p.encode()), c.commitment()));
  }

  @Test
  void anInputValueAboveInt8IsRejected() {
    rejected(200);
  }

  @Test
  void anInputValueBelowInt8IsRejected() {
    rejected(-129);
  }

  private void rejected(int value) {
    int[] bad = input.clone();
    bad[bad.length / 2] = value;
    CommittedInput c = ModelProver.commitInput(committed, bad, null);
    ModelProof p = CheatingProver.uncheckedInput(committed, c);
    InvalidProofException e =
        assertThrows(
            InvalidProofException.class, () -> verifier.verifyCommitted(p, c.commitment()));
    assertTrue(
        e.getMessage().contains("lookup 1"), "the range lookup rejects it: " + e.getMessage());
  }
}
