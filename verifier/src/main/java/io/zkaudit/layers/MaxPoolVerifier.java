package io.zkaudit.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.lookup.LookupClaims.WitnessClaim;
import io.zkaudit.pcs.ColumnClaim;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.MaskLedger;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies a max pool ({@link MaxPoolLayer}). Its lookup groups, one per chain step, leave claims
 * on each step's tuple (tag, a, b, m) at the group's point: the tag is public, b and m are
 * committed maxima (or the output), and every a (and step 1's b) is a selection X_k at a point. All
 * those selection claims are batched with random weights lambda_q into one sumcheck over the
 * input's variables (c, x', y'):
 *
 * <pre>  sum_q lambda_q (v_q - f + f Nr_q Nc_q) = sum_{c,x',y'} P(c, x', y') In(c, x', y')
 *   P(c, x', y') = sum_q lambda_q eq(rc_q, c) Ar_q(i_q, y') Ac_q(j_q, x')</pre>
 *
 * where Ar_q(i, y') = sum_y eq(ry_q, y) Sr(y, i, y') (and Ac_q for columns) are the window
 * predicates at the claim's point and Nr_q = sum_{y'} Ar_q(i_q, y') counts the real taps (f is the
 * fill value padded taps read, {@link MaxPoolLayer#fill()}). At the end point sigma the verifier
 * evaluates P itself (two window predicates and one eq per claim) and is left with one claim on the
 * input. The proof carries the sumcheck as a layer proof with phase 2 only.
 *
 * <p>In a zero-knowledge proof each selection X_k is padded ({@link VirtualPadding}, one pair of
 * scalars per tap), so the lookup's values v_q are X_k's formula plus K_q = P_q m1_k + Q_q m2_k;
 * the sumcheck is masked with an open end, the prover spreads sum_q lambda_q K_q over the
 * hypercube, and the final claim goes to the mask column with the scalars, as a sum's does
 * (WindowedLinearVerifier): no selection value at a point is revealed. Proof masks: [G] then.
 */
public final class MaxPoolVerifier {
  private MaxPoolVerifier() {}

  public static final String BATCH = "maxpool/batch";

  /** A claim X_tap(point) = value on a selection. */
  public record Selection(int tap, Ext2[] point, Ext2 value) {}

  /**
   * What a verified max pool leaves: claims on tensors (its input and output) and on its committed
   * maxima.
   */
  public record Outcome(List<TensorClaim> tensors, List<ColumnClaim> columns) {}

  public static Composition composition() {
    return WindowedLinearVerifier.phase2Composition();
  }

  /**
   * The selection claims of a max pool's lookup groups (one per step, in order), after checking
   * their tags; the prover proves exactly these.
   */
  public static List<Selection> selections(MaxPoolLayer p, List<WitnessClaim> groups)
      throws InvalidProofException {
    InvalidProofException.check(groups.size() == p.steps(), "wrong number of lookup groups");
    List<Selection> out = new ArrayList<>();
    for (int s = 1; s <= p.steps(); s++) {
      WitnessClaim g = groups.get(s - 1);
      Ext2[] v = g.values();
      InvalidProofException.check(v[0].equals(Ext2.of(p.tag(s))), "wrong table tag of step " + s);
      out.add(new Selection(p.stepTap(s), g.point(), v[1]));
      if (s == 1) {
        out.add(new Selection(0, g.point(), v[2]));
      }
    }
    return out;
  }

  /**
   * The claims on the committed maxima and the output: step s's b (s > 1) is m_{s-1}, its m is m_s
   * (the output for the last step).
   */
  static Outcome chainClaims(MaxPoolLayer p, List<WitnessClaim> groups) {
    List<TensorClaim> tensors = new ArrayList<>();
    List<ColumnClaim> columns = new ArrayList<>();
    for (int s = 1; s <= p.steps(); s++) {
      WitnessClaim g = groups.get(s - 1);
      Ext2[] v = g.values();
      if (s > 1) {
        columns.add(new ColumnClaim(p.stepColumns().get(s - 2), g.point(), v[2]));
      }
      if (s == p.steps()) {
        tensors.add(new TensorClaim(p.layer().output(), g.point(), v[3]));
      } else {
        columns.add(new ColumnClaim(p.stepColumns().get(s - 1), g.point(), v[3]));
      }
    }
    return new Outcome(tensors, columns);
  }

  /**
   * Verifies a max pool's selection sumcheck (masked when masks is not null) against its lookup
   * groups' claims and returns every claim it leaves.
   */
  public static Outcome verify(
      MaxPoolLayer p,
      List<WitnessClaim> groups,
      WindowedLinearProof proof,
      Transcript transcript,
      MaskLedger masks)
      throws InvalidProofException {
    return verify(p, groups, proof, transcript, masks, 0);
  }

  /**
   * The same in a batch proof of 2^batchBits samples (io.zkaudit.inference.Batch): each group's
   * point is (its sample coordinates, its own batch coordinates rb_q), so the selection sumcheck
   * runs over the input's variables and the batch variables, with P(c, x', y', b) = sum_q lambda_q
   * eq(rc_q, c) Ar_q(i_q, y') Ac_q(j_q, x') eq(rb_q, b), and leaves one claim on the batched input.
   * The fill terms and the padding's share are the sample coordinates' (sum_b eq(rb_q, b) = 1).
   */
  public static Outcome verify(
      MaxPoolLayer p,
      List<WitnessClaim> groups,
      WindowedLinearProof proof,
      Transcript transcript,
      MaskLedger masks,
      int batchBits)
      throws InvalidProofException {
    List<Selection> sel = selections(p, groups);
    InvalidProofException.check(
        proof.phase1() == null
            && proof.bias().isZero()
            && proof.masks().length == (masks == null ? 0 : 1),
        "malformed selection sumcheck");
    int[] scalars = new int[p.taps()];
    if (masks != null) {
      for (int k = 0; k < scalars.length; k++) {
        scalars[k] = masks.reserveScalars();
      }
    }
    Ext2[] lambda = transcript.challengeExts(BATCH, sel.size());
    Ext2 claim = batchedClaim(p, sel, lambda);
    PaddedSumcheck.End end =
        PaddedSumcheck.verify(
            composition(),
            p.in().numVars() + batchBits,
            claim,
            proof,
            transcript,
            masks,
            masks == null ? List.of() : padding(p, sel, lambda, scalars));
    Ext2[] point = end.point();
    Ext2[] evaluations = end.evaluations();
    InvalidProofException.check(
        evaluations[0].equals(selector(p, sel, lambda, point, batchBits)),
        "wrong window selection evaluation");
    Outcome chain = chainClaims(p, groups);
    List<TensorClaim> tensors = new ArrayList<>(chain.tensors());
    tensors.add(new TensorClaim(p.input(), point, evaluations[1]));
    return new Outcome(tensors, chain.columns());
  }

  /**
   * The padding scalars' weights in the batched claim: tap k's pair weighs the sum over its claims
   * q of lambda_q (P_q, Q_q).
   */
  private static List<PaddedSumcheck.Padding> padding(
      MaxPoolLayer p, List<Selection> sel, Ext2[] lambda, int[] scalars) {
    VirtualPadding.Coefficients[] w = new VirtualPadding.Coefficients[scalars.length];
    java.util.Arrays.fill(w, new VirtualPadding.Coefficients(Ext2.ZERO, Ext2.ZERO));
    for (int q = 0; q < sel.size(); q++) {
      Selection s = sel.get(q);
      VirtualPadding.Coefficients c =
          VirtualPadding.at(p.out(), Points.slice(s.point(), 0, p.out().numVars()))
              .scaled(lambda[q]);
      w[s.tap()] =
          new VirtualPadding.Coefficients(
              w[s.tap()].ofFirst().add(c.ofFirst()), w[s.tap()].ofSecond().add(c.ofSecond()));
    }
    List<PaddedSumcheck.Padding> out = new ArrayList<>();
    for (int k = 0; k < scalars.length; k++) {
      out.add(new PaddedSumcheck.Padding(scalars[k], w[k]));
    }
    return out;
  }

  /**
   * sum_q lambda_q (v_q - f + f Nr_q Nc_q): the claims with the padded taps' fill f moved to the
   * left.
   */
  static Ext2 batchedClaim(MaxPoolLayer p, List<Selection> sel, Ext2[] lambda) {
    long fill = Goldilocks.fromSigned(p.fill());
    Ext2 acc = Ext2.ZERO;
    for (int q = 0; q < sel.size(); q++) {
      Selection s = sel.get(q);
      WindowedLinear.OutputPoint op = split(p, s.point());
      Ext2 real =
          p.rows()
              .sumOverInput(op.y(), p.rowTap(s.tap()))
              .mul(p.cols().sumOverInput(op.x(), p.colTap(s.tap())));
      acc = acc.add(lambda[q].mul(s.value().sub(Ext2.of(fill)).add(real.mul(fill))));
    }
    return acc;
  }

  /** P(sigma) = sum_q lambda_q eq(rc_q, sigma_c) Ar_q(i_q, sigma_y) Ac_q(j_q, sigma_x). */
  public static Ext2 selector(MaxPoolLayer p, List<Selection> sel, Ext2[] lambda, Ext2[] sigma) {
    return selector(p, sel, lambda, sigma, 0);
  }

  /**
   * The same over the batch variables too (the top batchBits coordinates of sigma): each term times
   * eq(rb_q, sigma_b).
   */
  public static Ext2 selector(
      MaxPoolLayer p, List<Selection> sel, Ext2[] lambda, Ext2[] sigma, int batchBits) {
    TensorLayout in = p.in();
    Ext2[] sb = Points.slice(sigma, in.numVars(), batchBits);
    Ext2[] sc = Points.slice(sigma, 0, in.cBits());
    Ext2[] sx = Points.slice(sigma, in.cBits(), in.wBits());
    Ext2[] sy = Points.slice(sigma, in.cBits() + in.wBits(), in.hBits());
    Ext2 acc = Ext2.ZERO;
    for (int q = 0; q < sel.size(); q++) {
      Selection s = sel.get(q);
      WindowedLinear.OutputPoint op = split(p, s.point());
      Ext2 w =
          Mle.eq(op.c(), sc)
              .mul(p.rows().evaluate(op.y(), p.rowTap(s.tap()), sy))
              .mul(p.cols().evaluate(op.x(), p.colTap(s.tap()), sx));
      if (batchBits > 0) {
        w = w.mul(Mle.eq(Points.slice(s.point(), p.out().numVars(), batchBits), sb));
      }
      acc = acc.add(lambda[q].mul(w));
    }
    return acc;
  }

  /** A point of the output's layout split into channel, column and row coordinates. */
  public static WindowedLinear.OutputPoint split(MaxPoolLayer p, Ext2[] r) {
    TensorLayout out = p.out();
    return new WindowedLinear.OutputPoint(
        Points.slice(r, 0, out.cBits()),
        Points.slice(r, out.cBits(), out.wBits()),
        Points.slice(r, out.cBits() + out.wBits(), out.hBits()));
  }
}
