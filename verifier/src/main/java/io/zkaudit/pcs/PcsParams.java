package io.zkaudit.pcs;

import io.zkaudit.soundness.ChallengeField;
import io.zkaudit.soundness.RoundError;
import io.zkaudit.transcript.Transcript;

/**
 * Parameters of the Basefold commitment (docs/pcs.md explains the choice and the security).
 *
 * @param logBlowup log2 of the inverse code rate: the Reed-Solomon codeword of 2^n coefficients has
 *     2^(n + logBlowup) entries
 * @param foldArityLog folding rounds per committed oracle: each Merkle leaf holds a coset of
 *     2^foldArityLog codeword entries, and one query opens one leaf per oracle
 * @param finalVarsMin folding stops when between finalVarsMin and finalVarsMin + foldArityLog - 1
 *     variables are left; the prover then sends the remaining polynomial's 2^d coefficients
 * @param queries number of query positions in the first oracle
 * @param powBits proof-of-work bits ground before the queries are drawn
 */
public record PcsParams(
    int logBlowup, int foldArityLog, int finalVarsMin, int queries, int powBits) {

  /** The largest number of variables (codewords must fit a Java array of 2^30 longs). */
  public static final int MAX_NUM_VARS = 27;

  /** The most evaluation claims one opening may carry. */
  public static final int MAX_CLAIMS = 1 << 16;

  /**
   * The default: rate 1/4, 16-element leaves, >= 100 bits under the unique-decoding analysis, which
   * rests on no conjecture (124 queries x 0.678 bits + 16 bits of grinding).
   */
  public static PcsParams provable100() {
    return new PcsParams(2, 4, 6, 124, 16);
  }

  /**
   * ~100 bits if Reed-Solomon codes behave up to capacity (conjecture; 42 queries x 2 bits + 16).
   */
  public static PcsParams conjectured100() {
    return new PcsParams(2, 4, 6, 42, 16);
  }

  public PcsParams {
    if (logBlowup < 1 || logBlowup > 4) {
      throw new IllegalArgumentException("logBlowup must be in [1, 4]");
    }
    if (foldArityLog < 1 || foldArityLog > 5) {
      throw new IllegalArgumentException("foldArityLog must be in [1, 5]");
    }
    if (finalVarsMin < 0 || finalVarsMin > 10) {
      throw new IllegalArgumentException("finalVarsMin must be in [0, 10]");
    }
    if (queries < 1 || queries > 1000) {
      throw new IllegalArgumentException("queries must be in [1, 1000]");
    }
    if (powBits < 0 || powBits > 30) {
      throw new IllegalArgumentException("powBits must be in [0, 30]");
    }
  }

  public static void checkNumVars(int numVars) {
    if (numVars < 0 || numVars > MAX_NUM_VARS) {
      throw new IllegalArgumentException(
          "number of variables must be in [0, " + MAX_NUM_VARS + "]: " + numVars);
    }
  }

  /** Variables left when folding stops: the final polynomial has 2^finalVars(n) coefficients. */
  public int finalVars(int numVars) {
    checkNumVars(numVars);
    if (numVars < finalVarsMin + foldArityLog) {
      return numVars;
    }
    return finalVarsMin + (numVars - finalVarsMin) % foldArityLog;
  }

  /** Number of folding (= sumcheck) rounds. */
  public int foldRounds(int numVars) {
    return numVars - finalVars(numVars);
  }

  /**
   * The folding arity (log2) of each oracle, oracle 0 being the commitment itself. With no folding
   * (small polynomials) there is one oracle of arity 0: leaves are single entries.
   */
  public int[] arities(int numVars) {
    int f = foldRounds(numVars);
    if (f == 0) {
      return new int[] {0};
    }
    int[] a = new int[f / foldArityLog];
    java.util.Arrays.fill(a, foldArityLog);
    return a;
  }

  /** log2 of the length of oracle i's codeword (i = arities.length is the final codeword). */
  public int oracleLogLength(int numVars, int oracle) {
    int[] a = arities(numVars);
    int log = numVars + logBlowup;
    for (int i = 0; i < oracle; i++) {
      log -= a[i];
    }
    return log;
  }

  /** Number of leaves (cosets) of the commitment's Merkle tree. */
  public int commitmentLeaves(int numVars) {
    return 1 << (numVars + logBlowup - arities(numVars)[0]);
  }

  /** Absorbs these parameters (domain separation between parameter sets). */
  public void absorb(Transcript t) {
    t.absorbField("pcs/params", logBlowup, foldArityLog, finalVarsMin, queries, powBits);
  }

  /** Security estimates in bits for a polynomial of numVars variables and a number of claims. */
  public Security security(int numVars, int claims) {
    double foldRound = ChallengeField.bitsAgainst(codewordLength(numVars) + 1.0);
    double sumcheckRound = ChallengeField.bitsAgainst(SUMCHECK_DEGREE);
    double batching =
        claims <= 1 ? Double.POSITIVE_INFINITY : ChallengeField.bitsAgainst(claims - 1);
    double udQuery = provableQueryBits();
    double capQuery = queries * logBlowup + powBits;
    double algebraic = Math.min(Math.min(foldRound, sumcheckRound), batching);
    return new Security(
        Math.min(algebraic, udQuery), Math.min(algebraic, capQuery), udQuery, capQuery, algebraic);
  }

  /** The degree of the opening's sumcheck rounds (f times the batched eq polynomial g). */
  private static final int SUMCHECK_DEGREE = 2;

  /** N: the number of entries of the codeword of a polynomial in numVars variables. */
  private long codewordLength(int numVars) {
    return 1L << (numVars + logBlowup);
  }

  /**
   * The query phase under the unique-decoding analysis: each query fails to catch a word far from
   * the code with probability at most (1 + rate)/2, plus the grinding bits.
   */
  private double provableQueryBits() {
    double rate = Math.pow(2, -logBlowup);
    return -queries * Math.log((1 + rate) / 2) / Math.log(2) + powBits;
  }

  /**
   * The round-by-round errors of one opening of a polynomial in numVars variables carrying up to
   * {@code claims} evaluation claims (docs/pcs.md, "Security"): claim batching, each sumcheck round
   * (degree 2), each folding round (unique-decoding proximity gap, (N + 1)/|F| with N the codeword
   * length) and the query phase ((1 + rate)/2 per query, unique decoding, plus grinding). No
   * conjecture: this is what {@link Security#provable()} takes the minimum of.
   */
  public java.util.List<RoundError> rounds(String protocol, int numVars, int claims) {
    checkNumVars(numVars);
    if (claims < 1) {
      throw new IllegalArgumentException("an opening has at least one claim");
    }
    java.util.List<RoundError> out = new java.util.ArrayList<>();
    if (claims > 1) {
      out.add(
          RoundError.algebraic(
              protocol, "claim batching", claims - 1, "(K − 1)/|F|, K = " + claims + " claims"));
    }
    if (foldRounds(numVars) > 0) {
      out.add(
          RoundError.algebraic(
              protocol,
              "each sumcheck round",
              SUMCHECK_DEGREE,
              SUMCHECK_DEGREE + "/|F| (degree " + SUMCHECK_DEGREE + ")"));
      out.add(
          RoundError.algebraic(
              protocol,
              "each folding round",
              codewordLength(numVars) + 1.0,
              "(N + 1)/|F|, N = 2^" + (numVars + logBlowup) + " (unique-decoding proximity gap)"));
    }
    out.add(
        new RoundError(
            protocol,
            "queries",
            provableQueryBits(),
            String.format(
                java.util.Locale.ROOT,
                "((1 + ρ)/2)^q · 2^−g, ρ = 1/%d, q = %d, g = %d (unique decoding)",
                1 << logBlowup,
                queries,
                powBits)));
    return out;
  }

  /**
   * Security levels (bits = -log2 of the round-by-round soundness error, the measure that governs
   * the Fiat-Shamir transform).
   *
   * @param provable min over all rounds, queries analysed in the unique-decoding regime
   * @param conjectured the same with the query error taken as rate^queries (capacity conjecture)
   * @param provableQuery the query phase alone, unique decoding, with grinding
   * @param conjecturedQuery the query phase alone under the conjecture, with grinding
   * @param algebraic the folding, sumcheck and claim-batching rounds (each ~ length / |F|)
   */
  public record Security(
      double provable,
      double conjectured,
      double provableQuery,
      double conjecturedQuery,
      double algebraic) {}
}
