package io.zkaudit.prover.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.ExtVector;
import io.zkaudit.layers.MaxPoolLayer;
import io.zkaudit.layers.MaxPoolVerifier;
import io.zkaudit.layers.MaxPoolVerifier.Selection;
import io.zkaudit.layers.Points;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.layers.WindowedLinear;
import io.zkaudit.layers.WindowedLinearProof;
import io.zkaudit.lookup.LookupClaims.WitnessClaim;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.sumcheck.VirtualPolynomial;
import io.zkaudit.prover.zk.SumcheckMasks;
import io.zkaudit.transcript.Transcript;
import java.util.List;

/**
 * The prover's side of a max pool ({@link MaxPoolVerifier}): the selection tables X_k its lookup
 * groups read, and the batched selection sumcheck that ties their claims to the committed input.
 */
public final class MaxPoolProver {
  private MaxPoolProver() {}

  /**
   * X_k over the output's whole padded layout (padding included, where the lookup does not look but
   * the verifier's formula still defines it): the input value the tap reads, or the fill value
   * where the tap falls outside the input.
   */
  public static long[] selection(MaxPoolLayer p, long[] input, int tap) {
    TensorLayout in = p.in();
    TensorLayout out = p.out();
    int i = tap / p.cols().kernel();
    int j = tap % p.cols().kernel();
    long fill = io.zkaudit.field.Goldilocks.fromSigned(p.fill());
    long[] x = new long[out.paddedSize()];
    int channels = 1 << out.cBits();
    for (int oy = 0; oy < 1 << out.hBits(); oy++) {
      int sy = p.rows().source(oy, i);
      for (int ox = 0; ox < 1 << out.wBits(); ox++) {
        int sx = p.cols().source(ox, j);
        int base = (ox + (oy << out.wBits())) << out.cBits();
        int src = (sx + (sy << in.wBits())) << in.cBits();
        for (int c = 0; c < channels; c++) {
          x[base + c] = sy < 0 || sx < 0 ? fill : input[src + c];
        }
      }
    }
    return x;
  }

  /**
   * Proves the selection sumcheck of a max pool from its groups' lookup claims; the proof is a
   * layer proof with phase 2 only. In zero knowledge the pool takes one pair of padding scalars per
   * tap first (its selections were padded with them, {@link io.zkaudit.layers.VirtualPadding}), and
   * the sumcheck is masked with an open end whose offset is the padding's share of the batched
   * claim (MaxPoolVerifier); the proof then carries the mask sum.
   */
  public static WindowedLinearProof prove(
      MaxPoolLayer p, List<WitnessClaim> groups, long[] input, Transcript t, SumcheckMasks masks) {
    return prove(p, groups, input, t, masks, 0);
  }

  /**
   * The same in a batch proof: {@code input} is the batch's table (2^batchBits samples on top), and
   * the sumcheck runs over the batch variables too (MaxPoolVerifier).
   */
  public static WindowedLinearProof prove(
      MaxPoolLayer p,
      List<WitnessClaim> groups,
      long[] input,
      Transcript t,
      SumcheckMasks masks,
      int batchBits) {
    List<Selection> sel;
    try {
      sel = MaxPoolVerifier.selections(p, groups);
    } catch (InvalidProofException e) {
      throw new IllegalStateException("max pool " + p.layer().name() + ": " + e.getMessage(), e);
    }
    Ext2[] scalars = new Ext2[p.taps()];
    for (int k = 0; k < scalars.length; k++) {
      scalars[k] = masks.nextPaddingScalars(); // zero in a plain proof
    }
    Ext2[] lambda = t.challengeExts(MaxPoolVerifier.BATCH, sel.size());
    VirtualPolynomial vp = new VirtualPolynomial(p.in().numVars() + batchBits);
    vp.addExt(batchBits == 0 ? selector(p, sel, lambda) : batchSelector(p, sel, lambda, batchBits));
    vp.addBase(input);
    vp.addTerms(MaxPoolVerifier.composition());
    Ext2 paddingShare = Ext2.ZERO;
    for (int q = 0; q < sel.size(); q++) {
      Selection s = sel.get(q);
      paddingShare =
          paddingShare.add(
              lambda[q].mul(
                  io.zkaudit.layers.VirtualPadding.at(
                          p.out(), Points.slice(s.point(), 0, p.out().numVars()))
                      .value(scalars[s.tap()])));
    }
    return PaddedSumcheckProver.prove(vp, paddingShare, masks, t).proof();
  }

  /**
   * P(c, x', y', b) = sum_q lambda_q eq(rc_q, c) Ar_q(i_q, y') Ac_q(j_q, x') eq(rb_q, b) over the
   * batched input's layout: claim q's own table times its batch coordinates' eq.
   */
  static long[] batchSelector(MaxPoolLayer p, List<Selection> sel, Ext2[] lambda, int batchBits) {
    int size = p.in().paddedSize();
    long[] table = ExtVector.allocate(size << batchBits);
    for (int q = 0; q < sel.size(); q++) {
      Selection s = sel.get(q);
      long[] own = selector(p, List.of(s), new Ext2[] {lambda[q]});
      long[] eqb = Mle.eqTable(Points.slice(s.point(), p.out().numVars(), batchBits));
      for (int b = 0; b < 1 << batchBits; b++) {
        Ext2 w = ExtVector.get(eqb, b);
        for (int x = 0; x < size; x++) {
          int at = b * size + x;
          ExtVector.set(table, at, ExtVector.get(table, at).add(ExtVector.get(own, x).mul(w)));
        }
      }
    }
    return table;
  }

  /**
   * P(c, x', y') = sum_q lambda_q eq(rc_q, c) Ar_q(i_q, y') Ac_q(j_q, x') as an extension table of
   * the input's layout.
   */
  static long[] selector(MaxPoolLayer p, List<Selection> sel, Ext2[] lambda) {
    TensorLayout in = p.in();
    long[] table = ExtVector.allocate(in.paddedSize());
    int rowTaps = p.rows().tapBits();
    int colTaps = p.cols().tapBits();
    for (int q = 0; q < sel.size(); q++) {
      Selection s = sel.get(q);
      WindowedLinear.OutputPoint op = MaxPoolVerifier.split(p, s.point());
      long[] eqc = Mle.eqTable(op.c());
      long[] rows = p.rows().table(op.y());
      long[] cols = p.cols().table(op.x());
      int i = s.tap() / p.cols().kernel();
      int j = s.tap() % p.cols().kernel();
      for (int y = 0; y < 1 << in.hBits(); y++) {
        Ext2 ry = ExtVector.get(rows, i + (y << rowTaps));
        if (ry.isZero()) {
          continue;
        }
        Ext2 wy = ry.mul(lambda[q]);
        for (int x = 0; x < 1 << in.wBits(); x++) {
          Ext2 cx = ExtVector.get(cols, j + (x << colTaps));
          if (cx.isZero()) {
            continue;
          }
          Ext2 w = wy.mul(cx);
          int base = (x + (y << in.wBits())) << in.cBits();
          for (int c = 0; c < 1 << in.cBits(); c++) {
            ExtVector.set(
                table, base + c, ExtVector.get(table, base + c).add(w.mul(ExtVector.get(eqc, c))));
          }
        }
      }
    }
    return table;
  }
}
