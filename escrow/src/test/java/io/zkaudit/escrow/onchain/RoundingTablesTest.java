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
}
