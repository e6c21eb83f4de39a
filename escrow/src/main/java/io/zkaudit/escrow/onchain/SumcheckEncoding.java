package io.zkaudit.escrow.onchain;

import io.zkaudit.field.Ext2;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.sumcheck.Term;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * What SumcheckVerifier.sol reads besides the proof (whose bytes are Java's own {@code
 * SumcheckProof.encode()}): the statement of one sumcheck as 256-bit words, extension elements
 * packed c0 + 2^64 c1.
 *
 * <p>Words: variables, mode (0 plain, 1 masked, 2 masked with an open end), claim, mask sum, mask
 * value, eq flag and the eq point (one word per variable); then for modes 0 and 1 the composition
 * (tables, terms, per term its coefficient, factor count and factors), for mode 2 the round degree
 * and the number of evaluations sent.
 */
public final class SumcheckEncoding {
  private SumcheckEncoding() {}

  /** How the sumcheck is checked: Java's verify, verifyMasked, verifyMaskedOpenEnd. */
  public enum Mode {
    PLAIN,
    MASKED,
    OPEN_END
  }

  /** A plain sumcheck ({@code SumcheckVerifier.verify}). */
  public static List<BigInteger> plain(Composition c, Ext2[] eqPoint, int numVars, Ext2 claim) {
    return spec(Mode.PLAIN, numVars, claim, Ext2.ZERO, Ext2.ZERO, eqPoint, c, 0, 0);
  }

  /** A masked sumcheck ({@code verifyMasked}) with the proof's mask sum and value. */
  public static List<BigInteger> masked(
      Composition c, Ext2[] eqPoint, int numVars, Ext2 claim, Ext2 maskSum, Ext2 maskEval) {
    return spec(Mode.MASKED, numVars, claim, maskSum, maskEval, eqPoint, c, 0, 0);
  }

  /** A masked sumcheck with an open end ({@code verifyMaskedOpenEnd}). */
  public static List<BigInteger> openEnd(
      int numVars, int degree, Ext2 claim, Ext2 maskSum, int sentEvaluations) {
    return spec(
        Mode.OPEN_END, numVars, claim, maskSum, Ext2.ZERO, null, null, degree, sentEvaluations);
  }

  private static List<BigInteger> spec(
      Mode mode,
      int numVars,
      Ext2 claim,
      Ext2 maskSum,
      Ext2 maskEval,
      Ext2[] eqPoint,
      Composition c,
      int degree,
      int sent) {
    List<BigInteger> w = new ArrayList<>();
    w.add(BigInteger.valueOf(numVars));
    w.add(BigInteger.valueOf(mode.ordinal()));
    w.add(packed(claim));
    w.add(packed(maskSum));
    w.add(packed(maskEval));
    w.add(BigInteger.valueOf(eqPoint == null ? 0 : 1));
    if (eqPoint != null) {
      for (Ext2 z : eqPoint) {
        w.add(packed(z));
      }
    }
    if (mode == Mode.OPEN_END) {
      w.add(BigInteger.valueOf(degree));
      w.add(BigInteger.valueOf(sent));
      return w;
    }
    w.add(BigInteger.valueOf(c.numTables()));
    w.add(BigInteger.valueOf(c.terms().size()));
    for (Term t : c.terms()) {
      w.add(packed(t.coefficient()));
      int[] factors = t.factors();
      w.add(BigInteger.valueOf(factors.length));
      for (int f : factors) {
        w.add(BigInteger.valueOf(f));
      }
    }
    return w;
  }

  /** c0 + 2^64 c1. */
  public static BigInteger packed(Ext2 x) {
    return BigInteger.valueOf(x.c1())
        .and(MASK64)
        .shiftLeft(64)
        .or(BigInteger.valueOf(x.c0()).and(MASK64));
  }

  /** The extension element of a packed word. */
  public static Ext2 unpacked(BigInteger w) {
    return new Ext2(w.and(MASK64).longValue(), w.shiftRight(64).and(MASK64).longValue());
  }

  private static final BigInteger MASK64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
}
