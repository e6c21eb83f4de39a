package io.zkaudit.soundness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.lookup.LogUpSoundness;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.lookup.LookupStatement.Group;
import io.zkaudit.lookup.LookupStatement.Lookup;
import io.zkaudit.lookup.LookupTable;
import io.zkaudit.pcs.PcsParams;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The calculator against figures computed by hand (docs/soundness.md has the derivations). */
class SoundnessCalculatorTest {
  private static final double LOG2_P2 = 2 * Math.log(18446744069414584321.0) / Math.log(2);

  private static RoundError round(List<RoundError> rounds, String name) {
    return rounds.stream().filter(r -> r.round().equals(name)).findFirst().orElse(null);
  }

  @Test
  void theChallengeFieldIsTheQuadraticExtensionOfGoldilocks() {
    assertEquals(128.0, ChallengeField.BITS, 1e-6);
    assertTrue(ChallengeField.BITS < 128);
    assertEquals(ChallengeField.BITS - 3, ChallengeField.bitsAgainst(8), 1e-12);
    assertEquals(Double.POSITIVE_INFINITY, ChallengeField.bitsAgainst(0));
    assertThrows(IllegalArgumentException.class, () -> ChallengeField.bitsAgainst(-1));
  }

  @Test
  void anOpeningAtTheShippedParametersByHand() {
    // rate 1/4, 124 queries, 16 bits of grinding, 2^24 coefficients, 2 claims
    List<RoundError> r = PcsParams.provable100().rounds("opening", 24, 2);
    // queries: 124 * log2(8/5) + 16 = 124 * 0.678072 + 16 = 100.08
    assertEquals(100.08, round(r, "queries").bits(), 0.005);
    // folding: N = 2^26 codeword entries, (N + 1)/|F|
    assertEquals(LOG2_P2 - 26.0, round(r, "each folding round").bits(), 1e-6);
    // sumcheck of f * g: degree 2
    assertEquals(LOG2_P2 - 1, round(r, "each sumcheck round").bits(), 1e-9);
    // two claims batched by one challenge: 1/|F|
    assertEquals(LOG2_P2, round(r, "claim batching").bits(), 1e-9);
    // the conjectured set, graded by the same proven analysis: 42 * 0.678 + 16 = 44.48
    assertEquals(
        44.48, round(PcsParams.conjectured100().rounds("opening", 24, 2), "queries").bits(), 0.005);
  }

  @Test
  void aPolynomialTooSmallToFoldHasOnlyItsQueriesAndOneClaimNeedsNoBatching() {
    List<RoundError> r = PcsParams.provable100().rounds("small", 5, 1);
    assertEquals(1, r.size(), r.toString());
    assertEquals("queries", r.get(0).round());
    assertThrows(
        IllegalArgumentException.class, () -> PcsParams.provable100().rounds("none", 5, 0));
  }

  @Test
  void theLogUpIdentityByHand() {
    long[] col = new long[1 << 16];
    LookupTable wide = LookupTable.ofColumns(col, col, col, col);
    LookupStatement st =
        LookupStatement.of(
            Lookup.of(wide, Group.full(20)),
            Lookup.of(LookupTable.range(16), Group.full(18), Group.full(18)));
    List<RoundError> r = LogUpSoundness.rounds(st, List.of("wide", "range"));
    // lookup 0: |U| <= 2^20 + 2^16, width 4: 2 * (2^20 + 2^16) * 3 bad (alpha, beta) at most
    assertEquals(
        LOG2_P2 - Math.log(2.0 * ((1 << 20) + (1 << 16)) * 3) / Math.log(2), r.get(0).bits(), 1e-9);
    assertEquals(105.33, r.get(0).bits(), 0.01);
    // lookup 1: width 1 counts as 1: 2 * (2^18 + 2^18 + 2^16)
    assertEquals(
        LOG2_P2 - Math.log(2.0 * ((1 << 19) + (1 << 16))) / Math.log(2), r.get(1).bits(), 1e-9);
    // lambda folds 2 * 4 tree claims (2 tables, 2 witness trees: lookup 1's groups share one):
    // degree 7
    assertEquals(LOG2_P2 - Math.log(7) / Math.log(2), round(r, "λ, each layer").bits(), 1e-9);
    assertThrows(
        IllegalArgumentException.class, () -> LogUpSoundness.rounds(st, List.of("one name")));
    // blinding doubles each table's tree: more entries, fewer bits
    assertTrue(
        LogUpSoundness.rounds(st.withBlinding(), List.of("wide", "range")).get(0).bits()
            < r.get(0).bits());
  }

  @Test
  void aReportIsItsWeakestRound() {
    SoundnessReport s =
        new SoundnessReport(
            "a proof",
            List.of(
                new RoundError("a", "x", 120, "formula a"),
                new RoundError("b", "y", 101.5, "formula b"),
                new RoundError("b", "z", 110, "formula c")));
    assertEquals(101.5, s.bits());
    assertEquals("y", s.weakest().round());
    assertEquals(120, s.weakest("a").bits());
    assertNull(s.weakest("c"));
    assertEquals(99, s.with(List.of(new RoundError("c", "w", 99, "f"))).bits());
    assertTrue(
        s.table().startsWith("provable soundness of a proof: 101.5 bits (weakest: b, y)"),
        s.table());
    assertTrue(s.table().contains("| b | y | 101.5 | formula b |"), s.table());
    assertThrows(IllegalArgumentException.class, () -> new SoundnessReport("empty", List.of()));
    assertThrows(IllegalArgumentException.class, () -> new RoundError("a", "x", Double.NaN, "f"));
    assertThrows(IllegalArgumentException.class, () -> new RoundError("a", "x", 0, "f"));
  }
}
