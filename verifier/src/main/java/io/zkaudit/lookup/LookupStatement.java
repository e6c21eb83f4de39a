package io.zkaudit.lookup;

import java.util.List;

/**
 * The public shape of a batch of lookups proven together by one logUp-GKR proof.
 *
 * <p>Each {@link Lookup} has one table, one multiplicity column (2^table.numVars entries, committed
 * by the caller) and one or more witness groups. A group is {@code table.width()} columns of
 * 2^numVars entries of which the first {@code activeRows} rows are looked up; rows at and beyond
 * activeRows are padding and may hold anything (they get numerator 0 in the fraction tree).
 */
public record LookupStatement(List<Lookup> lookups) {
  public static final int MAX_LOOKUPS = 256;
  public static final int MAX_GROUPS = 64;
  /** Witness columns up to 2^30 rows. */
  public static final int MAX_WITNESS_VARS = 30;

  public LookupStatement {
    if (lookups.isEmpty() || lookups.size() > MAX_LOOKUPS) {
      throw new IllegalArgumentException("1.." + MAX_LOOKUPS + " lookups per statement");
    }
    lookups = List.copyOf(lookups);
  }

  public static LookupStatement of(Lookup... lookups) {
    return new LookupStatement(List.of(lookups));
  }

  /** The shape of one witness group: 2^numVars rows, the first activeRows of which are looked up. */
  public record Group(int numVars, long activeRows) {
    public Group {
      if (numVars < 0 || numVars > MAX_WITNESS_VARS) {
        throw new IllegalArgumentException("witness size 2^" + numVars + " out of range");
      }
      if (activeRows < 1 || activeRows > 1L << numVars) {
        throw new IllegalArgumentException("active rows " + activeRows + " not in [1, 2^" + numVars + "]");
      }
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
      return activeRows == 1L << numVars;
    }
  }

  public record Lookup(LookupTable table, List<Group> groups) {
    public Lookup {
      if (groups.isEmpty() || groups.size() > MAX_GROUPS) {
        throw new IllegalArgumentException("1.." + MAX_GROUPS + " witness groups per lookup");
      }
      groups = List.copyOf(groups);
    }

    public static Lookup of(LookupTable table, Group... groups) {
      return new Lookup(table, List.of(groups));
    }
  }
}
