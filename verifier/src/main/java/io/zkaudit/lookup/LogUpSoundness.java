package io.zkaudit.lookup;

import io.zkaudit.soundness.RoundError;
import java.util.ArrayList;
import java.util.List;

/**
 * The round-by-round errors of a logUp-GKR proof ({@link LogUpVerifier}); docs/soundness.md derives
 * them.
 *
 * <p><b>β, α (one round: no prover message between them).</b> For lookup l, let U be the distinct
 * tuples among its witness rows and table rows. With c(u) = u_0 + β u_1 + ... the rational function
 * Σ_rows 1/(α − c(w)) − Σ_y m(y)/(α − c(t_y)) in (α, β) is a sum over U of (count in the witness −
 * multiplicity)/(α − c(u)); the linear forms α − c(u) are distinct for distinct u, so it vanishes
 * identically only if every looked-up tuple is a table row counted by m. Otherwise its numerator
 * over the common denominator Π_U (α − c(u)) is a nonzero polynomial of total degree < |U| · max(1,
 * w − 1), and a bad (α, β) is a root of it or of the denominator: probability ≤ 2 |U| max(1, w −
 * 1)/|F| (Schwartz–Zippel), with |U| ≤ rows + table size.
 *
 * <p><b>Each GKR layer.</b> λ folds the layer's 2·(trees) claims into one: a nonzero polynomial of
 * degree ≤ 2·trees − 1 in λ, with per lookup its table's tree and one to three of its witness
 * side's ({@link LogUpLayout#trees}). Its sumcheck rounds are counted with every sumcheck's (degree
 * ≤ 8). ρ moves the two halves' claims to one point on the line through them: degree 1.
 *
 * <p><b>The leaves.</b> No challenge: the verifier computes the witness tree's leaf MLE at the
 * GKR's last point exactly, from each group's values at its prefix of that point (claims the caller
 * opens) and the public layout (unused leaves p = 0, q = 1). The unused leaves add 0/1 to the
 * rational function, no tuple: |U| counts the groups' rows and the table's entries as before.
 */
public final class LogUpSoundness {
  private LogUpSoundness() {}

  public static List<RoundError> rounds(LookupStatement statement, List<String> lookupNames) {
    if (lookupNames.size() != statement.lookups().size()) {
      throw new IllegalArgumentException(
          lookupNames.size() + " names for " + statement.lookups().size() + " lookups");
    }
    List<LogUpLayout.Tree> trees = LogUpLayout.trees(statement);
    List<RoundError> out = new ArrayList<>();
    for (int l = 0; l < statement.lookups().size(); l++) {
      double rows = 0;
      int width = statement.lookups().get(l).table().width();
      for (LogUpLayout.Tree t : trees) {
        if (t.lookup() != l) {
          continue;
        }
        switch (t) {
          case LogUpLayout.TableTree table -> rows += Math.pow(2, table.numVars());
          case LogUpLayout.WitnessTree w -> {
            for (LogUpLayout.Placement p : w.placements()) {
              rows += Math.pow(2, p.numVars());
            }
          }
        }
      }
      double count = 2 * rows * Math.max(1, width - 1);
      out.add(
          RoundError.algebraic(
              "lookup " + l + " (" + lookupNames.get(l) + ")",
              "β, α: the logUp identity",
              count,
              String.format(
                  java.util.Locale.ROOT,
                  "2 |U| max(1, w − 1)/|F|, |U| ≤ 2^%.2f rows and table entries, w = %d",
                  Math.log(rows) / Math.log(2),
                  width)));
    }
    out.add(
        RoundError.algebraic(
            "lookups (GKR)",
            "λ, each layer",
            2.0 * trees.size() - 1,
            "(2·trees − 1)/|F|, " + trees.size() + " fraction trees"));
    out.add(RoundError.algebraic("lookups (GKR)", "ρ, each layer", 1, "1/|F| (a line)"));
    return out;
  }
}
