package io.zkaudit.pcs;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.hash.Digest32;
import io.zkaudit.hash.Sha256;
import io.zkaudit.transcript.Transcript;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * The arithmetic that the Basefold prover and verifier share (one definition, so they cannot drift
 * apart): the transcript header, folding, codeword points, the proof-of-work predicate.
 *
 * <p><b>Codewords.</b> A multilinear f(x) = sum_i c_i prod_{j in bits(i)} x_j (coefficient form,
 * variable j = bit j, as in {@link io.zkaudit.poly.Mle}) is encoded as the univariate P(X) = sum_i
 * c_i X^i evaluated on the 2^L-th roots of unity (L = n + logBlowup) in bit-reversed order: entry p
 * is P(w_L^bitrev_L(p)). Entries 2m and 2m+1 are P(x) and P(-x).
 *
 * <p><b>Folding</b> with challenge r maps them to (P(x) + P(-x))/2 + r (P(x) - P(-x))/(2x), the
 * entry m of the codeword of P_even + r P_odd, whose coefficients c_2k + r c_2k+1 are those of f(r,
 * x_1, ..., x_{n-1}): folding binds variable 0, like the sumcheck it is interleaved with.
 */
public final class Basefold {
  private Basefold() {}

  /** 1/2 in Goldilocks. */
  public static final long INV2 = (Goldilocks.P >>> 1) + 1;

  /** ROOTS[k] = a primitive 2^k-th root of unity, ROOTS_INV[k] its inverse. */
  private static final long[] ROOTS = new long[Goldilocks.TWO_ADICITY + 1];

  private static final long[] ROOTS_INV = new long[Goldilocks.TWO_ADICITY + 1];

  static {
    for (int k = 0; k <= Goldilocks.TWO_ADICITY; k++) {
      ROOTS[k] = Goldilocks.rootOfUnity(k);
      ROOTS_INV[k] = Goldilocks.inv(ROOTS[k]);
    }
  }

  private static final byte[] POW_TAG = "zkaudit/pcs/pow/v1".getBytes(StandardCharsets.UTF_8);

  /** x / 2 (x canonical). */
  public static long half(long x) {
    return (x & 1) == 0 ? x >>> 1 : (x >>> 1) + INV2;
  }

  /**
   * Absorbs the parameters, the commitment and every claim (point and value), in this order, and
   * draws the batching challenge rho: the opening proves sum_k rho^k value_k = sum_x f(x) g(x), g =
   * sum_k rho^k eq(point_k, .).
   */
  public static Ext2 absorbHeader(
      Transcript t, PcsParams params, Commitment c, List<EvalClaim> claims) {
    params.absorb(t);
    absorbClaims(t, c, claims);
    return t.challengeExt("pcs/batch");
  }

  /** Absorbs a commitment and its claims (points, weights and values), as the header does. */
  static void absorbClaims(Transcript t, Commitment c, List<EvalClaim> claims) {
    c.absorb(t);
    t.absorbLong("pcs/claims", claims.size());
    for (EvalClaim claim : claims) {
      if (claim.terms().size() == 1 && claim.terms().getFirst().weight().equals(Ext2.ONE)) {
        t.absorbExt("pcs/claim-point", claim.point());
      } else {
        t.absorbLong("pcs/claim-terms", claim.terms().size());
        for (EvalClaim.Term term : claim.terms()) {
          t.absorbExt("pcs/claim-point", term.pointView());
          t.absorbExt("pcs/claim-weight", term.weight());
        }
      }
      t.absorbExt("pcs/claim-value", claim.value());
    }
  }

  /** The round polynomial of degree 2 through (0, h0), (1, h1), (2, h2), evaluated at r. */
  public static Ext2 interpolate(Ext2 h0, Ext2 h1, Ext2 h2, Ext2 r) {
    // Lagrange: h0 (r-1)(r-2)/2 - h1 r(r-2) + h2 r(r-1)/2
    Ext2 rm1 = r.sub(Ext2.ONE);
    Ext2 rm2 = r.sub(Ext2.of(2));
    Ext2 a = h0.mul(rm1.mul(rm2)).mul(INV2);
    Ext2 b = h1.mul(r.mul(rm2));
    Ext2 c = h2.mul(r.mul(rm1)).mul(INV2);
    return a.sub(b).add(c);
  }

