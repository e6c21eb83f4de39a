package io.zkaudit.protocols;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.CommittedTestSet;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProgressListener;
import io.zkaudit.prover.inference.TestSets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sellers that cheat on an accuracy-proof audit, each with a real, honestly made proof about
 * another test-set commitment T' than the buyer's T (the revealed samples changed, fewer of them,
 * or the same ones under another seed): the buyer's and the attester's verifyAccuracy against T
 * must refuse every one.
 */
final class AccuracyCheats {
  private AccuracyCheats() {}

  private interface Cheat {
    ModelProof prove(CommittedModel m, List<int[]> inputs, int[] labels);
  }

  /** An honest proof about T' (a fresh commitment, the seller's own seed) to these samples. */
  private static ModelProof proveOn(CommittedModel m, List<int[]> inputs, int[] labels) {
    return ModelProver.proveAccuracy(
        m, TestSets.commit(m.vk(), inputs, labels), ProgressListener.NONE);
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
          CommittedModel model, CommittedTestSet testSet, ProgressListener progress) {
        return cheat.prove(model, testSet.reveal().inputs(), testSet.reveal().labels());
      }
    };
  }

  /**
   * Claims one more correct than the truth: the first sample the model gets wrong is proven with
   * the label the model predicts, so the proof is valid for its own T' and states correct + 1.
   */
  static final AnswerProver CLAIMS_ONE_MORE =
      cheating(
          (m, inputs, labels) -> {
            int[] moved = labels.clone();
            for (int b = 0; b < inputs.size(); b++) {
              int predicted = predicted(m, inputs.get(b));
              if (predicted != labels[b]) {
                moved[b] = predicted;
                return proveOn(m, inputs, moved);
              }
            }
            throw new IllegalStateException("the test set needs a sample the model gets wrong");
          });

  /** Proves only the first N - 1 samples (the last one left out). */
  static final AnswerProver PROVES_A_SUBSET =
      cheating(
          (m, inputs, labels) ->
              proveOn(
                  m,
                  inputs.subList(0, inputs.size() - 1),
                  java.util.Arrays.copyOf(labels, labels.length - 1)));

  /** Proves sample 0's input in place of the last sample's (an easier sample swapped in). */
  static final AnswerProver SWAPS_A_SAMPLE =
      cheating(
          (m, inputs, labels) -> {
            List<int[]> swapped = new ArrayList<>(inputs);
            swapped.set(inputs.size() - 1, inputs.get(0));
            int[] l = labels.clone();
            l[l.length - 1] = labels[0];
            return proveOn(m, swapped, l);
          });

  /** The very samples and labels, committed again under the seller's own seed: another T. */
  static final AnswerProver PROVES_ON_ANOTHER_T = cheating(AccuracyCheats::proveOn);

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
          CommittedModel model, CommittedTestSet testSet, ProgressListener progress) {
        started.incrementAndGet();
        return ModelProver.proveAccuracy(
            model,
            testSet,
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
          CommittedModel model, CommittedTestSet testSet, ProgressListener progress) {
        made.incrementAndGet();
        return ModelProver.proveAccuracy(model, testSet, progress);
      }
    };
  }

  private static int predicted(CommittedModel m, int[] input) {
    int[] out = new IntegerEngine(m.model()).trace(input).tensor(m.circuit().outputTensor());
    return AuditStatements.predictedClass(out, 0);
  }
}
