package io.zkaudit.prover.lookup;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.lookup.LogUpBlinding;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.lookup.LookupTable;
import io.zkaudit.lookup.TableColumn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The prover's data for one lookup: the witness groups ({@code columns().get(g)[c]} is column c of
 * group g, 2^numVars canonical values, padding rows arbitrary) and the multiplicity column
 * (2^table.numVars entries: how often each table row is looked up by the active rows).
 *
 * <p>A group's columns may be rules over arrays the prover holds anyway ({@link GroupColumn}), so
 * that the lookup's own columns take no memory. {@link #groups()} gives them as arrays, and from
 * then on this witness holds those arrays and proves what they hold: a cheating prover in the tests
 * edits them.
 *
 * <p>The caller commits the witness columns and the multiplicities before proving. A blinded proof
 * ({@link LogUpBlinding}) also needs {@code blinding}: null otherwise.
 */
public final class LookupWitness {
  private List<GroupColumn[]> columns;
  private List<long[][]> held;
  private final long[] multiplicities;
  private final Blinding blinding;

  private LookupWitness(
      List<GroupColumn[]> columns, List<long[][]> held, long[] multiplicities, Blinding blinding) {
    this.columns = columns == null ? null : List.copyOf(columns);
    this.held = held == null ? null : List.copyOf(held);
    this.multiplicities = multiplicities;
    this.blinding = blinding;
  }

  public LookupWitness(List<long[][]> groups, long[] multiplicities, Blinding blinding) {
    this(null, groups, multiplicities, blinding);
  }

  public LookupWitness(List<long[][]> groups, long[] multiplicities) {
    this(groups, multiplicities, null);
  }

  /** A witness whose groups are the given columns (arrays or rules). */
  public static LookupWitness ofColumns(
      List<GroupColumn[]> columns, long[] multiplicities, Blinding blinding) {
    return new LookupWitness(columns, null, multiplicities, blinding);
  }

  /** The groups as the prover reads them: held arrays or rules, not copied. */
  public List<GroupColumn[]> columns() {
    if (held == null) {
      return columns;
    }
    List<GroupColumn[]> out = new ArrayList<>(held.size());
    for (long[][] g : held) {
      GroupColumn[] cs = new GroupColumn[g.length];
      for (int c = 0; c < g.length; c++) {
        cs[c] = new GroupColumn.Held(g[c]);
      }
      out.add(cs);
    }
    return out;
  }

  /**
   * The groups as arrays ({@code groups().get(g)[c]}), held by this witness from now on: a rule
   * column becomes an array of its values, and the proof reads whatever these arrays then hold.
   */
  public List<long[][]> groups() {
    if (held == null) {
      List<long[][]> out = new ArrayList<>(columns.size());
      for (GroupColumn[] g : columns) {
        long[][] arrays = new long[g.length][];
        for (int c = 0; c < g.length; c++) {
          arrays[c] = g[c].toArray();
        }
        out.add(arrays);
      }
      held = List.copyOf(out);
      columns = null;
    }
    return held;
  }

  public long[] multiplicities() {
    return multiplicities;
  }

  public Blinding blinding() {
    return blinding;
  }

  /**
   * One lookup's blinding: per group the numerators b_s of its blinding rows (in the plan's row
   * order), and the table's blinding half: numerators b' (table size) and tuple columns u' (2^
   * {@link LogUpBlinding#tupleVars} entries, zero beyond), holding every group's blinding fractions
   * (b_s, w(s)) at their slots.
   */
  public record Blinding(long[][] numerators, long[] tableNumerators, long[][] tableTuples) {}

  /**
   * The same witness blinded under a plan: uniform numerators from {@code random} (canonical field
   * elements), copied with their rows' tuples into the table's blinding half.
   */
  public LookupWitness blind(
      LookupStatement.Lookup lookup,
      LogUpBlinding plan,
      int index,
      java.util.function.LongSupplier random) {
    LookupTable table = lookup.table();
    List<GroupColumn[]> groups = columns();
    long[][] numerators = new long[groups.size()][];
    long[] tableNumerators = new long[table.size()];
    long[][] tableTuples = new long[table.width()][1 << plan.tupleVars(index)];
    int j = 0;
    for (int g = 0; g < groups.size(); g++) {
      long[] rows = plan.rows(index, g);
      numerators[g] = new long[rows.length];
      for (int k = 0; k < rows.length; k++) {
        long b = random.getAsLong();
        numerators[g][k] = b;
        int slot = LogUpBlinding.slot(j++);
        tableNumerators[slot] = b;
        for (int c = 0; c < table.width(); c++) {
          tableTuples[c][slot] = groups.get(g)[c].at((int) rows[k]);
        }
      }
    }
    return new LookupWitness(
        columns, held, multiplicities, new Blinding(numerators, tableNumerators, tableTuples));
  }

  /**
   * The committed multiplicity column: m itself, or blinded M2 = [m | b'] (the table tree's top
   * variable selects the blinding half).
   */
  public long[] committedMultiplicities() {
    if (blinding == null) {
      return multiplicities;
    }
    long[] m2 = java.util.Arrays.copyOf(multiplicities, 2 * multiplicities.length);
    System.arraycopy(
        blinding.tableNumerators(), 0, m2, multiplicities.length, multiplicities.length);
    return m2;
  }

