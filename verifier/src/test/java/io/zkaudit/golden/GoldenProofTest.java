package io.zkaudit.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.proof.InvalidProofException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The verifier tests itself on golden vectors: a verifying key and proofs made by the prover of
 * this format version (written by the prover module's GoldenVectorsWriter), checked here with
 * nothing but the verifier. A format change that forgets the version, or a verifier change that
 * stops accepting what the prover makes, fails here before anything else.
 */
class GoldenProofTest {
  private static byte[] resource(String name) throws IOException {
    try (InputStream in = GoldenProofTest.class.getResourceAsStream("/golden/" + name)) {
      if (in == null) {
        throw new IOException(
            "missing golden vector " + name + " (GoldenVectorsWriter writes them)");
      }
      return in.readAllBytes();
    }
  }

  private static int[] ints(String name) throws IOException {
    return Arrays.stream(new String(resource(name), StandardCharsets.US_ASCII).trim().split("\\s+"))
        .mapToInt(Integer::parseInt)
        .toArray();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-dense-zk", "tiny-dense-plain"})
  void theGoldenProofVerifiesToItsOutput(String name) throws Exception {
    VerifyingKey vk = VerifyingKey.decode(resource("tiny-dense.vk"));
    ModelProof proof = ModelProof.decode(resource(name + ".proof"));
    assertEquals(name.endsWith("-zk"), proof.zeroKnowledge());
    int[] output = new ModelVerifier(vk).verify(proof, ints("tiny-dense.input"));
    assertArrayEquals(ints("tiny-dense.output"), output);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-dense-zk", "tiny-dense-plain"})
  void anotherInputOrATamperedByteIsRejected(String name) throws Exception {
    VerifyingKey vk = VerifyingKey.decode(resource("tiny-dense.vk"));
    ModelVerifier verifier = new ModelVerifier(vk);
    byte[] bytes = resource(name + ".proof");
    int[] input = ints("tiny-dense.input");
    int[] other = input.clone();
    other[3] ^= 1;
    assertThrows(
        InvalidProofException.class, () -> verifier.verify(ModelProof.decode(bytes), other));
    // Bit flips spread over the whole proof: each one is refused (decoding or verification), none
    // yields another valid output.
    Random rng = new Random(name.hashCode());
    for (int k = 0; k < 200; k++) {
      byte[] bad = bytes.clone();
      int at = (int) ((long) bytes.length * k / 200) + rng.nextInt(Math.max(1, bytes.length / 200));
      bad[Math.min(at, bad.length - 1)] ^= (byte) (1 << rng.nextInt(8));
      assertThrows(
          InvalidProofException.class,
          () -> verifier.verify(ModelProof.decode(bad), input),
          "byte " + at);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 5, 6, ModelProof.VERSION + 1})
  void otherFormatVersionsAreRefusedByName(int version) throws Exception {
    byte[] other = resource("tiny-dense-zk.proof");
    assertEquals(
        ModelProof.VERSION, other[4]); // after the 4-byte magic, the u32 version, little-endian
    other[4] = (byte) version;
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> ModelProof.decode(other));
    assertTrue(e.getMessage().contains("version " + version), e.getMessage());
  }
}
