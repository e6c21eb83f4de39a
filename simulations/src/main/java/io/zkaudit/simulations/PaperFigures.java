package io.zkaudit.simulations;

import java.util.List;

/**
 * The seed paper's figures the scenarios are compared with: Kang, Hashimoto, Stoica, Sun, "Scaling
 * up Trustless DNN Inference with Zero-Knowledge Proofs" (2022), as quoted by the project's design
 * brief (ARCHITECTURE.md §5) and issue 17.
 */
public final class PaperFigures {
  private PaperFigures() {}

  /** One row of the paper's protocol cost table: a precision, the samples it needs, their cost. */
  public record Row(double level, int samples, double dollars) {}

  /** Detect 5% / 2.5% / 1% tampering: contested samples and their cost. */
  public static final List<Row> CONTESTS =
      List.of(new Row(0.05, 72, 11.99), new Row(0.025, 183, 30.48), new Row(0.01, 366, 60.96));

  /** Bound accuracy to ±5% / 2.5% / 1%: audit samples and their cost. */
  public static final List<Row> AUDITS =
      List.of(
          new Row(0.05, 600, 99.93), new Row(0.025, 2396, 399.08), new Row(0.01, 14979, 2494.90));

  /** The paper's cost per proof, "about $0.17"; every dollar figure above is samples × $0.1666. */
  public static final double DOLLARS_PER_PROOF = 0.17;

  public static java.util.Optional<Row> contestRow(double tamperFraction) {
    return CONTESTS.stream().filter(r -> Math.abs(r.level() - tamperFraction) < 1e-12).findFirst();
  }

  public static java.util.Optional<Row> auditRow(double epsilon) {
    return AUDITS.stream().filter(r -> Math.abs(r.level() - epsilon) < 1e-12).findFirst();
  }
}
