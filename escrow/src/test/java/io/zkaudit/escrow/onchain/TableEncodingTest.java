package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.data.SharedData;
import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.lookup.LookupTable;
import io.zkaudit.quant.MonotoneStep;
import io.zkaudit.quant.StepTable;
import io.zkaudit.tflite.TfliteImporter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link TableEncoding} against Java's own table: the plan of every real model's rounding table
 * expands to exactly the circuit's rows (padded), and its evaluation, computed from the plan alone,
 * equals {@code TableColumn.evaluate} on the table's columns at random points; the same for tables
 * of random rounding maps, rescale ramps and arbitrary rows. A plan whose one threshold, one level
 * or one ramp increment is changed evaluates elsewhere.
 */
class TableEncodingTest {

  @Test
  void theMnistCnnTableIsItsPlan() throws Exception {
    var m = StatementBindingDifferentialTest.committedMnist();
    Assumptions.assumeTrue(m.isPresent(), "no ../shared/models");
    ModelCircuit c = m.get().model().circuit();
    List<BigInteger> plan = checkModel("MNIST CNN", c);
    assertEquals(16, plan.get(0).intValue());
    // The circuit's table is the zero-knowledge circuit's too.
    assertEquals(
        InferenceStatement.table(c), InferenceStatement.table(ModelCircuit.of(c.model(), true)));
  }

  @Test
  void theResNet8TableIsItsPlan() throws Exception {
    List<BigInteger> plan = checkModel("ResNet-8", circuit("models/resnet8_cifar10_int8.tflite"));
    assertEquals(18, plan.get(0).intValue());
  }

  @Test
  void theMobileNetV2TableIsItsPlan() throws Exception {
    checkModel("MobileNet v2", circuit("models/mobilenet_v2_1.0_224_quant.tflite"));
  }

  private static ModelCircuit circuit(String relative) throws Exception {
    var p = SharedData.resolve(relative);
    Assumptions.assumeTrue(p.isPresent(), "skipped: ../shared/" + relative + " is not present");
    return ModelCircuit.of(TfliteImporter.loadQuantized(p.get()).description(), false);
  }

  private static List<BigInteger> checkModel(String name, ModelCircuit c) {
    LookupTable table = InferenceStatement.table(c);
    List<BigInteger> plan = TableEncoding.plan(c);
    assertRows(table, plan);
    Random rng = new Random(name.hashCode());
    for (int i = 0; i < 3; i++) {
      assertEvaluation(table, plan, rng);
    }
    long kinds[] = new long[4];
    int at = 4;
    for (int s = 0; s < plan.get(3).intValue(); s++) {
      int kind = plan.get(at).intValue();
      kinds[kind]++;
      at +=
          switch (kind) {
            case TableEncoding.STEP -> 5 + (plan.get(at + 4).intValue() + 7) / 8;
            case TableEncoding.RAMP -> 6 + (plan.get(at + 5).intValue() + 7) / 8;
            default -> 2 + 4 * plan.get(at + 1).intValue();
          };
    }
    System.out.printf(
        "%s: %d rows (2^%d), plan %d words (%d KB): %d step segments, %d ramps, %d literal%n",
        name,
        c.tableRows().size(),
        table.numVars(),
        plan.size(),
        plan.size() * 32 / 1024,
        kinds[1],
        kinds[2],
        kinds[3]);
    // Real tables need no literal rows: every segment is a step table or a rescale ramp.
    assertEquals(0, kinds[3], name + ": literal segments");
    return plan;
  }

  /** The plan's rows are the table's, padding included. */
  private static void assertRows(LookupTable table, List<BigInteger> plan) {
    List<long[]> rows = TableEncoding.rows(plan);
    assertEquals(table.size(), rows.size());
    for (int r = 0; r < rows.size(); r++) {
      for (int col = 0; col < 4; col++) {
        assertEquals(table.valueAt(col, r), rows.get(r)[col], "row " + r + " column " + col);
      }
    }
  }

  private static Ext2[] point(int vars, Random rng) {
    Ext2[] p = new Ext2[vars];
    for (int j = 0; j < vars; j++) {
      p[j] = Ext2.random(rng);
    }
    return p;
  }

