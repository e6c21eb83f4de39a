package io.zkaudit.prover.inference;

import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.lookup.LookupStatement;
import io.zkaudit.prover.model.QuantizedModel;
import java.util.List;

/**
 * Proves {@code output = model(input)}: runs the integer engine, builds the witness, commits it,
 * proves the lookups and the linear layers, and opens the commitments, as the named rounds of a
 * {@link ProofRun}. The claims it opens are computed by the verifier's own reduction of the proof,
 * so prover and verifier cannot disagree on them.
 */
public final class ModelProver {
  private ModelProver() {}

  /**
   * Commits to a model's weights (done once per model; the verifying key is its public commitment)
   * with fresh hiding randomness: each call gives another model commitment. A seller that must find
   * its commitment again (restarts, a verifying key given to buyers) uses {@link
   * #commit(QuantizedModel, byte[])}.
   */
  public static CommittedModel commit(QuantizedModel model) {
    return Commitments.model(model, null);
  }

  /**
   * Commits with the hiding randomness derived from the seller's secret hiding key and the model:
   * the same key and model give the same commitment ({@link Commitments#model}).
   */
  public static CommittedModel commit(QuantizedModel model, byte[] hidingKey) {
    return Commitments.model(model, hidingKey);
  }

  /**
   * The same at a rotation generation (0: the model's first commitment; see {@link
   * RotationLinks#rotate}): a fresh hiding tail for each generation.
   */
  public static CommittedModel commit(QuantizedModel model, byte[] hidingKey, int generation) {
    return Commitments.model(model, hidingKey, generation);
  }

  /**
   * Commits to an input apart from any proof, for proofs that keep it private ({@link
   * Commitments#input}).
   */
  public static CommittedInput commitInput(CommittedModel cm, int[] input, byte[] hidingKey) {
    return Commitments.input(cm, input, hidingKey);
  }

  /** A zero-knowledge proof (the default; see docs/zero-knowledge.md). */
  public static ModelProof prove(CommittedModel cm, int[] input, ProgressListener progress) {
    return prove(cm, input, progress, true);
  }

  /**
   * A proof with or without zero knowledge: without, the sumchecks are not masked and the witness
   * padding is zero, which is only for measuring what zero knowledge costs.
   */
  public static ModelProof prove(
      CommittedModel cm, int[] input, ProgressListener progress, boolean zeroKnowledge) {
    return new ProofRun(cm, new ProofRun.ProverInput.Public(input), zeroKnowledge, progress)
        .prove();
  }

  /**
   * One zero-knowledge proof that the model maps each of {@code inputs} to its output (a batch
   * proof, io.zkaudit.inference.Batch; docs/accuracy-proof.md): verified by {@link
   * io.zkaudit.inference.ModelVerifier#verifyBatch}, which returns the N outputs.
   */
  public static ModelProof proveBatch(
      CommittedModel cm, List<int[]> inputs, ProgressListener progress) {
    return proveBatch(cm, inputs, progress, true);
  }

  /** The same with or without zero knowledge. */
  public static ModelProof proveBatch(
      CommittedModel cm, List<int[]> inputs, ProgressListener progress, boolean zeroKnowledge) {
    return new ProofRun(cm, new ProofRun.ProverInput.Batch(inputs), zeroKnowledge, progress)
        .prove();
  }

  /**
   * One zero-knowledge accuracy proof (docs/accuracy-proof.md, "The accuracy proof as built"): the
   * model predicts {@code labels[b]} (a class index) for exactly the stated number of {@code
   * inputs}, argmax with the runtime's tie rule; the logits stay private. Verified by {@link
   * io.zkaudit.inference.ModelVerifier#verifyAccuracy}, which returns the count.
   */
  public static ModelProof proveAccuracy(
      CommittedModel cm, List<int[]> inputs, int[] labels, ProgressListener progress) {
    return proveAccuracy(cm, inputs, labels, progress, true);
  }

  /** The same with or without zero knowledge. */
  public static ModelProof proveAccuracy(
      CommittedModel cm,
      List<int[]> inputs,
      int[] labels,
      ProgressListener progress,
      boolean zeroKnowledge) {
    return new ProofRun(
            cm, new ProofRun.ProverInput.Accuracy(inputs, labels), zeroKnowledge, progress)
        .prove();
  }

