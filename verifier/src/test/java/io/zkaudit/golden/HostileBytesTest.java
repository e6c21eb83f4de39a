package io.zkaudit.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.proof.InvalidProofException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a buyer, an attester or a seller's registry may receive from an adversary: keys and proofs
 * with bytes flipped, overwritten, cut or inserted anywhere. Decoding and verifying either refuse
 * with {@link InvalidProofException} or (for a mutation that decodes to the same statement) give
 * the honest output; nothing else escapes. That is what lets the protocol code catch
 * InvalidProofException alone and treat any other exception as a bug (issue 19, part 6).
 */
class HostileBytesTest {
  private static byte[] resource(String name) throws IOException {
    try (InputStream in = HostileBytesTest.class.getResourceAsStream("/golden/" + name)) {
      if (in == null) {
        throw new IOException("missing golden vector " + name);
      }
      return in.readAllBytes();
    }
  }

  private static int[] ints(String name) throws IOException {
    return Arrays.stream(new String(resource(name), StandardCharsets.US_ASCII).trim().split("\\s+"))
        .mapToInt(Integer::parseInt)
        .toArray();
  }

  /** A flip, an overwrite, a cut or an insertion at a random place: never the same bytes. */
  private static byte[] mutate(byte[] good, Random rng) {
    int at = rng.nextInt(good.length);
    return switch (rng.nextInt(4)) {
      case 0 -> {
        byte[] b = good.clone();
        b[at] ^= (byte) (1 << rng.nextInt(8));
        yield b;
      }
      case 1 -> {
        // An overwrite with another value (the same value would be no mutation at all, and a
        // proof that is still the good one must verify).
        byte[] b = good.clone();
        byte value = (byte) (rng.nextBoolean() ? 0xFF : rng.nextInt(256));
        b[at] = value == good[at] ? (byte) ~value : value;
        yield b;
      }
      case 2 -> Arrays.copyOf(good, at);
      default -> {
        byte[] b = new byte[good.length + 1];
        System.arraycopy(good, 0, b, 0, at);
        b[at] = (byte) rng.nextInt(256);
        System.arraycopy(good, at, b, at + 1, good.length - at);
        yield b;
      }
    };
  }

  @Test
  void mutatedProofsAreRefusedWithAnInvalidProofException() throws Exception {
    VerifyingKey vk = VerifyingKey.decode(resource("tiny-dense.vk"));
    ModelVerifier verifier = new ModelVerifier(vk);
    int[] input = ints("tiny-dense.input");
    int[] output = ints("tiny-dense.output");
    Random rng = new Random(19);
    int refused = 0;
    for (String name : new String[] {"tiny-dense-zk.proof", "tiny-dense-plain.proof"}) {
      byte[] good = resource(name);
      for (int k = 0; k < 400; k++) {
        byte[] bad = mutate(good, rng);
        try {
          assertArrayEquals(
              output,
              verifier.verify(ModelProof.decode(bad), input),
              name + ": a mutation was accepted with another output");
        } catch (InvalidProofException e) {
          refused++;
        } catch (RuntimeException e) {
          fail(
              name + ", mutation " + k + ": " + e + " escaped instead of InvalidProofException", e);
        }
      }
    }
    assertEquals(800, refused, "every mutation of a proof is refused");
  }

  @Test
  void mutatedKeysAreRefusedWithAnInvalidProofException() throws Exception {
    byte[] good = resource("tiny-dense.vk");
    Random rng = new Random(20);
    for (int k = 0; k < 600; k++) {
      byte[] bad = mutate(good, rng);
      try {
        new ModelVerifier(VerifyingKey.decode(bad));
      } catch (InvalidProofException e) {
        continue;
      } catch (RuntimeException e) {
        fail("key mutation " + k + ": " + e + " escaped instead of InvalidProofException", e);
      }
    }
  }
}
