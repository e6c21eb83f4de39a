package io.zkaudit.prover.sumcheck;

import io.zkaudit.field.Ext2;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.sumcheck.MaskPolynomial;
import io.zkaudit.sumcheck.SumcheckVerifier;
import io.zkaudit.transcript.Transcript;

/**
 * What a sumcheck sends beyond f's own round polynomials: nothing ({@link None}), or Libra's mask
 * ({@link Libra}), wrapped around the plain rounds rather than threaded through them as a flag.
 */
sealed interface SumcheckMasking {

  /** The claim the transcript states, given f's true sum. */
  Ext2 statedClaim(Ext2 claim);

  /** Before round 0 (a mask absorbs its sum and draws its weight). */
  void begin(Transcript transcript);

  /** Round i's polynomial as sent, from f's own at 0, 2, ..., D. */
  Ext2[] sent(int round, Ext2[] message);

  /** After round i's challenge r. */
  void bind(int round, Ext2 r);

  /** The table evaluations as sent, from all of them. */
  Ext2[] sentEvaluations(Ext2[] evaluations);

  /** After the evaluations (a closed mask sends its value at the point). */
  void end(Ext2[] point, Transcript transcript);

  /** The plain sumcheck: f's rounds and evaluations as they are. */
  record None() implements SumcheckMasking {
    @Override
    public Ext2 statedClaim(Ext2 claim) {
      return claim;
    }

    @Override
    public void begin(Transcript transcript) {}

    @Override
    public Ext2[] sent(int round, Ext2[] message) {
      return message;
    }

    @Override
    public void bind(int round, Ext2 r) {}

    @Override
    public Ext2[] sentEvaluations(Ext2[] evaluations) {
      return evaluations;
    }

    @Override
    public void end(Ext2[] point, Transcript transcript) {}
  }

  /**
   * Another masking whose proof carries the values of the first {@code sent} tables only: the
   * others are public tables that the verifier evaluates itself at the end point.
   */
  record SentPrefix(SumcheckMasking inner, int sent) implements SumcheckMasking {
    @Override
    public Ext2 statedClaim(Ext2 claim) {
      return inner.statedClaim(claim);
    }

    @Override
    public void begin(Transcript transcript) {
      inner.begin(transcript);
    }

    @Override
    public Ext2[] sent(int round, Ext2[] message) {
      return inner.sent(round, message);
    }

    @Override
    public void bind(int round, Ext2 r) {
      inner.bind(round, r);
    }

    @Override
    public Ext2[] sentEvaluations(Ext2[] evaluations) {
      return java.util.Arrays.copyOf(inner.sentEvaluations(evaluations), sent);
    }

    @Override
    public void end(Ext2[] point, Transcript transcript) {
      inner.end(point, transcript);
    }
  }

  /**
   * Libra's zero-knowledge sumcheck (Xie et al., eprint 2019/317): the rounds are those of f + ρ g
   * + offset / 2^n for the committed mask g and the verifier's weight ρ, so that no round reveals
   * f's. A closed end sends g's value at the end point; an open end sends neither it nor table
   * {@code hiddenTable}'s evaluation (the caller's opening claim carries them; {@link
   * SumcheckVerifier#verifyMaskedOpenEnd}).
   */
  final class Libra implements SumcheckMasking {
    private static final Ext2 HALF = Ext2.of(Goldilocks.inv(2));

    private final MaskPolynomial mask;
    private final Ext2 offset;
    private final boolean openEnd;
    private final int hiddenTable;

    private Ext2 maskSum = Ext2.ZERO;
    private Ext2 maskWeight = Ext2.ZERO;
    private Ext2 maskEval = Ext2.ZERO;

    /** g's variables bound so far: sum of g_j(r_j) over the rounds before (MaskPolynomial). */
    private Ext2 bound = Ext2.ZERO;

    /** offset / 2^(i+1) in round i: the constant's round polynomial. */
    private Ext2 offsetShare;

    private Libra(MaskPolynomial mask, Ext2 offset, boolean openEnd, int hiddenTable) {
      this.mask = mask;
      this.offset = offset;
      this.openEnd = openEnd;
      this.hiddenTable = hiddenTable;
      this.offsetShare = offset;
    }

    /** The mask's value at the end point is sent. */
    static Libra closed(MaskPolynomial mask) {
      return new Libra(mask, Ext2.ZERO, false, -1);
    }

    /** Neither the mask's value nor table {@code hiddenTable}'s (-1: none) is sent. */
    static Libra openEnd(MaskPolynomial mask, Ext2 offset, int hiddenTable) {
      return new Libra(mask, offset, true, hiddenTable);
    }

    Ext2 maskSum() {
      return maskSum;
    }

    Ext2 maskWeight() {
      return maskWeight;
    }

    Ext2 maskEval() {
      return maskEval;
    }

    @Override
    public Ext2 statedClaim(Ext2 claim) {
      return claim.add(offset);
    }

    @Override
    public void begin(Transcript transcript) {
      maskSum = mask.sum();
      transcript.absorbExt(SumcheckVerifier.MASK_SUM, maskSum);
      maskWeight = transcript.challengeExt(SumcheckVerifier.MASK_WEIGHT);
    }

    @Override
    public Ext2[] sent(int round, Ext2[] message) {
      offsetShare = offsetShare.mul(HALF);
      Ext2[] sent = new Ext2[message.length];
      for (int m = 0; m < message.length; m++) {
        Ext2 x = Ext2.of(m == 0 ? 0 : m + 1);
        sent[m] = message[m].add(maskWeight.mul(mask.roundValue(round, bound, x))).add(offsetShare);
      }
      return sent;
    }

    @Override
    public void bind(int round, Ext2 r) {
      bound = bound.add(mask.univariate(round, r));
    }

    @Override
    public Ext2[] sentEvaluations(Ext2[] evaluations) {
      if (hiddenTable < 0) {
        return evaluations;
      }
      Ext2[] sent = new Ext2[evaluations.length - 1];
      for (int j = 0, k = 0; j < evaluations.length; j++) {
        if (j != hiddenTable) {
          sent[k++] = evaluations[j];
        }
      }
      return sent;
    }

    @Override
    public void end(Ext2[] point, Transcript transcript) {
      maskEval = mask.evaluate(point);
      if (!openEnd) {
        transcript.absorbExt(SumcheckVerifier.MASK_EVAL, maskEval);
      }
    }
  }
}
