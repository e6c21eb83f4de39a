package io.zkaudit.protocols.chain;

import io.zkaudit.escrow.Bytes32;

/**
 * What PredictionEscrow's proof verifier accepts as "proof" of a contested answer. Today the
 * escrow's IProofVerifier is an AttestationVerifier, so this is a designated verifier that checks
 * the real zkaudit proof and signs; with an on-chain verifier, an implementation would return the
 * proof bytes themselves and nothing else would change.
 */
public interface Attester {
  /**
   * Checks that {@code proof} proves output = model(input) for the model whose verifying key is
   * {@code verifyingKey} (and whose digest is {@code weightCommitment}), that {@code input} hashes
   * to the contested {@code inputHash} and the verified output to {@code outputHash}, and returns
   * the bytes for {@code proveContest}. The input itself is required: a proof is only ever verified
   * against the input it is about (a hash alone would let a seller prove another input).
   *
   * @throws AttestationRefused if anything does not match or the proof does not verify
   */
  byte[] attestPrediction(
      byte[] verifyingKey,
      byte[] proof,
      int[] input,
      Bytes32 weightCommitment,
      Bytes32 inputHash,
      Bytes32 outputHash)
      throws AttestationRefused;

  /**
   * An accuracy audit's result (AuditEscrow.settleWithProof), under the model committed as the
   * claim's weight commitment. With an accuracy proof: no samples; the claim's test-set commitment
   * T hashes to the on-chain test set hash, and the proof verifies against T with the count {@code
   * claim.correct()} of {@code claim.total()} (ModelVerifier.verifyAccuracy(proof, T)). Per sample:
   * {@code samples}, in order 0..total-1, hash to the on-chain test set hash (with its label
   * offset), every proof verifies for its sample's input and exactly {@code claim.correct()} of the
   * verified outputs name their labels. Returns the bytes for {@code settleWithProof}. The samples
   * are read one at a time (a test set may be thousands of inputs and proofs).
   *
   * @throws AttestationRefused if anything does not match or a proof does not verify
   */
  byte[] attestAccuracy(AccuracyClaim claim, java.util.Iterator<AccuracySample> samples)
      throws AttestationRefused;

  /**
   * What the seller asks the attester to sign for an audit: {@code correct} of {@code total} on the
   * test set. {@code accuracyProof} is the audit's one accuracy proof (ModelProof.encode()) and
   * {@code testSetCommitment} the buyer's test-set commitment T it is about (TestSetCommitment
   * .encode()), or both null for a per-sample audit, whose samples carry their own proofs.
   */
  record AccuracyClaim(
      byte[] verifyingKey,
      Bytes32 weightCommitment,
      Bytes32 testSetHash,
      int labelOffset,
      int correct,
      int total,
      byte[] accuracyProof,
      byte[] testSetCommitment) {
    /** A per-sample audit's claim. */
    public AccuracyClaim(
        byte[] verifyingKey,
        Bytes32 weightCommitment,
        Bytes32 testSetHash,
        int labelOffset,
        int correct,
        int total) {
      this(verifyingKey, weightCommitment, testSetHash, labelOffset, correct, total, null, null);
    }

    /** Whether the claim rests on one accuracy proof (else on every sample's own proof). */
    public boolean byAccuracyProof() {
      return accuracyProof != null;
    }
  }

  /**
   * One revealed sample (as the buyer revealed it) with the seller's proof of the model's output on
   * it.
   */
  record AccuracySample(int index, byte[] salt, int[] input, int label, byte[] proof) {}

  /** The designated verifier's refusal: the seller cannot close the contest and will be slashed. */
  final class AttestationRefused extends Exception {
    private static final long serialVersionUID = 1L;

    public AttestationRefused(String message) {
      super(message);
    }
  }
}
