package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.AnvilExtension;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.lookup.LookupTable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;

/**
 * RoundingTables.sol on a real Anvil node against Java: the MNIST CNN's rounding table plan
 * evaluated at random points in staged transactions gives Java's column values ({@code
 * TableColumn.evaluate}) and records the fact {@link TableEncoding#tableFact}; a plan with one
 * entry changed records another fact with other values (never the honest one); a point of the wrong
 * size, a bad header and a level of width zero are refused with their reasons.
 */
@ExtendWith(AnvilExtension.class)
class RoundingTablesTest {
  private static final BigInteger FUNDS = new BigInteger("1000000000000000000000");

  @Test
  void theMnistCnnTableEvaluatesOnChainAsInJava(ChainNode node) throws Exception {
    var m = StatementBindingDifferentialTest.committedMnist();
    Assumptions.assumeTrue(m.isPresent(), "no ../shared/models");
    Credentials owner = node.namedAccount("rounding tables", FUNDS);
    OnChainRoundingTables tables = OnChainRoundingTables.deploy(node.web3j(), owner);
    assertTrue(tables.codeSize() <= 24_576, "EIP-170: " + tables.codeSize());
    ModelCircuit c = m.get().model().circuit();
    LookupTable table = InferenceStatement.table(c);
    List<BigInteger> plan = TableEncoding.plan(c);
    Random rng = new Random(11);
    Ext2[] point = new Ext2[table.numVars()];
    for (int j = 0; j < point.length; j++) {
      point[j] = Ext2.random(rng);
    }
    OnChainRoundingTables.Evaluation e = tables.evaluate(plan, point);
    for (int col = 0; col < 4; col++) {
      assertEquals(table.columns().get(col).evaluate(point), e.values()[col], "column " + col);
    }
    assertArrayEquals(TableEncoding.tableFact(e.planHash(), point, e.values()), e.fact());
    assertTrue(tables.verified(e.fact()));
    long gas = e.steps().stream().mapToLong(OnChainOpeningVerifier.Step::gasUsed).sum();
    System.out.printf(
        "MNIST CNN rounding table (%d bytes of code): %d transactions, %,d gas, %s%n",
        tables.codeSize(), e.steps().size(), gas, e.steps());
    for (OnChainOpeningVerifier.Step s : e.steps()) {
      assertTrue(s.gasUsed() < OnChainOpeningVerifier.TRANSACTION_GAS_CAP);
      assertTrue(s.calldataBytes() < OnChainOpeningVerifier.TRANSACTION_SIZE_CAP);
    }

    // Another table: one level one wider. Its evaluation is its own fact, not the honest one.
    List<BigInteger> wider = new ArrayList<>(plan);
    wider.set(9, plan.get(9).add(BigInteger.ONE));
    OnChainRoundingTables.Evaluation w = tables.evaluate(wider, point);
    assertArrayEquals(TableEncoding.evaluate(wider, point), w.values());
    assertNotEquals(e.values()[2], w.values()[2]);
    assertFalse(java.util.Arrays.equals(e.fact(), w.fact()));
    assertFalse(
        tables.verified(TableEncoding.tableFact(e.planHash(), point, w.values())),
        "the honest plan's fact with the other table's values");

    // Refusals, each with its reason.
    List<BigInteger> badHeader = new ArrayList<>(plan);
    badHeader.set(2, BigInteger.valueOf(3));
    assertEquals(
        TableRejection.BAD_PLAN,
        assertThrows(
                OnChainRoundingTables.TableRejectedException.class,
                () -> tables.evaluate(badHeader, point))
            .reason());
    assertEquals(
        TableRejection.MALFORMED,
        assertThrows(
                OnChainRoundingTables.TableRejectedException.class,
                () -> tables.evaluate(plan, java.util.Arrays.copyOf(point, 15)))
            .reason());
    // A level of width zero.
    List<BigInteger> zero = new ArrayList<>(plan);
    zero.set(9, plan.get(9).shiftRight(32).shiftLeft(32));
    assertEquals(
        TableRejection.BAD_PLAN,
        assertThrows(
                OnChainRoundingTables.TableRejectedException.class,
                () -> tables.evaluate(zero, point))
            .reason());
  }

