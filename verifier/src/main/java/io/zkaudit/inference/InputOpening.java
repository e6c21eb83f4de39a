package io.zkaudit.inference;

import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.layers.TensorLayout;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.pcs.Recommit;
import io.zkaudit.zk.ZkRandom;
import java.util.List;

/**
 * What an input commitment ({@link InputCommitment}) commits to, and its recomputation by a
 * verifier that is handed the input and the seed of the commitment's hiding randomness (a buyer
 * checking that a revealed item is the committed input a retrieval proof was about). The prover
 * commits to the same {@link #columns} ({@code
 * io.zkaudit.prover.inference.ModelProver#commitInput}; {@code
 * io.zkaudit.prover.inference.InputSeeds} derives the seed from the hiding key).
 */
public final class InputOpening {
  private InputOpening() {}

  /**
   * The committed columns: the input in the circuit's input layout with its padding drawn from
   * {@code random}, then 2^{@value InputCommitment#HIDING_VARS} hiding entries drawn after it.
   */
  public static List<long[]> columns(ModelCircuit circuit, int[] input, ZkRandom random) {
    TensorLayout layout = InferenceStatement.inputLayout(circuit);
    long[] table = layout.place(input);
    random.fill(table, i -> !layout.isReal(i));
    long[] hiding = new long[1 << InputCommitment.HIDING_VARS];
    random.fill(hiding, i -> true);
    return List.of(table, hiding);
  }

  /**
   * The commitment to {@code input} with the randomness of {@code seed} ({@link ZkRandom#ofSeed}),
   * under the model's verifying key: equal to the prover's exactly when the input and seed are the
   * committed ones (unless SHA-256 collides). A seed, input or model that cannot make one is an
   * {@link IllegalArgumentException}.
   */
  public static InputCommitment commitment(VerifyingKey vk, int[] input, byte[] seed) {
    ZkRandom random = ZkRandom.ofSeed(seed);
    ModelCircuit circuit;
    try {
      // Private inputs are proven in zero knowledge: the input sits in the zero-knowledge circuit's
      // layout.
      circuit = ModelCircuit.of(vk.description(), true);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    TensorSpec spec = vk.description().tensor(circuit.inputTensor());
    if (input.length != spec.size()) {
      throw new IllegalArgumentException(
          "the input has "
              + input.length
              + " values, the model's "
              + spec.name()
              + " has "
              + spec.size());
    }
    return new InputCommitment(
        Recommit.columns(InferenceStatement.pcsParams(), columns(circuit, input, random)));
  }
}
