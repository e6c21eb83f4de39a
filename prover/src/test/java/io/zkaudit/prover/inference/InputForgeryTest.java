package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.ResNet8;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13's input forgery, tried by a cheating prover on ResNet-8. The seller answers input x with
 * model(x') for an x' of its choice (another class), signs (H(x), H(model(x'))) and, when
 * contested, proves model(x') while stating x: the transcript holds H(x), the input evaluation it
 * sends is x's, its own reduction runs against x; only the committed witness is x''s. Version 4
 * proofs carried H(x) in a field the verifier checked against nothing when it had no input; version
 * 5 has no such field and the verifier always holds the input. Every way the forgery can be put to
 * the verifier must fail, while the honest proofs of the same inputs verify.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InputForgeryTest {
  QuantizedModel model;
  CommittedModel committed;
  ModelVerifier verifier;
  int[] x;
  int[] other;

  @BeforeAll
  void setUp() throws Exception {
    model = ResNet8.model();
    committed = ModelProver.commit(model);
    verifier = new ModelVerifier(committed.vk());
    List<int[]> inputs = ResNet8.inputs(model, 200);
    x = inputs.getFirst();
    // x' is a real image the model puts in another class: the forgery would change the answer.
    int classOfX = topClass(x);
    other = inputs.stream().filter(i -> topClass(i) != classOfX).findFirst().orElseThrow();
  }

  private int topClass(int[] input) {
    int[] logits = new IntegerEngine(model).trace(input).tensor(committed.circuit().outputTensor());
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }

  @ParameterizedTest(name = "zero knowledge: {0}")
  @ValueSource(booleans = {true, false})
  void aProofOfAnotherInputStatedAsTheContestedOneIsRejected(boolean zk) throws Exception {
    assertNotEquals(topClass(x), topClass(other));
    ModelProof forged =
        ModelProof.decode(CheatingProver.claimingAnotherInput(committed, other, x, zk).encode());
    // It states model(x') as the output of x ...
    assertArrayEquals(
        new IntegerEngine(model).trace(other).tensor(committed.circuit().outputTensor()),
        forged.output());
    // ... and is rejected against x, the input it states, and against x', the input it proves.
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> verifier.verify(forged, x));
    assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    assertThrows(InvalidProofException.class, () -> verifier.verify(forged, other));
  }

  @Test
  void anHonestProofOfAnotherInputIsRejectedForTheContestedInput() throws Exception {
    ModelProof honestOther = ModelProver.prove(committed, other, ProgressListener.NONE);
    // The control: the proof is good for the input it is about.
    assertArrayEquals(honestOther.output(), verifier.verify(honestOther, other));
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> verifier.verify(honestOther, x));
    assertTrue(e.getMessage().contains("another input"), e.getMessage());
  }

  @Test
  void thereIsNoWayToVerifyWithoutTheInput() throws Exception {
    ModelProof honest = ModelProver.prove(committed, x, ProgressListener.NONE);
    assertArrayEquals(honest.output(), verifier.verify(honest, x));
    assertThrows(NullPointerException.class, () -> verifier.verify(honest, null));
    assertThrows(NullPointerException.class, () -> verifier.reduce(honest, (int[]) null));
  }
}
