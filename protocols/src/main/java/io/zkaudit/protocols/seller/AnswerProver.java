package io.zkaudit.protocols.seller;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.prover.inference.CommittedInput;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.CommittedTestSet;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProgressListener;

/**
 * How the seller computes answers and proofs. The honest one runs the committed model; tests
 * substitute dishonest ones to show that buyers catch every way a seller can cheat.
 */
public interface AnswerProver {
  /** The output the seller states for an answer without proof (signed mode). */
  int[] output(CommittedModel model, int[] input);

  /** A proof that output = model(input); its output is what the seller states with it. */
  ModelProof prove(CommittedModel model, int[] input);

  /**
   * A proof about a committed input (retrieval over private items): output = model(the input behind
   * {@code input.commitment()}). Honest by default; tests override it to cheat.
   */
  default ModelProof proveCommitted(CommittedModel model, CommittedInput input) {
    return ModelProver.prove(model, input, ProgressListener.NONE);
  }

  /**
   * One zero-knowledge accuracy proof (an accuracy audit) about the buyer's test-set commitment:
   * the model predicts the committed label (a class index) of exactly the stated number of the
   * samples behind {@code testSet.commitment()}. Honest by default; tests override it to cheat.
   */
  default ModelProof proveAccuracy(
      CommittedModel model, CommittedTestSet testSet, ProgressListener progress) {
    return ModelProver.proveAccuracy(model, testSet, progress);
  }

  /**
   * A plain (not zero-knowledge) proof that output = model(input): what the on-chain verifier
   * checks today (a contest answered on chain, {@code ContestProofs.ON_CHAIN}). Honest by default;
   * tests override it to cheat.
   */
  default ModelProof provePlain(CommittedModel model, int[] input) {
    return ModelProver.prove(model, input, ProgressListener.NONE, false);
  }

  AnswerProver HONEST =
      new AnswerProver() {
        @Override
        public int[] output(CommittedModel model, int[] input) {
          // The proven tensor (the circuit's output, e.g. logits before a softmax), not the model's
          // last one.
          return new IntegerEngine(model.model())
              .trace(input)
              .tensor(model.circuit().outputTensor());
        }

        @Override
        public ModelProof prove(CommittedModel model, int[] input) {
          return ModelProver.prove(model, input, ProgressListener.NONE);
        }
      };
}
