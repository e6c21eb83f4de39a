package io.zkaudit.prover.accuracy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zkaudit.accuracy.ArgmaxCountStatement;
import io.zkaudit.accuracy.ArgmaxLayout;
import io.zkaudit.accuracy.ArgmaxRelations;
import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.poly.Mle;
import io.zkaudit.sumcheck.Composition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Red team (adversarial review of the argmax-and-count gadget): does the verifier's sumcheck check
 * exactly the five identities of docs/accuracy-proof.md, for every shape, with nothing of its own
 * derivation taken on trust?
 *
 * <p>For random (not honest) committed tables s, ℓ, d, m, random labels, a random count and random
 * r, λ, the tables the composition reads are built here from their <b>definitions</b> on the
 * hypercube (E = eq(r, ·)·box, E' = eq(r_b, ·)·box, E_b = eq(r_b, ·)·[b &lt; N], G = E_b·W with
 * W(k) = Σ_{j &lt; k &lt; K} eq(r_j, j), L, box), and two things are checked:
 *
 * <ol>
 *   <li>Σ_x C(tables(x)) − claim equals V_A + λ V_B + λ² V_C + λ³ V_D + λ⁴ V_E, each V the weighted
 *       violation of one identity written out directly (Booleanity on the box, one 1 per real row,
 *       m = Σ s ℓ, d = m − ℓ − [j &lt; p], the count): so the sum the sumcheck proves is zero only
 *       if every identity holds (up to the zero-check's Schwartz–Zippel error at r);
 *   <li>the verifier's closed forms of the public tables at a random σ ({@link
 *       ArgmaxRelations#publicValues}) are the MLEs of those definition tables: so the final check
 *       of the sumcheck is about these tables and no others.
 * </ol>
 *
 * Shapes: the edge cases of the brief (N = 1, N = 2^k, N = 2^k + 1; K = 2, K a power of two, K not;
 * plain and zero-knowledge layouts, whose sample bits exceed ceil(log2 N)).
 */
class RedTeamRelationsTest {
  private static final int[] SAMPLES = {1, 2, 3, 4, 5, 7, 8, 9, 16, 17};
  private static final int[] CLASSES = {2, 3, 4, 5, 8, 10, 16, 17};

  @Test
  void theSumcheckChecksExactlyTheFiveIdentitiesForEveryShape() {
    Random rng = new Random(2026);
    int shapes = 0;
    for (int n : SAMPLES) {
      for (int k : CLASSES) {
        for (boolean zk : new boolean[] {false, true}) {
          ArgmaxLayout layout = ArgmaxLayout.of(n, k, zk);
          for (int trial = 0; trial < 2; trial++) {
            checkShape(layout, rng, trial == 0);
          }
          shapes++;
        }
      }
    }
    assertEquals(SAMPLES.length * CLASSES.length * 2, shapes);
  }

  /**
   * An explicit layout without zero-knowledge padding where N = 2^nb exactly and K = 2^kb: no
   * padding anywhere, so box = 1 everywhere and the closed forms take their "full" branches.
   */
  @Test
  void fullLayoutsWithoutAnyPadding() {
    Random rng = new Random(7);
    for (int[] nk : new int[][] {{1, 2}, {2, 2}, {4, 4}, {8, 16}, {1, 16}}) {
      int nb = 32 - Integer.numberOfLeadingZeros(nk[0] - 1);
      int kb = 32 - Integer.numberOfLeadingZeros(nk[1] - 1);
      checkShape(new ArgmaxLayout(nk[0], nk[1], nk[0] == 1 ? 0 : nb, kb), rng, true);
      checkShape(new ArgmaxLayout(nk[0], nk[1], nk[0] == 1 ? 0 : nb, kb), rng, false);
    }
  }

  /**
   * The tie rule as the gap encodes it, exhaustively over small logit vectors (K = 2, 3, 4; values
   * including negatives and the int8 and int16 extremes, so equal, all-equal and extreme logits):
   * with the selector one-hot at p, m = ℓ_p and d_j = m − ℓ_j − [j &lt; p] computed in the field
   * (as the relations force them), every d_j is in the range table [0, 2^16) exactly when p is the
   * first maximum. No other p passes, and no d wraps around the field into the table: d = p − 1 (a
   * −1 gap) is far outside [0, 2^16).
   */
  @Test
  void onlyTheFirstMaximumHasEveryGapInRange() {
    long[][] valueSets = {{-128, -1, 0, 1, 127}, {-32768, -1, 0, 32767}};
    int vectors = 0;
    for (long[] values : valueSets) {
      for (int k = 2; k <= 4; k++) {
        int total = 1;
        for (int i = 0; i < k; i++) {
          total *= values.length;
        }
        for (int code = 0; code < total; code++) {
          long[] l = new long[k];
          int c = code;
          for (int j = 0; j < k; j++) {
            l[j] = values[c % values.length];
            c /= values.length;
          }
          int first = 0;
          for (int j = 1; j < k; j++) {
            if (l[j] > l[first]) {
              first = j;
            }
          }
          for (int p = 0; p < k; p++) {
            boolean inRange = true;
            long m = Goldilocks.fromSigned(l[p]);
            for (int j = 0; j < k; j++) {
              long d =
                  Goldilocks.sub(Goldilocks.sub(m, Goldilocks.fromSigned(l[j])), j < p ? 1 : 0);
              inRange &= Long.compareUnsigned(d, 1 << 16) < 0;
            }
            assertEquals(
                p == first, inRange, Arrays.toString(l) + ": selector at " + p + " passes");
          }
          vectors++;
        }
      }
    }
    assertEquals(25 + 125 + 625 + 16 + 64 + 256, vectors);
  }

  /** A statement whose count exceeds N, or is negative, cannot even be formed. */
  @Test
  void aCountOutsideZeroToNIsNotAStatement() {
    ArgmaxLayout layout = ArgmaxLayout.of(3, 10, true);
    int[] labels = {0, 1, 2};
    assertThrows(IllegalArgumentException.class, () -> new ArgmaxCountStatement(layout, labels, 4));
    assertThrows(
        IllegalArgumentException.class, () -> new ArgmaxCountStatement(layout, labels, -1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ArgmaxCountStatement(layout, new int[] {0, 1, 10}, 0));
  }

  private static void checkShape(ArgmaxLayout layout, Random rng, boolean nearlyHonest) {
    int size = layout.size();
    int nb = layout.sampleBits();
    int kb = layout.classBits();
    int n = layout.samples();
    int k = layout.classes();
    // Tables: random field elements, or small integers with some honest-looking structure.
    long[] s = new long[size];
    long[] l = new long[size];
    long[] d = new long[size];
    long[] m = new long[layout.paddedSamples()];
    for (int i = 0; i < size; i++) {
      s[i] = nearlyHonest ? rng.nextInt(2) : randomField(rng);
      l[i] = nearlyHonest ? Goldilocks.fromSigned(rng.nextInt(256) - 128) : randomField(rng);
      d[i] = nearlyHonest ? rng.nextInt(1 << 16) : randomField(rng);
    }
    for (int b = 0; b < m.length; b++) {
      m[b] = nearlyHonest ? Goldilocks.fromSigned(rng.nextInt(256) - 128) : randomField(rng);
    }
    int[] labels = new int[n];
    for (int b = 0; b < n; b++) {
      labels[b] = rng.nextInt(k);
    }
    int correct = rng.nextInt(n + 1);
    ArgmaxCountStatement st = new ArgmaxCountStatement(layout, labels, correct);
    Ext2[] r = randomPoint(rng, layout.numVars());
    Ext2 lambda = Ext2.random(rng);
    Ext2[] rj = layout.classPart(r);
    Ext2[] rb = layout.samplePart(r);
    long[] eqR = Mle.eqTable(r);
    long[] eqRb = Mle.eqTable(rb);
    long[] eqRj = Mle.eqTable(rj);

    // The public tables from their definitions.
    Ext2[][] pub = new Ext2[ArgmaxRelations.TABLES][size];
    for (int x = 0; x < size; x++) {
      int b = x >>> kb;
      int j = x & ((1 << kb) - 1);
      boolean realSample = b < n;
      boolean box = realSample && j < k;
      Ext2 eqBatch = ExtVector.get(eqRb, b);
      pub[ArgmaxRelations.EQ_BOX][x] = box ? ExtVector.get(eqR, x) : Ext2.ZERO;
      pub[ArgmaxRelations.ROW_BOX][x] = box ? eqBatch : Ext2.ZERO;
      pub[ArgmaxRelations.ROW_SAMPLE][x] = realSample ? eqBatch : Ext2.ZERO;
      Ext2 w = Ext2.ZERO;
      if (realSample && j < k) {
        for (int jj = 0; jj < j; jj++) {
          w = w.add(ExtVector.get(eqRj, jj));
        }
      }
      pub[ArgmaxRelations.BELOW][x] = realSample ? eqBatch.mul(w) : Ext2.ZERO;
      pub[ArgmaxRelations.LABELS][x] = realSample && j == labels[b] ? Ext2.ONE : Ext2.ZERO;
      pub[ArgmaxRelations.BOX][x] = box ? Ext2.ONE : Ext2.ZERO;
    }

    // (1) The hypercube sum of the composition against the identities written out.
    Composition c = ArgmaxRelations.composition(lambda, kb);
    Ext2 sum = Ext2.ZERO;
    for (int x = 0; x < size; x++) {
      Ext2[] v = new Ext2[ArgmaxRelations.TABLES];
      for (int t = ArgmaxRelations.LABELS; t < ArgmaxRelations.TABLES; t++) {
        v[t] = pub[t][x];
      }
      v[ArgmaxRelations.SELECTOR] = Ext2.of(s[x]);
      v[ArgmaxRelations.LOGITS] = Ext2.of(l[x]);
      v[ArgmaxRelations.GAP] = Ext2.of(d[x]);
      v[ArgmaxRelations.MAX] = Ext2.of(m[x >>> kb]);
      sum = sum.add(c.evaluate(v));
    }
    Ext2 claim = ArgmaxRelations.claim(st, r, lambda);

    Ext2 va = Ext2.ZERO;
    Ext2 vb = Ext2.ZERO;
    Ext2 vc = Ext2.ZERO;
    Ext2 vd = Ext2.ZERO;
    Ext2 ve = Ext2.of(Goldilocks.neg(correct));
    for (int b = 0; b < n; b++) {
      Ext2 eb = ExtVector.get(eqRb, b);
      Ext2 rowSum = Ext2.ZERO;
      Ext2 rowDot = Ext2.ZERO;
      for (int j = 0; j < k; j++) {
        int x = layout.index(b, j);
        Ext2 sx = Ext2.of(s[x]);
        rowSum = rowSum.add(sx);
        rowDot = rowDot.add(sx.mul(Ext2.of(l[x])));
        va = va.add(ExtVector.get(eqR, x).mul(sx.mul(Ext2.ONE.sub(sx))));
        Ext2 t = Ext2.ZERO; // t(b, j) = Σ_{j < kk < K} s(b, kk)
        for (int kk = j + 1; kk < k; kk++) {
          t = t.add(Ext2.of(s[layout.index(b, kk)]));
        }
        Ext2 gapViolation = Ext2.of(d[x]).sub(Ext2.of(m[b])).add(Ext2.of(l[x])).add(t);
        vd = vd.add(ExtVector.get(eqR, x).mul(gapViolation));
        if (j == labels[b]) {
          ve = ve.add(sx);
        }
      }
      vb = vb.add(eb.mul(rowSum.sub(Ext2.ONE)));
      vc = vc.add(eb.mul(rowDot.sub(Ext2.of(m[b]))));
    }
    Ext2 l2 = lambda.square();
    Ext2 expected =
        va.add(lambda.mul(vb)).add(l2.mul(vc)).add(l2.mul(lambda).mul(vd)).add(l2.square().mul(ve));
    assertEquals(expected, sum.sub(claim), layout + ": the proven sum is not the five identities");

    // (2) The verifier's closed forms at σ against the MLEs of the definition tables.
    Ext2[] sigma = randomPoint(rng, layout.numVars());
    Ext2[] own = ArgmaxRelations.publicValues(st, r, sigma);
    List<String> names =
        new ArrayList<>(List.of("", "", "", "", "L", "E", "E'", "E_b", "G", "box"));
    for (int t = ArgmaxRelations.LABELS; t < ArgmaxRelations.TABLES; t++) {
      long[] ext = ExtVector.allocate(size);
      for (int x = 0; x < size; x++) {
        ExtVector.set(ext, x, pub[t][x]);
      }
      assertEquals(
          Mle.evaluateExt(ext, sigma),
          own[t],
          layout + ": the verifier's " + names.get(t) + " is not the table's MLE");
    }
  }

  private static long randomField(Random rng) {
    return Long.remainderUnsigned(rng.nextLong(), Goldilocks.P);
  }

  private static Ext2[] randomPoint(Random rng, int n) {
    Ext2[] p = new Ext2[n];
    for (int i = 0; i < n; i++) {
      p[i] = Ext2.random(rng);
    }
    return p;
  }
}