  /**
   * The run path (consecutive one-row levels, each one level up, summed two columns a row) against
   * Java's expansion: random plans of small tables (blocks of 64 rows, so that runs meet block
   * boundaries often) whose step segments mix runs of one-row levels (widths 1..2^16, some exactly
   * 2^16), levels two or more up, levels of several rows, negative lows, with ramps and a literal
   * between them, evaluate on chain to {@link TableEncoding#evaluate}; a run's end past 2^41 and a
   * run past the table's last row are refused as before (bad plan).
   */
  @Test
  void randomRunsOfLevelsEvaluateOnChainAsInJava(ChainNode node) throws Exception {
    Credentials owner = node.namedAccount("rounding tables runs", FUNDS);
    OnChainRoundingTables tables = OnChainRoundingTables.deploy(node.web3j(), owner);
    Random rng = new Random(29);
    for (int vars : new int[] {12, 11, 12}) {
      List<long[]> rows = randomRows(rng, vars);
      List<BigInteger> plan = TableEncoding.plan(rows, vars, 0);
      List<long[]> expanded = TableEncoding.rows(plan);
      for (int i = 0; i < rows.size(); i++) {
        assertArrayEquals(rows.get(i), expanded.get(i), "row " + i);
      }
      Ext2[] point = new Ext2[vars];
      for (int j = 0; j < vars; j++) {
        point[j] = Ext2.random(rng);
      }
      OnChainRoundingTables.Evaluation e = tables.evaluate(plan, point);
      assertArrayEquals(TableEncoding.evaluate(plan, point), e.values(), vars + " variables");
      assertArrayEquals(TableEncoding.tableFact(e.planHash(), point, e.values()), e.fact());
      assertTrue(tables.verified(e.fact()));
    }
    Ext2[] point = new Ext2[6];
    for (int j = 0; j < point.length; j++) {
      point[j] = Ext2.random(rng);
    }
    // A run whose last level ends past 2^41.
    List<long[]> high = new ArrayList<>();
    long low = (1L << 41) - 5 * CHUNK_FOR_TEST;
    for (int k = 0; k < 8; k++) {
      high.add(
          new long[] {
            1, k, Goldilocks.fromSigned(low), Goldilocks.fromSigned(low + CHUNK_FOR_TEST)
          });
      low += CHUNK_FOR_TEST;
    }
    List<BigInteger> tooHigh = TableEncoding.plan(high, 6, 0);
    assertEquals(
        TableRejection.BAD_PLAN,
        assertThrows(
                OnChainRoundingTables.TableRejectedException.class,
                () -> tables.evaluate(tooHigh, point))
            .reason());
    // A run past the table's 64 rows: a plan of 64 rows in two segments of 32, one more level in
    // the second's last run.
    List<long[]> full = new ArrayList<>();
    for (int k = 0; k < 64; k++) {
      full.add(new long[] {1 + k / 32, k, k, k + 1});
    }
    List<BigInteger> fits = TableEncoding.plan(full, 6, 0);
    assertArrayEquals(TableEncoding.evaluate(fits, point), tables.evaluate(fits, point).values());
    List<BigInteger> over = new ArrayList<>(fits);
    // The second segment's entry count 32 -> 33, a fifth word of entries with one more level
    // (increment 1, width 1).
    assertEquals(22, fits.size());
    over.set(17, BigInteger.valueOf(33));
    over.add(BigInteger.valueOf(0x0100_0001L));
    assertEquals(
        TableRejection.BAD_PLAN,
        assertThrows(
                OnChainRoundingTables.TableRejectedException.class,
                () -> tables.evaluate(over, point))
            .reason());
  }

  private static final long CHUNK_FOR_TEST = 1 << 16;

  /** Random real rows of a table of 2^vars rows: step runs, ramps, a literal row. */
  private static List<long[]> randomRows(Random rng, int vars) {
    List<long[]> rows = new ArrayList<>();
    long tag = 1;
    long limit = (1L << vars) - 8;
    while (rows.size() < limit - 300) {
      int kind = rng.nextInt(10);
      if (kind == 0) {
        // A ramp: (tag, out0 + i, low_i, high).
        long out0 = rng.nextInt(200) - 100;
        long lo = rng.nextInt(1 << 20) - (1 << 19);
        long hi = rng.nextInt(1000);
        int n = 1 + rng.nextInt(100);
        for (int i = 0; i < n; i++) {
          lo += rng.nextInt(1 << 12) - (1 << 11);
          rows.add(
              new long[] {tag, Goldilocks.fromSigned(out0 + i), Goldilocks.fromSigned(lo), hi});
        }
      } else if (kind == 1) {
        // Literal rows (no step: high below low; no ramp: out does not go up).
        rows.add(new long[] {tag, 3, Goldilocks.fromSigned(-7), Goldilocks.fromSigned(-9)});
        rows.add(new long[] {tag, 3, Goldilocks.fromSigned(-7), Goldilocks.fromSigned(-8)});
      } else {
        long k = rng.nextInt(512) - 256;
        long lo = rng.nextLong(1L << 36) - (1L << 35);
        int levels = 1 + rng.nextInt(250);
        for (int l = 0; l < levels && rows.size() < limit; l++) {
          int shape = rng.nextInt(20);
          long width =
              switch (shape) {
                case 0 -> CHUNK_FOR_TEST * (1 + rng.nextInt(3)) + rng.nextInt(3);
                case 1 -> CHUNK_FOR_TEST;
                case 2 -> 1;
                default -> 1 + rng.nextInt(1 << (1 + rng.nextInt(16)));
              };
          if (l > 0) {
            k += rng.nextInt(12) == 0 ? 2 + rng.nextInt(4) : 1;
          }
          for (long x = lo; x < lo + width; x += CHUNK_FOR_TEST) {
            rows.add(
                new long[] {
                  tag,
                  Goldilocks.fromSigned(k),
                  Goldilocks.fromSigned(x),
                  Goldilocks.fromSigned(Math.min(x + CHUNK_FOR_TEST, lo + width))
                });
          }
          lo += width;
        }
      }
      tag++;
    }
    return rows;
  }
}
