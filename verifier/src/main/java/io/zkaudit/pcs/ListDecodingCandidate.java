package io.zkaudit.pcs;

import io.zkaudit.soundness.RoundError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A candidate Basefold parameter set graded in the list-decoding (Johnson) regime: the provable
 * bits it would give, round by round, if the opening were analysed as in Haböck, <em>Basefold in
 * the list decoding regime</em> (eprint 2024/1571, Theorem 1 with the weighted correlated agreement
 * of its Theorem 4, built on Ben-Sasson, Carmon, Ishai, Kopparty, Saraf, eprint 2020/654, Theorem
 * 6.2). A research calculator for docs/pcs.md ("Provable parameter sets for v2"): nothing proves or
 * verifies with it, and {@link PcsParams#rounds} remains the figure every shipped proof states.
 *
 * <p>The analysis fixes an integer m ≥ 3 and the proximity parameter θ = 1 − √ρ (1 + 1/(2m)),
 * inside the Johnson radius 1 − √ρ. Then, with |F| = p^e the challenge field:
 *
 * <ul>
 *   <li>each query lets a word θ-far from the code through with probability at most 1 − θ = √ρ (1 +
 *       1/(2m)), so the query phase gives q · log2(1/(1 − θ)) + g bits (g = grinding);
 *   <li>fold round i (i = 1 .. F, the code after i binary folds lives on a domain D_i of N / 2^i
 *       points, N the codeword length, weights with common denominator B_i = 2^i) fails with
 *       probability at most ε_i + 1/|F|, where ε_i = (1/|F|) · ((m + 1/2)/√ρ) · max((m + 1/2)^6 /
 *       (3ρ) · |D_i|^2, 2 (B_i |D_i| + 1)) (Theorem 4 with M = 1; the 1/|F| is the sumcheck's
 *       share); the largest is round 1, of order N^2/|F|, which is why the field must grow;
 *   <li>several claims batched by one challenge: each of the at most L = (m + 1/2)/√ρ codewords
 *       within θ of the word (the Johnson list size) satisfies the combined claim by chance with
 *       probability (K − 1)/|F|, so L (K − 1)/|F| (our union bound over the list).
 * </ul>
 *
 * Theorem 1 of eprint 2024/1571 states the sum ε_1 + … + ε_F as the commit phase's error; we report
 * both the worst round (the round-by-round figure, as docs/soundness.md counts every other round)
 * and that sum. The formula is taken from the paper as restated in sec-bit's notes on it
 * (github.com/sec-bit/mle-pcs, basefold/basefold-habock-overview.md); check it against the paper
 * before relying on it. The shadow link of a long-lived weight commitment is <em>not</em> covered:
 * its per-query bound (θ + ρ) is smallest at the unique-decoding radius (docs/pcs.md).
 *
 * @param shape rate, folding arity, final size, queries and grinding, as for an opening (the arity
 *     does not change the bound: every fold round is binary and has its own challenge)
 * @param m the Johnson slack: θ = 1 − √ρ (1 + 1/(2m)), m ≥ 3 as Theorem 4 requires
 * @param extensionDegree e: challenges from F_p^e (2 today; 4 = F_p[v]/(v^4 − 7) contains today's
 *     quadratic extension, 3 does not)
 */
public record ListDecodingCandidate(PcsParams shape, int m, int extensionDegree) {

  /** log2 p for Goldilocks, p = 2^64 − 2^32 + 1. */
  static final double LOG2_P = Math.log(18446744069414584321.0) / Math.log(2);

  public ListDecodingCandidate {
    if (shape == null) {
      throw new IllegalArgumentException("a candidate needs its opening shape (PcsParams)");
    }
    if (m < 3) {
      throw new IllegalArgumentException(
          "the Johnson-regime analysis needs m >= 3 (eprint 2024/1571, Theorem 4): " + m);
    }
    if (extensionDegree < 2 || extensionDegree > 4) {
      throw new IllegalArgumentException(
          "challenge field must be F_p^2, F_p^3 or F_p^4: degree " + extensionDegree);
    }
    double rho = Math.pow(2, -shape.logBlowup());
    double theta = 1 - Math.sqrt(rho) * (1 + 1.0 / (2 * m));
    if (theta <= (1 - rho) / 2) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "at rate 1/%d and m = %d the list-decoding radius θ = %.4f is not beyond the"
                  + " unique-decoding radius %.4f: grade these parameters with PcsParams instead",
              1 << shape.logBlowup(),
              m,
              theta,
              (1 - rho) / 2));
    }
  }

  /** ρ = 2^−logBlowup. */
  public double rate() {
    return Math.pow(2, -shape.logBlowup());
  }

  /** θ = 1 − √ρ (1 + 1/(2m)): the relative distance the analysis works at. */
  public double proximity() {
    return 1 - Math.sqrt(rate()) * (1 + 1.0 / (2 * m));
  }

  /** L = (m + 1/2)/√ρ: at most this many codewords lie within θ of any word. */
  public double listSize() {
    return (m + 0.5) / Math.sqrt(rate());
  }

  /** log2 |F| = e · log2 p. */
  public double fieldBits() {
    return extensionDegree * LOG2_P;
  }

  /** Bits of one query: −log2(1 − θ). */
  public double bitsPerQuery() {
    return -log2(1 - proximity());
  }

  /** The query phase: q · log2(1/(1 − θ)) + g. */
  public double queryBits() {
    return shape.queries() * bitsPerQuery() + shape.powBits();
  }

  /**
   * The number of bad challenges of fold round {@code round} (1-based) of a polynomial in numVars
   * variables: |F| (ε_i + 1/|F|) with ε_i from Theorem 4 of eprint 2024/1571 at M = 1, |D_i| = N /
   * 2^i, B_i = 2^i.
   */
  public double foldRoundCount(int numVars, int round) {
    PcsParams.checkNumVars(numVars);
    int logN = numVars + shape.logBlowup();
    if (round < 1 || round > shape.foldRounds(numVars)) {
      throw new IllegalArgumentException(
          "fold round must be in [1, " + shape.foldRounds(numVars) + "]: " + round);
    }
    return weightedAgreementCount(rate(), m, logN - round, round) + 1;
  }

  /**
   * (m + 1/2)/√ρ · max((m + 1/2)^6/(3ρ) · |D|^2, 2 (B |D| + 1)), |D| = 2^logDomain, B = 2^logB: |F|
   * times the error of Theorem 4 of eprint 2024/1571 for one word pair (M = 1).
   */
  static double weightedAgreementCount(double rho, int m, int logDomain, int logB) {
    double mh = m + 0.5;
    double domain = Math.pow(2, logDomain);
    double decoding = Math.pow(mh, 6) / (3 * rho) * domain * domain;
    double weights = 2 * (Math.pow(2, logB) * domain + 1);
    return mh / Math.sqrt(rho) * Math.max(decoding, weights);
  }

  /** Bits of the weakest fold round (round 1, the longest domain). */
  public double worstFoldBits(int numVars) {
    if (shape.foldRounds(numVars) == 0) {
      return Double.POSITIVE_INFINITY;
    }
    return fieldBits() - log2(foldRoundCount(numVars, 1));
  }

  /** Bits of the commit phase as Theorem 1 of eprint 2024/1571 states it: the sum over rounds. */
  public double foldTotalBits(int numVars) {
    double sum = 0;
    for (int i = 1; i <= shape.foldRounds(numVars); i++) {
      sum += foldRoundCount(numVars, i);
    }
    return sum == 0 ? Double.POSITIVE_INFINITY : fieldBits() - log2(sum);
  }

  /**
   * The rounds of one opening of numVars variables with {@code claims} claims under this analysis:
   * claim batching (if several), each fold round (worst), all fold rounds together, queries.
   */
  public List<RoundError> rounds(String protocol, int numVars, int claims) {
    PcsParams.checkNumVars(numVars);
    if (claims < 1) {
      throw new IllegalArgumentException("an opening has at least one claim");
    }
    List<RoundError> out = new ArrayList<>();
    String field = "F_p^" + extensionDegree;
    if (claims > 1) {
      out.add(
          new RoundError(
              protocol,
              "claim batching",
              fieldBits() - log2(listSize() * (claims - 1)),
              String.format(
                  Locale.ROOT,
                  "L (K − 1)/|F|, L = %.1f, K = %d, |F| = |%s| (union over the Johnson list)",
                  listSize(),
                  claims,
                  field)));
    }
    if (shape.foldRounds(numVars) > 0) {
      out.add(
          new RoundError(
              protocol,
              "each folding round",
              worstFoldBits(numVars),
              String.format(
                  Locale.ROOT,
                  "ε_1 + 1/|F|, eprint 2024/1571 Thm 4, m = %d, |D_1| = 2^%d, |F| = |%s|",
                  m,
                  numVars + shape.logBlowup() - 1,
                  field)));
      out.add(
          new RoundError(
              protocol,
              "folding rounds together",
              foldTotalBits(numVars),
              "Σ_i (ε_i + 1/|F|), eprint 2024/1571 Thm 1"));
    }
    out.add(
        new RoundError(
            protocol,
            "queries",
            queryBits(),
            String.format(
                Locale.ROOT,
                "(√ρ (1 + 1/(2m)))^q · 2^−g, ρ = 1/%d, m = %d, q = %d, g = %d (Johnson regime)",
                1 << shape.logBlowup(),
                m,
                shape.queries(),
                shape.powBits())));
    return out;
  }

  /** The weakest of {@link #rounds}. */
  public double provable(int numVars, int claims) {
    return rounds("candidate", numVars, claims).stream()
        .mapToDouble(RoundError::bits)
        .min()
        .orElseThrow();
  }

  /**
   * The fewest queries whose query phase reaches {@code targetBits} with this m, rate, grinding.
   */
  public static int queriesFor(double targetBits, int logBlowup, int m, int powBits) {
    double perQuery = -log2(Math.pow(2, -logBlowup / 2.0) * (1 + 1.0 / (2 * m)));
    return (int) Math.ceil((targetBits - powBits) / perQuery - 1e-9);
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
