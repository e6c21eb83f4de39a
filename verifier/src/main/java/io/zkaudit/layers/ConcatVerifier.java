package io.zkaudit.layers;

import io.zkaudit.field.Ext2;
import io.zkaudit.lookup.LookupClaims.WitnessClaim;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.MaskLedger;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies a concatenation ({@link ConcatLayer}). Its lookup group leaves out(rho) and V(rho) at
 * the group's point rho = (rc, rx, ry). V's channel c comes from input k's channel c - off_k, a
 * shift the verifier evaluates with a window predicate of kernel 1, stride 1 and padding off_k
 * along the channels (Sh_k(c_out, c) = [c = c_out - off_k][c < C_k]). So
 *
 * <pre>  V(rho) = sum_k sum_{c, x, y} P_k(c, x, y) In_k(c, x, y),
 *   P_k(c, x, y) = Sh_k(rc; c) eq(rx, x) eq(ry, y),  Sh_k(rc; c) = sum_{c_out} eq(rc, c_out) Sh_k(c_out, c)
 * </pre>
 *
 * is one sumcheck over a cube common to the inputs (the widest input's channel bits, the shared
 * column and row bits; a narrower input is zero beyond its channels), with tables P_k and In_k and
 * composition sum_k P_k In_k. At its end point sigma the verifier evaluates each P_k itself and
 * reads In_k's zero extension there, In_k(its coordinates of sigma) times prod (1 - sigma_j) over
 * the channel and row bits input k lacks, which gives the claim on input k (an input with more row
 * bits than the output, in a zero-knowledge layout, is read on the output's rows: its extra
 * coordinates 0). Carried as a layer proof with phase 2 only. In a zero-knowledge proof V is padded
 * ({@link VirtualPadding}): the sumcheck is masked with an open end, the prover spreads the
 * padding's share K = P m1 + Q m2 at rho over the hypercube, and the final claim goes to the mask
 * column with the scalars, so V(rho) (a functional of the inputs' real entries where they have no
 * spatial padding) is not revealed. Proof masks: [G] then.
 */
public final class ConcatVerifier {
  private ConcatVerifier() {}

  /** The composition sum_k t_{2k} t_{2k+1} over (P_k, In_k) pairs. */
  public static Composition composition(int inputs) {
    Composition.Builder b = Composition.builder(2 * inputs);
    for (int k = 0; k < inputs; k++) {
      b.term(Ext2.ONE, 2 * k, 2 * k + 1);
    }
    return b.build();
  }

  /** The channel shift of input k, as a window predicate over the output's channel bits. */
  public static WindowPredicate shift(ConcatLayer p, int k) {
    TensorLayout in = p.inLayouts().get(k);
    return new WindowPredicate(
        1, 1, p.offsets().get(k), p.out().cBits(), 0, in.cBits(), in.channels());
  }

  /**
   * Verifies a concatenation's group claim and sumcheck (masked when masks is not null) and returns
   * the claims it leaves on tensors: its output, then each input.
   */
  public static List<TensorClaim> verify(
      ConcatLayer p,
      WitnessClaim group,
      WindowedLinearProof proof,
      Transcript transcript,
      MaskLedger masks)
      throws InvalidProofException {
    Ext2[] v = group.values();
    InvalidProofException.check(
        v[0].equals(Ext2.of(p.tag())) && v[3].isZero(), "wrong identity tag or column");
    Ext2[] rho = group.point();
    PaddedSumcheck.End end =
        PaddedSumcheck.verifyColumn(
            "concatenation",
            composition(p.inputs().size()),
            p.numVars(),
            p.out(),
            rho,
            v[2],
            proof,
            transcript,
            masks);
    Ext2[] point = end.point();
    Ext2[] evaluations = end.evaluations();
    List<TensorClaim> claims = new ArrayList<>();
    claims.add(new TensorClaim(p.layer().output(), rho, v[1]));
    for (int k = 0; k < p.inputs().size(); k++) {
      InvalidProofException.check(
          evaluations[2 * k].equals(selector(p, k, rho, point)),
          "wrong channel shift evaluation of input " + k);
      Ext2 outside = outsideInput(p, k, point);
      InvalidProofException.check(!outside.isZero(), "degenerate end point");
      claims.add(
          new TensorClaim(
              p.inputs().get(k),
              inputPoint(p, k, point),
              evaluations[2 * k + 1].mul(outside.inv())));
    }
    return claims;
  }

  /**
   * P_k(sigma) over the common cube: Sh_k(rc; sigma_c low) eq(rx, sigma_x) times, over the row bits
   * input k has, eq(ry_j, sigma_yj), over those it lacks (1 - ry_j)(1 - sigma_yj), and the zero
   * extension's factor over the channel bits it lacks.
   */
  public static Ext2 selector(ConcatLayer p, int k, Ext2[] rho, Ext2[] sigma) {
    TensorLayout out = p.out();
    TensorLayout in = p.inLayouts().get(k);
    int cb = p.channelBits();
    Ext2[] rc = Points.slice(rho, 0, out.cBits());
    Ext2[] sc = Points.slice(sigma, 0, in.cBits());
    Ext2 f =
        shift(p, k)
            .evaluate(rc, new Ext2[0], sc)
            .mul(
                Mle.eq(
                    Points.slice(rho, out.cBits(), out.wBits()),
                    Points.slice(sigma, cb, out.wBits())));
    for (int j = 0; j < out.hBits(); j++) {
      Ext2 ry = rho[out.cBits() + out.wBits() + j];
      Ext2 sy = sigma[cb + out.wBits() + j];
      f =
          f.mul(
              j < in.hBits()
                  ? Mle.eq(new Ext2[] {ry}, new Ext2[] {sy})
                  : Ext2.ONE.sub(ry).mul(Ext2.ONE.sub(sy)));
    }
    for (int j = in.cBits(); j < cb; j++) {
      f = f.mul(Ext2.ONE.sub(sigma[j]));
    }
    return f;
  }

  /**
   * The factor of input k's zero extension to the common cube at sigma: prod of (1 - sigma_j) over
   * the channel bits and the row bits it lacks.
   */
  static Ext2 outsideInput(ConcatLayer p, int k, Ext2[] sigma) {
    TensorLayout in = p.inLayouts().get(k);
    int cb = p.channelBits();
    Ext2 f = Ext2.ONE;
    for (int j = in.cBits(); j < cb; j++) {
      f = f.mul(Ext2.ONE.sub(sigma[j]));
    }
    for (int j = in.hBits(); j < p.out().hBits(); j++) {
      f = f.mul(Ext2.ONE.sub(sigma[cb + p.out().wBits() + j]));
    }
    return f;
  }

  /**
   * Input k's own point: sigma's low channel coordinates, the column coordinates, then the row
   * coordinates it has (0 for the rows the output lacks: the sumcheck read the input on the
   * output's rows).
   */
  public static Ext2[] inputPoint(ConcatLayer p, int k, Ext2[] sigma) {
    TensorLayout in = p.inLayouts().get(k);
    int cb = p.channelBits();
    int wb = p.out().wBits();
    Ext2[] pt = new Ext2[in.numVars()];
    java.util.Arrays.fill(pt, Ext2.ZERO);
    System.arraycopy(sigma, 0, pt, 0, in.cBits());
    System.arraycopy(sigma, cb, pt, in.cBits(), wb + Math.min(in.hBits(), p.out().hBits()));
    return pt;
  }
}
