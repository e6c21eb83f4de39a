package io.zkaudit.pcs;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.merkle.MerkleVerifier;
import io.zkaudit.poly.Mle;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Verifies one opening of several committed polynomials f_0, ..., f_{m-1} of n_0 >= n_1 >= ...
 * variables, each with its own batch of evaluation claims (docs/pcs.md, "Batched opening").
 *
 * <p>Sending one Basefold opening per commitment costs ~200 KB each at the provable parameters: the
 * Merkle paths and leaves of the folded oracles dominate, whatever the polynomial's size. Here the
 * polynomials share the oracles after the first. Two phases, in this order, because a single fold
 * of sum_j theta^j f_j run against every f_j's claims at once is unsound (the prover could shift
 * the values it reports for the f_j along the kernel of the theta-combination):
 *
 * <ol>
 *   <li><b>Claim reduction.</b> With rho drawn after every commitment and claim, the claims combine
 *       to sum_k rho^k v_k = sum_j sum_y f_j(y) g_j(y), g_j = sum over f_j's claims of rho^k
 *       eq(z_k, .). One sumcheck over n = n_0 variables proves it as sum_{x in {0,1}^n} sum_j
 *       2^-t_j f_j(x_{>=t_j}) g_j(x_{>=t_j}), t_j = n - n_j: each f_j sits on the high variables.
 *       It ends at a random r with the values s_j = f_j(r_{>=t_j}), which the prover sends and the
 *       verifier checks against the last round with its own g_j.
 *   <li><b>One opening of the combination.</b> A Basefold opening of f_0 at r with claim s_0 runs
 *       its sumcheck interleaved with folding; when the folded codeword reaches f_j's codeword
 *       length (round t_j), a fresh theta_j is drawn, theta_j times f_j's codeword joins it, and
 *       the sumcheck's claim grows by theta_j s_j eq(r_{<t_j}, u_{<t_j}) (u the fold challenges):
 *       the running polynomial is f_0(u, .) + sum_{t_j <= round} theta_j f_j(u_{t_j..}, .), times
 *       the same eq weight for all. Each theta_j comes after the s_j (else the kernel shift) and
 *       after the fold challenges that shaped the word it joins (so the join is a random point on a
 *       line through two fixed words). The queries read f_j's committed leaves where they join
 *       ({@link InjectedRows}); the folded oracles, the final polynomial and the grinding are
 *       shared.
 * </ol>
 *
 * <p>Soundness (round by round, {@link #rounds}): claim batching (K - 1)/|F| for K claims in all;
 * each reduction round 2/|F|; each join (N + 1)/|F| (the joined word is the line w + theta_j cw_j
 * at a uniform theta_j, so the unique-decoding proximity gap for lines applies as to a fold; the
 * claim's part, linear in theta_j, adds 1/|F|); the combined opening's rounds and queries as a
 * plain Basefold opening of n variables. A joining polynomial must join while folding lasts: t_j <
 * foldRounds(n_0).
 */
public final class BatchedOpening {
  private BatchedOpening() {}

  /** The most polynomials one batched opening carries. */
  public static final int MAX_POLYNOMIALS = 16;

  /** The largest combined opening a batched proof may hold. */
  static final int MAX_BYTES = 64 << 20;

  /**
   * Checks that polynomials of these sizes can share one opening: 1 to {@link #MAX_POLYNOMIALS} of
   * them, non-increasing sizes, each joining while the largest still folds.
   */
  public static void checkSizes(PcsParams params, int[] numVars) throws InvalidProofException {
    InvalidProofException.check(
        numVars.length >= 1 && numVars.length <= MAX_POLYNOMIALS,
        "a batched opening holds 1 to " + MAX_POLYNOMIALS + " polynomials");
    for (int v : numVars) {
      InvalidProofException.check(
          v >= 0 && v <= PcsParams.MAX_NUM_VARS, "number of variables out of range: " + v);
    }
    int folds = params.foldRounds(numVars[0]);
    for (int j = 1; j < numVars.length; j++) {
      InvalidProofException.check(
          numVars[j] <= numVars[j - 1], "the polynomials of a batched opening come largest first");
      InvalidProofException.check(
          numVars[0] - numVars[j] < folds,
          "polynomial "
              + j
              + " ("
              + numVars[j]
              + " variables) is too small to join an opening of "
              + numVars[0]
              + " variables");
    }
  }

  /** Whether polynomials of these sizes can share one opening ({@link #checkSizes}). */
  public static boolean canBatch(PcsParams params, int[] numVars) {
    try {
      checkSizes(params, numVars);
      return true;
    } catch (InvalidProofException e) {
      return false;
    }
  }

  /**
   * Checks that each committed polynomial satisfies its claims, running the transcript as the
   * prover did.
   *
   * @return per commitment, the leaves of its Merkle tree that the queries opened and their rows,
   *     for links that must check more about them
   */
  public static List<OpenedLeaves> verify(
      PcsParams params,
      List<Commitment> commitments,
      List<List<EvalClaim>> claims,
      BatchedOpeningProof proof,
      Transcript t)
      throws InvalidProofException {
    int m = commitments.size();
    InvalidProofException.check(claims.size() == m, "one batch of claims per commitment");
    int[] numVars = commitments.stream().mapToInt(Commitment::numVars).toArray();
    checkSizes(params, numVars);
    int n = numVars[0];
    int total = 0;
    for (int j = 0; j < m; j++) {
      InvalidProofException.check(!claims.get(j).isEmpty(), "commitment " + j + " has no claim");
      for (EvalClaim claim : claims.get(j)) {
        InvalidProofException.check(
            claim.numVars() == numVars[j],
            "claim point has "
                + claim.numVars()
                + " coordinates, commitment "
                + j
                + " "
                + numVars[j]
                + " variables");
      }
      total += claims.get(j).size();
    }
    InvalidProofException.check(
        total <= PcsParams.MAX_CLAIMS,
        "an opening carries at most " + PcsParams.MAX_CLAIMS + " claims");
    InvalidProofException.check(proof.reduction().size() == n, "wrong number of reduction rounds");
    InvalidProofException.check(proof.values().length == m, "wrong number of reduced values");
    InvalidProofException.check(proof.joining().size() == m - 1, "wrong number of joining layers");
    BasefoldVerifier combined = new BasefoldVerifier(params);
    combined.checkShape(n, proof.combined());

    // 1. Header: every commitment and claim, then rho.
    Ext2 rho = absorbHeader(t, params, commitments, claims);
    Ext2 claim = Ext2.ZERO;
    Ext2 rhoK = Ext2.ONE;
    for (List<EvalClaim> batch : claims) {
      for (EvalClaim e : batch) {
        claim = claim.add(rhoK.mul(e.value()));
        rhoK = rhoK.mul(rho);
      }
    }

    // 2. Claim reduction: n rounds of degree 2, then s_j = f_j(r_{>=t_j}).
    Ext2[] r = new Ext2[n];
    for (int i = 0; i < n; i++) {
      Ext2[] h = proof.round(i);
      InvalidProofException.check(
          h[0].add(h[1]).equals(claim), "reduction round " + i + ": h(0) + h(1) != claim");
      t.absorbExt("pcs/reduce-round", h);
      r[i] = t.challengeExt("pcs/reduce");
      claim = Basefold.interpolate(h[0], h[1], h[2], r[i]);
    }
    Ext2[] s = proof.values();
    t.absorbExt("pcs/reduced", s);
    Ext2 expected = Ext2.ZERO;
    rhoK = Ext2.ONE;
    for (int j = 0; j < m; j++) {
      Ext2[] suffix = Arrays.copyOfRange(r, n - numVars[j], n);
      Ext2 g = Ext2.ZERO;
      for (EvalClaim e : claims.get(j)) {
        for (EvalClaim.Term term : e.terms()) {
          g = g.add(rhoK.mul(term.weight()).mul(Mle.eq(term.pointView(), suffix)));
        }
        rhoK = rhoK.mul(rho);
      }
      expected = expected.add(s[j].mul(g).mul(Goldilocks.pow(Basefold.INV2, n - numVars[j])));
    }
    InvalidProofException.check(
        expected.equals(claim), "the reduced values do not match the reduction's last round");

    // 3. One opening of f_0 at r, the others joining at their rounds.
    List<BasefoldVerifier.Injection> joining = new ArrayList<>();
    for (int j = 1; j < m; j++) {
      joining.add(
          new BasefoldVerifier.Injection(
              n - numVars[j], s[j], commitments.get(j), proof.joining().get(j - 1)));
    }
    BasefoldVerifier.Queried queried =
        combined.foldAndQuery(
            commitments.getFirst(),
            List.of(new EvalClaim(r, s[0])),
            Ext2.ONE,
            s[0],
            proof.combined(),
            t,
            joining);
    List<OpenedLeaves> opened = new ArrayList<>(m);
    opened.add(
        new OpenedLeaves(
            queried.commitmentLeaves(), proof.combined().layers().getFirst().rowsView()));
    for (int j = 1; j < m; j++) {
      opened.add(
          new OpenedLeaves(
              queried.injectedLeaves().get(j - 1), proof.joining().get(j - 1).rowsView()));
    }
    return opened;
  }

  /**
   * The round-by-round errors of a batched opening of polynomials of these sizes (largest first)
   * carrying up to {@code claims} claims in all (see the class comment). No conjecture.
   */
  public static List<io.zkaudit.soundness.RoundError> rounds(
      PcsParams params, String protocol, int[] numVars, int claims) {
    List<io.zkaudit.soundness.RoundError> out = new ArrayList<>();
    int n = numVars[0];
    if (claims > 1) {
      out.add(
          io.zkaudit.soundness.RoundError.algebraic(
              protocol, "claim batching", claims - 1, "(K − 1)/|F|, K = " + claims + " claims"));
    }
    out.add(
        io.zkaudit.soundness.RoundError.algebraic(
            protocol, "each reduction round", 2, "2/|F| (degree 2)"));
    if (numVars.length > 1) {
      double codeword = Math.pow(2, n + params.logBlowup());
      out.add(
          io.zkaudit.soundness.RoundError.algebraic(
              protocol,
              "each join",
              codeword + 2,
              "(N + 2)/|F|, N = 2^"
                  + (n + params.logBlowup())
                  + " (unique-decoding proximity gap for a line, plus the claim's 1/|F|)"));
    }
    out.addAll(params.rounds(protocol, n, 1));
    return out;
  }

  /**
   * The sorted distinct leaves of a joining polynomial's commitment (numVars variables) that hold
   * the queries' cosets where it joins: each query's 2^width entries from its leaf times 2^width.
   * What the verifier checks ({@link InjectedRows}) and the prover opens.
   */
  public static int[] joiningLeaves(PcsParams params, int numVars, int[] queryLeaves, int width) {
    int leafLog = params.arities(numVars)[0];
    int[] needed = new int[queryLeaves.length << Math.max(0, width - leafLog)];
    int k = 0;
    for (int leaf : queryLeaves) {
      long first = (long) leaf << width;
      for (long p = first; p < first + (1L << width); p += 1L << leafLog) {
        needed[k++] = (int) (p >>> leafLog);
      }
    }
    return MerkleVerifier.sortedDistinct(Arrays.copyOf(needed, k));
  }

  /**
   * Absorbs the parameters, the number of polynomials, each commitment with its claims; draws rho.
   */
  public static Ext2 absorbHeader(
      Transcript t, PcsParams params, List<Commitment> commitments, List<List<EvalClaim>> claims) {
    params.absorb(t);
    t.absorbLong("pcs/batched", commitments.size());
    for (int j = 0; j < commitments.size(); j++) {
      Basefold.absorbClaims(t, commitments.get(j), claims.get(j));
    }
    return t.challengeExt("pcs/batch");
  }
}
