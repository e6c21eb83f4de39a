package io.zkaudit.prover.pcs;

/**
 * Whether a proof keeps its witness codewords in memory from commit to opening, or releases them
 * and re-encodes at the opening ({@link Committed#releaseCodeword}).
 *
 * <p>A codeword is the commitment's largest array (rate 1/4: four times the evaluations; MobileNet
 * v2's witness bins and weight shadow hold ~1.6 GB of them) and nothing between the commit and the
 * opening reads it. Releasing costs two more encodings per commitment at the opening (an NTT, no
 * hashing: the Merkle tree keeps its hashes; one to fold, one to answer the queries, each released
 * again right after) and lowers the prover's peak by their size from the commit on: with it, a
 * release also drops a witness bin's packed evaluations until the opening ({@link
 * Committed#releaseEvals}) and the model proof releases the weights' own codeword for the proof.
 * {@link #forHeap} keeps them when the heap has room to spare.
 */
public enum CodewordRetention {
  /** Keep every codeword: fastest, the most memory. */
  KEEP,
  /** Release the witness codewords after commit; re-encode them at the opening. */
  RELEASE;

  /** Releases this commitment's codeword if this policy says so. */
  public void apply(Committed c) {
    if (this == RELEASE) {
      c.releaseCodeword();
    }
  }

  /** The system property that forces a choice: {@code keep} or {@code release}. */
  public static final String PROPERTY = "zkaudit.prover.codewords";

  /**
   * KEEP when the heap exceeds {@code headroom} times the codewords' size, else RELEASE; the {@link
   * #PROPERTY} system property overrides.
   *
   * @param codewordBytes the bytes of the codewords a proof would keep
   */
  public static CodewordRetention forHeap(long maxHeapBytes, long codewordBytes) {
    String forced = System.getProperty(PROPERTY, "");
    return switch (forced) {
      case "keep" -> KEEP;
      case "release" -> RELEASE;
      case "" -> maxHeapBytes >= HEADROOM * codewordBytes ? KEEP : RELEASE;
      default ->
          throw new IllegalArgumentException(
              "-D" + PROPERTY + " must be keep or release, not '" + forced + "'");
    };
  }

  /**
   * Measured on MobileNet v2 (docs/benchmarks.md, "Prover memory"): with its codewords kept the
   * live heap peaks at about 3.3 times them (5.9 GB for 1.8 GB); a factor of 5 leaves the collector
   * room, and keeps them from a 9 GB heap on, where speed is free (./zkaudit's heap for benchmarks,
   * audits and the demo; one proof gets 4 GB and releases them: docs/benchmarks.md, "Prover memory
   * in 4 GB").
   */
  static final long HEADROOM = 5;
}