  private static void assertEvaluation(LookupTable table, List<BigInteger> plan, Random rng) {
    Ext2[] p = point(table.numVars(), rng);
    Ext2[] mine = TableEncoding.evaluate(plan, p);
    for (int col = 0; col < 4; col++) {
      assertEquals(table.columns().get(col).evaluate(p), mine[col], "column " + col);
    }
  }

  @Test
  void tablesOfRandomRoundingsRampsAndRows() {
    Random rng = new Random(7);
    for (int trial = 0; trial < 12; trial++) {
      List<long[]> rows = new ArrayList<>();
      int tag = 1;
      int segments = 1 + rng.nextInt(4);
      for (int s = 0; s < segments; s++) {
        switch (rng.nextInt(3)) {
          case 0 -> {
            // A requantization-like map: round(acc * m / 2^shift) + z, clamped; slopes from far
            // below one level per 2^16 (chunked levels) to above one (empty levels).
            double m = Math.pow(2, -4 - rng.nextInt(16)) * (1 + rng.nextDouble());
            int z = rng.nextInt(21) - 10;
            int lo = -8 - rng.nextInt(20);
            int hi = 8 + rng.nextInt(20);
            MonotoneStep f =
                MonotoneStep.of(
                    acc -> Math.clamp(Math.round(acc * m) + z, lo, hi),
                    lo,
                    hi,
                    -(1L << 30),
                    1L << 30);
            StepTable t =
                rng.nextBoolean()
                    ? StepTable.of(f, 1 + rng.nextInt(3))
                    : StepTable.covering(f, -rng.nextInt(1 << 20), rng.nextInt(1 << 20) + 1);
            for (StepTable.Row row : t.rows()) {
              rows.add(
                  new long[] {
                    tag,
                    Goldilocks.fromSigned(row.out()),
                    Goldilocks.fromSigned(row.low()),
                    Goldilocks.fromSigned(row.high())
                  });
            }
          }
          case 1 -> {
            int n = 1 + rng.nextInt(300);
            long x0 = rng.nextInt(256) - 128;
            long scale = rng.nextInt(1 << 20);
            for (int i = 0; i < n; i++) {
              rows.add(
                  new long[] {
                    tag,
                    Goldilocks.fromSigned(x0 + i),
                    Goldilocks.fromSigned(Math.round((x0 + i) * scale / 3.0)),
                    0
                  });
            }
          }
          default -> {
            int n = 1 + rng.nextInt(40);
            for (int i = 0; i < n; i++) {
              rows.add(
                  new long[] {
                    tag,
                    Goldilocks.random(rng),
                    Goldilocks.random(rng),
                    Goldilocks.fromSigned(rng.nextInt())
                  });
            }
          }
        }
        tag++;
      }
      long[][] cols = new long[4][rows.size()];
      for (int r = 0; r < rows.size(); r++) {
        for (int col = 0; col < 4; col++) {
          cols[col][r] = rows.get(r)[col];
        }
      }
      LookupTable table = LookupTable.ofColumns(cols);
      List<BigInteger> plan = TableEncoding.plan(rows, table.numVars(), 0);
      assertRows(table, plan);
      assertEvaluation(table, plan, rng);
    }
  }

  /** A plan with one entry changed is another table: its evaluation differs. */
  @Test
  void aChangedPlanEvaluatesElsewhere() throws Exception {
    var m = StatementBindingDifferentialTest.committedMnist();
    Assumptions.assumeTrue(m.isPresent(), "no ../shared/models");
    List<BigInteger> plan = TableEncoding.plan(m.get().model().circuit());
    Ext2[] p = point(16, new Random(3));
    Ext2[] honest = TableEncoding.evaluate(plan, p);
    // The first step segment's first packed word: its first level one wider, and so every later
    // row of the segment shifted.
    List<BigInteger> wider = new ArrayList<>(plan);
    wider.set(9, plan.get(9).add(BigInteger.ONE));
    Ext2[] w = TableEncoding.evaluate(wider, p);
    assertNotEquals(honest[2], w[2]);
    assertNotEquals(honest[3], w[3]);
    assertTrue(TableEncoding.rows(wider).size() == 1 << 16);
    assertArrayEquals(honest, TableEncoding.evaluate(plan, p));
  }
}
