package io.zkaudit.prover.inference;

import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.inference.ModelProof;
import java.util.List;
import java.util.function.Consumer;

/**
 * The soundness tests' cheating provers: the prover's own rounds ({@link ProofRun}) with the
 * instance changed between two of them. A cheater gets as far as it can: when its proof no longer
 * reduces to opening claims, it returns the proof without openings, which the verifier must still
 * reject.
 */
final class CheatingProver {
  private CheatingProver() {}

  /** A zero-knowledge proof whose witness {@code alter} changes after it is built. */
  static ModelProof alteringWitness(
      CommittedModel cm, int[] input, Consumer<InferenceWitness> alter) {
    return alteringWitness(cm, input, true, alter);
  }

  /**
   * A proof whose witness {@code alter} changes after it is built (lookup multiplicities keep their
   * honest values).
   */
  static ModelProof alteringWitness(
      CommittedModel cm, int[] input, boolean zk, Consumer<InferenceWitness> alter) {
    ProofRun run = new ProofRun(cm, publicInput(input), zk, ProgressListener.NONE);
    run.infer().witness();
    alter.accept(run.witness);
    return finish(run.bindPrivateInput().blind());
  }

  /**
   * A proof whose run {@code alter} changes after its witness is built: for cheaters that need the
   * circuit and the lookup statement to keep the witness consistent (their lookups recomputed).
   */
  static ModelProof alteringRun(
      CommittedModel cm, int[] input, boolean zk, Consumer<ProofRun> alter) {
    ProofRun run = new ProofRun(cm, publicInput(input), zk, ProgressListener.NONE);
    run.infer().witness();
    alter.accept(run);
    return finish(run.bindPrivateInput().blind());
  }

  /**
   * The input forgery of issue 13: computes and commits the witness of {@code actual} but states
   * {@code claimed} (the transcript holds claimed's hash, the reduction runs against claimed, and
   * the input evaluation sent is claimed's, so every check before the witness opening passes). The
   * verifier, given claimed, must reject.
   */
  static ModelProof claimingAnotherInput(
      CommittedModel cm, int[] actual, int[] claimed, boolean zk) {
    ProofRun run = new ProofRun(cm, publicInput(actual), zk, ProgressListener.NONE);
    run.infer().witness().bindPrivateInput().blind();
    run.statedInput = claimed;
    return finish(run);
  }

  /**
   * A proof about a committed input that may hold values outside the input's type: the model runs
   * without the engine's input check, and the range lookup's multiplicities count only the rows
   * that are in its table (an honest witness refuses such rows).
   */
  static ModelProof uncheckedInput(CommittedModel cm, CommittedInput input) {
    ProofRun.ProverInput.Private in = new ProofRun.ProverInput.Private(input);
    ProofRun run = new ProofRun(cm, in, true, ProgressListener.NONE);
    run.trace = new IntegerEngine(cm.model()).traceUnchecked(input.values());
    run.witness();
    run.inputShadow = run.privateInputShadow(in);
    InferenceWitness w = run.witness;
    List<long[][]> groups = w.rangeGroupsWithInput(run.circuit, run.inputShadow.column(0));
    // Multiplicities counting only the rows in the table: an honest witness refuses the others.
    w.lookups =
        List.of(
            w.lookups.get(0),
            WeightRangeProver.inTableOnly(run.statement.lookups().get(1), groups));
    return finish(run.blind());
  }

  /**
   * A batch proof whose run {@code alter} changes after the engine's runs (its traces: one per
   * sample of the padded batch) and before the witness is built.
   */
  static ModelProof batchAlteringTraces(
      CommittedModel cm, List<int[]> inputs, boolean zk, Consumer<ProofRun> alter) {
    ProofRun run =
        new ProofRun(cm, new ProofRun.ProverInput.Batch(inputs), zk, ProgressListener.NONE);
    run.infer();
    alter.accept(run);
    return finish(run.witness().blind());
  }

  /**
   * A batch proof whose run {@code alter} changes after its witness is built (the statement's
   * outputs are the witness's {@code output}, its inputs {@code statedInputs}).
   */
  static ModelProof batchAlteringRun(
      CommittedModel cm, List<int[]> inputs, boolean zk, Consumer<ProofRun> alter) {
    ProofRun run =
        new ProofRun(cm, new ProofRun.ProverInput.Batch(inputs), zk, ProgressListener.NONE);
    run.infer().witness().blind();
    alter.accept(run);
    return finish(run);
  }

  /**
   * An accuracy proof whose run is altered after the witness round and before the blinding (the
   * gadget's witness, the stated count or labels, the committed logits), every later round run as
   * an honest prover would on the altered instance.
   */
  static ModelProof accuracyAlteringRun(
      CommittedModel cm, List<int[]> inputs, int[] labels, boolean zk, Consumer<ProofRun> alter) {
    ProofRun run =
        new ProofRun(
            cm, new ProofRun.ProverInput.Accuracy(inputs, labels), zk, ProgressListener.NONE);
    run.infer().witness();
    alter.accept(run);
    run.blind();
    return finish(run);
  }

  private static ProofRun.ProverInput publicInput(int[] input) {
    return new ProofRun.ProverInput.Public(input);
  }

  static ModelProof finish(ProofRun run) {
    run.commit().proveLookups().proveLayers();
    try {
      return run.open();
    } catch (ProofRun.OwnProofRejected e) {
      return run.unopened();
    }
  }
}