  /** (v0 + v1)/2 + r (v0 - v1) xInv / 2, where v0 = P(x), v1 = P(-x), xInv = 1/x. */
  public static Ext2 foldPair(Ext2 v0, Ext2 v1, Ext2 r, long xInv) {
    Ext2 sum = v0.add(v1);
    Ext2 diff = v0.sub(v1).mul(Goldilocks.mul(xInv, INV2));
    return new Ext2(half(sum.c0()), half(sum.c1())).add(diff.mul(r));
  }

  /** The point w_L^bitrev_L(p) of entry p of a codeword of length 2^logLength. */
  public static long point(int logLength, int position) {
    return Goldilocks.pow(ROOTS[logLength], bitReverse(position, logLength));
  }

  /**
   * Folds the coset held by leaf {@code leaf} of a codeword of length 2^logLength (its 2^a entries,
   * a = log2 vals.length) with challenges r[from..from+a): the entry at position leaf of the
   * a-times folded codeword.
   */
  public static Ext2 foldCoset(Ext2[] vals, int logLength, int leaf, Ext2[] r, int from) {
    return foldCosetPartially(
        vals, logLength, leaf, r, from, Integer.numberOfTrailingZeros(vals.length))[0];
  }

  /**
   * The first {@code steps} folds of {@link #foldCoset}: the 2^(a - steps) entries that the coset
   * of leaf {@code leaf} becomes in the codeword of length 2^(logLength - steps), which is again
   * the coset of leaf {@code leaf} there (a batched opening adds a joining codeword's entries to
   * it, then folds on).
   */
  public static Ext2[] foldCosetPartially(
      Ext2[] vals, int logLength, int leaf, Ext2[] r, int from, int steps) {
    int a = Integer.numberOfTrailingZeros(vals.length);
    if (steps < 0 || steps > a) {
      throw new IllegalArgumentException(
          "a coset of 2^" + a + " entries folds 0 to " + a + " times");
    }
    Ext2[] v = vals.clone();
    long yInv = Goldilocks.pow(ROOTS_INV[logLength], bitReverse(leaf, logLength - a));
    for (int s = 0; s < steps; s++) {
      int half = 1 << (a - s - 1);
      long smallInv = ROOTS_INV[a - s];
      for (int m = 0; m < half; m++) {
        long xInv = Goldilocks.mul(yInv, Goldilocks.pow(smallInv, bitReverse(m, a - s - 1)));
        v[m] = foldPair(v[2 * m], v[2 * m + 1], r[from + s], xInv);
      }
      yInv = Goldilocks.mul(yInv, yInv);
    }
    return Arrays.copyOf(v, 1 << (a - steps));
  }

  /** sum_i coeffs[i] x^i (Horner). */
  public static Ext2 evalUnivariate(Ext2[] coeffs, long x) {
    Ext2 acc = Ext2.ZERO;
    for (int i = coeffs.length - 1; i >= 0; i--) {
      acc = acc.mul(x).add(coeffs[i]);
    }
    return acc;
  }

  /**
   * Coefficient form to hypercube evaluations (e[i] = sum over subsets j of i of c[j]), in place.
   */
  public static void coeffsToEvals(Ext2[] c) {
    for (int bit = 1; bit < c.length; bit <<= 1) {
      for (int i = 0; i < c.length; i++) {
        if ((i & bit) != 0) {
          c[i] = c[i].add(c[i ^ bit]);
        }
      }
    }
  }

  /**
   * Hypercube evaluations to coefficient form (the inverse of {@link #coeffsToEvals}), in place.
   */
  public static void evalsToCoeffs(Ext2[] e) {
    for (int bit = 1; bit < e.length; bit <<= 1) {
      for (int i = 0; i < e.length; i++) {
        if ((i & bit) != 0) {
          e[i] = e[i].sub(e[i ^ bit]);
        }
      }
    }
  }

  /** The grinding predicate: the low {@code bits} bits of H(tag || state || nonce) are zero. */
  public static boolean powOk(Digest32 state, long nonce, int bits) {
    return powOk(Sha256.threadLocal(), state.bytes(), nonce, bits);
  }

  public static boolean powOk(MessageDigest md, byte[] state, long nonce, int bits) {
    if (bits == 0) {
      return true;
    }
    md.reset();
    md.update(POW_TAG);
    md.update(state);
    for (int i = 0; i < 8; i++) {
      md.update((byte) (nonce >>> (8 * i)));
    }
    byte[] h = md.digest();
    long w = 0;
    for (int i = 0; i < 8; i++) {
      w |= (h[i] & 0xFFL) << (8 * i);
    }
    return (w & ((1L << bits) - 1)) == 0;
  }

  public static int bitReverse(int i, int bits) {
    return bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
  }
}
