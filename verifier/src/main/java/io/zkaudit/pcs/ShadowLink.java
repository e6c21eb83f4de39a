package io.zkaudit.pcs;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.merkle.MerkleVerifier;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import java.util.Arrays;
import java.util.List;

/**
 * Proves that a per-proof "shadow" commitment Q (n + 1 variables) has the fixed weight commitment W
 * (n variables) as its t = 0 half, Q(0, x) = W(x), without opening W at any claim.
 *
 * <p>Q's multilinear coefficients with bit 0 clear are W's, so its univariate is Q(X) = W(X^2) + X
 * D(X^2). Shadow entries 2m and 2m + 1 sit at x and -x with x^2 the point of weight entry m
 * (bitrev_{L+1}(2m) = bitrev_L(m)), hence {@code cwW[m] = (cwQ[2m] + cwQ[2m+1]) / 2}. At every leaf
 * that Q's own opening queried, the verifier recomputes those W entries from the opened shadow rows
 * and compares them with W's rows opened against W's root. docs/pcs.md ("Shadow link") gives the
 * soundness argument and what the link reveals.
 */
public final class ShadowLink {
  private ShadowLink() {}

  static String tooSmall(int weightVars) {
    return "a shadow link needs the shadow ("
        + (weightVars + 1)
        + " variables) to fold in its first oracle: with single-entry leaves a shadow leaf"
        + " determines no weight entry; commit bigger polynomials";
  }

  /** The first arity of the shadow commitment, checked to be positive. */
  private static int shadowArity(PcsParams params, int weightVars) {
    if (weightVars < 0 || weightVars >= PcsParams.MAX_NUM_VARS) {
      throw new IllegalArgumentException("weight polynomial variables out of range: " + weightVars);
    }
    int b = params.arities(weightVars + 1)[0];
    if (b == 0) {
      throw new IllegalArgumentException(tooSmall(weightVars));
    }
    return b;
  }

  /**
   * The sorted distinct leaves of the weight commitment that a link opens, given the sorted
   * distinct shadow leaves its opening queried: shadow leaf j (2^b entries) determines the weight
   * entries [j 2^(b-1), (j+1) 2^(b-1)), which lie in weight leaves (entry >> a).
   */
  public static int[] weightLeaves(PcsParams params, int weightVars, int[] shadowLeaves) {
    int b = shadowArity(params, weightVars);
    int a = params.arities(weightVars)[0];
    int shadowLeafCount = params.commitmentLeaves(weightVars + 1);
    int per = 1 << (b - 1);
    int[] out = new int[shadowLeaves.length * Math.max(1, per >> a)];
    int len = 0;
    for (int j : shadowLeaves) {
      if (j < 0 || j >= shadowLeafCount) {
        throw new IllegalArgumentException(
            "shadow leaf " + j + " out of range [0, " + shadowLeafCount + ")");
      }
      for (int m = j * per; m < (j + 1) * per; m += 1 << a) {
        out[len++] = m >>> a;
      }
    }
    return MerkleVerifier.sortedDistinct(Arrays.copyOf(out, len));
  }

  /**
   * Verifies claims opened on a shadow and the shadow's link to the polynomial it shadows: what a
   * proof does for the weight shadow and for a private input's shadow alike.
   *
   * @param linked the fixed commitment whose shadow this is
   * @param layout the shadow's column layout
   * @param opening the encoded opening of the claims on the shadow
   * @param link the encoded {@link ShadowLinkProof}
   */
  public static void verifyOpening(
      BasefoldVerifier pcs,
      Commitment linked,
      Commitment shadow,
      PackedLayout layout,
      List<ColumnClaim> claims,
      byte[] opening,
      byte[] link,
      Transcript t)
      throws InvalidProofException {
    OpeningProof decoded = OpeningProof.decode(opening, pcs.params(), layout.numVars());
    int[] leaves = pcs.verifyColumns(shadow, layout, claims, decoded, t);
    verify(
        pcs.params(),
        linked,
        shadow,
        decoded,
        leaves,
        ShadowLinkProof.decode(link, pcs.params(), layout.numVars() - 1));
  }

  /**
   * Checks the link. {@code shadowOpening} must already have been verified against {@code shadow}
   * by {@link BasefoldVerifier}, which returned {@code shadowLeaves}; this then shows that the
   * polynomial that opening speaks about agrees with {@code weights} on its t = 0 half.
   *
   * @throws InvalidProofException if a weight row or path is malformed or some opened shadow pair
   *     does not average to the weight codeword entry (the message names the query)
   */
  public static void verify(
      PcsParams params,
      Commitment weights,
      Commitment shadow,
      OpeningProof shadowOpening,
      int[] shadowLeaves,
      ShadowLinkProof link)
      throws InvalidProofException {
    check(
        params,
        weights,
        Queried.of(params, weights.numVars(), shadow, shadowOpening, shadowLeaves, "shadow link"),
        link);
  }

  /**
   * Checks the link from the shadow's rows that an opening (alone or batched) read and verified
   * against the shadow's root.
   */
  public static void verify(
      PcsParams params,
      Commitment weights,
      Commitment shadow,
      OpenedLeaves shadowRows,
      ShadowLinkProof link)
      throws InvalidProofException {
    check(
        params,
        weights,
        Queried.of(
            params,
            weights.numVars(),
            shadow,
            shadowRows.rows(),
            shadowRows.leaves(),
            "shadow link"),
        link);
  }