  /**
   * Counts the multiplicities of the active rows of every group; throws if a row is not in the
   * table (no honest proof exists then).
   */
  public static LookupWitness compute(LookupStatement.Lookup lookup, List<long[][]> groups) {
    List<GroupColumn[]> columns = new ArrayList<>(groups.size());
    for (long[][] g : groups) {
      GroupColumn[] cs = new GroupColumn[g.length];
      for (int c = 0; c < g.length; c++) {
        cs[c] = new GroupColumn.Held(g[c]);
      }
      columns.add(cs);
    }
    return new LookupWitness(null, groups, counts(lookup, columns), null);
  }

  /** The same over columns that may be rules. */
  public static LookupWitness computeColumns(
      LookupStatement.Lookup lookup, List<GroupColumn[]> groups) {
    return new LookupWitness(groups, null, counts(lookup, groups), null);
  }

  private static long[] counts(LookupStatement.Lookup lookup, List<GroupColumn[]> groups) {
    LookupTable table = lookup.table();
    if (groups.size() != lookup.groups().size()) {
      throw new IllegalArgumentException(
          groups.size() + " witness groups for a lookup of " + lookup.groups().size());
    }
    Index index = new Index(table);
    long[] m = new long[table.size()];
    for (int g = 0; g < groups.size(); g++) {
      GroupColumn[] cols = groups.get(g);
      LookupStatement.Group shape = lookup.groups().get(g);
      checkShape(cols, shape, table.width());
      long[] tuple = new long[table.width()];
      for (int x = 0; x < 1 << shape.numVars(); x++) {
        if (!shape.isActive(x)) {
          continue;
        }
        for (int c = 0; c < tuple.length; c++) {
          tuple[c] = cols[c].at(x);
        }
        int row = index.find(tuple);
        if (row < 0) {
          throw new IllegalArgumentException(
              "group " + g + " row " + x + ": " + Arrays.toString(tuple) + " is not in the table");
        }
        m[row]++;
      }
    }
    return m;
  }

  static void checkShape(GroupColumn[] cols, LookupStatement.Group shape, int width) {
    if (cols.length != width) {
      throw new IllegalArgumentException(
          "group has " + cols.length + " columns, the table " + width);
    }
    for (GroupColumn c : cols) {
      if (c.size() != 1 << shape.numVars()) {
        throw new IllegalArgumentException(
            "witness column of " + c.size() + " rows, expected 2^" + shape.numVars());
      }
    }
  }

  /**
   * Finds the row of a tuple: directly for tables whose first column is an identity, else by an
   * open-addressing hash table of row numbers keyed by the rows' tuples (no boxing: a MobileNet v2
   * proof looks up ~13M tuples of width 4, which a map of boxed lists made a 2-second
   * single-threaded step). A row found is confirmed against the table's values, so a hash collision
   * can only cost a probe, never a wrong row.
   */
  static final class Index {
    private final LookupTable table;
    private final long offset;
    private final boolean direct;
    private final int[] slots; // row + 1 at a tuple's probe position, 0 for empty
    private final int mask;

    Index(LookupTable table) {
      this.table = table;
      if (table.columns().get(0) instanceof TableColumn.Identity id) {
        direct = true;
        offset = id.offset();
        slots = null;
        mask = 0;
        return;
      }
      direct = false;
      offset = 0;
      int capacity = Integer.highestOneBit(Math.max(2, table.size()) * 2 - 1) << 1; // >= 2 size
      slots = new int[capacity];
      mask = capacity - 1;
      long[] tuple = new long[table.width()];
      for (int y = 0; y < table.size(); y++) {
        for (int c = 0; c < tuple.length; c++) {
          tuple[c] = table.valueAt(c, y);
        }
        int at = probeStart(tuple);
        boolean seen = false;
        while (slots[at] != 0) {
          if (matches(tuple, slots[at] - 1)) {
            seen = true; // the first occurrence wins
            break;
          }
          at = (at + 1) & mask;
        }
        if (!seen) {
          slots[at] = y + 1;
        }
      }
    }

    private int probeStart(long[] tuple) {
      long h = 0x9E3779B97F4A7C15L;
      for (long v : tuple) {
        h = (h ^ v) * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 31;
      }
      return (int) (h ^ (h >>> 32)) & mask;
    }

    private boolean matches(long[] tuple, int row) {
      for (int c = 0; c < tuple.length; c++) {
        if (table.valueAt(c, row) != tuple[c]) {
          return false;
        }
      }
      return true;
    }

    int find(long[] tuple) {
      if (direct) {
        long d = Goldilocks.sub(tuple[0], offset);
        if (Long.compareUnsigned(d, table.size()) >= 0) {
          return -1;
        }
        int row = (int) d;
        for (int c = 1; c < tuple.length; c++) {
          if (table.valueAt(c, row) != tuple[c]) {
            return -1;
          }
        }
        return row;
      }
      for (int at = probeStart(tuple); slots[at] != 0; at = (at + 1) & mask) {
        if (matches(tuple, slots[at] - 1)) {
          return slots[at] - 1;
        }
      }
      return -1;
    }
  }
}
