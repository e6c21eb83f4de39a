package io.zkaudit.prover.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.lookup.LookupTable;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The prover's row index of a lookup table: every row's tuple finds its first occurrence, and a
 * tuple that is not a row finds nothing, also when it shares a column value or a hash probe with
 * rows (a table of 2^12 rows whose columns repeat values, so probe chains are long).
 */
class LookupIndexTest {
  @Test
  void everyRowIsFoundAtItsFirstOccurrenceAndOthersAreNot() {
    int n = 1 << 12;
    long[] a = new long[n], b = new long[n], c = new long[n];
    Random r = new Random(7);
    for (int y = 0; y < n; y++) {
      a[y] = r.nextInt(16); // few distinct values per column
      b[y] = Goldilocks.fromSigned(r.nextInt(64) - 32);
      c[y] = y % 3 == 0 && y > 0 ? c[y - 1] : r.nextInt(1000);
    }
    // duplicated rows: row 100 repeats row 40, row 4000 repeats row 5
    a[100] = a[40];
    b[100] = b[40];
    c[100] = c[40];
    a[4000] = a[5];
    b[4000] = b[5];
    c[4000] = c[5];
    LookupTable table = LookupTable.ofColumns(a, b, c);
    LookupWitness.Index index = new LookupWitness.Index(table);
    for (int y = 0; y < n; y++) {
      int first = y;
      for (int z = 0; z < y; z++) {
        if (a[z] == a[y] && b[z] == b[y] && c[z] == c[y]) {
          first = z;
          break;
        }
      }
      assertEquals(first, index.find(new long[] {a[y], b[y], c[y]}), "row " + y);
    }
    assertEquals(40, index.find(new long[] {a[40], b[40], c[40]}));
    assertEquals(5, index.find(new long[] {a[5], b[5], c[5]}));
    // tuples that are not rows: one column changed, or values of different rows combined
    int missing = 0;
    for (int t = 0; t < 2000; t++) {
      long[] tuple = {r.nextInt(16), b[r.nextInt(n)], c[r.nextInt(n)]};
      boolean present = false;
      for (int y = 0; y < n && !present; y++) {
        present = a[y] == tuple[0] && b[y] == tuple[1] && c[y] == tuple[2];
      }
      if (!present) {
        missing++;
        assertEquals(-1, index.find(tuple), java.util.Arrays.toString(tuple));
      }
    }
    assertEquals(true, missing > 1000, missing + " absent tuples tried");
    assertEquals(-1, index.find(new long[] {Goldilocks.P - 1, 0, 0}));
  }
}
