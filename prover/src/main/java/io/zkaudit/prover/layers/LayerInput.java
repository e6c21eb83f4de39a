package io.zkaudit.prover.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.parallel.Parallel;
import io.zkaudit.poly.Mle;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * The activation a layer prover reads: one sample's table, or a batch's tables folded at the batch
 * coordinates r_b of the layer's claim (io.zkaudit.inference.Batch).
 *
 * <p>A layer prover applies affine maps to its input (a window's tap-channel table G, the input
 * folded at the channel point, the rescaled input of an ADD), each from a base table to an
 * extension table, and sums over the sample's variables only. For a batch the claim is on the
 * batch's table at (r, r_b) = Σ_b eq(r_b, b)·(table_b at r), so it is today's claim on the virtual
 * sample Σ_b eq(r_b, b)·table_b: {@link #map} applies f to each sample and folds the results with
 * those weights. An affine term (a zero point subtracted, a bias) enters once because the weights
 * sum to 1 over the whole batch hypercube, padding samples included.
 */
public sealed interface LayerInput {

  /**
   * f(input), f an affine map from a base table of one sample's layout to an extension table
   * (ExtVector): for a batch, Σ_b eq(r_b, b)·f(table_b).
   */
  long[] map(UnaryOperator<long[]> f);

  /** One sample's table (a single-sample proof). */
  record Single(long[] table) implements LayerInput {
    @Override
    public long[] map(UnaryOperator<long[]> f) {
      return f.apply(table);
    }
  }

  /**
   * A batch's table (sample b at offset b · 2^sampleVars) at the batch coordinates {@code
   * batchPoint}.
   */
  record Batch(long[] table, int sampleVars, Ext2[] batchPoint) implements LayerInput {
    public Batch {
      if (table.length != 1L << (sampleVars + batchPoint.length)) {
        throw new IllegalArgumentException(
            "a batch table of "
                + table.length
                + " entries is not 2^"
                + batchPoint.length
                + " samples of 2^"
                + sampleVars);
      }
    }

    @Override
    public long[] map(UnaryOperator<long[]> f) {
      long[] eq = Mle.eqTable(batchPoint);
      int size = 1 << sampleVars;
      long[] out = null;
      for (int b = 0; b < 1 << batchPoint.length; b++) {
        long[] part = f.apply(Arrays.copyOfRange(table, b * size, (b + 1) * size));
        if (out == null) {
          out = new long[part.length];
        }
        Ext2 w = ExtVector.get(eq, b);
        long[] acc = out;
        Parallel.forEach(
            ExtVector.length(part),
            i -> ExtVector.set(acc, i, ExtVector.get(acc, i).add(ExtVector.get(part, i).mul(w))));
      }
      return out;
    }
  }
}
