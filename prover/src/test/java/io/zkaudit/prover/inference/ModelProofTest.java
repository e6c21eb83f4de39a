package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.ResNet8;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * End to end on ResNet-8 int8 (CIFAR-10, per-channel weights, residual ADDs, average pool, dense
 * layer): completeness on real images, and rejection of every kind of tampering.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelProofTest {
  QuantizedModel model;
  CommittedModel committed;
  List<int[]> inputs;
  ModelProof proof;
  byte[] bytes;

  @BeforeAll
  void proveOnce() throws Exception {
    model = ResNet8.model();
    inputs = ResNet8.inputs(model, 3);
    committed = ModelProver.commit(model);
    proof = ModelProver.prove(committed, inputs.getFirst(), ProgressListener.NONE);
    bytes = proof.encode();
  }

  @Test
  void proofsOfRealImagesVerifyAndMatchTheEngineBitForBit() throws Exception {
    ModelVerifier verifier = new ModelVerifier(VerifyingKey.decode(committed.vk().encode()));
    for (int[] input : inputs) {
      ModelProof p =
          input == inputs.getFirst()
              ? proof
              : ModelProver.prove(committed, input, ProgressListener.NONE);
      int[] verified = verifier.verify(ModelProof.decode(p.encode()), input);
      int[] logits =
          new IntegerEngine(model).trace(input).tensor(verifier.circuit().outputTensor());
      assertArrayEquals(logits, verified);
      // Without its input a proof cannot be verified at all: nothing in it says which input it is
      // about.
      assertThrows(NullPointerException.class, () -> verifier.verify(p, null));
    }
  }

  @Test
  void flippingAnyByteIsRejected() throws Exception {
    ModelVerifier verifier = new ModelVerifier(committed.vk());
    // Every byte of the short sections, then a stride through the long ones: every section is hit.
    int stride = Math.max(1, bytes.length / 400);
    int tried = 0;
    for (int pos = 0; pos < bytes.length; pos += pos < 256 ? 1 : stride) {
      byte[] copy = bytes.clone();
      copy[pos] ^= (byte) (1 << (pos % 8));
      try {
        verifier.verify(ModelProof.decode(copy), inputs.getFirst());
        fail("a proof with byte " + pos + " flipped was accepted");
      } catch (InvalidProofException expected) {
        tried++;
      }
    }
    assertTrue(tried > 600, "tried " + tried);
  }

  @Test
  void truncatedOrExtendedProofsAreRejected() {
    ModelVerifier[] v = new ModelVerifier[1];
    assertThrowsInvalid(() -> ModelProof.decode(java.util.Arrays.copyOf(bytes, bytes.length - 1)));
    assertThrowsInvalid(() -> ModelProof.decode(java.util.Arrays.copyOf(bytes, bytes.length + 1)));
    assertThrowsInvalid(() -> ModelProof.decode(new byte[0]));
    assertThrowsInvalid(() -> ModelProof.decode(java.util.Arrays.copyOf(bytes, 100)));
    assertEquals(null, v[0]);
  }

  @Test
  void anotherInputOrOutputOrModelIsRejected() throws Exception {
    ModelVerifier verifier = new ModelVerifier(committed.vk());
    int[] other = inputs.get(1);
    assertInvalid(() -> verifier.verify(proof, other), "another input");
    int[] out = proof.output();
    out[3] = out[3] == 0 ? 1 : out[3] - 1;
    ModelProof altered = proof.edit().output(out).build();
    assertInvalid(() -> verifier.verify(altered, inputs.getFirst()), "output");
    // The same model with one weight changed has another commitment: the proof is not for it.
    QuantizedModel tweaked = withOneWeightChanged(model);
    CommittedModel other2 = ModelProver.commit(tweaked);
    ModelVerifier otherVerifier = new ModelVerifier(other2.vk());
    assertInvalid(() -> otherVerifier.verify(proof, inputs.getFirst()), "another model");
    // A proof that claims the honest model's digest but uses the tweaked weights does not verify.
    CommittedModel cheat =
        new CommittedModel(
            tweaked,
            other2.circuit(),
            other2.layout(),
            other2.weightTables(),
            other2.weights(),
            committed.vk());
    ModelProof cheating = ModelProver.prove(cheat, inputs.getFirst(), ProgressListener.NONE);
    assertInvalid(
        () -> verifier.verify(cheating, inputs.getFirst()), "weights not behind the commitment");
    // The honest commitment (so an honest shadow link) with the tweaked weights in the layer
    // proofs:
    // the weight claims no longer hold on the shadow.
    CommittedModel mixed =
        new CommittedModel(
            tweaked,
            other2.circuit(),
            other2.layout(),
            other2.weightTables(),
            committed.weights(),
            committed.vk());
    ModelProof mixedProof = ModelProver.prove(mixed, inputs.getFirst(), ProgressListener.NONE);
    assertInvalid(
        () -> verifier.verify(mixedProof, inputs.getFirst()),
        "weights other than the committed ones");
  }

  /**
   * A prover that departs from the true computation in one value cannot make the verifier accept.
   */
  @Test
  void aWitnessWrongInOneValueIsRejected() throws Exception {
    ModelVerifier verifier = new ModelVerifier(committed.vk());
    int[] x = inputs.getFirst();
    int mid = 3; // a convolution in the middle of the network
    List<java.util.function.Consumer<InferenceWitness>> cheats =
        List.of(
            w ->
                bump(
                    w.columns[committed.circuit().layers().get(mid).columns().out()],
                    0), // one activation
            w -> bump(w.c1[mid], 5), // one rounding witness
            w -> bump(w.c2[mid], 7),
            w -> bump(w.lookups.get(0).groups().get(mid)[2], 2)); // one accumulator (a - c1)
    int proofsMade = 0;
    for (var cheat : cheats) {
      ModelProof p;
      try {
        p = CheatingProver.alteringWitness(committed, x, cheat);
      } catch (RuntimeException refused) {
        continue; // the prover could not even assemble a proof
      }
      proofsMade++;
      ModelProof proofToCheck = p;
      assertInvalid(() -> verifier.verify(proofToCheck, x), "a witness changed in one value");
    }
    assertTrue(proofsMade >= 3, "the cheating prover produced " + proofsMade + " proofs to reject");
  }

  private static void bump(long[] column, int index) {
    column[index] = io.zkaudit.field.Goldilocks.add(column[index], 1);
  }

  static QuantizedModel withOneWeightChanged(QuantizedModel m) {
    Map<Integer, int[]> constants = new HashMap<>(m.constants());
    int id = m.description().layers().get(1).inputs().get(1); // the second layer's weights
    int[] w = constants.get(id).clone();
    w[0] = w[0] == 127 ? 126 : w[0] + 1;
    constants.put(id, w);
    return new QuantizedModel(m.description(), constants);
  }

  interface Action {
    void run() throws Exception;
  }

  static void assertInvalid(Action a, String what) {
    try {
      a.run();
      fail("accepted: " + what);
    } catch (InvalidProofException expected) {
      // rejected
    } catch (Exception e) {
      fail("rejected with the wrong error for " + what + ": " + e);
    }
  }

  static void assertThrowsInvalid(Action a) {
    assertThrows(InvalidProofException.class, a::run);
  }
}
