package io.zkaudit.inference;

import io.zkaudit.accuracy.ArgmaxLayout;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.model.ElementType;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.pcs.Recommit;
import io.zkaudit.zk.ZkRandom;
import java.util.List;

/**
 * What a {@link TestSetCommitment} commits to, and its recomputation from a {@link TestSetReveal}:
 * the buyer's builder ({@code io.zkaudit.prover.inference.TestSets}) commits these very columns,
 * and the seller checks a reveal against T with {@link #check} before proving.
 */
public final class TestSetOpening {
  private TestSetOpening() {}

  /**
   * The committed columns of a test set under a model's zero-knowledge circuit, every uniform entry
   * drawn from {@code random} in this order: each of the N' samples' input padding (sample b ≥ N a
   * copy of x_0's values), the label table's entries outside the box, the hiding entries.
   *
   * @throws IllegalArgumentException if an input or label is not one the model takes
   */
  public static List<long[]> columns(
      ModelCircuit zkCircuit, List<int[]> inputs, int[] labels, ZkRandom random) {
    AccuracyLayout accuracy = TestSetCommitment.accuracy(zkCircuit, inputs.size());
    checkValues(zkCircuit, accuracy, inputs, labels);
    Batch batch = accuracy.batch();
    TensorLayout in = InferenceStatement.inputLayout(zkCircuit);
    int size = in.paddedSize();
    long[] inputColumn = new long[size * batch.paddedSamples()];
    for (int b = 0; b < batch.paddedSamples(); b++) {
      long[] sample = in.place(inputs.get(b < inputs.size() ? b : 0));
      random.fill(sample, i -> !in.isReal(i));
      System.arraycopy(sample, 0, inputColumn, b * size, size);
    }
    ArgmaxLayout argmax = accuracy.argmax();
    long[] labelColumn = new long[argmax.size()];
    for (int b = 0; b < labels.length; b++) {
      labelColumn[argmax.index(b, labels[b])] = 1;
    }
    random.fill(labelColumn, i -> !argmax.isReal(i));
    long[] hiding = new long[1 << TestSetCommitment.HIDING_VARS];
    random.fill(hiding, i -> true);
    return List.of(inputColumn, labelColumn, hiding);
  }

  /**
   * The commitment a reveal makes under the model's key: equal to the buyer's T exactly when the
   * inputs, labels and seed are the committed ones (unless SHA-256 collides).
   *
   * @throws IllegalArgumentException if the reveal's inputs or labels are not the model's
   */
  public static TestSetCommitment commitment(VerifyingKey vk, TestSetReveal reveal) {
    ModelCircuit circuit = zkCircuit(vk);
    return new TestSetCommitment(
        reveal.samples(),
        Recommit.columns(
            InferenceStatement.pcsParams(),
            columns(circuit, reveal.inputs(), reveal.labels(), ZkRandom.ofSeed(reveal.seed()))));
  }

  /**
   * The seller's check of a reveal before proving: the reveal's inputs and labels are the model's
   * (each input of the input tensor's size and type, each label a class) and they, with the seed,
   * recompute T.
   *
   * @throws IllegalArgumentException with the reason, if the reveal does not open T
   */
  public static void check(VerifyingKey vk, TestSetCommitment t, TestSetReveal reveal) {
    if (reveal.samples() != t.samples()) {
      throw new IllegalArgumentException(
          "the reveal holds "
              + reveal.samples()
              + " samples, the test-set commitment "
              + t.samples());
    }
    TestSetCommitment recomputed = commitment(vk, reveal);
    if (!recomputed.equals(t)) {
      throw new IllegalArgumentException(
          "the reveal does not open the test-set commitment: its inputs, labels and seed commit to"
              + " test-set hash "
              + recomputed.digest()
              + ", not "
              + t.digest()
              + " (an input or a label changed after committing, or another seed)");
    }
  }

  static ModelCircuit zkCircuit(VerifyingKey vk) {
    try {
      return ModelCircuit.of(vk.description(), true);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the model cannot be proven: " + e.getMessage(), e);
    }
  }

  private static void checkValues(
      ModelCircuit circuit, AccuracyLayout accuracy, List<int[]> inputs, int[] labels) {
    if (labels.length != inputs.size()) {
      throw new IllegalArgumentException(
          labels.length + " labels for " + inputs.size() + " inputs");
    }
    TensorSpec spec = circuit.model().tensor(circuit.inputTensor());
    ElementType type = spec.type();
    for (int b = 0; b < inputs.size(); b++) {
      int[] x = inputs.get(b);
      if (x.length != spec.size()) {
        throw new IllegalArgumentException(
            "input "
                + b
                + " has "
                + x.length
                + " values, the model's "
                + spec.name()
                + " has "
                + spec.size());
      }
      for (int v : x) {
        if (v < type.min() || v > type.max()) {
          throw new IllegalArgumentException(
              "input " + b + " holds " + v + ", outside the model's input type " + type);
        }
      }
    }
    AccuracyLayout.requireLabels(labels, accuracy.argmax().classes());
  }
}
