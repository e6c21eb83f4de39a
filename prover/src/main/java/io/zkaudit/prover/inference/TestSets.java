package io.zkaudit.prover.inference;

import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.TestSetCommitment;
import io.zkaudit.inference.TestSetOpening;
import io.zkaudit.inference.TestSetReveal;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.prover.pcs.BasefoldProver;
import io.zkaudit.prover.pcs.Committed;
import io.zkaudit.zk.ZkRandom;
import java.security.SecureRandom;
import java.util.List;

/**
 * The buyer's and the seller's ends of a test-set commitment (docs/accuracy-proof.md, "The test-set
 * commitment as built"). The buyer commits its N labelled samples under the model's key ({@link
 * #commit}), publishes T and later hands the seller the {@link TestSetReveal}; the seller checks
 * the reveal against T and rebuilds the committed columns ({@link #open}), then proves with {@link
 * ModelProver#proveAccuracy(CommittedModel, CommittedTestSet, ProgressListener)}.
 */
public final class TestSets {
  private TestSets() {}

  /**
   * Commits N inputs and their labels (class indices of the model's output) with a fresh secret
   * seed: every padding and hiding entry of T is drawn from it, so T reveals nothing of the samples
   * before the reveal.
   *
   * @throws ProverException if an input or label is not the model's
   */
  public static CommittedTestSet commit(VerifyingKey vk, List<int[]> inputs, int[] labels) {
    byte[] seed = new byte[ZkRandom.SEED_BYTES];
    new SecureRandom().nextBytes(seed);
    return commit(vk, reveal(inputs, labels, seed));
  }

  /** The same with a given seed (reproducible: the same reveal gives the same T). */
  public static CommittedTestSet commit(VerifyingKey vk, TestSetReveal reveal) {
    ModelCircuit circuit;
    List<long[]> columns;
    try {
      circuit = ModelCircuit.of(vk.description(), true);
      columns =
          TestSetOpening.columns(
              circuit, reveal.inputs(), reveal.labels(), ZkRandom.ofSeed(reveal.seed()));
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ProverException("cannot commit this test set: " + e.getMessage());
    }
    Committed committed = new BasefoldProver(InferenceStatement.pcsParams()).commit(columns);
    return new CommittedTestSet(
        new TestSetCommitment(reveal.samples(), committed.commitment()),
        reveal,
        columns.get(TestSetCommitment.INPUT_COLUMN),
        columns.get(TestSetCommitment.LABEL_COLUMN),
        committed);
  }

  /**
   * The seller's end: the reveal's samples rebuilt and checked against the published T before any
   * proof. A reveal that does not open T (a label or input changed after committing, another seed,
   * another number of samples, values the model does not take) is refused with the reason.
   *
   * @throws ProverException if the reveal does not open T
   */
  public static CommittedTestSet open(
      VerifyingKey vk, TestSetCommitment testSet, TestSetReveal reveal) {
    if (reveal.samples() != testSet.samples()) {
      throw new ProverException(
          "the reveal holds "
              + reveal.samples()
              + " samples, the test-set commitment "
              + testSet.samples());
    }
    CommittedTestSet opened = commit(vk, reveal);
    if (!opened.commitment().equals(testSet)) {
      throw new ProverException(
          "the reveal does not open the test-set commitment: its inputs, labels and seed commit to"
              + " test-set hash "
              + opened.commitment().digest()
              + ", not "
              + testSet.digest()
              + " (an input or a label changed after committing, or another seed)");
    }
    return opened;
  }

  private static TestSetReveal reveal(List<int[]> inputs, int[] labels, byte[] seed) {
    try {
      return new TestSetReveal(inputs, labels, seed);
    } catch (IllegalArgumentException e) {
      throw new ProverException("cannot commit this test set: " + e.getMessage());
    }
  }
}
