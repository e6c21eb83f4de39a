package io.zkaudit.protocols.buyer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.zkaudit.proto.v1.AuditCommitment;
import io.zkaudit.proto.v1.AuditProofKind;
import io.zkaudit.proto.v1.BuyerAuditState;
import io.zkaudit.proto.v1.RevealedSample;
import io.zkaudit.protocols.AuditStatements;
import io.zkaudit.protocols.Statements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The buyer's state for a 15,000-sample audit (the seed paper's 14,979): the samples go to their
 * own file one at a time, the state file holds only hashes and labels, and loading, saving and
 * reading a sample never holds every input at once.
 */
class AuditStateScaleTest {
  private static final int N = 15_000;
  // A CIFAR-10 input (32 × 32 × 3 values).
  private static final int VALUES = 3072;

  @TempDir Path dir;

  private static int[] input(int i) {
    int[] x = new int[VALUES];
    for (int k = 0; k < VALUES; k++) {
      x[k] = ((i * 31 + k * 7) % 256) - 128;
    }
    return x;
  }

  private static byte[] salt(int i) {
    byte[] s = new byte[AuditStatements.SALT_BYTES];
    s[0] = (byte) i;
    s[1] = (byte) (i >> 8);
    return s;
  }

  @Test
  void aFifteenThousandSampleStateLoadsAndSavesWithoutItsInputs() throws Exception {
    AuditStateFiles files = new AuditStateFiles(dir);
    String id = "scale-15000";
    // Written as generated: one sample's input in memory at a time.
    files.saveSamples(
        id,
        () ->
            IntStream.range(0, N)
                .mapToObj(
                    i ->
                        RevealedSample.newBuilder()
                            .setIndex(i)
                            .setSalt(ByteString.copyFrom(salt(i)))
                            .addAllInput(io.zkaudit.protocols.Tensors.toList(input(i)))
                            .setLabel(i % 10)
                            .build())
                .iterator());
    AuditCommitment.Builder c =
        AuditCommitment.newBuilder()
            .setAuditId(id)
            .setSampleCount(N)
            .setProofKind(AuditProofKind.ACCURACY_PROOF);
    List<byte[]> hashes = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      byte[] h = AuditStatements.sampleHash(i, salt(i), Statements.tensorHash(input(i)), i % 10);
      hashes.add(h);
      c.addSampleHashes(ByteString.copyFrom(h));
    }
    c.setTestSetHash(ByteString.copyFrom(AuditStatements.testSetHash(hashes)));
    BuyerAuditState state =
        BuyerAuditState.newBuilder()
            .setCommitment(c)
            .addAllLabels(IntStream.range(0, N).map(i -> i % 10).boxed().toList())
            .build();
    files.save(state);

    long stateBytes = Files.size(files.file(id));
    long sampleBytes = Files.size(dir.resolve(id + ".samples"));
    // 15,000 hashes and labels: about 0.6 MB; the inputs (tens of MB) are not in it.
    assertTrue(stateBytes < 1_000_000, stateBytes + " bytes of state");
    assertTrue(sampleBytes > 40 * stateBytes, sampleBytes + " bytes of samples");

    BuyerAuditState loaded = files.load(id);
    assertEquals(0, loaded.getSamplesCount());
    assertEquals(N, loaded.getLabelsCount());
    assertEquals(state.getCommitment(), loaded.getCommitment());
    // Saving again after a step rewrites the small file only.
    files.save(loaded.toBuilder().setRevealed(true).build());
    assertEquals(stateBytes + 2, Files.size(files.file(id)));
    assertEquals(sampleBytes, Files.size(dir.resolve(id + ".samples")));

    // Every sample read back one at a time hashes to its committed hash (the last one too).
    int read = 0;
    try (AuditStateFiles.SampleReader r = files.samples(loaded, 0)) {
      while (r.hasNext()) {
        RevealedSample s = r.next();
        byte[] h =
            AuditStatements.sampleHash(
                s.getIndex(),
                s.getSalt().toByteArray(),
                Statements.tensorHash(io.zkaudit.protocols.Tensors.fromList(s.getInputList())),
                s.getLabel());
        assertTrue(java.util.Arrays.equals(hashes.get(read), h), "sample " + read);
        read++;
      }
    }
    assertEquals(N, read);
    try (AuditStateFiles.SampleReader r = files.samples(loaded, N - 1)) {
      assertEquals(N - 1, r.next().getIndex());
    }
  }
}
