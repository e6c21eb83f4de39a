package io.zkaudit.pcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.soundness.RoundError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The list-decoding calculator against figures computed by hand (docs/pcs.md, "v2"). */
class ListDecodingCandidateTest {
  private static final double LOG2_P = Math.log(18446744069414584321.0) / Math.log(2);

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  private static RoundError round(List<RoundError> rounds, String name) {
    return rounds.stream().filter(r -> r.round().equals(name)).findFirst().orElseThrow();
  }

  /** Rate 1/4, m = 3, 109 queries, 16 bits of grinding, challenges in F_p^4. */
  private static ListDecodingCandidate rateQuarterM3Ext4() {
    return new ListDecodingCandidate(new PcsParams(2, 4, 6, 109, 16), 3, 4);
  }

  @Test
  void proximityListSizeAndQueriesByHand() {
    ListDecodingCandidate c = rateQuarterM3Ext4();
    // θ = 1 − (1/2)(1 + 1/6) = 5/12; L = 3.5 / (1/2) = 7
    assertEquals(5.0 / 12, c.proximity(), 1e-15);
    assertEquals(7.0, c.listSize(), 1e-15);
    // each query: log2(12/7) = 0.77761; 109 of them + 16 = 100.76
    assertEquals(log2(12.0 / 7), c.bitsPerQuery(), 1e-12);
    assertEquals(100.759, c.queryBits(), 0.001);
    assertEquals(4 * LOG2_P, c.fieldBits(), 1e-9);
  }

  @Test
  void theFirstFoldOfMobileNetsLargestBinByHand() {
    // n = 25 at rate 1/4: N = 2^27, round 1 on |D_1| = 2^26, B_1 = 2.
    // 7 · max(3.5^6 / 0.75 · 2^52, 2 (2^27 + 1)) + 1 = 7 · 2451.0208 · 2^52 + 1 = 2^66.0665
    ListDecodingCandidate c = rateQuarterM3Ext4();
    double count = 7 * (Math.pow(3.5, 6) / 0.75) * Math.pow(2, 52) + 1;
    assertEquals(count, c.foldRoundCount(25, 1), count * 1e-12);
    assertEquals(66.0665, log2(count), 0.0001);
    assertEquals(4 * LOG2_P - 66.0665, c.worstFoldBits(25), 0.0001); // 189.93 bits
    // the same round over today's quadratic extension: 61.9 bits (docs/pcs.md: "about 2^−62")
    ListDecodingCandidate ext2 = new ListDecodingCandidate(new PcsParams(2, 4, 6, 109, 16), 3, 2);
    assertEquals(61.93, ext2.worstFoldBits(25), 0.01);
    // and over F_p^3: 125.9 bits
    ListDecodingCandidate ext3 = new ListDecodingCandidate(new PcsParams(2, 4, 6, 109, 16), 3, 3);
    assertEquals(125.93, ext3.worstFoldBits(25), 0.01);
  }

  @Test
  void theCommitPhaseSumIsAboutFourThirdsOfTheFirstRound() {
    // round i has |D_i| = 2^(27 − i): the counts fall by 4 each round, sum ≈ 4/3 of the first
    ListDecodingCandidate c = rateQuarterM3Ext4();
    assertEquals(16, c.shape().foldRounds(25));
    double sum = 0;
    for (int i = 1; i <= 16; i++) {
      sum += 7 * Math.pow(3.5, 6) / 0.75 * Math.pow(2, 2 * (27 - i)) + 1;
    }
    assertEquals(4 * LOG2_P - log2(sum), c.foldTotalBits(25), 1e-9);
    assertEquals(c.worstFoldBits(25) - log2(4.0 / 3), c.foldTotalBits(25), 0.001);
  }

  @Test
  void theWeightTermTakesOverOnlyOnTinyDomains() {
    // |D| = 4, B = 2^20: 3.5^6/0.75 · 16 = 39,216 < 2 (2^22 + 1) = 8,388,610
    assertEquals(
        7 * 2 * (Math.pow(2, 22) + 1),
        ListDecodingCandidate.weightedAgreementCount(0.25, 3, 2, 20),
        1e-6);
    // |D| = 2^10, B = 2: the decoding term, 7 · 2451.02 · 2^20
    assertEquals(
        7 * Math.pow(3.5, 6) / 0.75 * Math.pow(2, 20),
        ListDecodingCandidate.weightedAgreementCount(0.25, 3, 10, 1),
        1e-3);
  }

