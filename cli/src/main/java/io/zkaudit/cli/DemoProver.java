package io.zkaudit.cli;

import io.zkaudit.inference.ModelProof;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProgressListener;

/**
 * The demo seller's honest prover. The seller runs in the demo's own process, so while the buyer
 * waits for a single proof (a MobileNet proof takes a minute on 2 cores) the prover's phases can be
 * shown on stderr; during audits and retrievals the buyer's own progress bar is shown instead.
 */
final class DemoProver implements io.zkaudit.protocols.seller.AnswerProver {
  private volatile String showing;

  /** Draw the prover's phases with this label until {@link #quiet}. */
  void show(String label) {
    showing = label;
  }

  void quiet() {
    showing = null;
  }

  @Override
  public int[] output(CommittedModel model, int[] input) {
    return HONEST.output(model, input);
  }

  @Override
  public ModelProof prove(CommittedModel model, int[] input) {
    String label = showing;
    if (label == null) {
      return HONEST.prove(model, input);
    }
    try (PhaseBar bar = new PhaseBar(System.err, label)) {
      return ModelProver.prove(model, input, (ProgressListener) bar);
    }
  }
}
