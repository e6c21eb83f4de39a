package io.zkaudit.prover.inference;

import io.zkaudit.inference.InputCommitment;
import io.zkaudit.prover.pcs.Committed;

/**
 * A model input committed apart, for proofs that keep it private: the public {@link
 * InputCommitment}, and what its holder keeps (the values, the committed table with its uniform
 * padding, the commitment's codeword). Made by {@link ModelProver#commitInput}.
 */
public record CommittedInput(
    InputCommitment commitment, int[] values, long[] table, Committed committed) {
  public CommittedInput {
    values = values.clone();
  }

  @Override
  public int[] values() {
    return values.clone();
  }
}