  /** The weight rows at the queried shadow rows' leaves, and every pair's average against them. */
  private static void check(PcsParams params, Commitment weights, Queried q, ShadowLinkProof link)
      throws InvalidProofException {
    long[] wRows = q.openRows(params, weights, link, "shadow link: weight rows");
    q.checkPairs(wRows, "shadow link", "the weight codeword");
  }

  /**
   * What every link from a shadow to fixed commitments checks ({@link #verify}, and {@link
   * DifferenceLink} to the difference of two): the shadow's shape and its opened oracle-0 rows, the
   * fixed commitments' leaves those rows cover, and, once the caller has opened the fixed rows
   * there, the identity {@code (cwQ[2m] + cwQ[2m+1]) / 2 = target[m]} at every opened pair.
   */
  record Queried(
      PcsParams params,
      int n,
      long[] shadowRows,
      int shadowRowLongs,
      int[] shadowLeaves,
      int[] leaves,
      int rowLongs) {

    /** The same from an opening of the shadow alone: its oracle-0 layer holds the rows. */
    static Queried of(
        PcsParams params,
        int n,
        Commitment shadow,
        OpeningProof shadowOpening,
        int[] shadowLeaves,
        String what)
        throws InvalidProofException {
      InvalidProofException.check(
          !shadowOpening.layers().isEmpty(), what + ": the shadow opening has no query layer");
      return of(params, n, shadow, shadowOpening.layers().get(0).rowsView(), shadowLeaves, what);
    }

    /**
     * Checks the shadow opening's shape against n fixed variables; {@code what} prefixes every
     * message.
     */
    static Queried of(
        PcsParams params, int n, Commitment shadow, long[] qRows, int[] shadowLeaves, String what)
        throws InvalidProofException {
      InvalidProofException.check(
          shadow.numVars() == n + 1,
          what + ": the shadow has " + shadow.numVars() + " variables, expected " + (n + 1));
      InvalidProofException.check(params.arities(n + 1)[0] > 0, tooSmall(n));
      int shadowRowLongs = OpeningProof.rowLongs(params, n + 1, 0);
      InvalidProofException.check(
          qRows.length == shadowLeaves.length * shadowRowLongs,
          what
              + ": the shadow opening has "
              + qRows.length
              + " oracle-0 elements, expected "
              + shadowLeaves.length
              + " rows of "
              + shadowRowLongs);
      for (int k = 1; k < shadowLeaves.length; k++) {
        InvalidProofException.check(
            shadowLeaves[k] > shadowLeaves[k - 1],
            "shadow leaves must be sorted and distinct, as the verifier returns them");
      }
      int[] leaves;
      try {
        leaves = weightLeaves(params, n, shadowLeaves);
      } catch (IllegalArgumentException e) {
        throw new InvalidProofException(what + ": " + e.getMessage());
      }
      return new Queried(
          params,
          n,
          qRows,
          shadowRowLongs,
          shadowLeaves,
          leaves,
          OpeningProof.rowLongs(params, n, 0));
    }

    /**
     * A fixed commitment's rows at {@link #leaves}, checked against its root; {@code what} names
     * them.
     */
    long[] openRows(PcsParams params, Commitment c, ShadowLinkProof rows, String what)
        throws InvalidProofException {
      long[] r = rows.rowsView();
      InvalidProofException.check(
          r.length == leaves.length * rowLongs,
          what
              + ": expected "
              + leaves.length
              + " rows of "
              + rowLongs
              + " elements, found "
              + r.length
              + " elements");
      try {
        OpenedRows.verify(
            r,
            rowLongs,
            c.root(),
            n + params.logBlowup() - params.arities(n)[0],
            leaves,
            rows.paths());
      } catch (InvalidProofException e) {
        throw new InvalidProofException(what + ": " + e.getMessage());
      }
      return r;
    }

    /**
     * The identity at every opened pair, against {@code target}: rows at {@link #leaves}, as
     * opened.
     */
    void checkPairs(long[] target, String what, String targetName) throws InvalidProofException {
      int arity = params.arities(n)[0];
      int per = 1 << (params.arities(n + 1)[0] - 1);
      for (int k = 0; k < shadowLeaves.length; k++) {
        for (int e = 0; e < per; e++) {
          long q0 = shadowRows[k * shadowRowLongs + 2 * e];
          long q1 = shadowRows[k * shadowRowLongs + 2 * e + 1];
          int m = shadowLeaves[k] * per + e;
          long expected =
              target[Arrays.binarySearch(leaves, m >>> arity) * rowLongs + (m & (rowLongs - 1))];
          InvalidProofException.check(
              Basefold.half(Goldilocks.add(q0, q1)) == expected,
              what
                  + ", shadow leaf "
                  + shadowLeaves[k]
                  + " (opened row "
                  + k
                  + "), pair "
                  + e
                  + ": the shadow's even part differs from "
                  + targetName
                  + " at entry "
                  + m);
        }
      }
    }
  }
}
