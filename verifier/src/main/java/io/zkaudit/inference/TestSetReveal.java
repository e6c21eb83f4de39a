package io.zkaudit.inference;

import io.zkaudit.codec.ByteReader;
import io.zkaudit.codec.ByteWriter;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.zk.ZkRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the buyer hands the seller to open its {@link TestSetCommitment}: the N inputs, their labels
 * (class indices of the model's output) and the 16-byte seed of the commitment's randomness (every
 * padding and hiding entry is drawn from it, {@link TestSetOpening#columns}). With these the seller
 * recomputes T and refuses a reveal that does not open it ({@link TestSetOpening#check}) before
 * proving anything. The reveal is secret between buyer and seller; the proof reveals none of it.
 *
 * <p>Encoding: magic "ZKTR", u32 N, u32 values per input, the N inputs' values (u32 each, two's
 * complement), the N labels (u32), the seed (u32 length, 16 bytes).
 */
public record TestSetReveal(List<int[]> inputs, int[] labels, byte[] seed) {
  private static final byte[] MAGIC = {'Z', 'K', 'T', 'R'};

  /** The most values per input a reveal holds (MobileNet's 150,528 fit many times over). */
  public static final int MAX_INPUT_VALUES = 1 << 24;

  public TestSetReveal {
    inputs = inputs.stream().map(int[]::clone).toList();
    labels = labels.clone();
    seed = seed.clone();
    if (inputs.isEmpty() || inputs.size() > Batch.MAX_SAMPLES) {
      throw new IllegalArgumentException(
          "a test set holds 1.." + Batch.MAX_SAMPLES + " samples, not " + inputs.size());
    }
    if (labels.length != inputs.size()) {
      throw new IllegalArgumentException(
          labels.length + " labels for " + inputs.size() + " inputs");
    }
    if (seed.length != ZkRandom.SEED_BYTES) {
      throw new IllegalArgumentException(
          "a test-set seed has " + ZkRandom.SEED_BYTES + " bytes, not " + seed.length);
    }
    int size = inputs.getFirst().length;
    for (int[] x : inputs) {
      if (x.length != size) {
        throw new IllegalArgumentException(
            "the inputs differ in size (" + x.length + " and " + size + " values)");
      }
    }
  }

  public int samples() {
    return inputs.size();
  }

  @Override
  public List<int[]> inputs() {
    return inputs.stream().map(int[]::clone).toList();
  }

  @Override
  public int[] labels() {
    return labels.clone();
  }

  @Override
  public byte[] seed() {
    return seed.clone();
  }

  public byte[] encode() {
    int size = inputs.getFirst().length;
    ByteWriter w = new ByteWriter().raw(MAGIC).u32(inputs.size()).u32(size);
    for (int[] x : inputs) {
      for (int v : x) {
        w.u32(v);
      }
    }
    for (int y : labels) {
      w.u32(y);
    }
    w.bytes(seed);
    return w.toByteArray();
  }

  /** Decodes a reveal, refusing malformed bytes with a clear reason. */
  public static TestSetReveal decode(byte[] bytes) throws InvalidProofException {
    ByteReader r = new ByteReader(bytes);
    for (byte m : MAGIC) {
      InvalidProofException.check(
          r.u8("magic") == (m & 0xFF), "not a zkaudit test-set reveal (bad magic)");
    }
    int n = r.u32("test-set samples");
    InvalidProofException.check(
        n >= 1 && n <= Batch.MAX_SAMPLES,
        "a test-set reveal of " + n + " samples (1.." + Batch.MAX_SAMPLES + ")");
    int size = r.u32("values per input");
    InvalidProofException.check(
        size >= 1 && size <= MAX_INPUT_VALUES,
        "a test-set reveal with inputs of " + size + " values");
    InvalidProofException.check(
        (long) n * (size + 1) * 4 <= r.remaining(),
        "the test-set reveal is truncated: " + n + " inputs of " + size + " values do not fit");
    List<int[]> inputs = new ArrayList<>();
    for (int b = 0; b < n; b++) {
      int[] x = new int[size];
      for (int i = 0; i < size; i++) {
        x[i] = r.u32("input value");
      }
      inputs.add(x);
    }
    int[] labels = new int[n];
    for (int b = 0; b < n; b++) {
      labels[b] = r.u32("label");
    }
    byte[] seed = r.bytes("seed", ZkRandom.SEED_BYTES);
    InvalidProofException.check(
        seed.length == ZkRandom.SEED_BYTES,
        "a test-set seed has " + ZkRandom.SEED_BYTES + " bytes, not " + seed.length);
    r.finish();
    return new TestSetReveal(inputs, labels, seed);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TestSetReveal t
        && t.inputs.size() == inputs.size()
        && java.util.stream.IntStream.range(0, inputs.size())
            .allMatch(b -> Arrays.equals(t.inputs.get(b), inputs.get(b)))
        && Arrays.equals(t.labels, labels)
        && Arrays.equals(t.seed, seed);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(labels) * 31 + Arrays.hashCode(seed);
  }

  @Override
  public String toString() {
    return "TestSetReveal[" + inputs.size() + " samples]";
  }
}
