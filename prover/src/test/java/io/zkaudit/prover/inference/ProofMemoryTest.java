package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.testutil.ResNet8;
import org.junit.jupiter.api.Test;

/**
 * The heap estimate against what was measured (docs/benchmarks.md, "Batch proof memory" and "The
 * cuts, as built"): ResNet-8 zero-knowledge batches of 32 padded samples fit a 4 GB heap, 64 an 8
 * GB one, 128 the launcher's 12 GB but not 9 GB (out of memory there with the default old
 * generation), 256 none of them; padding is counted (33 samples cost what 64 do).
 */
class ProofMemoryTest {
  private static final long GB = 1L << 30;

  @Test
  void resNet8BatchesFitTheHeapsTheyWereMeasuredIn() throws Exception {
    ProofMemory m = ProofMemory.of(ModelCircuit.of(ResNet8.model().description(), true));
    assertEquals(803_264, m.committedPerSample(), "ResNet-8's committed entries per zk sample");
    assertEquals(32, m.largestBatch(4 * GB));
    assertEquals(64, m.largestBatch(8 * GB));
    assertEquals(64, m.largestBatch(9 * GB), "128 ran out of memory in 9 GB");
    assertEquals(128, m.largestBatch(12 * GB));
    assertTrue(m.heapBytes(33) == m.heapBytes(64), "33 samples are padded to 64");
    assertTrue(m.heapBytes(100) == m.heapBytes(128), "100 samples are padded to 128");
    assertTrue(m.heapBytes(256) > 12 * GB, "256 samples need more than the launcher's 12 GB");
    assertEquals(0, m.largestBatch(GB / 4), "not one sample in 256 MB");
  }

  /**
   * One proof of one input: MobileNet v2's zero-knowledge circuit (38,544,384 committed entries,
   * `bench prove`'s layer table) proves in -Xmx4g with a live peak of ~2.7 GB (docs/benchmarks.md,
   * "Prover memory in 4 GB"), so the estimate the out-of-memory message quotes is within 4 GB and
   * above that live peak; a small model gets the 1 GB floor.
   */
  @Test
  void oneProofOfMobileNetV2FitsTheLaunchersFourGigabytes() throws Exception {
    long mobileNet = new ProofMemory(38_544_384).singleProofHeapBytes();
    assertTrue(mobileNet <= 4 * GB, "MobileNet v2 proves in -Xmx4g: " + (mobileNet >> 20));
    assertTrue(mobileNet > 2_900L << 20, "above its measured live peak: " + (mobileNet >> 20));
    ProofMemory resNet = ProofMemory.of(ModelCircuit.of(ResNet8.model().description(), true));
    assertEquals(GB, resNet.singleProofHeapBytes(), "ResNet-8 (live ~260 MB): the 1 GB floor");
  }
}
