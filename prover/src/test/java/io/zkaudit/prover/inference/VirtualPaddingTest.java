package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.layers.WindowedLinear;
import io.zkaudit.model.Padding;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.testutil.TinyModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The value a verifier derives for each linear layer's accumulator, a(ρ) = v[2] + c1(ρ), is masked
 * in a zero-knowledge proof (layers/VirtualPadding, docs/zero-knowledge.md "Virtual-column
 * padding"). Before, it was the accumulator's formula at ρ: for a first layer, whose input the
 * buyer chooses, a linear functional of the weights with coefficients the buyer can compute, so a
 * buyer holding a few more proofs than the layer has weights solved for them.
 *
 * <p>The attack is played for real: the same code that recovers the weights exactly from plain
 * proofs (which hide nothing, and so show the attack is right) learns nothing from zero-knowledge
 * ones. And two cheating provers check that the padding takes nothing from soundness.
 */
class VirtualPaddingTest {

  /**
   * A first convolution (2x2, 1 to 2 channels: 8 weights, 2 biases), then a depthwise layer and an
   * average pool.
   */
  private static QuantizedModel convFirst() {
    return new TinyModels.Chain("leak-conv", List.of(1, 4, 4, 1))
        .conv("conv", 2, 1, Padding.NONE, 2, 3, 11)
        .depthwise("dw", 3, 1, new Padding(1, 1, 1, 1), 3, 12)
        .averagePool("pool", 3, 1, Padding.NONE)
        .build();
  }

  /** A first depthwise layer (3x3 over 2 channels, padded by 1: 18 weights, 2 biases). */
  private static QuantizedModel depthwiseFirst() {
    return new TinyModels.Chain("leak-dw", List.of(1, 4, 4, 2))
        .depthwise("dw", 3, 1, new Padding(1, 1, 1, 1), 3, 13)
        .build();
  }

  private static int[] randomInput(QuantizedModel m, Random rng) {
    int[] x = new int[m.input().size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextInt(256) - 128;
    }
    return x;
  }

  /**
   * The buyer's model of the first layer's accumulator at a point, as a function of the unknowns
   * (weights, then biases): an affine map, tabulated once per input from the layer's own formula.
   */
  private record FirstLayer(WindowedLinear spec, int weights, int biases) {
    static FirstLayer of(ModelCircuit c) {
      WindowedLinear spec = ((ModelCircuit.LinearLayer) c.layers().getFirst()).linear();
      return new FirstLayer(spec, weightCount(spec), spec.hasBias() ? spec.out().channels() : 0);
    }

    private static int weightCount(WindowedLinear spec) {
      int k = spec.rows().kernel() * spec.cols().kernel();
      return spec.kind() == WindowedLinear.Kind.CONV
          ? k * spec.in().channels() * spec.out().channels()
          : k * spec.out().channels();
    }

    int unknowns() {
      return weights + biases;
    }

    /**
     * Row j of the result: the accumulator table when unknown j is 1 and the others 0, minus the
     * table at 0.
     */
    long[][] tables(int[] input) {
      long[] in = spec.in().place(input);
      long[] base =
          PaddedAccumulators.of(
              spec, null, in, new int[weights], spec.hasBias() ? new int[biases] : null);
      long[][] out = new long[unknowns() + 1][];
      out[unknowns()] = base;
      for (int j = 0; j < unknowns(); j++) {
        int[] w = new int[weights];
        int[] b = spec.hasBias() ? new int[biases] : null;
        if (j < weights) {
          w[j] = 1;
        } else {
          b[j - weights] = 1;
        }
        long[] t = PaddedAccumulators.of(spec, null, in, w, b);
        for (int i = 0; i < t.length; i++) {
          t[i] = Goldilocks.sub(t[i], base[i]);
        }
        out[j] = t;
      }
      return out;
    }
  }

  /** Two base-field equations (the extension's two coordinates) on the unknowns, from one proof. */
  private static void addEquations(List<long[]> rows, long[][] tables, Ext2[] rho, Ext2 revealed) {
    int n = tables.length - 1;
    Ext2 rhs = revealed.sub(Mle.evaluate(tables[n], rho));
    long[] re = new long[n + 1];
    long[] im = new long[n + 1];
    for (int j = 0; j < n; j++) {
      Ext2 c = Mle.evaluate(tables[j], rho);
      re[j] = c.c0();
      im[j] = c.c1();
    }
    re[n] = rhs.c0();
    im[n] = rhs.c1();
    rows.add(re);
    rows.add(im);
  }

  /**
   * Solves the augmented system over the base field: the unique solution, or null when it is
   * inconsistent (the revealed values fit no weights at all).
   */
  private static long[] solve(List<long[]> rows, int n) {
    long[][] a = rows.stream().map(long[]::clone).toArray(long[][]::new);
    int rank = 0;
    for (int col = 0; col < n; col++) {
      int pivot = -1;
      for (int r = rank; r < a.length; r++) {
        if (a[r][col] != 0) {
          pivot = r;
          break;
        }
      }
      assertTrue(
          pivot >= 0, "the equations do not determine unknown " + col + ": take more proofs");
      long[] t = a[pivot];
      a[pivot] = a[rank];
      a[rank] = t;
      long inv = Goldilocks.inv(a[rank][col]);
      for (int k = 0; k <= n; k++) {
        a[rank][k] = Goldilocks.mul(a[rank][k], inv);
      }
      for (int r = 0; r < a.length; r++) {
        if (r != rank && a[r][col] != 0) {
          long f = a[r][col];
          for (int k = 0; k <= n; k++) {
            a[r][k] = Goldilocks.sub(a[r][k], Goldilocks.mul(f, a[rank][k]));
          }
        }
      }
      rank++;
    }
    for (int r = rank; r < a.length; r++) {
      if (a[r][n] != 0) {
        return null;
      }
    }
    long[] x = new long[n];
    for (int j = 0; j < n; j++) {
      x[j] = a[j][n];
    }
    return x;
  }

  /** The first layer's weights and biases as field elements, in the attack's order. */
  private static long[] truth(QuantizedModel m, FirstLayer layer) {
    long[] x = new long[layer.unknowns()];
    int[] w = m.constant(layer.spec().weights());
    for (int j = 0; j < layer.weights(); j++) {
      x[j] = Goldilocks.fromSigned(w[j]);
    }
    if (layer.spec().hasBias()) {
      int[] b = m.constant(layer.spec().bias());
      for (int j = 0; j < layer.biases(); j++) {
        x[layer.weights() + j] = Goldilocks.fromSigned(b[j]);
      }
    }
    return x;
  }

  /**
   * The attack on proofs of one kind: the solution of its equations (null if they fit no weights).
   */
  private static long[] attack(QuantizedModel m, boolean zeroKnowledge, int proofs, long seed)
      throws Exception {
    CommittedModel cm = ModelProver.commit(m);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    FirstLayer layer = FirstLayer.of(verifier.circuit(zeroKnowledge));
    Random rng = new Random(seed);
    List<long[]> rows = new ArrayList<>();
    for (int p = 0; p < proofs; p++) {
      int[] input = randomInput(m, rng);
      ModelProof proof = ModelProver.prove(cm, input, ProgressListener.NONE, zeroKnowledge);
      assertArrayEquals(
          new IntegerEngine(m).trace(input).tensor(cm.circuit().outputTensor()),
          verifier.verify(proof, input));
      ModelVerifier.VirtualValue revealed =
          verifier.reduce(proof, input).virtualValues().getFirst();
      long[][] tables = layer.tables(input);
      addEquations(rows, tables, revealed.point(), revealed.value());
      if (zeroKnowledge) {
        // Each value on its own already differs from what the weights alone would give.
        Ext2 formula = Mle.evaluate(tables[layer.unknowns()], revealed.point());
        long[] w = truth(m, layer);
        for (int j = 0; j < w.length; j++) {
          formula = formula.add(Mle.evaluate(tables[j], revealed.point()).mul(Ext2.of(w[j])));
        }
        assertNotEquals(
            formula,
            revealed.value(),
            "proof " + p + " reveals the first layer's formula at its point");
      }
    }
    return solve(rows, layer.unknowns());
  }

  @Test
  void aBuyerSolvesForTheFirstLayerFromPlainProofsButNotFromZeroKnowledgeOnes() throws Exception {
    for (QuantizedModel m : List.of(convFirst(), depthwiseFirst())) {
      CommittedModel cm = ModelProver.commit(m);
      FirstLayer layer = FirstLayer.of(new ModelVerifier(cm.vk()).circuit(true));
      // Two equations per proof: enough proofs for the unknowns, and two more to check the fit.
      int proofs = layer.unknowns() / 2 + 2;
      long[] fromPlain = attack(m, false, proofs, 5);
      assertArrayEquals(
          truth(m, layer), fromPlain, m.description().name() + ": the attack itself works");
      long[] fromZk = attack(m, true, proofs, 5);
      assertNull(
          fromZk,
          m.description().name()
              + ": zero-knowledge proofs fit some weights: "
              + java.util.Arrays.toString(fromZk));
    }
  }

  /**
   * A max pool's window selections and a concatenation's shifted inputs are virtual columns too.
   * Reading the public input, their formula at the lookup's point is something the buyer computes
   * (MaxPoolProver.selection, ConcatProver.virtual): a plain proof holds exactly that value, a
   * zero-knowledge proof never does (when they read hidden activations, the same formula would be a
   * functional of those).
   */
  @Test
  void selectionsAndConcatenationsAreMaskedLikeAccumulators() throws Exception {
    List<QuantizedModel> models =
        List.of(
            new TinyModels.Chain("leak-pool", List.of(1, 4, 4, 2)).maxPool("pool").build(),
            new TinyModels.Chain("leak-cat", List.of(1, 4, 4, 2)).concatWithItself("cat").build());
    Random rng = new Random(21);
    for (QuantizedModel m : models) {
      CommittedModel cm = ModelProver.commit(m);
      ModelVerifier verifier = new ModelVerifier(cm.vk());
      for (boolean zk : new boolean[] {false, true}) {
        ModelCircuit c = verifier.circuit(zk);
        int[] input = randomInput(m, rng);
        ModelProof proof = ModelProver.prove(cm, input, ProgressListener.NONE, zk);
        assertArrayEquals(
            new IntegerEngine(m).trace(input).tensor(cm.circuit().outputTensor()),
            verifier.verify(proof, input));
        List<ModelVerifier.VirtualValue> values = verifier.reduce(proof, input).virtualValues();
        int checked = 0;
        for (ModelVerifier.VirtualValue v : values) {
          long[] formula;
          if (v.column().startsWith("selection ")) {
            io.zkaudit.layers.MaxPoolLayer pool = c.maxPools().getFirst();
            formula =
                io.zkaudit.prover.layers.MaxPoolProver.selection(
                    pool,
                    pool.in().place(input),
                    Integer.parseInt(v.column().substring("selection ".length())));
          } else if (v.column().equals("concatenation")) {
            io.zkaudit.layers.ConcatLayer cat = c.concats().getFirst();
            formula =
                io.zkaudit.prover.layers.ConcatProver.virtual(
                    cat, cat.inLayouts().stream().map(l -> l.place(input)).toList());
          } else {
            continue;
          }
          checked++;
          Ext2 atPoint = Mle.evaluate(formula, v.point());
          if (zk) {
            assertNotEquals(
                atPoint, v.value(), m.description().name() + " " + v.column() + " is revealed");
          } else {
            assertEquals(
                atPoint,
                v.value(),
                m.description().name() + " " + v.column() + " (the formula is right)");
          }
        }
        assertTrue(checked >= 1, m.description().name() + ": no selection or concatenation value");
      }
    }
  }

  /**
   * The padding is exactly m1 + m2·x_0 on padded positions and the formula on real ones, at the
   * verifier's point: the padding's share of a(ρ) is P·m1 + Q·m2 (VirtualPadding.at), which the
   * layer's combined mask claim carries.
   */
  @Test
  void thePaddingsShareIsWhatTheVerifierCarries() {
    TensorLayout out = TensorLayout.of(3, 3, 2).withPadding();
    Random rng = new Random(3);
    long[] acc = new long[out.paddedSize()];
    Ext2 scalars =
        new Ext2(Goldilocks.reduce64(rng.nextLong()), Goldilocks.reduce64(rng.nextLong()));
    io.zkaudit.layers.VirtualPadding.addTo(out, acc, scalars);
    Ext2[] rho = new Ext2[out.numVars()];
    for (int i = 0; i < rho.length; i++) {
      rho[i] = new Ext2(Goldilocks.reduce64(rng.nextLong()), Goldilocks.reduce64(rng.nextLong()));
    }
    assertEquals(
        Mle.evaluate(acc, rho), io.zkaudit.layers.VirtualPadding.at(out, rho).value(scalars));
    for (int i = 0; i < acc.length; i++) {
      assertEquals(
          out.isReal(i)
              ? 0
              : (i & 1) == 0 ? scalars.c0() : Goldilocks.add(scalars.c0(), scalars.c1()),
          acc[i]);
    }
  }

  /**
   * Cheating prover: a false accumulator at one real entry of the first layer that every lookup
   * accepts (c1 and c2 swapped there: the rounding tuple and the range multiset are unchanged, the
   * accumulator moves by c2 − c1). Only the layer's sumcheck, started from a(ρ), can catch it.
   */
  @Test
  void aFalseAccumulatorThatEveryLookupAcceptsIsRejected() throws Exception {
    QuantizedModel m = convFirst();
    CommittedModel cm = ModelProver.commit(m);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    TensorLayout out = verifier.circuit(true).layers().getFirst().outLayout();
    int[] input = randomInput(m, new Random(8));
    int[] swappedAt = {-1};
    ModelProof forged =
        CheatingProver.alteringWitness(
            cm,
            input,
            w -> {
              long[] c1 = w.c1[0];
              long[] c2 = w.c2[0];
              // The rounding tuples as arrays, held as they are: its acc - c1 and acc + c2 + 1 are
              // otherwise rules over c1 and c2 (GroupColumn.Sum) and would follow the swap.
              w.lookups.get(0).groups();
              long[] pair = w.lookups.get(1).groups().get(0)[0];
              for (int i = 0; i < c1.length; i++) {
                if (out.isReal(i) && c1[i] != c2[i]) {
                  long t = c1[i];
                  c1[i] = c2[i];
                  c2[i] = t;
                  pair[i] = c1[i];
                  pair[c1.length + i] = c2[i];
                  swappedAt[0] = i;
                  return;
                }
              }
            });
    assertTrue(swappedAt[0] >= 0, "no entry with c1 != c2");
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> verifier.verify(forged, input));
    assertTrue(e.getMessage().startsWith("conv"), e.getMessage());
  }

  /**
   * Cheating prover: padded accumulator entries other than the committed scalars' m1 + m2·x_0 (one
   * padded row of the first layer's rounding tuple moved by 1; padded rows are looked up by no one,
   * and the blinding copies the moved row, so the lookups balance). The verifier's a(ρ) then
   * differs from the formula plus P·m1 + Q·m2, and the layer's sumcheck rejects it.
   */
  @Test
  void paddingOtherThanTheCommittedScalarsIsRejected() throws Exception {
    QuantizedModel m = convFirst();
    CommittedModel cm = ModelProver.commit(m);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    TensorLayout out = verifier.circuit(true).layers().getFirst().outLayout();
    int[] input = randomInput(m, new Random(9));
    ModelProof forged =
        CheatingProver.alteringWitness(
            cm,
            input,
            w -> {
              long[][] tuple = w.lookups.get(0).groups().get(0);
              for (int i = 0; i < out.paddedSize(); i++) {
                if (!out.isReal(i)) {
                  tuple[2][i] = Goldilocks.add(tuple[2][i], 1);
                  tuple[3][i] = Goldilocks.add(tuple[3][i], 1);
                  return;
                }
              }
              throw new AssertionError("the zero-knowledge layout has no padding");
            });
    InvalidProofException e =
        assertThrows(InvalidProofException.class, () -> verifier.verify(forged, input));
    assertTrue(e.getMessage().startsWith("conv"), e.getMessage());
    // The honest proof of the same input verifies.
    ModelProof honest = ModelProver.prove(cm, input, ProgressListener.NONE);
    assertArrayEquals(
        new IntegerEngine(m).trace(input).tensor(cm.circuit().outputTensor()),
        verifier.verify(honest, input));
  }
}
