package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.ResNet8;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13, part 4: a verifying key is the seller's word, read by buyers from a registry; a
 * malformed one must be refused with {@link InvalidProofException}, never another exception, and
 * every byte of it (description and architecture included) is bound by its digest, the model
 * commitment that proofs, registries and contracts name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VerifyingKeyHardeningTest {
  CommittedModel committed;
  byte[] vkBytes;
  ModelProof proof;
  int[] input;

  @BeforeAll
  void setUp() throws Exception {
    QuantizedModel model = ResNet8.model();
    committed = ModelProver.commit(model);
    vkBytes = committed.vk().encode();
    input = ResNet8.inputs(model, 1).getFirst();
    proof = ModelProver.prove(committed, input, ProgressListener.NONE);
  }

  /**
   * Every byte of the key, altered: the key is refused when decoded or when a verifier is built, or
   * it is another key (another digest), against which the proof fails, even when the cheating
   * seller renames the proof's model to the altered key's digest so that verification goes past the
   * first check into the altered description.
   */
  @Test
  @Timeout(
      value = 10,
      unit =
          TimeUnit
              .MINUTES) // a hostile key must not hang its verifier (it did: an int32 ADD operand)
  void everyAlteredByteIsRefusedOrMakesAnotherKeyThatRejectsTheProof() throws Exception {
    Digest32 original = committed.vk().digest();
    int refusedAtDecode = 0;
    int refusedByVerifier = 0;
    int rejectedProofs = 0;
    // Every byte of the header, then a stride through the description and the commitment (about
    // 400 keys: each verifier compiles its circuit).
    int stride = Math.max(1, vkBytes.length / 350);
    for (int pos = 0; pos < vkBytes.length; pos += pos < 64 ? 1 : stride) {
      for (int bit : new int[] {pos % 8}) {
        byte[] copy = vkBytes.clone();
        copy[pos] ^= (byte) (1 << bit);
        VerifyingKey vk;
        try {
          vk = VerifyingKey.decode(copy);
        } catch (InvalidProofException refused) {
          refusedAtDecode++;
          continue;
        } catch (RuntimeException bug) {
          throw new AssertionError("byte " + pos + " bit " + bit + ": decode threw " + bug, bug);
        }
        assertNotEquals(
            original, vk.digest(), "byte " + pos + ": another key with the same model commitment");
        ModelVerifier verifier;
        try {
          verifier = new ModelVerifier(vk);
        } catch (InvalidProofException refused) {
          refusedByVerifier++;
          continue;
        } catch (RuntimeException bug) {
          throw new AssertionError(
              "byte " + pos + " bit " + bit + ": the verifier threw " + bug, bug);
        }
        for (ModelProof p : new ModelProof[] {proof, renamed(proof, vk.digest())}) {
          try {
            verifier.verify(p, input);
            fail("byte " + pos + " bit " + bit + ": a proof verified against an altered key");
          } catch (InvalidProofException rejected) {
            rejectedProofs++;
          } catch (RuntimeException bug) {
            throw new AssertionError(
                "byte " + pos + " bit " + bit + ": verification threw " + bug, bug);
          }
        }
      }
    }
    assertTrue(
        refusedAtDecode > 0 && rejectedProofs > 0,
        "decode refusals "
            + refusedAtDecode
            + ", verifier refusals "
            + refusedByVerifier
            + ", rejected proofs "
            + rejectedProofs);
  }

  @Test
  void truncatedAndExtendedKeysAreRefused() {
    for (int len :
        new int[] {0, 3, 4, 8, 9, vkBytes.length / 2, vkBytes.length - 1, vkBytes.length + 1}) {
      byte[] copy = java.util.Arrays.copyOf(vkBytes, len);
      assertThrows(InvalidProofException.class, () -> VerifyingKey.decode(copy), "length " + len);
    }
  }

  @Test
  void theKeyRoundTripsAndItsDigestIsTheHashOfEveryByte() throws Exception {
    VerifyingKey decoded = VerifyingKey.decode(vkBytes);
    assertEquals(committed.vk(), decoded);
    assertEquals(new Digest32(io.zkaudit.hash.Sha256.hash(vkBytes)), decoded.digest());
  }

  /**
   * The proof with its model digest set to another (a cheating seller's rename), in the encoding:
   * magic (4), version (4) and flags (1) come first, then the 32-byte digest.
   */
  static ModelProof renamed(ModelProof p, Digest32 model) throws InvalidProofException {
    byte[] bytes = p.encode();
    System.arraycopy(model.bytes(), 0, bytes, 9, 32);
    ModelProof renamed = ModelProof.decode(bytes);
    assertEquals(model, renamed.model());
    return renamed;
  }
}