  /**
   * One zero-knowledge accuracy proof about a buyer's test-set commitment T
   * (docs/accuracy-proof.md, "The test-set commitment as built"): the model predicts the label for
   * exactly the stated number of the N labelled samples behind T. The statement is (the key, T, N,
   * the count); the proof reveals nothing of the inputs, labels or logits. {@code testSet} is the
   * seller's, opened from the buyer's reveal and checked against T ({@link TestSets#open}).
   * Verified by {@link io.zkaudit.inference.ModelVerifier#verifyAccuracy(ModelProof,
   * io.zkaudit.inference.TestSetCommitment)}.
   */
  public static ModelProof proveAccuracy(
      CommittedModel cm, CommittedTestSet testSet, ProgressListener progress) {
    return new ProofRun(cm, new ProofRun.ProverInput.TestSet(testSet), true, progress).prove();
  }

  /**
   * A zero-knowledge proof about a committed input, which the proof does not reveal
   * (docs/zero-knowledge.md).
   */
  public static ModelProof prove(
      CommittedModel cm, CommittedInput input, ProgressListener progress) {
    return new ProofRun(cm, new ProofRun.ProverInput.Private(input), true, progress).prove();
  }

  /**
   * A proof whose output is committed, not stated (the body of a chained proof:
   * docs/model-proofs.md "Chained proofs"), and the opening of that output commitment, which the
   * head's prover takes as its private input ({@link #prove(CommittedModel, CommittedInput,
   * ProgressListener)} with {@code output.committed()}).
   */
  public record BodyProof(ModelProof proof, OutputOpening output) {}

  /**
   * A zero-knowledge proof that the output commitment it states holds model(input): verified by
   * {@link io.zkaudit.inference.ModelVerifier#verifyCommittedOutput}. The commitment's randomness
   * is fresh, the body prover's own.
   */
  public static BodyProof proveCommittedOutput(
      CommittedModel cm, int[] input, ProgressListener progress) {
    ProofRun run = new ProofRun(cm, new ProofRun.ProverInput.Public(input), true, progress, true);
    ModelProof proof = run.prove();
    return new BodyProof(proof, run.outputOpening);
  }

  /** The same about a private input (a middle link of a longer chain). */
  public static BodyProof proveCommittedOutput(
      CommittedModel cm, CommittedInput input, ProgressListener progress) {
    ProofRun run = new ProofRun(cm, new ProofRun.ProverInput.Private(input), true, progress, true);
    ModelProof proof = run.prove();
    return new BodyProof(proof, run.outputOpening);
  }

  /**
   * A witness commitment whose bins hold too few uniform entries would reveal linear functionals of
   * the witness through its opening (docs/zero-knowledge.md, "What still leaks"). The statement
   * widens thin bins (InferenceStatement.witnessBins), so at the default bound this is a guard of
   * that invariant: refused rather than proven with a leak, should a layout change break it.
   */
  static void refuseThinBins(ModelCircuit circuit, LookupStatement blinded) {
    refuseThinBins(circuit, blinded, InferenceStatement.MIN_RANDOM_ENTRIES_PER_BIN);
  }

  static void refuseThinBins(
      ModelCircuit circuit, LookupStatement blinded, io.zkaudit.inference.Batch batch) {
    refuseThinBins(circuit, blinded, InferenceStatement.MIN_RANDOM_ENTRIES_PER_BIN, batch);
  }

  static void refuseThinBins(ModelCircuit circuit, LookupStatement blinded, long minimum) {
    refuseThinBins(circuit, blinded, minimum, null);
  }

  static void refuseThinBins(
      ModelCircuit circuit,
      LookupStatement blinded,
      long minimum,
      io.zkaudit.inference.Batch batch) {
    refuseThinBins(circuit, blinded, minimum, batch, null);
  }

  static void refuseThinBins(
      ModelCircuit circuit,
      LookupStatement blinded,
      io.zkaudit.inference.Batch batch,
      io.zkaudit.inference.AccuracyLayout accuracy) {
    refuseThinBins(
        circuit, blinded, InferenceStatement.MIN_RANDOM_ENTRIES_PER_BIN, batch, accuracy);
  }

  static void refuseThinBins(
      ModelCircuit circuit,
      LookupStatement blinded,
      long minimum,
      io.zkaudit.inference.Batch batch,
      io.zkaudit.inference.AccuracyLayout accuracy) {
    long[] random =
        InferenceStatement.randomEntriesPerBin(
            circuit,
            blinded,
            InferenceStatement.witnessBins(circuit, blinded, true, batch, accuracy),
            batch,
            accuracy);
    for (int b = 0; b < random.length; b++) {
      if (random[b] < minimum) {
        throw new ProverException(
            "zero knowledge: witness commitment "
                + b
                + " would hold "
                + random[b]
                + " uniform entries, fewer than the "
                + minimum
                + " its opening needs to hide the witness (docs/zero-knowledge.md); prove this"
                + " model with --no-zk");
      }
    }
  }
}
