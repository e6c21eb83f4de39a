package io.zkaudit.prover.pcs;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.pcs.Basefold;
import io.zkaudit.pcs.BatchedOpening;
import io.zkaudit.pcs.BatchedOpeningProof;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.List;

/**
 * Proves the claims on several committed polynomials with one opening: a claim-reduction sumcheck
 * brings every polynomial to one point (a suffix of one random r), then one Basefold opening folds
 * the largest with the others joining where their codewords' lengths are reached. The verifier and
 * the reasoning are in {@link BatchedOpening}.
 */
public final class BatchedBasefoldProver {
  private final PcsParams params;
  private final BasefoldProver basefold;

  public BatchedBasefoldProver(PcsParams params) {
    this.params = params;
    this.basefold = new BasefoldProver(params);
  }

  /**
   * A batched opening and, per commitment, the sorted distinct leaves its queries opened (for a
   * shadow link on one of them).
   */
  public record Opened(BatchedOpeningProof proof, List<int[]> leaves) {
    public Opened {
      leaves = leaves.stream().map(int[]::clone).toList();
    }

    @Override
    public List<int[]> leaves() {
      return leaves.stream().map(int[]::clone).toList();
    }
  }

  /**
   * Proves every claim of {@code claims.get(j)} on {@code committed.get(j)}; the polynomials come
   * largest first. Claimed values are taken as given: a wrong one yields a proof that does not
   * verify.
   */
  public Opened open(List<Committed> committed, List<List<EvalClaim>> claims, Transcript t) {
    int m = committed.size();
    if (claims.size() != m) {
      throw new IllegalArgumentException("one batch of claims per commitment");
    }
    int[] numVars = committed.stream().mapToInt(Committed::numVars).toArray();
    try {
      BatchedOpening.checkSizes(params, numVars);
    } catch (InvalidProofException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    for (int j = 0; j < m; j++) {
      if (claims.get(j).isEmpty()) {
        throw new IllegalArgumentException("commitment " + j + " has no claim");
      }
      for (EvalClaim c : claims.get(j)) {
        if (c.numVars() != numVars[j]) {
          throw new IllegalArgumentException(
              "claim point has "
                  + c.numVars()
                  + " coordinates, polynomial "
                  + j
                  + " "
                  + numVars[j]
                  + " variables");
        }
      }
    }
    List<Commitment> commitments = committed.stream().map(Committed::commitment).toList();
    Ext2 rho = BatchedOpening.absorbHeader(t, params, commitments, claims);
    return openReduced(committed, reduce(committed, claims, rho, t), t);
  }

  /**
   * The second phase: with the reduced values absorbed, one opening of the first polynomial at the
   * reduction's point, the others joining (each with its theta, drawn where it joins).
   * (Package-private so that a test's cheating prover can report values of its own choosing.)
   */
  Opened openReduced(List<Committed> committed, Reduction reduction, Transcript t) {
    t.absorbExt("pcs/reduced", reduction.values());
    int m = committed.size();
    int[] numVars = committed.stream().mapToInt(Committed::numVars).toArray();
    int n = numVars[0];
    List<BasefoldProver.Join> joins = new ArrayList<>();
    for (int j = 1; j < m; j++) {
      joins.add(new BasefoldProver.Join(n - numVars[j], committed.get(j)));
    }
    long[] g =
        BasefoldProver.buildG(
            n,
            List.of(new EvalClaim(reduction.point(), reduction.values()[0])),
            Ext2.ONE,
            Ext2.ONE);
    BasefoldProver.Folded folded = basefold.foldAndQuery(committed.getFirst(), g, t, joins);
    List<int[]> leaves = new ArrayList<>();
    leaves.add(folded.commitmentLeaves());
    leaves.addAll(folded.joinedLeaves());
    return new Opened(
        new BatchedOpeningProof(
            reduction.rounds(), reduction.values(), folded.proof(), folded.joinedLayers()),
        leaves);
  }

  /** The claim-reduction sumcheck's messages, its point r and s_j = f_j(r_{>=t_j}). */
  record Reduction(List<Ext2[]> rounds, Ext2[] point, Ext2[] values) {}

  /**
   * The sumcheck of sum_x sum_j 2^-t_j f_j(x_{>=t_j}) g_j(x_{>=t_j}) over n variables: polynomial j
   * takes part with its own round messages from round t_j on; before, its share of a round is the
   * constant c_j 2^-(i+1), c_j = sum_y f_j(y) g_j(y), so that h(0) + h(1) is its share of the
   * claim, c_j 2^-i.
   */
  Reduction reduce(
      List<Committed> committed, List<List<EvalClaim>> claims, Ext2 rho, Transcript t) {
    int m = committed.size();
    int n = committed.getFirst().numVars();
    long[][] f = new long[m][];
    boolean[] base = new boolean[m];
    long[][] g = new long[m][];
    Ext2[][] h = new Ext2[m][];
    Ext2[] total = new Ext2[m];
    Ext2[] first = new Ext2[m];
    int[] joinsAt = new int[m];
    Ext2 rhoK = Ext2.ONE;
    for (int j = 0; j < m; j++) {
      // c_j from the claimed values (a false one fails the verifier's first round), so g_j is built
      // only when f_j joins, when the larger tables have shrunk to its size.
      first[j] = rhoK;
      total[j] = Ext2.ZERO;
      for (EvalClaim c : claims.get(j)) {
        total[j] = total[j].add(rhoK.mul(c.value()));
        rhoK = rhoK.mul(rho);
      }
      f[j] = committed.get(j).evals();
      base[j] = true;
      joinsAt[j] = n - committed.get(j).numVars();
    }
    List<Ext2[]> rounds = new ArrayList<>(n);
    Ext2[] r = new Ext2[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        if (joinsAt[j] == i) {
          g[j] = BasefoldProver.buildG(committed.get(j).numVars(), claims.get(j), rho, first[j]);
          h[j] = SumcheckFG.roundBase(f[j], g[j]);
        }
      }
      Ext2[] round = {Ext2.ZERO, Ext2.ZERO, Ext2.ZERO};
      for (int j = 0; j < m; j++) {
        Ext2 scale = Ext2.of(Goldilocks.pow(Basefold.INV2, i < joinsAt[j] ? i + 1 : joinsAt[j]));
        for (int e = 0; e < 3; e++) {
          round[e] = round[e].add((i < joinsAt[j] ? total[j] : h[j][e]).mul(scale));
        }
      }
      rounds.add(round);
      t.absorbExt("pcs/reduce-round", round);
      r[i] = t.challengeExt("pcs/reduce");
      for (int j = 0; j < m; j++) {
        if (i >= joinsAt[j]) {
          SumcheckFG.Folded next = SumcheckFG.foldAndRound(f[j], base[j], g[j], r[i]);
          f[j] = next.f();
          g[j] = next.g();
          h[j] = next.next();
          base[j] = false;
        }
      }
    }
    Ext2[] values = new Ext2[m];
    for (int j = 0; j < m; j++) {
      values[j] = base[j] ? Ext2.of(f[j][0]) : new Ext2(f[j][0], f[j][1]);
    }
    return new Reduction(rounds, r, values);
  }
}
