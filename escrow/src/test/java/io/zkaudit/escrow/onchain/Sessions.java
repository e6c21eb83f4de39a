package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.hash.Digest32;
import io.zkaudit.layers.ModelCircuit;
import java.math.BigInteger;
import java.util.List;

/**
 * A plain proof's layer steps in a session, from the checkpoint after its lookups: every proven
 * layer's rounding and reduction, as {@code LinearLayerStepTest} runs them (which checks each step
 * against Java; here only that each advances under the caps).
 */
final class Sessions {
  private Sessions() {}

  /**
   * The layers' steps: their gas table rows and total, the checkpoint after the last reduction and
   * the one before it (the last layer's rounding), the transactions sent (open and lookups
   * included).
   */
  record Run(
      String rows,
      long gas,
      OnChainProofSession.Checkpoint last,
      OnChainProofSession.Checkpoint beforeLast,
      int transactions) {}

  static Run layers(
      OnChainProofSession session,
      StatementBindingDifferentialTest.Fixture f,
      ModelCircuit circuit,
      LayerRoundingSessionTest.Opened o)
      throws Exception {
    return layers(session, f, circuit, o, null);
  }

  /**
   * The same, and with {@code javaSteps} (per step the claims Java's reduction chained, {@code
   * FinishSessionTest.stepItems}) every checkpoint checked against Java: the transcript state after
   * each rounding and reduction Java's, word for word, and the claims hash Java's claims chained.
   */
  static Run layers(
      OnChainProofSession session,
      StatementBindingDifferentialTest.Fixture f,
      ModelCircuit circuit,
      LayerRoundingSessionTest.Opened o,
      List<byte[]> javaSteps)
      throws Exception {
    List<byte[]> stepPlans = FinishEncoding.stepPlans(circuit);
    int layers = circuit.layers().size();
    LayerRoundingRowsTest.Items it = LayerRoundingRowsTest.items(f);
    List<byte[]> planHashes = LayerEncoding.layerPlanHashes(circuit, false);
    StringBuilder rows = new StringBuilder();
    rows.append(row("statement and input", o.open()));
    rows.append(row("lookups", o.lookups()));
    long gas = o.open().gasUsed() + o.lookups().gasUsed();
    int transactions = 2;
    OnChainProofSession.Outcome.Advanced step =
        advanced(
            session.rounding(
                o.id(),
                o.checkpoint(),
                o.plan(),
                o.statementClaims(),
                o.lookupsHash(),
                o.items(),
                LayerEncoding.rangeEvals(f.proof().rangeEvals(), 0),
                LinearLayerStepTest.output(f, o.plan())),
            "layer 0 rounding");
    java(f, javaSteps, stepPlans, 0, step);
    rows.append(row("layer 0: rounding", step));
    gas += step.gasUsed();
    transactions++;
    OnChainProofSession.Checkpoint beforeRounding = o.checkpoint();
    OnChainProofSession.Checkpoint rounded = step.checkpoint();
    for (int k = 0; k < layers; k++) {
      OnChainProofSession.Checkpoint c = step.checkpoint();
      rounded = c;
      Digest32 previous = beforeRounding.claimsHash();
      LinearLayerStepTest.Layer l = LinearLayerStepTest.layer(f, circuit, k);
      if (l == null) {
        LinearLayerStepTest.AddCase a = LinearLayerStepTest.addCase(f, circuit, k);
        step =
            advanced(
                session.addition(
                    o.id(),
                    c,
                    a.plan(),
                    planHashes,
                    previous,
                    a.roundingPlan(),
                    a.roundingItems(),
                    OnChainLinearLayerStep.addEval(a.s()),
                    it.lookupsHash(),
                    it.rowHashes(),
                    it.items()),
                "layer " + k + " ADD");
        rows.append(row("layer " + k + ": reduction (ADD)", step));
      } else {
        step =
            advanced(
                session.linear(
                    o.id(),
                    c,
                    l.plan(),
                    planHashes,
                    previous,
                    l.roundingPlan(),
                    l.roundingItems(),
                    l.proof()),
                "layer " + k);
        rows.append(row("layer " + k + ": reduction (" + l.spec().kind() + ")", step));
      }
      java(f, javaSteps, stepPlans, 2 * k + 1, step);
      gas += step.gasUsed();
      transactions++;
      if (k + 1 == layers) {
        break;
      }
      beforeRounding = step.checkpoint();
      List<BigInteger> plan = LayerEncoding.roundingPlan(circuit, k + 1);
      step =
          advanced(
              session.roundingAt(
                  o.id(),
                  beforeRounding,
                  plan,
                  it.lookupsHash(),
                  it.rowHashes(),
                  LayerEncoding.rowItems(it.items(), k + 1),
                  LayerEncoding.rangeEvals(f.proof().rangeEvals(), k + 1),
                  LinearLayerStepTest.output(f, plan)),
              "layer " + (k + 1) + " rounding");
      java(f, javaSteps, stepPlans, 2 * k + 2, step);
      rows.append(row("layer " + (k + 1) + ": rounding", step));
      gas += step.gasUsed();
      transactions++;
    }
    return new Run(rows.toString(), gas, step.checkpoint(), rounded, transactions);
  }

  /**
   * Layer step {@code i} (layer i / 2's rounding when even, its reduction when odd): Java's state
   * after it and Java's claims, chained from the statement's on as the steps chain them.
   */
  private static void java(
      StatementBindingDifferentialTest.Fixture f,
      List<byte[]> javaSteps,
      List<byte[]> stepPlans,
      int i,
      OnChainProofSession.Outcome.Advanced step)
      throws Exception {
    if (javaSteps == null) {
      return;
    }
    int k = i / 2;
    Digest32 state =
        i % 2 == 0
            ? io.zkaudit.inference.ModelLookupSections.rounding(
                    f.verifier(), f.proof(), f.input(), k)
                .transcript()
                .state()
            : io.zkaudit.inference.ModelLookupSections.layer(f.verifier(), f.proof(), f.input(), k)
                .transcript()
                .state();
    org.junit.jupiter.api.Assertions.assertEquals(state, step.checkpoint().state(), "step " + i);
    Digest32 acc = null;
    for (int s = 0; s < 3 + i; s++) {
      Digest32 h =
          new Digest32(
              FinishEncoding.chain(s < 2 ? new byte[32] : stepPlans.get(s - 2), javaSteps.get(s)));
      acc = s == 0 ? h : OnChainProofSession.chainClaims(acc, h);
    }
    org.junit.jupiter.api.Assertions.assertEquals(
        acc, step.checkpoint().claimsHash(), "step " + i + ": Java's claims");
  }

  private static OnChainProofSession.Outcome.Advanced advanced(
      OnChainProofSession.Outcome out, String where) {
    OnChainProofSession.Outcome.Advanced a =
        assertInstanceOf(OnChainProofSession.Outcome.Advanced.class, out, where);
    assertTrue(a.gasUsed() <= OnChainOpeningVerifier.TRANSACTION_GAS_CAP, where);
    assertTrue(a.calldataBytes() <= OnChainOpeningVerifier.TRANSACTION_SIZE_CAP, where);
    return a;
  }

  private static String row(String what, OnChainProofSession.Outcome.Advanced a) {
    return String.format("| %s | %,d | %,d |%n", what, a.calldataBytes(), a.gasUsed());
  }
}
