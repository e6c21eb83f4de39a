package io.zkaudit.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.hash.Digest32;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.proof.InvalidProofException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The encodings of a test-set commitment T and of its reveal, as a seller, a verifier or an escrow
 * reads them from an adversary: they round-trip, and hostile bytes (wrong magic, a sample count
 * outside 1..2^16, cut, extended, flipped anywhere) are refused with {@link InvalidProofException}
 * and a clear reason, or decode to another value than the original; nothing else escapes.
 */
class TestSetEncodingTest {
  private static final TestSetCommitment T = new TestSetCommitment(4, commitment(17));

  private static Commitment commitment(int numVars) {
    byte[] root = new byte[32];
    for (int i = 0; i < root.length; i++) {
      root[i] = (byte) (31 * i + 7);
    }
    return new Commitment(new Digest32(root), numVars);
  }

  private static final TestSetReveal REVEAL =
      new TestSetReveal(
          List.of(new int[] {1, -2, 3}, new int[] {4, 5, -128}), new int[] {0, 9}, new byte[16]);

  @Test
  void theyRoundTripAndTheDigestBindsNAndTheRoot() throws Exception {
    assertEquals(T, TestSetCommitment.decode(T.encode()));
    assertEquals(REVEAL, TestSetReveal.decode(REVEAL.encode()));
    assertEquals(41, T.encode().length);
    assertEquals(T.digest(), TestSetCommitment.decode(T.encode()).digest());
    assertNotEquals(T.digest(), new TestSetCommitment(5, T.commitment()).digest());
    assertNotEquals(T.digest(), new TestSetCommitment(4, commitment(18)).digest());
  }

  @Test
  void hostileCommitmentBytesAreRefusedWithTheReason() {
    byte[] good = T.encode();
    byte[] magic = good.clone();
    magic[2] = 'X';
    refused(() -> TestSetCommitment.decode(magic), "not a zkaudit test-set commitment (bad magic)");
    refused(
        () -> TestSetCommitment.decode(new InputCommitment(T.commitment()).encode()), "bad magic");
    for (int n : new int[] {0, -1, Batch.MAX_SAMPLES + 1}) {
      byte[] b = good.clone();
      b[4] = (byte) n;
      b[5] = (byte) (n >> 8);
      b[6] = (byte) (n >> 16);
      b[7] = (byte) (n >> 24);
      refused(() -> TestSetCommitment.decode(b), "a test-set commitment of " + n + " samples");
    }
    refused(() -> TestSetCommitment.decode(Arrays.copyOf(good, good.length - 1)), "truncated");
    refused(() -> TestSetCommitment.decode(Arrays.copyOf(good, good.length + 1)), "trailing");
    refused(() -> TestSetCommitment.decode(new byte[0]), "truncated");
    byte[] vars = good.clone();
    vars[vars.length - 1] = (byte) 200;
    refused(() -> TestSetCommitment.decode(vars), "commitment has 200 variables");
    mutations(good, TestSetCommitment::decode, T);
  }

  @Test
  void hostileRevealBytesAreRefusedWithTheReason() {
    byte[] good = REVEAL.encode();
    byte[] magic = good.clone();
    magic[3] = 'S';
    refused(() -> TestSetReveal.decode(magic), "not a zkaudit test-set reveal (bad magic)");
    byte[] many = good.clone();
    many[4] = (byte) 0xFF;
    many[5] = (byte) 0xFF;
    refused(() -> TestSetReveal.decode(many), "truncated: 65535 inputs of 3 values do not fit");
    byte[] huge = good.clone();
    huge[11] = 0x7F;
    refused(() -> TestSetReveal.decode(huge), "a test-set reveal with inputs of");
    refused(() -> TestSetReveal.decode(Arrays.copyOf(good, good.length - 1)), "truncated");
    refused(() -> TestSetReveal.decode(Arrays.copyOf(good, good.length + 2)), "trailing");
    mutations(good, TestSetReveal::decode, REVEAL);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TestSetReveal(List.of(new int[] {1}), new int[] {0}, new byte[8]));
    assertTrue(e.getMessage().contains("a test-set seed has 16 bytes, not 8"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TestSetReveal(List.of(new int[] {1}), new int[] {0, 1}, new byte[16]));
    assertTrue(e.getMessage().contains("2 labels for 1 inputs"), e.getMessage());
  }

  private interface Decoder<T> {
    T decode(byte[] b) throws InvalidProofException;
  }

  /** 2,000 random flips, overwrites, cuts and insertions: refused, or another value. */
  private static <T> void mutations(byte[] good, Decoder<T> decoder, T original) {
    Random rng = new Random(16);
    for (int i = 0; i < 2000; i++) {
      int at = rng.nextInt(good.length);
      byte[] b =
          switch (rng.nextInt(3)) {
            case 0 -> {
              byte[] x = good.clone();
              x[at] ^= (byte) (1 << rng.nextInt(8));
              yield x;
            }
            case 1 -> Arrays.copyOf(good, at);
            default -> {
              byte[] x = new byte[good.length + 1];
              System.arraycopy(good, 0, x, 0, at);
              x[at] = (byte) rng.nextInt(256);
              System.arraycopy(good, at, x, at + 1, good.length - at);
              yield x;
            }
          };
      try {
        assertNotEquals(original, decoder.decode(b), "mutation " + i + " decodes to the original");
      } catch (InvalidProofException e) {
        assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
      }
    }
  }

  private static void refused(Executable decode, String reason) {
    InvalidProofException e = assertThrows(InvalidProofException.class, decode);
    assertTrue(
        e.getMessage().contains(reason), "expected '" + reason + "', got: " + e.getMessage());
  }
}
