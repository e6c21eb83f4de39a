package io.zkaudit.prover.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.layers.TensorClaim;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.layers.WindowPredicate;
import io.zkaudit.layers.WindowedLinear;
import io.zkaudit.layers.WindowedLinear.Kind;
import io.zkaudit.layers.WindowedLinearProof;
import io.zkaudit.layers.WindowedLinearVerifier;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.SumcheckProof;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Completeness and soundness of the windowed linear layer proofs on random layers. */
class WindowedLinearTest {

  /** A random layer with its data and the reference accumulator over the padded output domain. */
  record Instance(WindowedLinear spec, long[] input, long[] weights, long[] bias, long[] acc) {}

  static Instance random(
      Kind kind, int h, int w, int cin, int cout, int k, int stride, int pad, Random rng) {
    int ho = Math.max(1, (h + 2 * pad - k) / stride + 1);
    int wo = Math.max(1, (w + 2 * pad - k) / stride + 1);
    if (kind != Kind.CONV) {
      cout = cin;
    }
    TensorLayout in = TensorLayout.of(h, w, cin);
    TensorLayout out = TensorLayout.of(ho, wo, cout);
    int tb = TensorLayout.bits(k);
    WindowPredicate rows = new WindowPredicate(k, stride, pad, out.hBits(), tb, in.hBits(), h);
    WindowPredicate cols = new WindowPredicate(k, stride, pad, out.wBits(), tb, in.wBits(), w);
    int zin = rng.nextInt(256) - 128;
    List<Integer> zw = new ArrayList<>();
    int zwCount = rng.nextBoolean() ? 1 : cout;
    for (int c = 0; c < zwCount; c++) {
      zw.add(rng.nextInt(256) - 128);
    }
    boolean hasBias = kind != Kind.SUM && rng.nextBoolean();
    WindowedLinear spec =
        new WindowedLinear(
            kind,
            0,
            kind == Kind.SUM ? -1 : 1,
            hasBias ? 2 : -1,
            in,
            out,
            rows,
            cols,
            kind == Kind.SUM ? zin : zin,
            kind == Kind.SUM ? List.of(0) : zw);
    int[] x = new int[h * w * cin];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextInt(256);
    }
    long[] input = in.place(x);
    int[] wt = new int[kind == Kind.CONV ? cout * k * k * cin : k * k * cout];
    for (int i = 0; i < wt.length; i++) {
      wt[i] = rng.nextInt(256) - 128;
    }
    long[] weights = kind == Kind.SUM ? null : spec.placeWeights(wt);
    long[] bias = null;
    int[] b = new int[cout];
    if (hasBias) {
      for (int c = 0; c < cout; c++) {
        b[c] = rng.nextInt(1 << 20) - (1 << 19);
      }
      bias = new long[1 << out.cBits()];
      for (int c = 0; c < cout; c++) {
        bias[c] = Goldilocks.fromSigned(b[c]);
      }
    }
    // The reference: the layer's formula at every padded output position.
    long[] acc = new long[out.paddedSize()];
    for (int yo = 0; yo < (1 << out.hBits()); yo++) {
      for (int xo = 0; xo < (1 << out.wBits()); xo++) {
        for (int co = 0; co < (1 << out.cBits()); co++) {
          long a = hasBias && co < cout ? b[co] : 0;
          for (int i = 0; i < k; i++) {
            int sy = rows.source(yo, i);
            for (int j = 0; j < k; j++) {
              int sx = cols.source(xo, j);
              if (sy < 0 || sx < 0) {
                continue;
              }
              if (kind == Kind.CONV) {
                if (co >= cout) {
                  continue;
                }
                for (int ci = 0; ci < cin; ci++) {
                  int wv = wt[((co * k + i) * k + j) * cin + ci];
                  a += (long) (x[(sy * w + sx) * cin + ci] - zin) * (wv - spec.weightZeroPoint(co));
                }
              } else if (co < cin) {
                int xv = x[(sy * w + sx) * cin + co] - zin;
                a +=
                    kind == Kind.SUM
                        ? xv
                        : (long) xv * (wt[(i * k + j) * cout + co] - spec.weightZeroPoint(co));
              }
            }
          }
          acc[out.index(yo, xo, co)] = Goldilocks.fromSigned(a);
        }
      }
    }
    return new Instance(spec, input, weights, bias, acc);
  }

  static Ext2[] point(Random rng, int n) {
    Ext2[] p = new Ext2[n];
    for (int i = 0; i < n; i++) {
      p[i] = Ext2.random(rng);
    }
    return p;
  }

  @Property(tries = 40)
  void honestProofsVerifyAndLeaveTrueClaims(
      @ForAll @IntRange(min = 0, max = 2) int kindIndex,
      @ForAll @IntRange(min = 1, max = 9) int h,
      @ForAll @IntRange(min = 1, max = 9) int w,
      @ForAll @IntRange(min = 1, max = 6) int cin,
      @ForAll @IntRange(min = 1, max = 5) int cout,
      @ForAll @IntRange(min = 1, max = 3) int k,
      @ForAll @IntRange(min = 1, max = 2) int stride,
      @ForAll @IntRange(min = 0, max = 1) int pad,
      @ForAll long seed)
      throws InvalidProofException {
    Random rng = new Random(seed);
    Kind kind = Kind.values()[kindIndex];
    Instance inst =
        random(kind, h, w, cin, cout, Math.min(k, Math.min(h, w) + 2 * pad), stride, pad, rng);
    Ext2[] r = point(rng, inst.spec().out().numVars());
    Ext2 value = Mle.evaluate(inst.acc(), r);
    var result =
        WindowedLinearProver.prove(
            inst.spec(), inst.input(), inst.weights(), inst.bias(), r, new Transcript("t"));
    List<TensorClaim> claims =
        WindowedLinearVerifier.verify(inst.spec(), r, value, result.proof(), new Transcript("t"));
    assertEquals(result.claims(), claims);
    for (TensorClaim c : claims) {
      long[] table =
          c.tensor() == 0 ? inst.input() : c.tensor() == 1 ? inst.weights() : inst.bias();
      assertEquals(
          Mle.evaluate(table, c.point()), c.value(), "claim on tensor " + c.tensor() + " is true");
    }
    // A wrong accumulator value is rejected, or leaves a false claim behind.
    Ext2 wrong = value.add(Ext2.ONE);
    try {
      List<TensorClaim> bad =
          WindowedLinearVerifier.verify(inst.spec(), r, wrong, result.proof(), new Transcript("t"));
      boolean someFalse = false;
      for (TensorClaim c : bad) {
        long[] table =
            c.tensor() == 0 ? inst.input() : c.tensor() == 1 ? inst.weights() : inst.bias();
        someFalse |= !Mle.evaluate(table, c.point()).equals(c.value());
      }
      assertEquals(true, someFalse, "a wrong value must not leave only true claims");
    } catch (InvalidProofException expected) {
      // rejected outright
    }
  }

  /**
   * Zero knowledge fills the input's padding with random values: the layer's relation reads no
   * padding (a sum passes padded channels through to padded output channels), so honest proofs
   * still verify, and the claims they leave are true of the randomly padded input.
   */
  @Property(tries = 40)
  void randomInputPaddingKeepsProofsComplete(
      @ForAll @IntRange(min = 0, max = 2) int kindIndex,
      @ForAll @IntRange(min = 1, max = 9) int h,
      @ForAll @IntRange(min = 1, max = 9) int w,
      @ForAll @IntRange(min = 1, max = 6) int cin,
      @ForAll @IntRange(min = 1, max = 5) int cout,
      @ForAll @IntRange(min = 1, max = 3) int k,
      @ForAll @IntRange(min = 1, max = 2) int stride,
      @ForAll @IntRange(min = 0, max = 1) int pad,
      @ForAll long seed)
      throws InvalidProofException {
    Random rng = new Random(seed);
    Kind kind = Kind.values()[kindIndex];
    Instance inst =
        random(kind, h, w, cin, cout, Math.min(k, Math.min(h, w) + 2 * pad), stride, pad, rng);
    TensorLayout in = inst.spec().in();
    TensorLayout out = inst.spec().out();
    long[] input = inst.input().clone();
    for (int i = 0; i < input.length; i++) {
      if (!in.isReal(i)) {
        input[i] = Goldilocks.random(rng);
      }
    }
    long[] acc = inst.acc().clone();
    if (kind == Kind.SUM) {
      for (int yo = 0; yo < (1 << out.hBits()); yo++) {
        for (int xo = 0; xo < (1 << out.wBits()); xo++) {
          for (int c = in.channels(); c < (1 << in.cBits()); c++) {
            long a = 0;
            for (int i = 0; i < inst.spec().rows().kernel(); i++) {
              for (int j = 0; j < inst.spec().cols().kernel(); j++) {
                int sy = inst.spec().rows().source(yo, i);
                int sx = inst.spec().cols().source(xo, j);
                if (sy >= 0 && sx >= 0) {
                  a = Goldilocks.add(a, input[in.index(sy, sx, c)]);
                }
              }
            }
            acc[out.index(yo, xo, c)] = a;
          }
        }
      }
    }
    Ext2[] r = point(rng, out.numVars());
    Ext2 value = Mle.evaluate(acc, r);
    var result =
        WindowedLinearProver.prove(
            inst.spec(), input, inst.weights(), inst.bias(), r, new Transcript("t"));
    List<TensorClaim> claims =
        WindowedLinearVerifier.verify(inst.spec(), r, value, result.proof(), new Transcript("t"));
    for (TensorClaim c : claims) {
      long[] table = c.tensor() == 0 ? input : c.tensor() == 1 ? inst.weights() : inst.bias();
      assertEquals(
          Mle.evaluate(table, c.point()), c.value(), "claim on tensor " + c.tensor() + " is true");
    }
  }

  @Property(tries = 15)
  void everyProofElementIsBound(
      @ForAll @IntRange(min = 0, max = 2) int kindIndex, @ForAll long seed)
      throws InvalidProofException {
    Random rng = new Random(seed);
    Kind kind = Kind.values()[kindIndex];
    Instance inst = random(kind, 5, 6, 3, 4, 3, 1, 1, rng);
    Ext2[] r = point(rng, inst.spec().out().numVars());
    Ext2 value = Mle.evaluate(inst.acc(), r);
    WindowedLinearProof proof =
        WindowedLinearProver.prove(
                inst.spec(), inst.input(), inst.weights(), inst.bias(), r, new Transcript("t"))
            .proof();
    List<TensorClaim> honest =
        WindowedLinearVerifier.verify(inst.spec(), r, value, proof, new Transcript("t"));
    for (WindowedLinearProof tampered : tamperings(proof)) {
      try {
        List<TensorClaim> claims =
            WindowedLinearVerifier.verify(inst.spec(), r, value, tampered, new Transcript("t"));
        // Accepted only if it leaves a false claim, which the commitment opening then rejects.
        boolean allTrue = true;
        for (TensorClaim c : claims) {
          long[] table =
              c.tensor() == 0 ? inst.input() : c.tensor() == 1 ? inst.weights() : inst.bias();
          allTrue &= Mle.evaluate(table, c.point()).equals(c.value());
        }
        assertEquals(false, allTrue, "tampered proof accepted with true claims");
        assertEquals(false, claims.equals(honest));
      } catch (InvalidProofException expected) {
        // rejected
      }
    }
    assertThrows(
        InvalidProofException.class,
        () ->
            WindowedLinearVerifier.verify(
                inst.spec(), r, value, proof, new Transcript("other domain")));
  }

  /** One copy per proof element with that element changed. */
  static List<WindowedLinearProof> tamperings(WindowedLinearProof p) {
    List<WindowedLinearProof> out = new ArrayList<>();
    out.add(new WindowedLinearProof(p.bias().add(Ext2.ONE), p.phase1(), p.phase2()));
    if (p.phase1() != null) {
      for (SumcheckProof s : tamperSumcheck(p.phase1())) {
        out.add(new WindowedLinearProof(p.bias(), s, p.phase2()));
      }
    }
    for (SumcheckProof s : tamperSumcheck(p.phase2())) {
      out.add(new WindowedLinearProof(p.bias(), p.phase1(), s));
    }
    return out;
  }

  static List<SumcheckProof> tamperSumcheck(SumcheckProof s) {
    List<SumcheckProof> out = new ArrayList<>();
    Ext2[][] rounds = s.rounds();
    for (int i = 0; i < rounds.length; i++) {
      for (int j = 0; j < rounds[i].length; j++) {
        Ext2[][] copy = s.rounds();
        copy[i][j] = copy[i][j].add(Ext2.ONE);
        out.add(new SumcheckProof(copy, s.evaluations()));
      }
    }
    Ext2[] evals = s.evaluations();
    for (int i = 0; i < evals.length; i++) {
      Ext2[] copy = s.evaluations();
      copy[i] = copy[i].add(Ext2.ONE);
      out.add(new SumcheckProof(s.rounds(), copy));
    }
    return out;
  }
}
