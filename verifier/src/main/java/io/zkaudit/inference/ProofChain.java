package io.zkaudit.inference;

import io.zkaudit.proof.InvalidProofException;

/**
 * Checks a chained proof of a model split in two (docs/model-proofs.md, "Chained proofs"): the
 * body's proof states the commitment C to its output instead of the output, the head's proof is
 * about C as its private input, and the pair shows output = head(body(input)) without revealing the
 * intermediate activation.
 *
 * <p>What is checked: the body's output tensor and the head's input tensor are the same 8-bit
 * tensor in the same layout ({@link CommittedOutput#checkBoundary}); the body's proof is valid for
 * (body key, input, C); the head's proof is valid for (head key, C, output). Both are checked
 * against the one C given here, so the two proofs meet at the same commitment bytes: a head proven
 * on another commitment fails its own transcript and link.
 */
public final class ProofChain {
  private ProofChain() {}

  /**
   * Verifies the chain and returns the head's verified output.
   *
   * @param input the body's public input
   * @param link the output commitment C the body's proof states and the head's proof is about
   */
  public static int[] verify(
      ModelVerifier body,
      ModelProof bodyProof,
      int[] input,
      InputCommitment link,
      ModelVerifier head,
      ModelProof headProof)
      throws InvalidProofException {
    java.util.Objects.requireNonNull(link, "a chain is verified against its output commitment");
    CommittedOutput.checkBoundary(body.circuit(), head.circuit());
    InvalidProofException.check(
        bodyProof.hasCommittedOutput(),
        "the body's proof states its output: a chain's body commits it (prove with a committed"
            + " output)");
    InvalidProofException.check(
        !headProof.hasCommittedOutput() && headProof.privateInput() != null,
        headProof.hasCommittedOutput()
            ? "the head's proof commits its output: a chain's head states it"
            : "the head's proof is about a public input, not the body's committed output");
    try {
      body.verifyCommittedOutput(bodyProof, input, link);
    } catch (InvalidProofException e) {
      throw new InvalidProofException("the body's proof: " + e.getMessage());
    }
    try {
      return head.verifyCommitted(headProof, link);
    } catch (InvalidProofException e) {
      throw new InvalidProofException("the head's proof: " + e.getMessage());
    }
  }
}
