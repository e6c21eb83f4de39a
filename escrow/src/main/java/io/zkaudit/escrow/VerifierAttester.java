package io.zkaudit.escrow;

import org.web3j.crypto.Credentials;

/**
 * The designated verifier's signing side. The service holding this key runs zkaudit's Java verifier
 * on a proof and, if it accepts, signs an attestation: the bytes the escrows take as the "proof"
 * through AttestationVerifier. With an on-chain verifier the real proof bytes go there instead, and
 * this class is no longer needed.
 */
public final class VerifierAttester {
  private final Credentials attester;
  private final EscrowDeployment deployment;

  public VerifierAttester(Credentials attester, EscrowDeployment deployment) {
    this.attester = attester;
    this.deployment = deployment;
  }

  public String address() {
    return attester.getAddress();
  }

  /**
   * Attests that output = model(input) was proven for the model behind {@code weightCommitment}.
   */
  public byte[] attestPrediction(Bytes32 weightCommitment, Bytes32 inputHash, Bytes32 outputHash) {
    return Signatures.sign(
        attester,
        TypedDigests.predictionAttestation(deployment, weightCommitment, inputHash, outputHash));
  }

  /** Attests that the model got {@code correct} of {@code total} samples of the test set right. */
  public byte[] attestAccuracy(
      Bytes32 weightCommitment, Bytes32 testSetHash, int correct, int total) {
    return Signatures.sign(
        attester,
        TypedDigests.accuracyAttestation(
            deployment, weightCommitment, testSetHash, correct, total));
  }
}
