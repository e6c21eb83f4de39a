package io.zkaudit.protocols;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sellers that cheat on an accuracy-proof audit, each with a real, honestly made proof about
 * something other than the revealed test set: the buyer's and the attester's verifyAccuracy against
 * the committed inputs and labels must refuse every one.
 */
final class AccuracyCheats {
  private AccuracyCheats() {}

  private interface Cheat {
    ModelProof prove(CommittedModel m, List<int[]> inputs, int[] labels);
  }

  private static AnswerProver cheating(Cheat cheat) {
    return new AnswerProver() {
      @Override
      public int[] output(CommittedModel model, int[] input) {
        return HONEST.output(model, input);
      }

      @Override
      public ModelProof prove(CommittedModel model, int[] input) {
        return HONEST.prove(model, input);
      }

      @Override
      public ModelProof proveAccuracy(
          CommittedModel model, List<int[]> inputs, int[] labels, ProgressListener progress) {
        return cheat.prove(model, inputs, labels);
      }
    };
  }

  /**
   * Claims one more correct than the truth: the first sample the model gets wrong is proven with
   * the label the model predicts, so the proof is valid for its own labels and states correct + 1.
   */
  static final AnswerProver CLAIMS_ONE_MORE =
      cheating(
          (m, inputs, labels) -> {
            int[] moved = labels.clone();
            for (int b = 0; b < inputs.size(); b++) {
              int predicted = predicted(m, inputs.get(b));
              if (predicted != labels[b]) {
                moved[b] = predicted;
                return ModelProver.proveAccuracy(m, inputs, moved, ProgressListener.NONE);
              }
            }
            throw new IllegalStateException("the test set needs a sample the model gets wrong");
          });

  /** Proves only the first N - 1 samples (the last one left out). */
  static final AnswerProver PROVES_A_SUBSET =
      cheating(
          (m, inputs, labels) ->
              ModelProver.proveAccuracy(
                  m,
                  inputs.subList(0, inputs.size() - 1),
                  java.util.Arrays.copyOf(labels, labels.length - 1),
                  ProgressListener.NONE));

  /** Proves sample 0's input in place of the last sample's (an easier sample swapped in). */
  static final AnswerProver SWAPS_A_SAMPLE =
      cheating(
          (m, inputs, labels) -> {
            List<int[]> swapped = new ArrayList<>(inputs);
            swapped.set(inputs.size() - 1, inputs.get(0));
            int[] l = labels.clone();
            l[l.length - 1] = labels[0];
            return ModelProver.proveAccuracy(m, swapped, l, ProgressListener.NONE);
          });

  /**
   * Killed mid-proof: the honest prover runs until its first progress report and the process dies
   * there (the proof is lost); counts the accuracy proofs started in {@code started}.
   */
  static AnswerProver diesMidProof(AtomicInteger started) {
    return new AnswerProver() {
      @Override
      public int[] output(CommittedModel model, int[] input) {
        return HONEST.output(model, input);
      }

      @Override
      public ModelProof prove(CommittedModel model, int[] input) {
        return HONEST.prove(model, input);
      }

      @Override
      public ModelProof proveAccuracy(
          CommittedModel model, List<int[]> inputs, int[] labels, ProgressListener progress) {
        started.incrementAndGet();
        return ModelProver.proveAccuracy(
            model,
            inputs,
            labels,
            (phase, done, total) -> {
              throw new IllegalStateException("killed in " + phase);
            });
      }
    };
  }

  /** The honest prover, counting the accuracy proofs it makes. */
  static AnswerProver counting(AtomicInteger made) {
    return new AnswerProver() {
      @Override
      public int[] output(CommittedModel model, int[] input) {
        return HONEST.output(model, input);
      }

      @Override
      public ModelProof prove(CommittedModel model, int[] input) {
        return HONEST.prove(model, input);
      }

      @Override
      public ModelProof proveAccuracy(
          CommittedModel model, List<int[]> inputs, int[] labels, ProgressListener progress) {
        made.incrementAndGet();
        return ModelProver.proveAccuracy(model, inputs, labels, progress);
      }
    };
  }

  private static int predicted(CommittedModel m, int[] input) {
    int[] out = new IntegerEngine(m.model()).trace(input).tensor(m.circuit().outputTensor());
    return AuditStatements.predictedClass(out, 0);
  }
}
