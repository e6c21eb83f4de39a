package io.zkaudit.prover.accuracy;

import io.zkaudit.accuracy.ArgmaxLayout;

/**
 * The gadget's four columns on the (class, sample) hypercube of a layout ({@link ArgmaxLayout}):
 * the logits ℓ, the one-hot selector s, the per-sample maximum m (over the sample variables only)
 * and the gap d = m − ℓ − [j &lt; p_b]. The logits belong to the inference proof; the prover
 * commits the other three. Not copied: the tables are the caller's, and the prover never modifies
 * them.
 */
public record ArgmaxColumns(long[] logits, long[] selector, long[] max, long[] gap) {
  /** Checks that every column has its layout's size. */
  public ArgmaxColumns checked(ArgmaxLayout layout) {
    for (long[] c : new long[][] {logits, selector, gap}) {
      if (c.length != layout.size()) {
        throw new IllegalArgumentException(
            "a column of " + c.length + " entries on a layout of " + layout.size());
      }
    }
    if (max.length != layout.paddedSamples()) {
      throw new IllegalArgumentException(
          "a maximum column of " + max.length + " entries for " + layout.paddedSamples());
    }
    return this;
  }

  /** The same columns with another selector, maximum and gap (a cheating prover's). */
  public ArgmaxColumns with(long[] selector, long[] max, long[] gap) {
    return new ArgmaxColumns(logits, selector, max, gap);
  }
}
