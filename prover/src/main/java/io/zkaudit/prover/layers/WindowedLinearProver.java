package io.zkaudit.prover.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.layers.Points;
import io.zkaudit.layers.TensorClaim;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.layers.WindowPredicate;
import io.zkaudit.layers.WindowedLinear;
import io.zkaudit.layers.WindowedLinearProof;
import io.zkaudit.layers.WindowedLinearVerifier;
import io.zkaudit.parallel.Parallel;
import io.zkaudit.poly.Mle;
import io.zkaudit.prover.sumcheck.SumcheckProver;
import io.zkaudit.prover.sumcheck.VirtualPolynomial;
import io.zkaudit.sumcheck.SumcheckProof;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.List;

/**
 * Proves a windowed linear layer (see {@link WindowedLinearVerifier} for the statement). Work is
 * O(kernel width * |input| + |weights|): the window wiring is never materialised.
 */
public final class WindowedLinearProver {
  private WindowedLinearProver() {}

  /** The proof and the claims it leaves on the input, weights and bias (same as the verifier's). */
  public record Result(WindowedLinearProof proof, List<TensorClaim> claims) {}

  /**
   * @param input padded input table ({@link TensorLayout#place}), raw quantized values
   * @param weights weight table in the layer's layout (null for sums)
   * @param bias bias table over the output channel bits (null without bias)
   * @param r the claim point on the accumulator (output layout)
   */
  public static Result prove(
      WindowedLinear spec,
      long[] input,
      long[] weights,
      long[] bias,
      Ext2[] r,
      Transcript transcript) {
    return prove(
        spec, input, weights, bias, r, transcript, io.zkaudit.prover.zk.SumcheckMasks.PLAIN, null);
  }

  /**
   * The mask halves of the weight shadow for one layer (docs/zero-knowledge.md): uniform tables in
   * the layouts of the layer's weights and bias (bias null without one).
   */
  public record ShadowMasks(long[] weights, long[] bias) {}

  /**
   * Proves in zero knowledge when given a proof's masks ({@link io.zkaudit.prover.zk.MaskSupply}):
   * the claim at r is then the accumulator with its padding ({@link
   * io.zkaudit.layers.VirtualPadding}), whose scalars this layer takes from masks first; then each
   * phase takes the next Libra mask, chained ({@link ChainedPhasesProver}), and phase 1 reads the
   * weights and bias through their shadow (shadow must then be given, except for sums, which have
   * phase 2 only).
   */
  public static Result prove(
      WindowedLinear spec,
      long[] input,
      long[] weights,
      long[] bias,
      Ext2[] r,
      Transcript transcript,
      io.zkaudit.prover.zk.SumcheckMasks masks,
      ShadowMasks shadow) {
    return prove(spec, new LayerInput.Single(input), weights, bias, r, transcript, masks, shadow);
  }

