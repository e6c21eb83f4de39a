package io.zkaudit.lookup;

import io.zkaudit.field.Ext2;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.sumcheck.Composition;
import io.zkaudit.sumcheck.SumcheckProof;
import io.zkaudit.sumcheck.SumcheckResult;
import io.zkaudit.sumcheck.SumcheckVerifier;
import io.zkaudit.transcript.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Verifies a logUp-GKR proof (Haböck, eprint 2022/1530; Papini and Haböck, eprint 2023/1284): for
 * every lookup, {@code sum_g sum_{x < N_g} 1/(alpha - W_g(x)) = sum_y m(y)/(alpha - T(y))}, with W
 * = w_0 + beta w_1 + ... and T likewise, which (for alpha random after the commitments and the
 * field characteristic above the number of rows) holds only if every looked-up tuple is a table row
 * and m counts them.
 *
 * <p>The caller must have absorbed the commitments (or the public values) of the witness columns
 * and of the multiplicity columns into the transcript <b>before</b> calling this: alpha and beta
 * are drawn here, first.
 *
 * <p>Transcript: {@code logup/shape}, {@code logup/table-column} per table column; beta, alpha;
 * {@code logup/roots} (P, Q of every tree, {@link LogUpLayout#trees} order); then for each GKR
 * layer l = 1..maxVars: lambda, the layer's sumcheck (its own labels), rho; after the layer where a
 * tree reaches its leaves: for a witness tree, per group {@code logup/witness-evaluations} (and,
 * blinded, {@code logup/blinding-sum}); for a blinded table, {@code logup/blinding-tuple}.
 */
public final class LogUpVerifier {
  private LogUpVerifier() {}

  public static LookupClaims verify(
      LookupStatement statement, LogUpProof proof, Transcript transcript)
      throws InvalidProofException {
    return verify(statement, proof, transcript, null);
  }

  /**
   * Verifies a zero-knowledge proof when {@code masks} is not null: every GKR layer's sumcheck is
   * masked, and its mask value is recorded in the ledger (to be opened by the caller).
   */
  public static LookupClaims verify(
      LookupStatement statement,
      LogUpProof proof,
      Transcript transcript,
      io.zkaudit.zk.MaskLedger masks)
      throws InvalidProofException {
    List<LogUpLayout.Tree> trees = LogUpLayout.trees(statement);
    int maxN = LogUpLayout.maxVars(trees);
    LogUpBlinding blinding = statement.blinded() ? LogUpBlinding.of(statement) : null;
    checkShape(statement, proof, trees, maxN, masks != null, blinding);
    Ext2[] maskValues = proof.masks();
    Ext2[] rootP = proof.rootP();
    Ext2[] rootQ = proof.rootQ();

    LogUpLayout.absorbShape(statement, transcript);
    Ext2 beta = transcript.challengeExt(LogUpLayout.BETA);
    Ext2 alpha = transcript.challengeExt(LogUpLayout.ALPHA);
    Leaves leaves = new Leaves(statement, blinding, proof, alpha, beta, transcript);
    Ext2[] roots = new Ext2[2 * trees.size()];
    for (int i = 0; i < trees.size(); i++) {
      roots[2 * i] = rootP[i];
      roots[2 * i + 1] = rootQ[i];
    }
    transcript.absorbExt(LogUpLayout.ROOTS, roots);
    checkBalance(trees, rootP, rootQ);

    Ext2[] p = rootP.clone();
    Ext2[] q = rootQ.clone();
    Ext2[] point = new Ext2[0];
    for (int i = 0; i < trees.size(); i++) {
      if (trees.get(i).numVars() == 0) {
        leaves.check(trees.get(i), point, p[i], q[i]);
      }
    }
    for (int layer = 1; layer <= maxN; layer++) {
      List<Integer> active = new ArrayList<>();
      for (int i = 0; i < trees.size(); i++) {
        if (trees.get(i).numVars() >= layer) {
          active.add(i);
        }
      }
      List<LogUpLayout.Tree> activeTrees = active.stream().map(trees::get).toList();
      Ext2 lambda = transcript.challengeExt(LogUpLayout.LAMBDA);
      Composition comp = LogUpLayout.layerComposition(activeTrees, layer, lambda);
      Ext2[] ap = active.stream().map(i -> p[i]).toArray(Ext2[]::new);
      Ext2[] aq = active.stream().map(i -> q[i]).toArray(Ext2[]::new);
      Ext2 claim = LogUpLayout.layerClaim(ap, aq, lambda);
      SumcheckResult res;
      try {
        SumcheckProof layerProof = proof.layers().get(layer - 1);
        res =
            masks == null
                ? SumcheckVerifier.verify(comp, point, layer - 1, claim, layerProof, transcript)
                : masks.verify(
                    comp,
                    point,
                    layer - 1,
                    claim,
                    layerProof,
                    maskValues[2 * (layer - 1)],
                    maskValues[2 * (layer - 1) + 1],
                    transcript);
      } catch (InvalidProofException e) {
        throw new InvalidProofException("logup GKR layer " + layer + ": " + e.getMessage());
      }
      Ext2 rho = transcript.challengeExt(LogUpLayout.RHO);
      Ext2[] e = res.evaluations();
      LogUpLayout.bindSibling(active, activeTrees, layer, e, rho, p, q);
      point = Arrays.copyOf(res.point(), layer);
      point[layer - 1] = rho;
      for (int i : active) {
        if (trees.get(i).numVars() == layer) {
          leaves.check(trees.get(i), point, p[i], q[i]);
        }
      }
    }
    return leaves.claims();
  }

  /** The proof's lists have the lengths the statement fixes. */
  private static void checkShape(
      LookupStatement statement,
      LogUpProof proof,
      List<LogUpLayout.Tree> trees,
      int maxN,
      boolean masked,
      LogUpBlinding blinding)
      throws InvalidProofException {
    InvalidProofException.check(
        proof.masks().length == (masked ? 2 * maxN : 0),
        "logup: " + proof.masks().length + " mask values, expected " + (masked ? 2 * maxN : 0));
    InvalidProofException.check(
        proof.rootP().length == trees.size(),
        "logup: " + proof.rootP().length + " roots, expected " + trees.size());
    InvalidProofException.check(
        proof.layers().size() == maxN,
        "logup: " + proof.layers().size() + " GKR layers, expected " + maxN);
    int groups = statement.lookups().stream().mapToInt(lk -> lk.groups().size()).sum();
    InvalidProofException.check(
        proof.witnessEvaluations().length == groups,
        "logup: "
            + proof.witnessEvaluations().length
            + " witness evaluation lists, expected "
            + groups);
    InvalidProofException.check(
        proof.blindingSums().length == (blinding == null ? 0 : groups),
        "logup: "
            + proof.blindingSums().length
            + " blinding sums, expected "
            + (blinding == null ? 0 : groups));
    InvalidProofException.check(
        proof.blindingTuples().length == (blinding == null ? 0 : statement.lookups().size()),
        "logup: "
            + proof.blindingTuples().length
            + " blinding tuples, expected "
            + (blinding == null ? 0 : statement.lookups().size()));
  }

  /**
   * The fraction sums balance, lookup by lookup: the sum of the witness trees' root fractions is
   * the table tree's. Every root's denominator must be nonzero (a zero one would be a pole).
   */
  private static void checkBalance(List<LogUpLayout.Tree> trees, Ext2[] rootP, Ext2[] rootQ)
      throws InvalidProofException {
    int lookups = trees.isEmpty() ? 0 : trees.getLast().lookup() + 1;
    Ext2[] table = new Ext2[lookups];
    Ext2[] witness = new Ext2[lookups];
    java.util.Arrays.fill(witness, Ext2.ZERO);
    for (int i = 0; i < trees.size(); i++) {
      int l = trees.get(i).lookup();
      InvalidProofException.check(
          !rootQ[i].isZero(), "logup: lookup " + l + " has a zero denominator");
      Ext2 fraction = rootP[i].mul(rootQ[i].inv());
      switch (trees.get(i)) {
        case LogUpLayout.TableTree t -> table[l] = fraction;
        case LogUpLayout.WitnessTree w -> witness[l] = witness[l].add(fraction);
      }
    }
    for (int l = 0; l < lookups; l++) {
      InvalidProofException.check(
          witness[l].sub(table[l]).isZero(),
          "logup: lookup " + l + ": the witness fractions do not sum to the table fractions");
    }
  }

  /** The leaf checks of every tree, and the claims they leave (the caller's obligations). */
  private static final class Leaves {
    private final LookupStatement st;
    private final LogUpBlinding blinding;
    // The proof's per-leaf lists, copied once (the accessors copy on every call).
    private final Ext2[][] witnessEvaluations;
    private final Ext2[] blindingSumValues;
    private final Ext2[][] blindingTupleValues;
    private final Ext2 alpha;
    private final Ext2 beta;
    private final Transcript transcript;

    /**
     * Per lookup, the ordinal of its first group among all groups (the proof's per-group lists).
     */
    private final int[] firstGroup;

    private final LookupClaims.EvaluationClaim[] multiplicities;
    private final LookupClaims.WitnessClaim[][] witnesses;
    private final List<LookupClaims.BlindingClaim> blindingSums = new ArrayList<>();
    private final LookupClaims.WitnessClaim[] blindingTuples;

    Leaves(
        LookupStatement st,
        LogUpBlinding blinding,
        LogUpProof proof,
        Ext2 alpha,
        Ext2 beta,
        Transcript transcript) {
      this.st = st;
      this.blinding = blinding;
      this.witnessEvaluations = proof.witnessEvaluations();
      this.blindingSumValues = proof.blindingSums();
      this.blindingTupleValues = proof.blindingTuples();
      this.alpha = alpha;
      this.beta = beta;
      this.transcript = transcript;
      int lookups = st.lookups().size();
      firstGroup = new int[lookups];
      multiplicities = new LookupClaims.EvaluationClaim[lookups];
      witnesses = new LookupClaims.WitnessClaim[lookups][];
      for (int l = 0, g = 0; l < lookups; l++) {
        firstGroup[l] = g;
        witnesses[l] = new LookupClaims.WitnessClaim[st.lookups().get(l).groups().size()];
        g += witnesses[l].length;
      }
      blindingTuples = new LookupClaims.WitnessClaim[lookups];
    }

    void check(LogUpLayout.Tree tree, Ext2[] point, Ext2 p, Ext2 q) throws InvalidProofException {
      switch (tree) {
        case LogUpLayout.TableTree t -> table(t, point, p, q);
        case LogUpLayout.WitnessTree w -> witnessTree(w, point, p, q);
      }
    }

    private void table(LogUpLayout.TableTree in, Ext2[] point, Ext2 p, Ext2 q)
        throws InvalidProofException {
      LookupTable table = st.lookups().get(in.lookup()).table();
      Ext2 expected;
      if (blinding == null) {
        expected = alpha.sub(table.evaluateCompressed(beta, point));
      } else {
        // Top variable b: the table at b = 0, the blinding half (u', tagged) at b = 1.
        Ext2 b = point[point.length - 1];
        Ext2[] rest = java.util.Arrays.copyOf(point, point.length - 1);
        Ext2[] u = blindingTupleValues[in.lookup()];
        InvalidProofException.check(
            u.length == table.width(),
            "logup: lookup "
                + in.lookup()
                + " has "
                + u.length
                + " blinding tuple values, expected "
                + table.width());
        transcript.absorbExt(LogUpLayout.BLINDING_TUPLE, u);
        // u' is committed over its used slots only and read zero-extended to the table's size.
        int tupleVars = blinding.tupleVars(in.lookup());
        Ext2 tagged =
            LogUpLayout.compress(beta, u)
                .mul(blinding.tupleExtension(in.lookup(), rest))
                .add(beta.pow(table.width()));
        expected =
            Ext2.ONE
                .sub(b)
                .mul(alpha.sub(table.evaluateCompressed(beta, rest)))
                .add(b.mul(alpha.sub(tagged)));
        blindingTuples[in.lookup()] =
            new LookupClaims.WitnessClaim(java.util.Arrays.copyOf(rest, tupleVars), u);
      }
      InvalidProofException.check(
          q.equals(expected),
          "logup: lookup "
              + in.lookup()
              + ": the table's leaf denominator does not match the table");
      multiplicities[in.lookup()] = new LookupClaims.EvaluationClaim(point, p);
    }

    /**
     * The witness tree's leaf MLE at the point, from each group's values at its prefix of the point
     * weighted by its sub-cube's eq(b_g, r_high), and the unused leaves' (p = 0, q = 1).
     */
    private void witnessTree(LogUpLayout.WitnessTree tree, Ext2[] point, Ext2 p, Ext2 q)
        throws InvalidProofException {
      Ext2 numerators = Ext2.ZERO;
      Ext2 denominators = Ext2.ZERO;
      Ext2 used = Ext2.ZERO;
      for (LogUpLayout.Placement placement : tree.placements()) {
        Ext2[] leaf = group(tree, placement, placement.localPoint(point));
        Ext2 weight = placement.weight(point);
        numerators = numerators.add(weight.mul(leaf[0]));
        denominators = denominators.add(weight.mul(leaf[1]));
        used = used.add(weight);
      }
      denominators = denominators.add(Ext2.ONE.sub(used));
      InvalidProofException.check(
          p.equals(numerators),
          "logup: lookup "
              + tree.lookup()
              + ": the witness tree's leaf numerators are not the groups' active-row selectors (and"
              + " 0 on unused leaves)");
      InvalidProofException.check(
          q.equals(denominators),
          "logup: lookup "
              + tree.lookup()
              + ": the witness tree's leaf denominators do not match the witness evaluations");
    }

    /**
     * One group's leaf numerator and denominator at its own point, from the values the proof sends.
     */
    private Ext2[] group(
        LogUpLayout.WitnessTree tree, LogUpLayout.Placement placement, Ext2[] point)
        throws InvalidProofException {
      int lookup = tree.lookup();
      int g = placement.group();
      int ordinal = firstGroup[lookup] + g;
      Ext2[] values = witnessEvaluations[ordinal];
      InvalidProofException.check(
          values.length == tree.width(),
          "logup: witness group "
              + ordinal
              + " has "
              + values.length
              + " evaluations, expected "
              + tree.width());
      transcript.absorbExt(LogUpLayout.WITNESS, values);
      Ext2 numerator = placement.shape().selector(point);
      Ext2 denominator = alpha.sub(LogUpLayout.compress(beta, values));
      if (blinding != null) {
        Ext2 sum = blindingSumValues[ordinal];
        transcript.absorbExt(LogUpLayout.BLINDING_SUM, sum);
        if (blinding.rows(lookup, g).length == 0) {
          InvalidProofException.check(
              sum.isZero(), "logup: witness group " + ordinal + " has no blinding rows");
        } else {
          numerator = numerator.add(sum);
          denominator = denominator.sub(blinding.tag(lookup, g, point).mul(beta.pow(tree.width())));
          blindingSums.add(new LookupClaims.BlindingClaim(lookup, g, point, sum));
        }
      }
      witnesses[lookup][g] = new LookupClaims.WitnessClaim(point, values);
      return new Ext2[] {numerator, denominator};
    }

    LookupClaims claims() {
      return new LookupClaims(
          List.of(multiplicities),
          Arrays.stream(witnesses).map(List::of).toList(),
          blindingSums,
          blinding == null ? List.of() : List.of(blindingTuples));
    }
  }
}
