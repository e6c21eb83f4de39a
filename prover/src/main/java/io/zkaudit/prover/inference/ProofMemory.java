package io.zkaudit.prover.inference;

import io.zkaudit.layers.ModelCircuit;

/**
 * What a batch or accuracy proof of N samples needs in heap, estimated from the model before any
 * work, so that a seller refuses an audit it could not prove (instead of accepting it, staking, and
 * running out of memory after the reveal) and {@code zkaudit audit prove} refuses before minutes of
 * inference.
 *
 * <p>The batch prover holds every padded sample's witness (docs/benchmarks.md, "Batch proof
 * memory"): its live heap peaks in the lookups round at about a fixed {@value #BASE_MIB} MiB plus
 * {@value #BYTES_PER_ENTRY} bytes per committed witness entry, and the parallel collector's old
 * generation holds about two thirds of -Xmx. Measured on ResNet-8 (803,264 entries per
 * zero-knowledge sample) with the rounding lookup's columns as rules and the range pair read from
 * c1 and c2: 7.7 GB live at N' = 128 (proven in a 9 GB heap whose old generation was 7.5 GB, out of
 * memory with the default 6 GB), and ~2.4–3.0 GB at N' = 32 (proven in 4 GB); the line through them
 * is ~54 MiB per padded sample. N' = 128 thus fits the launcher's 12 GB (8 GB old generation). The
 * same figure predicts a single MobileNet v2 proof (38.5M committed entries) at ~5.1 GB (it proves
 * in 5 GB with its codewords released): an estimate, not a bound, calibrated on these two models.
 *
 * @param committedPerSample witness entries one sample commits (each proven layer's padded output
 *     and its two range witnesses, or two where the output is virtual; an ADD's rescaled inputs)
 */
public record ProofMemory(long committedPerSample) {
  static final long BASE_MIB = 900;
  static final long BYTES_PER_ENTRY = 70;

  public static ProofMemory of(ModelCircuit circuit) {
    long committed = 0;
    for (ModelCircuit.ProvenLayer p : circuit.layers()) {
      long padded = p.outLayout().paddedSize();
      committed += padded * (p.columns().out() >= 0 ? 3 : 2);
      if (p instanceof ModelCircuit.AddLayer a) {
        for (int side = 0; side < 2; side++) {
          if (!a.isConstant(side)) {
            committed += padded;
          }
        }
      }
    }
    return new ProofMemory(committed);
  }

  /** The heap (-Xmx, bytes) a proof of {@code samples} needs: N padded to a power of two. */
  public long heapBytes(int samples) {
    long padded = samples <= 1 ? 1 : Long.highestOneBit(samples - 1L) << 1;
    long live = (BASE_MIB << 20) + BYTES_PER_ENTRY * committedPerSample * padded;
    return live / 2 * 3;
  }

  /**
   * The heap (-Xmx, bytes) one proof of one input needs: a single proof holds less than a batch's
   * per-entry figure says (its bins' packing and codewords are released in a small heap, and
   * nothing is per sample), {@value #SINGLE_BASE_MIB} MiB plus {@value #SINGLE_BYTES_PER_ENTRY}
   * bytes per committed entry of live heap, in a heap a third larger (docs/benchmarks.md, "Prover
   * memory in 4 GB": MobileNet v2's zero-knowledge proof, 38.5M entries, proves in -Xmx4g). An
   * estimate for the message of a command that runs out of memory, not a bound.
   */
  public long singleProofHeapBytes() {
    long live = (SINGLE_BASE_MIB << 20) + SINGLE_BYTES_PER_ENTRY * committedPerSample;
    return Math.max(1L << 30, live / 3 * 4);
  }

  static final long SINGLE_BASE_MIB = 700;
  static final long SINGLE_BYTES_PER_ENTRY = 60;

  /** The most samples one proof can hold within {@code heapBytes} (0 if not one). */
  public int largestBatch(long heapBytes) {
    int n = 0;
    for (int k = 1;
        k <= io.zkaudit.inference.Batch.MAX_SAMPLES && heapBytes(k) <= heapBytes;
        k <<= 1) {
      n = k;
    }
    return n;
  }

  /**
   * Why {@code samples} do not fit {@code heapBytes}, or empty if they do: "one proof of N samples
   * of this model needs about X of heap and {@code holder} has Y" (the seller's admission and the
   * CLI's refusals both start with it).
   */
  public java.util.Optional<String> shortfall(int samples, long heapBytes, String holder) {
    if (heapBytes(samples) <= heapBytes) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        "one proof of "
            + samples
            + " samples of this model needs about "
            + gigabytes(heapBytes(samples))
            + " of heap and "
            + holder
            + " has "
            + gigabytes(heapBytes));
  }

  /** "12.0 GB": how the messages state a heap. */
  static String gigabytes(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
  }
}