  /**
   * The same on a {@link LayerInput}: one sample's table, or a batch's folded at the batch
   * coordinates of the claim (r is then the claim's sample coordinates).
   */
  public static Result prove(
      WindowedLinear spec,
      LayerInput input,
      long[] weights,
      long[] bias,
      Ext2[] r,
      Transcript transcript,
      io.zkaudit.prover.zk.SumcheckMasks masks,
      ShadowMasks shadow) {
    WindowedLinear.OutputPoint op = spec.outputPoint(r);
    Ext2[] rc = op.c();
    Ext2[] rx = op.x();
    Ext2[] ry = op.y();
    long[] rowsTable = spec.rows().table(ry); // Ay(i, y'), index i + 2^ib y'
    long[] colsTable = spec.cols().table(rx);
    if (masks instanceof io.zkaudit.prover.zk.MaskSupply zk) {
      Ext2 paddingShare =
          io.zkaudit.layers.VirtualPadding.at(spec.out(), r).value(zk.nextPaddingScalars());
      if (spec.kind() == WindowedLinear.Kind.SUM) {
        VirtualPolynomial vp2 = phase2Polynomial(spec, input, rowsTable, colsTable, null, null, rc);
        PaddedSumcheckProver.Result p2 =
            PaddedSumcheckProver.prove(vp2, paddingShare, zk, transcript);
        return new Result(
            p2.proof(),
            List.of(
                new TensorClaim(spec.input(), Points.concat(rc, p2.point()), p2.evaluations()[1])));
      }
      if (shadow == null) {
        throw new IllegalArgumentException("a zero-knowledge layer needs its weight shadow");
      }
      long[] g = input.map(t -> tapChannelTable(spec, t, rowsTable, colsTable));
      return ChainedPhasesProver.prove(
          spec,
          input,
          g,
          weights,
          bias,
          shadow,
          r,
          rowsTable,
          colsTable,
          zk,
          paddingShare,
          transcript);
    }
    List<TensorClaim> claims = new ArrayList<>();
    Ext2 biasEval = Ext2.ZERO;
    if (spec.hasBias()) {
      biasEval = Mle.evaluate(bias, rc);
      transcript.absorbExt(WindowedLinearVerifier.BIAS, biasEval);
      claims.add(new TensorClaim(spec.bias(), rc, biasEval));
    }

    SumcheckProof phase1 = null;
    Ext2[] rhoI = null;
    Ext2[] rhoJ = null;
    Ext2[] rhoC = rc;
    if (spec.kind() != WindowedLinear.Kind.SUM) {
      long[] g = input.map(t -> tapChannelTable(spec, t, rowsTable, colsTable));
      VirtualPolynomial vp = new VirtualPolynomial(spec.phase1Vars());
      if (spec.kind() == WindowedLinear.Kind.CONV) {
        vp.addExt(foldHighVariables(weights, spec.phase1Vars(), rc));
        vp.addExt(g);
        vp.addBase(channelMask(spec));
        Ext2 zwr = WindowedLinearVerifier.zeroPointMle(spec, rc);
        vp.addTerm(Ext2.ONE, 0, 1, 2).addTerm(zwr.neg(), 1, 2);
      } else {
        vp.addBase(weights);
        vp.addExt(g);
        vp.addExt(broadcastChannels(spec, Mle.eqTable(rc)));
        vp.addBase(zeroPointTable(spec));
        vp.addTerm(Ext2.ONE, 2, 0, 1).addTerm(Ext2.ONE.neg(), 2, 3, 1);
      }
      SumcheckProver.Output p1 = SumcheckProver.prove(vp, vp.sum(), transcript);
      phase1 = p1.proof();
      Ext2[] rho = p1.point();
      claims.add(
          new TensorClaim(
              spec.weights(),
              spec.kind() == WindowedLinear.Kind.CONV ? Points.concat(rho, rc) : rho,
              p1.evaluation(0)));
      WindowedLinear.TapPoint taps = spec.tapPoint(rho);
      rhoC = taps.c();
      rhoJ = taps.j();
      rhoI = taps.i();
    }

    VirtualPolynomial vp2 = phase2Polynomial(spec, input, rowsTable, colsTable, rhoI, rhoJ, rhoC);
    SumcheckProver.Output p2 = SumcheckProver.prove(vp2, vp2.sum(), transcript);
    claims.add(new TensorClaim(spec.input(), Points.concat(rhoC, p2.point()), p2.evaluation(1)));
    return new Result(new WindowedLinearProof(biasEval, phase1, p2.proof(), new Ext2[0]), claims);
  }

  /**
   * Phase 2's polynomial P(y', x') In(y', x', rhoC), P the window predicates folded at the phase-1
   * taps (rhoI, rhoJ), or summed over all taps for a sum layer (rhoI, rhoJ null).
   */
  static VirtualPolynomial phase2Polynomial(
      WindowedLinear spec,
      LayerInput input,
      long[] rowsTable,
      long[] colsTable,
      Ext2[] rhoI,
      Ext2[] rhoJ,
      Ext2[] rhoC) {
    long[] pRows =
        rhoI == null ? sumTaps(spec.rows(), rowsTable) : foldTaps(spec.rows(), rowsTable, rhoI);
    long[] pCols =
        rhoJ == null ? sumTaps(spec.cols(), colsTable) : foldTaps(spec.cols(), colsTable, rhoJ);
    VirtualPolynomial vp2 = new VirtualPolynomial(spec.phase2Vars());
    vp2.addExt(outer(pRows, pCols, spec.in().wBits()));
    vp2.addExt(input.map(t -> foldChannels(t, spec.in(), rhoC)));
    vp2.addTerm(Ext2.ONE, 0, 1);
    return vp2;
  }

