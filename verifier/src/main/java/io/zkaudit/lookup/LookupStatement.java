package io.zkaudit.lookup;

import io.zkaudit.field.Ext2;
import java.util.List;

/**
 * The public shape of a batch of lookups proven together by one logUp-GKR proof.
 *
 * <p>Each {@link Lookup} has one table, one multiplicity column (2^table.numVars entries, committed
 * by the caller) and one or more witness groups (together at most 2^30 rows: they share one
 * fraction tree, {@link LogUpLayout.WitnessTree}). A group is {@code table.width()} columns of
 * 2^numVars entries of which the first {@code activeRows} rows are looked up; rows at and beyond
 * activeRows are padding and may hold anything (they get numerator 0 in the fraction tree).
 *
 * @param witnessTrees the most fraction trees a lookup's witness side is split into ({@link
 *     LogUpLayout#witnessTrees}): {@link LogUpLayout#MAX_WITNESS_TREES} since proof format 8; 1 for
 *     the weight range proofs in keys, whose layout stays that of the keys committed before it
 */
public record LookupStatement(List<Lookup> lookups, boolean blinded, int witnessTrees) {
  public static final int MAX_LOOKUPS = 256;
  public static final int MAX_GROUPS = 1024;

  /** Witness columns up to 2^30 rows. */
  public static final int MAX_WITNESS_VARS = 30;

  public LookupStatement {
    if (lookups.isEmpty() || lookups.size() > MAX_LOOKUPS) {
      throw new IllegalArgumentException("1.." + MAX_LOOKUPS + " lookups per statement");
    }
    lookups = List.copyOf(lookups);
    if (witnessTrees < 1 || witnessTrees > LogUpLayout.MAX_WITNESS_TREES) {
      throw new IllegalArgumentException(
          "1.." + LogUpLayout.MAX_WITNESS_TREES + " witness trees per lookup");
    }
  }

  public LookupStatement(List<Lookup> lookups, boolean blinded) {
    this(lookups, blinded, LogUpLayout.MAX_WITNESS_TREES);
  }

  /** A statement without blinding (a plain proof). */
  public LookupStatement(List<Lookup> lookups) {
    this(lookups, false);
  }

  public static LookupStatement of(Lookup... lookups) {
    return new LookupStatement(List.of(lookups));
  }

  /**
   * The same lookups with tagged blinding, as a zero-knowledge proof proves them ({@link
   * LogUpBlinding}: blinding rows in the groups, a blinding half in each table's tree).
   */
  public LookupStatement withBlinding() {
    return new LookupStatement(lookups, true, witnessTrees);
  }

  /**
   * The shape of one witness group: 2^numVars rows, of which the active ones are looked up. The
   * active rows form a box: the variables are cut into consecutive extents (low bits first), and a
   * row is active when, in every extent, its coordinate is below the extent's size. One extent is a
   * prefix of the rows; several describe a tensor padded to powers of two per dimension, whose real
   * entries are the active rows. Inactive rows may hold anything (numerator 0 in the fraction
   * tree).
   */
  public record Group(int numVars, List<Extent> extents) {
    /** {@code bits} consecutive variables of which coordinates [0, size) are active. */
    public record Extent(int bits, long size) {
      public Extent {
        if (bits < 0 || bits > MAX_WITNESS_VARS || size < 1 || size > 1L << bits) {
          throw new IllegalArgumentException("extent of size " + size + " over " + bits + " bits");
        }
      }
    }

    public Group {
      extents = List.copyOf(extents);
      if (numVars < 0 || numVars > MAX_WITNESS_VARS) {
        throw new IllegalArgumentException("witness size 2^" + numVars + " out of range");
      }
      int bits = 0;
      for (Extent e : extents) {
        bits += e.bits();
      }
      if (bits != numVars || extents.isEmpty()) {
        throw new IllegalArgumentException("extents cover " + bits + " bits of " + numVars);
      }
    }

    /** The first activeRows rows are active. */
    public Group(int numVars, long activeRows) {
      this(numVars, List.of(new Extent(numVars, checkRows(numVars, activeRows))));
    }

