package io.zkaudit.pcs;

import io.zkaudit.field.Ext2;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Several columns (multilinear tables of power-of-two sizes) packed into one committed polynomial.
 *
 * <p>Columns are placed in decreasing size (ties: by column number), one after the other, so column
 * c of 2^m_c entries starts at an offset o_c that is a multiple of 2^m_c: it occupies an aligned
 * sub-cube, where the low m_c variables are the column's own and the high ones are fixed to the
 * bits of o_c / 2^m_c. Hence "column c at point z" is exactly "the packed polynomial at (z, bits of
 * o_c / 2^m_c)": a claim on the packed polynomial whose high coordinates are 0/1 (which both prover
 * and verifier handle in time proportional to 2^m_c and n respectively). The unused tail up to the
 * next power of two is zero (a zero-knowledge commitment fills it with uniform values instead, and
 * may ask for a larger table, {@link #withMinVars}, so that it holds enough of them).
 *
 * <p>The layout is a function of the column sizes only, which are public.
 */
public final class PackedLayout {
  private final int[] logSizes;
  private final long[] offsets;
  private final int numVars;

  public PackedLayout(int... logSizes) {
    this(logSizes, 0);
  }

  /**
   * The same columns in a table of at least 2^minVars entries: the part beyond the columns (the
   * tail) grows, the columns stay where they are.
   */
  public static PackedLayout withMinVars(int minVars, int[] logSizes) {
    return new PackedLayout(logSizes, minVars);
  }

  private PackedLayout(int[] logSizes, int minVars) {
    if (logSizes.length == 0) {
      throw new IllegalArgumentException("a layout needs at least one column");
    }
    this.logSizes = logSizes.clone();
    Integer[] order = new Integer[logSizes.length];
    for (int i = 0; i < order.length; i++) {
      if (logSizes[i] < 0 || logSizes[i] > PcsParams.MAX_NUM_VARS) {
        throw new IllegalArgumentException("column " + i + " has an invalid size 2^" + logSizes[i]);
      }
      order[i] = i;
    }
    Arrays.sort(
        order, Comparator.comparingInt((Integer i) -> -logSizes[i]).thenComparingInt(i -> i));
    offsets = new long[logSizes.length];
    long next = 0;
    for (int i : order) {
      offsets[i] = next;
      next += 1L << logSizes[i];
    }
    int n = Math.max(0, minVars);
    while ((1L << n) < next) {
      n++;
    }
    PcsParams.checkNumVars(n);
    numVars = n;
  }

  /**
   * The layout of this one's shadow (docs/pcs.md, "Shadow link"): every column with one more
   * variable, the lowest, so that the packed shadow interleaves this packed polynomial with its
   * mask and shadow column j is column j at t = 0 and its mask at t = 1.
   */
  public PackedLayout withShadowVariable() {
    return new PackedLayout(java.util.Arrays.stream(logSizes).map(v -> v + 1).toArray());
  }

  /** A layout for these columns (each a power-of-two length). */
  public static PackedLayout of(List<long[]> columns) {
    int[] logs = new int[columns.size()];
    for (int i = 0; i < logs.length; i++) {
      int len = columns.get(i).length;
      if (len <= 0 || Integer.bitCount(len) != 1) {
        throw new IllegalArgumentException(
            "column " + i + " has length " + len + ", not a power of two");
      }
      logs[i] = Integer.numberOfTrailingZeros(len);
    }
    return new PackedLayout(logs);
  }

  public int numColumns() {
    return logSizes.length;
  }

  public int numVars() {
    return numVars;
  }

  public int columnVars(int column) {
    return logSizes[column];
  }

  /** Entries taken by the columns; the packed table's tail beyond them belongs to no column. */
  public int usedEntries() {
    long used = 0;
    for (int c = 0; c < logSizes.length; c++) {
      used = Math.max(used, offsets[c] + (1L << logSizes[c]));
    }
    return (int) used;
  }

  /** Where column c starts in the packed table. */
  public int offset(int column) {
    return (int) offsets[column];
  }

  /** The packed table (zero beyond the last column). */
  public long[] pack(List<long[]> columns) {
    if (columns.size() != logSizes.length) {
      throw new IllegalArgumentException(
          "layout has " + logSizes.length + " columns, got " + columns.size());
    }
    long[] packed = new long[1 << numVars];
    for (int c = 0; c < logSizes.length; c++) {
      long[] col = columns.get(c);
      if (col.length != (1 << logSizes[c])) {
        throw new IllegalArgumentException(
            "column " + c + " must have 2^" + logSizes[c] + " entries");
      }
      System.arraycopy(col, 0, packed, offset(c), col.length);
    }
    return packed;
  }

  /** The point of the packed polynomial that corresponds to column c at {@code point}. */
  public Ext2[] packedPoint(int column, Ext2[] point) {
    int m = logSizes[column];
    if (point.length != m) {
      throw new IllegalArgumentException(
          "column " + column + " has " + m + " variables, point has " + point.length);
    }
    Ext2[] p = Arrays.copyOf(point, numVars);
    long high = offsets[column] >>> m;
    for (int j = m; j < numVars; j++) {
      p[j] = ((high >>> (j - m)) & 1) == 1 ? Ext2.ONE : Ext2.ZERO;
    }
    return p;
  }

  public EvalClaim toPacked(ColumnClaim claim) {
    if (claim.column() < 0 || claim.column() >= logSizes.length) {
      throw new IllegalArgumentException("no column " + claim.column());
    }
    List<EvalClaim.Term> terms = new ArrayList<>(claim.terms().size());
    for (EvalClaim.Term t : claim.terms()) {
      terms.add(new EvalClaim.Term(packedPoint(claim.column(), t.point()), t.weight()));
    }
    return new EvalClaim(terms, claim.value());
  }

  public List<EvalClaim> toPacked(List<ColumnClaim> claims) {
    List<EvalClaim> out = new ArrayList<>(claims.size());
    for (ColumnClaim c : claims) {
      out.add(toPacked(c));
    }
    return out;
  }
}