  /**
   * G(i, j, c) = sum_{y', x'} Ay(i, y') Ax(j, x') (In(y', x', c) - zin [c < C]), indexed c | j <<
   * cb | i << (cb + jb). First contracts x' (kernel width passes over the input), then y'.
   */
  static long[] tapChannelTable(
      WindowedLinear spec, long[] input, long[] rowsTable, long[] colsTable) {
    TensorLayout in = spec.in();
    WindowPredicate rows = spec.rows();
    WindowPredicate cols = spec.cols();
    int cb = in.cBits();
    int cPad = 1 << cb;
    int jb = cols.tapBits();
    int kw = cols.kernel();
    int kh = rows.kernel();
    long zin = Goldilocks.fromSigned(spec.inputZeroPoint());
    // T[y'][j][c] = sum_x' Ax(j, x') Inc(y', x', c), one row of y' per task.
    long[][] t = new long[in.height()][];
    Parallel.forEach(
        in.height(),
        y -> {
          long[] row = new long[2 * kw * cPad];
          for (int x = 0; x < in.width(); x++) {
            int base = in.index(y, x, 0);
            for (int j = 0; j < kw; j++) {
              int a = 2 * (j + (x << jb));
              long a0 = colsTable[a];
              long a1 = colsTable[a + 1];
              if (a0 == 0 && a1 == 0) {
                continue;
              }
              int off = 2 * j * cPad;
              // Padded channels too: phase 2 evaluates the input over all channels, and a
              // zero-knowledge witness fills channel padding with random values.
              for (int c = 0; c < cPad; c++) {
                long v = c < in.channels() ? Goldilocks.sub(input[base + c], zin) : input[base + c];
                row[off + 2 * c] = Goldilocks.add(row[off + 2 * c], Goldilocks.mul(a0, v));
                row[off + 2 * c + 1] = Goldilocks.add(row[off + 2 * c + 1], Goldilocks.mul(a1, v));
              }
            }
          }
          t[y] = row;
        });
    long[] g = ExtVector.allocate(1 << spec.phase1Vars());
    int ib = rows.tapBits();
    Parallel.forEach(
        kh,
        i -> {
          for (int y = 0; y < in.height(); y++) {
            Ext2 a = ExtVector.get(rowsTable, i + (y << ib));
            if (a.isZero()) {
              continue;
            }
            long[] row = t[y];
            for (int j = 0; j < kw; j++) {
              for (int c = 0; c < cPad; c++) {
                int src = 2 * (j * cPad + c);
                Ext2 v = new Ext2(row[src], row[src + 1]).mul(a);
                int dst = c | (j << cb) | (i << (cb + jb));
                g[2 * dst] = Goldilocks.add(g[2 * dst], v.c0());
                g[2 * dst + 1] = Goldilocks.add(g[2 * dst + 1], v.c1());
              }
            }
          }
        });
    return g;
  }

  /**
   * Binds the top variables of a base table (e.g. the output channel of conv weights) to a point.
   */
  static long[] foldHighVariables(long[] table, int lowVars, Ext2[] high) {
    long[] eq = Mle.eqTable(high);
    int lowSize = 1 << lowVars;
    long[] out = ExtVector.allocate(lowSize);
    for (int h = 0; h < (1 << high.length); h++) {
      long e0 = eq[2 * h];
      long e1 = eq[2 * h + 1];
      int base = h * lowSize;
      for (int k = 0; k < lowSize; k++) {
        long w = table[base + k];
        if (w != 0) {
          out[2 * k] = Goldilocks.add(out[2 * k], Goldilocks.mul(e0, w));
          out[2 * k + 1] = Goldilocks.add(out[2 * k + 1], Goldilocks.mul(e1, w));
        }
      }
    }
    return out;
  }

