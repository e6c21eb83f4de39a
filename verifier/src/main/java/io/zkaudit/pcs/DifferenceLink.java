package io.zkaudit.pcs;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.proof.InvalidProofException;
import java.util.Arrays;

/**
 * A {@link ShadowLink} to the difference of two fixed commitments: proves that a fresh shadow Q
 * (n + 1 variables) has A - B as its t = 0 half, Q(0, x) = A(x) - B(x), where A and B (n variables
 * each) are committed under their own roots and neither is opened at any claim.
 *
 * <p>Reed–Solomon encoding is linear, so the codeword of A - B is cw_A - cw_B entrywise, and the
 * shadow identity of {@link ShadowLink} becomes {@code cwA[m] - cwB[m] = (cwQ[2m] + cwQ[2m+1]) / 2}.
 * At every leaf that Q's own opening queried the verifier opens the rows of A and of B that hold
 * those entries (the same leaves {@link ShadowLink#weightLeaves} names) against their roots and
 * checks the identity. A rotation link ({@code io.zkaudit.inference.RotationLink}) uses it to show
 * two weight commitments agree on their weight columns without a claim on either: the claims
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
  public static void verify(PcsParams params, Commitment a, Commitment b, Commitment shadow, OpeningProof shadowOpening,
      int[] shadowLeaves, ShadowLinkProof rowsA, ShadowLinkProof rowsB) throws InvalidProofException {
    int n = a.numVars();
    InvalidProofException.check(b.numVars() == n,
        "difference link: the two commitments have " + n + " and " + b.numVars() + " variables");
    InvalidProofException.check(shadow.numVars() == n + 1,
        "difference link: the shadow has " + shadow.numVars() + " variables, expected " + (n + 1));
    int s = params.arities(n + 1)[0];
    InvalidProofException.check(s > 0, ShadowLink.tooSmall(n));
    int arity = params.arities(n)[0];
    int shadowRowLongs = OpeningProof.rowLongs(params, n + 1, 0);
    InvalidProofException.check(!shadowOpening.layers().isEmpty(), "difference link: the shadow opening has no query layer");
    long[] qRows = shadowOpening.layers().get(0).rowsView();
    InvalidProofException.check(qRows.length == shadowLeaves.length * shadowRowLongs,
        "difference link: the shadow opening has " + qRows.length + " oracle-0 elements, expected "
            + shadowLeaves.length + " rows of " + shadowRowLongs);
    for (int k = 1; k < shadowLeaves.length; k++) {
      InvalidProofException.check(shadowLeaves[k] > shadowLeaves[k - 1], "shadow leaves must be sorted and distinct");
    }
    int[] leaves;
    try {
      leaves = ShadowLink.weightLeaves(params, n, shadowLeaves);
    } catch (IllegalArgumentException e) {
      throw new InvalidProofException("difference link: " + e.getMessage());
    }
    int rowLongs = OpeningProof.rowLongs(params, n, 0);
    long[] wa = openedRows(params, a, leaves, rowLongs, rowsA, "first");
    long[] wb = openedRows(params, b, leaves, rowLongs, rowsB, "second");
    int per = 1 << (s - 1);
    for (int k = 0; k < shadowLeaves.length; k++) {
      for (int e = 0; e < per; e++) {
        long q0 = qRows[k * shadowRowLongs + 2 * e];
        long q1 = qRows[k * shadowRowLongs + 2 * e + 1];
        int m = shadowLeaves[k] * per + e;
        int at = Arrays.binarySearch(leaves, m >>> arity) * rowLongs + (m & (rowLongs - 1));
        InvalidProofException.check(Basefold.half(Goldilocks.add(q0, q1)) == Goldilocks.sub(wa[at], wb[at]),
            "difference link, shadow leaf " + shadowLeaves[k] + " (opened row " + k + "), pair " + e
                + ": the shadow's even part differs from the difference of the two codewords at entry " + m);
      }
    }
  }

  /** One side's rows, checked against its root (the caller has not looked at them yet). */
  private static long[] openedRows(PcsParams params, Commitment c, int[] leaves, int rowLongs, ShadowLinkProof rows,
      String which) throws InvalidProofException {
    long[] r = rows.rowsView();
    InvalidProofException.check(r.length == leaves.length * rowLongs, "difference link: expected " + leaves.length
        + " rows of " + rowLongs + " elements of the " + which + " commitment, found " + r.length + " elements");
    try {
      OpenedRows.verify(r, rowLongs, c.root(), c.numVars() + params.logBlowup() - params.arities(c.numVars())[0],
          leaves, rows.paths());
    } catch (InvalidProofException e) {
      throw new InvalidProofException("difference link: rows of the " + which + " commitment: " + e.getMessage());
    }
    return r;
  }
}
