package io.zkaudit.protocols.chain;

import io.zkaudit.escrow.Bytes32;
import io.zkaudit.escrow.EscrowDeployment;
import io.zkaudit.escrow.VerifierAttester;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.protocols.Statements;
import java.util.Arrays;
import org.web3j.crypto.Credentials;

/**
 * The designated verifier: runs zkaudit's Java verifier on the seller's proof and signs the
 * AttestationVerifier's PredictionVerified(weightCommitment, inputHash, outputHash) only if the
 * proof verifies for exactly that model, for an input that hashes to inputHash (the seller sends the
 * input; the proof is verified against it), and for the output hash. It trusts nothing the
 * seller sends: the verifying key must hash to the on-chain commitment, and the output hash is
 * recomputed from the verified output. It must be run by a party both sides trust (docs/escrow.md,
 * trust assumptions); tests and the demo run it in-process.
 */
public final class ProofAttester implements Attester {
  private final VerifierAttester signer;

  public ProofAttester(Credentials attesterKey, EscrowDeployment deployment) {
    this.signer = new VerifierAttester(attesterKey, deployment);
  }

  public String address() {
    return signer.address();
  }

  @Override
  public byte[] attestPrediction(byte[] verifyingKey, byte[] proofBytes, int[] input, Bytes32 weightCommitment,
      Bytes32 inputHash, Bytes32 outputHash) throws AttestationRefused {
    VerifyingKey vk;
    ModelProof proof;
    try {
      vk = VerifyingKey.decode(verifyingKey);
      proof = ModelProof.decode(proofBytes);
    } catch (InvalidProofException | RuntimeException e) {
      throw new AttestationRefused("malformed verifying key or proof: " + e.getMessage());
    }
    if (!Arrays.equals(vk.digest().bytes(), weightCommitment.bytes())) {
      throw new AttestationRefused("the verifying key is not the one committed on-chain");
    }
    if (!Arrays.equals(proof.model().bytes(), weightCommitment.bytes())) {
      throw new AttestationRefused("the proof is for another model");
    }
    if (!Arrays.equals(Statements.tensorHash(input), inputHash.bytes())) {
      throw new AttestationRefused("the input does not hash to the contested input hash");
    }
    int[] output;
    try {
      // Against the input itself: the verifier binds the proof to it (issue 13: a proof verified
      // without its input said nothing about which input it was about).
      output = new ModelVerifier(vk).verify(proof, input);
    } catch (InvalidProofException | RuntimeException e) {
      throw new AttestationRefused("invalid proof: " + e.getMessage());
    }
    if (!Arrays.equals(Statements.tensorHash(output), outputHash.bytes())) {
      throw new AttestationRefused("the proven output is not the contested output");
    }
    return signer.attestPrediction(weightCommitment, inputHash, outputHash);
  }
}
