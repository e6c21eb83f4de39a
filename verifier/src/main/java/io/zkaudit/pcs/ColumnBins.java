package io.zkaudit.pcs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Splits many columns (power-of-two sizes) into a few committed polynomials, so that little of what
 * is encoded and hashed is zero padding. One {@link PackedLayout} rounds the total up to a power of
 * two, which can nearly double the work (40M entries become 2^26 = 67M); with bins of sizes 2^a,
 * 2^b, ... taken from the total's leading bits the padding stays below 1/2^(bins-1).
 *
 * <p>Columns go, largest first, into the first bin with room (with power-of-two sizes this fills
 * every bin but the last exactly). The split depends on the column sizes only, which are public.
 */
public final class ColumnBins {
  private final int[][] columnsOfBin;
  private final int[] binOf;
  private final int[] indexInBin;
  private final PackedLayout[] layouts;

  public ColumnBins(int[] logSizes, int maxBins) {
    this(logSizes, maxBins, null);
  }

  /**
   * The same bins, bin b in a table of at least 2^minVars[b] entries (its tail grows; see {@link
   * PackedLayout#withMinVars}). The columns' placement does not change.
   */
  public ColumnBins withMinVars(int[] minVars) {
    if (minVars.length != bins()) {
      throw new IllegalArgumentException(bins() + " bins, " + minVars.length + " minimum sizes");
    }
    return new ColumnBins(logSizes, maxBins, minVars.clone());
  }

  private final int[] logSizes;
  private final int maxBins;

  private ColumnBins(int[] logSizes, int maxBins, int[] minVars) {
    this.logSizes = logSizes.clone();
    this.maxBins = maxBins;
    if (maxBins < 1) {
      throw new IllegalArgumentException("at least one bin");
    }
    long total = 0;
    for (int s : logSizes) {
      total += 1L << s;
    }
    List<Long> capacities = new ArrayList<>();
    long remaining = total;
    while (remaining > 0 && capacities.size() < maxBins - 1) {
      long top = Long.highestOneBit(remaining);
      if (top == remaining) {
        break;
      }
      capacities.add(top);
      remaining -= top;
    }
    capacities.add(Long.MAX_VALUE); // the last bin takes the rest
    Integer[] order = new Integer[logSizes.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order, Comparator.comparingInt((Integer i) -> -logSizes[i]).thenComparingInt(i -> i));
    long[] used = new long[capacities.size()];
    binOf = new int[logSizes.length];
    for (int c : order) {
      long size = 1L << logSizes[c];
      int b = 0;
      while (used[b] + size > capacities.get(b)) {
        b++;
      }
      used[b] += size;
      binOf[c] = b;
    }
    int bins = 0;
    for (int b = 0; b < used.length; b++) {
      if (used[b] > 0) {
        bins = b + 1;
      }
    }
    columnsOfBin = new int[bins][];
    indexInBin = new int[logSizes.length];
    layouts = new PackedLayout[bins];
    for (int b = 0; b < bins; b++) {
      List<Integer> cols = new ArrayList<>();
      for (int c = 0; c < logSizes.length; c++) {
        if (binOf[c] == b) {
          indexInBin[c] = cols.size();
          cols.add(c);
        }
      }
      columnsOfBin[b] = cols.stream().mapToInt(Integer::intValue).toArray();
      int[] sizes = Arrays.stream(columnsOfBin[b]).map(c -> logSizes[c]).toArray();
      layouts[b] =
          minVars == null ? new PackedLayout(sizes) : PackedLayout.withMinVars(minVars[b], sizes);
    }
  }

  public int bins() {
    return layouts.length;
  }

  public PackedLayout layout(int bin) {
    return layouts[bin];
  }

  /** The global column numbers held by a bin, in the bin's column order. */
  public int[] columns(int bin) {
    return columnsOfBin[bin].clone();
  }

  public int binOf(int column) {
    return binOf[column];
  }

  /**
   * Splits claims on global columns into per-bin claims on bin-local columns, keeping their order.
   */
  public List<List<ColumnClaim>> split(List<ColumnClaim> claims) {
    List<List<ColumnClaim>> out = new ArrayList<>();
    for (int b = 0; b < bins(); b++) {
      out.add(new ArrayList<>());
    }
    for (ColumnClaim c : claims) {
      out.get(binOf[c.column()]).add(c.onColumn(indexInBin[c.column()]));
    }
    return out;
  }

  /** The columns of a bin, from all columns (global order). */
  public List<long[]> select(List<long[]> all, int bin) {
    List<long[]> out = new ArrayList<>();
    for (int c : columnsOfBin[bin]) {
      out.add(all.get(c));
    }
    return out;
  }
}
