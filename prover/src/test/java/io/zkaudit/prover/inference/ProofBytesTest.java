package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.ResNet8;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The prover's memory cuts (docs/benchmarks.md, "Batch proof memory") change where the witness is
 * held, never a proof byte: a plain (hence deterministic) ResNet-8 accuracy proof of four CIFAR-10
 * samples, under a fixed hiding key, hashes to the digest the prover gave before the cuts. It
 * covers what the cuts touch: the rounding and range lookups' groups, the fraction trees, the
 * committed witness columns. (Zero-knowledge proofs draw fresh randomness and cannot be compared
 * byte for byte; their lookups' blinded path is pinned by LogUpProofBytesTest.)
 */
class ProofBytesTest {
  /** SHA-256 of the proof, as proven before the memory cuts. */
  private static final String DIGEST =
      "ca3d8efb058af10331ce54ddec4c9fa8914664ed826fd5c670f64762d2584eb9";

  @Test
  void aFixedPlainAccuracyProofKeepsItsBytes() throws Exception {
    QuantizedModel model = ResNet8.model();
    CommittedModel cm =
        ModelProver.commit(model, "proof-bytes-hiding-key-16+".getBytes(StandardCharsets.US_ASCII));
    List<int[]> inputs = ResNet8.inputs(model, 4);
    int[] labels = Arrays.copyOf(ResNet8.labels(4), 4);
    byte[] proof =
        ModelProver.proveAccuracy(cm, inputs, labels, ProgressListener.NONE, false).encode();
    byte[] again =
        ModelProver.proveAccuracy(cm, inputs, labels, ProgressListener.NONE, false).encode();
    assertArrayEquals(proof, again, "a plain proof is deterministic");
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(proof));
    assertEquals(DIGEST, digest);
  }
}
