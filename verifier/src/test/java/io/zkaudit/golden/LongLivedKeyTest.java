package io.zkaudit.golden;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.inference.WeightRanges;
import io.zkaudit.proof.InvalidProofException;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * A verifying key lives as long as its model's commitment, and may be registered on chain: a key
 * committed by an earlier version (here the MNIST CNN's, committed by proof format 7's zkaudit)
 * must keep verifying, range proof included, when the per-proof format changes. Format 8 changed
 * the lookup layout of proofs but not of the keys' range proofs (WeightRanges keeps one witness
 * tree per lookup) for exactly this reason.
 */
class LongLivedKeyTest {
  private static byte[] key() throws IOException {
    try (InputStream in =
        LongLivedKeyTest.class.getResourceAsStream("/keys/mnist-cnn-format7.vk")) {
      if (in == null) {
        throw new IOException("missing test key keys/mnist-cnn-format7.vk");
      }
      return in.readAllBytes();
    }
  }

  @Test
  void aKeyCommittedByFormat7StillVerifies() throws Exception {
    VerifyingKey vk = VerifyingKey.decode(key());
    assertTrue(vk.rangeProof() != null, "the key carries its range proof");
    WeightRanges.check(vk);
  }

  @Test
  void aTamperedRangeProofInThatKeyIsRejected() throws Exception {
    byte[] bytes = key();
    int tried = 0;
    for (int at = bytes.length - 1; at > bytes.length - 60_000; at -= 6007) {
      byte[] bad = bytes.clone();
      bad[at] ^= 0x10;
      assertThrows(
          InvalidProofException.class,
          () -> WeightRanges.check(VerifyingKey.decode(bad)),
          "byte " + at);
      tried++;
    }
    assertTrue(tried >= 9);
  }
}
