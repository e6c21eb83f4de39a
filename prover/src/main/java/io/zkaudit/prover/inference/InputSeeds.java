package io.zkaudit.prover.inference;

import io.zkaudit.inference.InputCommitment;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.zk.ZkRandom;

/**
 * Opening an input commitment made under a hiding key without giving the key away. The commitment
 * {@link ModelProver#commitInput}{@code (cm, x, key)} is a deterministic function of the model, the
 * input x and a 16-byte seed derived from the key, the model and x ({@link ZkRandom#derivedSeed}).
 * Whoever holds x and that seed can recompute the commitment and so check that x is the committed
 * input, e.g. a buyer handed an item that a retrieval proof was about; the seed is a PRF output, so
 * it reveals the hiding randomness of this one commitment and nothing of the key.
 *
 * <p>Binding: the commitment is a Merkle root over the encoding of (x in the model's input layout,
 * padding and hiding entries drawn from the seed), so another input with any seed gives another
 * commitment unless SHA-256 collides.
 */
public final class InputSeeds {
  private InputSeeds() {}

  /**
   * The seed that {@code ModelProver.commitInput(cm, input, hidingKey)} draws its randomness from.
   */
  public static byte[] seed(CommittedModel cm, int[] input, byte[] hidingKey) {
    return Commitments.inputSeed(cm.vk(), input, hidingKey);
  }

  /**
   * The committed input made from a seed, for proving: {@code commit(cm, x, seed(cm, x, key))} is
   * {@code ModelProver.commitInput(cm, x, key)}, so a prover that stored the seed needs not the
   * key.
   */
  public static CommittedInput commit(CommittedModel cm, int[] input, byte[] seed) {
    return Commitments.input(cm.circuit(true), cm.vk(), input, ZkRandom.ofSeed(seed));
  }

  /**
   * The commitment alone, from what a verifier holds (the model's verifying key, the input, the
   * seed): equal to the prover's commitment exactly when the input and seed are the committed ones.
   */
  public static InputCommitment commitment(VerifyingKey vk, int[] input, byte[] seed) {
    ModelCircuit circuit;
    try {
      // Private inputs are proven in zero knowledge: the input sits in the zero-knowledge circuit's
      // layout.
      circuit = ModelCircuit.of(vk.description(), true);
    } catch (RuntimeException e) {
      throw new ProverException(e.getMessage());
    }
    return Commitments.input(circuit, vk, input, ZkRandom.ofSeed(seed)).commitment();
  }
}
