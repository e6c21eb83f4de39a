package io.zkaudit.pcs;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.proof.InvalidProofException;

/**
 * A {@link ShadowLink} to the difference of two fixed commitments: proves that a fresh shadow Q (n
 * + 1 variables) has A - B as its t = 0 half, Q(0, x) = A(x) - B(x), where A and B (n variables
 * each) are committed under their own roots and neither is opened at any claim.
 *
 * <p>Reed–Solomon encoding is linear, so the codeword of A - B is cw_A - cw_B entrywise, and the
 * shadow identity of {@link ShadowLink} becomes {@code cwA[m] - cwB[m] = (cwQ[2m] + cwQ[2m+1]) /
 * 2}. At every leaf that Q's own opening queried the verifier opens the rows of A and of B that
 * hold those entries (the same leaves {@link ShadowLink#weightLeaves} names) against their roots
 * and checks the identity. A rotation link ({@code io.zkaudit.inference.RotationLink}) uses it to
 * show two weight commitments agree on their weight columns without a claim on either: the claims
 * "Q_j(0, z_j) = 0" are made on the shadow. docs/pcs.md ("Difference link") gives the soundness
 * argument; what it reveals of A and of B is what a {@link ShadowLink} reveals of its weights.
 */
public final class DifferenceLink {
  private DifferenceLink() {}

  /**
   * Checks the link. {@code shadowOpening} must already have been verified against {@code shadow}
   * by {@link BasefoldVerifier}, which returned {@code shadowLeaves}.
   *
   * @param a the minuend's commitment (n variables)
   * @param b the subtrahend's commitment (n variables)
   * @param rowsA A's rows at {@link ShadowLink#weightLeaves}, with their paths
   * @param rowsB B's rows at the same leaves
   * @throws InvalidProofException if a row or path is malformed or an opened shadow pair does not
   *     average to A - B's codeword entry (the message names which)
   */
  public static void verify(
      PcsParams params,
      Commitment a,
      Commitment b,
      Commitment shadow,
      OpeningProof shadowOpening,
      int[] shadowLeaves,
      ShadowLinkProof rowsA,
      ShadowLinkProof rowsB)
      throws InvalidProofException {
    int n = a.numVars();
    InvalidProofException.check(
        b.numVars() == n,
        "difference link: the two commitments have " + n + " and " + b.numVars() + " variables");
    ShadowLink.Queried q =
        ShadowLink.Queried.of(params, n, shadow, shadowOpening, shadowLeaves, "difference link");
    long[] wa = q.openRows(params, a, rowsA, "difference link: rows of the first commitment");
    long[] wb = q.openRows(params, b, rowsB, "difference link: rows of the second commitment");
    // Encoding is linear: A - B's codeword is the entrywise difference of the two.
    long[] difference = new long[wa.length];
    for (int i = 0; i < wa.length; i++) {
      difference[i] = Goldilocks.sub(wa[i], wb[i]);
    }
    q.checkPairs(difference, "difference link", "the difference of the two codewords");
  }
}
