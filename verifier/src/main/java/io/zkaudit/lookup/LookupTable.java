package io.zkaudit.lookup;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * A public lookup table: {@code width} columns of 2^numVars rows; row y is the tuple (t_0(y), ...,
 * t_{w-1}(y)). Tuples are compressed with a challenge beta as {@code t_0 + beta t_1 + beta^2 t_2 +
 * ...}.
 *
 * <p>The table is part of the public statement (the model description fixes it), so the verifier
 * evaluates its MLE itself: O(numVars) for {@link TableColumn.Identity} columns, O(2^numVars) for
 * explicit ones. Tables whose length is not a power of two are padded by repeating their last row,
 * so padding rows are genuine table entries and padding changes nothing.
 */
public record LookupTable(int numVars, List<TableColumn> columns) {
  /** Tables up to 2^22 rows (2^16 is the design size; explicit columns cost O(rows) to verify). */
  public static final int MAX_VARS = 22;

  public static final int MAX_WIDTH = 8;

  public LookupTable {
    if (numVars < 0 || numVars > MAX_VARS) {
      throw new IllegalArgumentException("table size 2^" + numVars + " out of range");
    }
    if (columns.isEmpty() || columns.size() > MAX_WIDTH) {
      throw new IllegalArgumentException("a table has 1.." + MAX_WIDTH + " columns");
    }
    for (TableColumn c : columns) {
      if (c instanceof TableColumn.Explicit e && e.values().length != 1 << numVars) {
        throw new IllegalArgumentException("column length differs from 2^" + numVars);
      }
    }
    columns = List.copyOf(columns);
  }

  /** [0, 2^bits): the range check table. */
  public static LookupTable range(int bits) {
    return new LookupTable(bits, List.of(new TableColumn.Identity(0)));
  }

  /**
   * (x, f(x)) for x = inputOffset, ..., inputOffset + 2^bits - 1 (signed integers embedded in the
   * field), e.g. {@code function(8, -128, x -> Math.max(x, 0))} for ReLU on int8.
   */
  public static LookupTable function(int bits, long inputOffset, LongUnaryOperator f) {
    long[] out = new long[1 << bits];
    for (int i = 0; i < out.length; i++) {
      out[i] = Goldilocks.fromSigned(f.applyAsLong(inputOffset + i));
    }
    return new LookupTable(
        bits,
        List.of(
            new TableColumn.Identity(Goldilocks.fromSigned(inputOffset)),
            new TableColumn.Explicit(out)));
  }

  /**
   * A table given as columns of equal length (canonical field elements), padded with its last row.
   */
  public static LookupTable ofColumns(long[]... columns) {
    int rows = columns[0].length;
    if (rows == 0) {
      throw new IllegalArgumentException("empty table");
    }
    int vars = 32 - Integer.numberOfLeadingZeros(rows - 1);
    TableColumn[] cols = new TableColumn[columns.length];
    for (int c = 0; c < columns.length; c++) {
      if (columns[c].length != rows) {
        throw new IllegalArgumentException("columns of different lengths");
      }
      long[] padded = java.util.Arrays.copyOf(columns[c], 1 << vars);
      java.util.Arrays.fill(padded, rows, padded.length, columns[c][rows - 1]);
      cols[c] = new TableColumn.Explicit(padded);
    }
    return new LookupTable(vars, List.of(cols));
  }

  public int width() {
    return columns.size();
  }

  public int size() {
    return 1 << numVars;
  }

  public long valueAt(int column, int row) {
    return columns.get(column).valueAt(row);
  }

  /** sum_c beta^c t_c(point): the compressed table's MLE. */
  public Ext2 evaluateCompressed(Ext2 beta, Ext2[] point) {
    if (point.length != numVars) {
      throw new IllegalArgumentException(
          "point of " + point.length + " coordinates for a table of 2^" + numVars);
    }
    // Explicit columns share one split eq table (Mle.SplitEq): the verifier's largest cost on big
    // tables.
    io.zkaudit.poly.Mle.SplitEq eq = null;
    Ext2 acc = Ext2.ZERO;
    Ext2 pow = Ext2.ONE;
    for (TableColumn c : columns) {
      Ext2 v;
      if (c instanceof TableColumn.Explicit e && numVars >= 4) {
        if (eq == null) {
          eq = io.zkaudit.poly.Mle.SplitEq.of(point);
        }
        v = e.evaluate(eq);
      } else {
        v = c.evaluate(point);
      }
      acc = acc.add(pow.mul(v));
      pow = pow.mul(beta);
    }
    return acc;
  }
}
