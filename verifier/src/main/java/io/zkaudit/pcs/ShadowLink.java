package io.zkaudit.pcs;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.merkle.MerkleVerifier;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import java.util.Arrays;
import java.util.List;

/**
 * Proves that a per-proof "shadow" commitment Q (n + 1 variables) has the fixed weight commitment
 * W (n variables) as its t = 0 half, Q(0, x) = W(x), without opening W at any claim.
 *
 * <p>Q's multilinear coefficients with bit 0 clear are W's, so its univariate is
 * Q(X) = W(X^2) + X D(X^2). Shadow entries 2m and 2m + 1 sit at x and -x with x^2 the point of
 * weight entry m (bitrev_{L+1}(2m) = bitrev_L(m)), hence {@code cwW[m] = (cwQ[2m] + cwQ[2m+1]) / 2}.
 * At every leaf that Q's own opening queried, the verifier recomputes those W entries from the
 * opened shadow rows and compares them with W's rows opened against W's root. docs/pcs.md ("Shadow
 * link") gives the soundness argument and what the link reveals.
 */
public final class ShadowLink {
  private ShadowLink() {}

  static String tooSmall(int weightVars) {
    return "a shadow link needs the shadow (" + (weightVars + 1) + " variables) to fold in its first oracle:"
        + " with single-entry leaves a shadow leaf determines no weight entry; commit bigger polynomials";
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
        throw new IllegalArgumentException("shadow leaf " + j + " out of range [0, " + shadowLeafCount + ")");
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
  public static void verifyOpening(BasefoldVerifier pcs, Commitment linked, Commitment shadow, PackedLayout layout,
      List<ColumnClaim> claims, byte[] opening, byte[] link, Transcript t) throws InvalidProofException {
    OpeningProof decoded = OpeningProof.decode(opening, pcs.params(), layout.numVars());
    int[] leaves = pcs.verifyColumns(shadow, layout, claims, decoded, t);
    verify(pcs.params(), linked, shadow, decoded, leaves, ShadowLinkProof.decode(link, pcs.params(), layout.numVars() - 1));
  }

  /**
   * Checks the link. {@code shadowOpening} must already have been verified against {@code shadow}
   * by {@link BasefoldVerifier}, which returned {@code shadowLeaves}; this then shows that the
   * polynomial that opening speaks about agrees with {@code weights} on its t = 0 half.
   *
   * @throws InvalidProofException if a weight row or path is malformed or some opened shadow pair
   *     does not average to the weight codeword entry (the message names the query)
   */
  public static void verify(PcsParams params, Commitment weights, Commitment shadow, OpeningProof shadowOpening,
      int[] shadowLeaves, ShadowLinkProof link) throws InvalidProofException {
    int n = weights.numVars();
    InvalidProofException.check(shadow.numVars() == n + 1,
        "the shadow has " + shadow.numVars() + " variables, the weights " + n + " (expected " + (n + 1) + ")");
    int b = params.arities(n + 1)[0];
    InvalidProofException.check(b > 0, tooSmall(n));
    int a = params.arities(n)[0];
    int shadowRowLongs = OpeningProof.rowLongs(params, n + 1, 0);
    InvalidProofException.check(!shadowOpening.layers().isEmpty(), "the shadow opening has no query layer");
    long[] qRows = shadowOpening.layers().get(0).rowsView();
    InvalidProofException.check(qRows.length == shadowLeaves.length * shadowRowLongs,
        "the shadow opening has " + qRows.length + " oracle-0 elements, expected " + shadowLeaves.length + " rows of " + shadowRowLongs);
    for (int k = 1; k < shadowLeaves.length; k++) {
      InvalidProofException.check(shadowLeaves[k] > shadowLeaves[k - 1], "shadow leaves must be sorted and distinct, as the verifier returns them");
    }
    int[] wLeaves;
    try {
      wLeaves = weightLeaves(params, n, shadowLeaves);
    } catch (IllegalArgumentException e) {
      throw new InvalidProofException("shadow link: " + e.getMessage());
    }
    int wRowLongs = OpeningProof.rowLongs(params, n, 0);
    long[] wRows = link.rowsView();
    InvalidProofException.check(wRows.length == wLeaves.length * wRowLongs,
        "shadow link: expected " + wLeaves.length + " weight rows of " + wRowLongs + " elements, found " + wRows.length + " elements");
    try {
      OpenedRows.verify(wRows, wRowLongs, weights.root(), n + params.logBlowup() - a, wLeaves, link.paths());
    } catch (InvalidProofException e) {
      throw new InvalidProofException("shadow link: weight rows: " + e.getMessage());
    }
    int per = 1 << (b - 1);
    for (int k = 0; k < shadowLeaves.length; k++) {
      for (int e = 0; e < per; e++) {
        long q0 = qRows[k * shadowRowLongs + 2 * e];
        long q1 = qRows[k * shadowRowLongs + 2 * e + 1];
        int m = shadowLeaves[k] * per + e; // the weight codeword entry (q0 + q1) / 2 must equal
        int row = Arrays.binarySearch(wLeaves, m >>> a);
        long w = wRows[row * wRowLongs + (m & (wRowLongs - 1))];
        InvalidProofException.check(Basefold.half(Goldilocks.add(q0, q1)) == w,
            "shadow link, shadow leaf " + shadowLeaves[k] + " (opened row " + k + "), pair " + e
                + ": the shadow's even part differs from the weight codeword at entry " + m);
      }
    }
  }
}
