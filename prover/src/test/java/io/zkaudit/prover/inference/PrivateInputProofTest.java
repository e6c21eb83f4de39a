package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.inference.InputCommitment;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.ResNet8;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Proofs about a committed, private input (ResNet-8): they verify against the input commitment
 * alone, are bound to it, and a prover cannot swap the input behind it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivateInputProofTest {
  QuantizedModel model;
  CommittedModel committed;
  ModelVerifier verifier;
  int[] a;
  int[] b;
  CommittedInput ca;
  ModelProof proof;

  @BeforeAll
  void setUp() throws Exception {
    model = ResNet8.model();
    List<int[]> test = ResNet8.inputs(model, 2);
    a = test.get(0);
    b = test.get(1);
    committed = ModelProver.commit(model);
    verifier = new ModelVerifier(committed.vk());
    ca = ModelProver.commitInput(committed, a, null);
    proof = ModelProver.prove(committed, ca, ProgressListener.NONE);
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private int[] proven(int[] x) {
    return new IntegerEngine(model).trace(x).tensor(committed.circuit().outputTensor());
  }

  @Test
  void verifiesAgainstTheInputCommitmentAloneAndRevealsNoInputHash() throws Exception {
    assertArrayEquals(
        proven(a), verifier.verifyCommitted(ModelProof.decode(proof.encode()), ca.commitment()));
    // The proof carries no input hash at all: neither the input's nor its commitment's digest.
    byte[] encoded = proof.encode();
    assertFalse(contains(encoded, ModelVerifier.inputHash(a).bytes()));
    assertFalse(contains(encoded, ca.commitment().digest().bytes()));
    assertEquals(ca.commitment(), InputCommitment.decode(ca.commitment().encode()));
    // Not as a proof about a public input, with or without the input.
    assertThrows(InvalidProofException.class, () -> verifier.verify(proof, a));
    assertThrows(NullPointerException.class, () -> verifier.verify(proof, null));
    // A public-input proof does not pass as a private one.
    ModelProof open = ModelProver.prove(committed, a, ProgressListener.NONE);
    assertThrows(
        InvalidProofException.class, () -> verifier.verifyCommitted(open, ca.commitment()));
  }

  @Test
  void boundToItsCommitment() {
    CommittedInput cb = ModelProver.commitInput(committed, b, null);
    CommittedInput again = ModelProver.commitInput(committed, a, null);
    assertNotEquals(ca.commitment(), again.commitment(), "fresh hiding randomness each time");
    assertThrows(
        InvalidProofException.class, () -> verifier.verifyCommitted(proof, cb.commitment()));
    assertThrows(
        InvalidProofException.class, () -> verifier.verifyCommitted(proof, again.commitment()));
    byte[] key = new byte[32];
    key[3] = 7;
    assertEquals(
        ModelProver.commitInput(committed, a, key).commitment(),
        ModelProver.commitInput(committed, a, key).commitment(),
        "reproducible under a hiding key");
  }

  /**
   * A prover that proves another input than the committed one is caught, whichever way it tries.
   */
  @Test
  void anotherInputBehindTheCommitmentIsRejected() {
    CommittedInput cb = ModelProver.commitInput(committed, b, null);
    // b's table and codeword, a's public commitment: the link to a's commitment fails.
    CommittedInput linkCheat = new CommittedInput(ca.commitment(), b, cb.table(), cb.committed());
    ModelProof p1 = ModelProver.prove(committed, linkCheat, ProgressListener.NONE);
    assertThrows(InvalidProofException.class, () -> verifier.verifyCommitted(p1, ca.commitment()));
    // a's commitment and codeword, b's values in the layers: the input claims fail on a's shadow.
    CommittedInput claimCheat = new CommittedInput(ca.commitment(), b, cb.table(), ca.committed());
    ModelProof p2 = ModelProver.prove(committed, claimCheat, ProgressListener.NONE);
    assertThrows(InvalidProofException.class, () -> verifier.verifyCommitted(p2, ca.commitment()));
  }

  @Test
  void theInputShadowOpeningAndLinkAreBound() throws Exception {
    ModelProof other = ModelProver.prove(committed, ca, ProgressListener.NONE);
    ModelProof.PrivateInput pi = proof.privateInput();
    ModelProof.PrivateInput po = other.privateInput();
    for (ModelProof.PrivateInput swapped :
        List.of(
            new ModelProof.PrivateInput(po.shadow(), po.link()),
            new ModelProof.PrivateInput(pi.shadow(), po.link()),
            new ModelProof.PrivateInput(po.shadow(), pi.link()))) {
      ModelProof altered = withPrivateInput(proof, swapped);
      assertThrows(
          InvalidProofException.class, () -> verifier.verifyCommitted(altered, ca.commitment()));
    }
    byte[] link = pi.link();
    byte[] opening = proof.opening();
    for (int pos = 0; pos < Math.max(link.length, opening.length); pos += pos < 128 ? 1 : 53) {
      if (pos < link.length) {
        byte[] bad = link.clone();
        bad[pos] ^= 1;
        ModelProof altered = withPrivateInput(proof, new ModelProof.PrivateInput(pi.shadow(), bad));
        assertThrows(
            InvalidProofException.class,
            () -> verifier.verifyCommitted(altered, ca.commitment()),
            "link byte " + pos);
      }
      if (pos < opening.length) {
        byte[] bad = opening.clone();
        bad[pos] ^= 1;
        ModelProof altered = withOpening(proof, bad);
        assertThrows(
            InvalidProofException.class,
            () -> verifier.verifyCommitted(altered, ca.commitment()),
            "opening byte " + pos);
      }
    }
  }

  private static ModelProof withPrivateInput(ModelProof p, ModelProof.PrivateInput pi) {
    return p.edit().privateInput(pi).build();
  }

  private static ModelProof withOpening(ModelProof p, byte[] opening) {
    return p.edit().opening(opening).build();
  }
}
