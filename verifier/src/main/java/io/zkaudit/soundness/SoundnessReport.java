package io.zkaudit.soundness;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The provable soundness of one kind of proof: every kind of round it has, with its error bound.
 * The proof's figure is the weakest round's (see the package documentation for why the minimum, not
 * a sum, is what a Fiat–Shamir attacker faces).
 */
public record SoundnessReport(String proof, List<RoundError> rounds) {
  public SoundnessReport {
    rounds = List.copyOf(rounds);
    if (rounds.isEmpty()) {
      throw new IllegalArgumentException("a proof has at least one round");
    }
  }

  /** −log2 of the largest round-by-round error. */
  public double bits() {
    return weakest().bits();
  }

  /** The round that sets the figure. */
  public RoundError weakest() {
    return rounds.stream().min(Comparator.comparingDouble(RoundError::bits)).orElseThrow();
  }

  /** The weakest round among those of one sub-protocol (matched by prefix), or null if none. */
  public RoundError weakest(String protocolPrefix) {
    return rounds.stream()
        .filter(r -> r.protocol().startsWith(protocolPrefix))
        .min(Comparator.comparingDouble(RoundError::bits))
        .orElse(null);
  }

  /**
   * This report and another's rounds (a proof made of two, e.g. a model proof and its key's range
   * proof).
   */
  public SoundnessReport with(List<RoundError> more) {
    List<RoundError> all = new ArrayList<>(rounds);
    all.addAll(more);
    return new SoundnessReport(proof, all);
  }

  /**
   * A markdown table of the rounds, weakest first within each sub-protocol's order of appearance.
   */
  public String table() {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "provable soundness of %s: %.1f bits (weakest: %s, %s)%n",
            proof,
            bits(),
            weakest().protocol(),
            weakest().round()));
    s.append("| sub-protocol | round | bits | bound |\n|---|---|---:|---|\n");
    for (RoundError r : rounds) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s |%n",
              r.protocol(),
              r.round(),
              Double.isInfinite(r.bits()) ? "∞" : String.format(Locale.ROOT, "%.1f", r.bits()),
              r.bound()));
    }
    return s.toString();
  }
}