  @Test
  void roundsNameTheWeakestAndBatchOverTheList() {
    List<RoundError> r = rateQuarterM3Ext4().rounds("bins", 25, 5);
    // 5 claims: L (K − 1) = 28 bad challenges
    assertEquals(4 * LOG2_P - log2(28), round(r, "claim batching").bits(), 1e-9);
    assertEquals(100.759, round(r, "queries").bits(), 0.001);
    assertEquals(100.759, rateQuarterM3Ext4().provable(25, 5), 0.001);
    // over F_p^2 the folds, not the queries, are the weakest: their sum, 61.93 − log2(4/3)
    ListDecodingCandidate ext2 = new ListDecodingCandidate(new PcsParams(2, 4, 6, 109, 16), 3, 2);
    assertEquals(61.52, ext2.provable(25, 5), 0.01);
    assertEquals(ext2.foldTotalBits(25), ext2.provable(25, 5), 1e-12);
    // a polynomial too small to fold has claims and queries only
    List<RoundError> small = rateQuarterM3Ext4().rounds("small", 5, 1);
    assertEquals(1, small.size(), small.toString());
    assertThrows(IllegalArgumentException.class, () -> rateQuarterM3Ext4().rounds("x", 25, 0));
    assertThrows(IllegalArgumentException.class, () -> rateQuarterM3Ext4().foldRoundCount(25, 0));
    assertThrows(IllegalArgumentException.class, () -> rateQuarterM3Ext4().foldRoundCount(25, 17));
  }

  @Test
  void queriesForATargetByHand() {
    // rate 1/4, m = 64: log2(1 / (0.5 · 129/128)) = 0.98877 bits; (100 − 16)/0.98877 = 84.95 → 85
    assertEquals(85, ListDecodingCandidate.queriesFor(100, 2, 64, 16));
    // rate 1/16, m = 10, 24 bits: log2(1 / (0.25 · 1.05)) = 1.92961; 76/1.92961 = 39.39 → 40
    assertEquals(40, ListDecodingCandidate.queriesFor(100, 4, 10, 24));
    // the count it returns reaches the target and one fewer does not
    for (int logBlowup = 1; logBlowup <= 4; logBlowup++) {
      for (int m : new int[] {9, 10, 64}) {
        int q = ListDecodingCandidate.queriesFor(100, logBlowup, m, 16);
        assertTrue(
            new ListDecodingCandidate(new PcsParams(logBlowup, 4, 6, q, 16), m, 4).queryBits()
                >= 100);
        assertTrue(
            new ListDecodingCandidate(new PcsParams(logBlowup, 4, 6, q - 1, 16), m, 4).queryBits()
                < 100);
      }
    }
  }

  @Test
  void refusesWhatTheAnalysisDoesNotCover() {
    PcsParams quarter = new PcsParams(2, 4, 6, 100, 16);
    IllegalArgumentException smallM =
        assertThrows(
            IllegalArgumentException.class, () -> new ListDecodingCandidate(quarter, 2, 4));
    assertTrue(smallM.getMessage().contains("m >= 3"), smallM.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ListDecodingCandidate(quarter, 3, 5));
    assertThrows(IllegalArgumentException.class, () -> new ListDecodingCandidate(quarter, 3, 1));
    assertThrows(IllegalArgumentException.class, () -> new ListDecodingCandidate(null, 3, 4));
    // rate 1/2, m = 3: θ = 1 − 0.7071 · 7/6 = 0.175 < 0.25, the unique-decoding radius
    IllegalArgumentException belowUd =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ListDecodingCandidate(new PcsParams(1, 4, 6, 100, 16), 3, 4));
    assertTrue(belowUd.getMessage().contains("unique-decoding radius"), belowUd.getMessage());
    // rate 1/2 with m = 9 is just beyond it: 1 − 0.7071 · 19/18 = 0.2536
    assertEquals(
        0.2536,
        new ListDecodingCandidate(new PcsParams(1, 4, 6, 100, 16), 9, 4).proximity(),
        0.0001);
  }
}