  /** In(y', x', rho_c) for every input position, indexed x' | y' << wb. */
  static long[] foldChannels(long[] input, TensorLayout in, Ext2[] rhoC) {
    long[] eq = Mle.eqTable(rhoC);
    int cPad = 1 << in.cBits();
    int positions = 1 << (in.hBits() + in.wBits());
    long[] out = ExtVector.allocate(positions);
    Parallel.forEach(
        positions,
        p -> {
          long s0 = 0;
          long s1 = 0;
          int base = p * cPad;
          for (int c = 0; c < cPad; c++) {
            long v = input[base + c];
            if (v != 0) {
              s0 = Goldilocks.add(s0, Goldilocks.mul(eq[2 * c], v));
              s1 = Goldilocks.add(s1, Goldilocks.mul(eq[2 * c + 1], v));
            }
          }
          out[2 * p] = s0;
          out[2 * p + 1] = s1;
        });
    return out;
  }

  /** A(rho, y') = sum_i eq(rho, i) A(i, y'), indexed by y'. */
  static long[] foldTaps(WindowPredicate w, long[] table, Ext2[] rho) {
    long[] eq = Mle.eqTable(rho);
    int taps = 1 << w.tapBits();
    long[] out = ExtVector.allocate(1 << w.inBits());
    for (int y = 0; y < (1 << w.inBits()); y++) {
      Ext2 acc = Ext2.ZERO;
      for (int i = 0; i < taps; i++) {
        acc = acc.add(ExtVector.get(table, i + y * taps).mul(ExtVector.get(eq, i)));
      }
      ExtVector.set(out, y, acc);
    }
    return out;
  }

  /** sum over Boolean taps of A(i, y'), indexed by y'. */
  static long[] sumTaps(WindowPredicate w, long[] table) {
    int taps = 1 << w.tapBits();
    long[] out = ExtVector.allocate(1 << w.inBits());
    for (int y = 0; y < (1 << w.inBits()); y++) {
      Ext2 acc = Ext2.ZERO;
      for (int i = 0; i < taps; i++) {
        acc = acc.add(ExtVector.get(table, i + y * taps));
      }
      ExtVector.set(out, y, acc);
    }
    return out;
  }

  /** P(y', x') = rows(y') cols(x'), indexed x' | y' << wb. */
  static long[] outer(long[] rows, long[] cols, int wBits) {
    int nr = ExtVector.length(rows);
    int nc = ExtVector.length(cols);
    long[] out = ExtVector.allocate(nr * nc);
    for (int y = 0; y < nr; y++) {
      Ext2 a = ExtVector.get(rows, y);
      for (int x = 0; x < nc; x++) {
        ExtVector.set(out, x | (y << wBits), a.mul(ExtVector.get(cols, x)));
      }
    }
    return out;
  }

  /** [ci < C_in] over the phase-1 variables (ci, j, i). */
  static long[] channelMask(WindowedLinear spec) {
    long[] m = new long[1 << spec.phase1Vars()];
    int cPad = 1 << spec.in().cBits();
    for (int k = 0; k < m.length; k++) {
      m[k] = (k & (cPad - 1)) < spec.in().channels() ? 1 : 0;
    }
    return m;
  }

  /** A table over the channel bits, repeated over the (j, i) tap variables. */
  static long[] broadcastChannels(WindowedLinear spec, long[] channelTable) {
    int cPad = 1 << spec.in().cBits();
    long[] t = ExtVector.allocate(1 << spec.phase1Vars());
    for (int k = 0; k < ExtVector.length(t); k++) {
      int c = k & (cPad - 1);
      t[2 * k] = channelTable[2 * c];
      t[2 * k + 1] = channelTable[2 * c + 1];
    }
    return t;
  }

  /** zw(c) over the phase-1 variables (c, j, i), zero on padded channels. */
  static long[] zeroPointTable(WindowedLinear spec) {
    int cPad = 1 << spec.in().cBits();
    long[] t = new long[1 << spec.phase1Vars()];
    for (int k = 0; k < t.length; k++) {
      int c = k & (cPad - 1);
      t[k] = c < spec.out().channels() ? Goldilocks.fromSigned(spec.weightZeroPoint(c)) : 0;
    }
    return t;
  }
}