    private static long checkRows(int numVars, long activeRows) {
      if (numVars < 0
          || numVars > MAX_WITNESS_VARS
          || activeRows < 1
          || activeRows > 1L << numVars) {
        throw new IllegalArgumentException(
            "active rows " + activeRows + " not in [1, 2^" + numVars + "]");
      }
      return activeRows;
    }

    /** A fully used group of 2^numVars rows. */
    public static Group full(int numVars) {
      return new Group(numVars, 1L << numVars);
    }

    /** The smallest group holding {@code rows} rows. */
    public static Group ofRows(long rows) {
      int vars = rows <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(rows - 1);
      return new Group(vars, rows);
    }

    public boolean isFull() {
      return extents.stream().allMatch(e -> e.size() == 1L << e.bits());
    }

    /** The number of active rows. */
    public long activeRows() {
      long n = 1;
      for (Extent e : extents) {
        n *= e.size();
      }
      return n;
    }

    public boolean isActive(long row) {
      int shift = 0;
      for (Extent e : extents) {
        if (((row >>> shift) & ((1L << e.bits()) - 1)) >= e.size()) {
          return false;
        }
        shift += e.bits();
      }
      return true;
    }

    /**
     * The MLE of the active-row indicator at a point: a product of prefix indicators, O(numVars).
     */
    public Ext2 selector(Ext2[] point) {
      Ext2 acc = Ext2.ONE;
      int from = 0;
      for (Extent e : extents) {
        acc =
            acc.mul(
                LogUpLayout.prefixIndicator(
                    e.size(), java.util.Arrays.copyOfRange(point, from, from + e.bits())));
        from += e.bits();
      }
      return acc;
    }

    /**
     * Public blinding rows: in each residue class of the row index modulo 2^subtreeBits, one
     * inactive row if the class has any. A fraction tree's node at layer l sums the leaves of one
     * class modulo 2^l (the parent of entries k and k + 2^(l-1) is entry k), so the top layers'
     * nodes, whose fractions a proof reveals, each hold a blinding row. The row taken: the class's
     * low bits, with one extent's bits above them set to ones and the rest zero (the first extent,
     * low bits first, whose coordinate that puts out of range). Increasing class order, at most
     * 2^subtreeBits rows, O(2^subtreeBits * extents).
     */
    public long[] blindingRows(int subtreeBits) {
      int kb = Math.min(subtreeBits, numVars);
      long[] out = new long[1 << kb];
      int count = 0;
      for (long t = 0; t < 1L << kb; t++) {
        int shift = 0;
        for (Extent e : extents) {
          int lo = shift;
          int hi = shift + e.bits();
          shift = hi;
          int freeLo = Math.max(lo, kb);
          long ones = hi > freeLo ? ((1L << hi) - 1) & ~((1L << freeLo) - 1) : 0;
          long row = t | ones;
          if (((row >>> lo) & ((1L << e.bits()) - 1)) >= e.size()) {
            out[count++] = row;
            break;
          }
        }
      }
      return java.util.Arrays.copyOf(out, count);
    }

    /** The active-row indicator as a table of 2^numVars entries. */
    public long[] selectorTable() {
      long[] s = new long[1 << numVars];
      for (int x = 0; x < s.length; x++) {
        s[x] = isActive(x) ? 1 : 0;
      }
      return s;
    }
  }

  public record Lookup(LookupTable table, List<Group> groups) {
    public Lookup {
      if (groups.isEmpty() || groups.size() > MAX_GROUPS) {
        throw new IllegalArgumentException("1.." + MAX_GROUPS + " witness groups per lookup");
      }
      groups = List.copyOf(groups);
      long rows = 0;
      for (Group g : groups) {
        rows += 1L << g.numVars();
      }
      if (rows > 1L << MAX_WITNESS_VARS) {
        // All groups share one fraction tree (LogUpLayout.WitnessTree), which must fit 2^30 leaves.
        throw new IllegalArgumentException(
            "the groups of a lookup take " + rows + " rows, over 2^" + MAX_WITNESS_VARS);
      }
    }

    public static Lookup of(LookupTable table, Group... groups) {
      return new Lookup(table, List.of(groups));
    }
  }
}
