package io.zkaudit.protocols.chain;

import io.zkaudit.escrow.Bytes32;
import io.zkaudit.escrow.EscrowDeployment;
import io.zkaudit.escrow.VerifierAttester;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.TestSetCommitment;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.protocols.AuditStatements;
import io.zkaudit.protocols.Statements;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.web3j.crypto.Credentials;

/**
 * The designated verifier: runs zkaudit's Java verifier on the seller's proof and signs the
 * AttestationVerifier's PredictionVerified(weightCommitment, inputHash, outputHash) only if the
 * proof verifies for exactly that model, for an input that hashes to inputHash (the seller sends
 * the input; the proof is verified against it), and for the output hash. It trusts nothing the
 * seller sends: the verifying key must hash to the on-chain commitment and carry a valid weight
 * range proof ({@link io.zkaudit.inference.WeightRanges#check}), and the output hash is recomputed
 * from the verified output. It must be run by a party both sides trust (docs/escrow.md, trust
 * assumptions); tests and the demo run it in-process.
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
  public byte[] attestPrediction(
      byte[] verifyingKey,
      byte[] proofBytes,
      int[] input,
      Bytes32 weightCommitment,
      Bytes32 inputHash,
      Bytes32 outputHash)
      throws AttestationRefused {
    ModelVerifier verifier = verifier(verifyingKey, weightCommitment);
    if (!Arrays.equals(Statements.tensorHash(input), inputHash.bytes())) {
      throw new AttestationRefused("the input does not hash to the contested input hash");
    }
    int[] output = verify(verifier, proofBytes, input, weightCommitment, "");
    if (!Arrays.equals(Statements.tensorHash(output), outputHash.bytes())) {
      throw new AttestationRefused("the proven output is not the contested output");
    }
    return signer.attestPrediction(weightCommitment, inputHash, outputHash);
  }

  /**
   * Re-runs the audit. With an accuracy proof: the claim's test-set commitment T must hash to the
   * test set hash on-chain (the buyer committed T there), and the one proof must verify against T,
   * about exactly {@code total} samples; its count is the count, and no sample is needed (T binds
   * them). Per sample: the revealed samples' hashes rebuild the test set hash the buyer committed
   * to on-chain, each sample's proof verifies against its own input and the attester counts the
   * correct predictions by the protocol's rule itself. The seller's count is signed only if it is
   * that count.
   */
  @Override
  public byte[] attestAccuracy(AccuracyClaim claim, Iterator<AccuracySample> samples)
      throws AttestationRefused {
    ModelVerifier verifier = verifier(claim.verifyingKey(), claim.weightCommitment());
    if (claim.total() < 1 || claim.correct() < 0 || claim.correct() > claim.total()) {
      throw new AttestationRefused(
          "a result is 0 <= correct <= total, total >= 1: "
              + claim.correct()
              + " of "
              + claim.total());
    }
    if (claim.byAccuracyProof()) {
      if (samples.hasNext()) {
        throw new AttestationRefused(
            "samples sent with an accuracy proof: it is verified against its test-set commitment"
                + " alone");
      }
      int correct = verifyAccuracy(verifier, claim);
      if (correct != claim.correct()) {
        throw new AttestationRefused(
            "the accuracy proof gives "
                + correct
                + " correct of "
                + claim.total()
                + ", not "
                + claim.correct());
      }
      return signer.attestAccuracy(
          claim.weightCommitment(), claim.testSetHash(), correct, claim.total());
    }
    if (claim.testSetCommitment() != null) {
      throw new AttestationRefused("a test-set commitment without an accuracy proof");
    }
    List<byte[]> hashes = new ArrayList<>();
    int correct = 0;
    while (samples.hasNext()) {
      AccuracySample s = samples.next();
      if (s.index() != hashes.size() || hashes.size() >= claim.total()) {
        throw new AttestationRefused(
            "sample "
                + s.index()
                + " arrived where sample "
                + hashes.size()
                + " of "
                + claim.total()
                + " was due");
      }
      if (s.salt().length != AuditStatements.SALT_BYTES) {
        throw new AttestationRefused(
            "sample " + s.index() + ": the salt is not " + AuditStatements.SALT_BYTES + " bytes");
      }
      hashes.add(
          AuditStatements.sampleHash(
              s.index(), s.salt(), Statements.tensorHash(s.input()), s.label()));
      int[] output =
          verify(
              verifier,
              s.proof(),
              s.input(),
              claim.weightCommitment(),
              "sample " + s.index() + ": ");
      if (AuditStatements.predictedClass(output, claim.labelOffset()) == s.label()) {
        correct++;
      }
    }
    if (hashes.size() != claim.total()) {
      throw new AttestationRefused(hashes.size() + " samples arrived of " + claim.total());
    }
    byte[] testSet =
        AuditStatements.chainTestSetHash(AuditStatements.testSetHash(hashes), claim.labelOffset());
    if (!Arrays.equals(testSet, claim.testSetHash().bytes())) {
      throw new AttestationRefused("the samples are not the test set committed on-chain");
    }
    if (correct != claim.correct()) {
      throw new AttestationRefused(
          "the proofs give "
              + correct
              + " correct of "
              + claim.total()
              + ", not "
              + claim.correct());
    }
    return signer.attestAccuracy(
        claim.weightCommitment(), claim.testSetHash(), correct, claim.total());
  }

  /**
   * The count an accuracy proof verifies to against the claim's test-set commitment T, which must
   * be the one committed on-chain (its digest the claim's test set hash) and hold {@code total}
   * samples.
   */
  private static int verifyAccuracy(ModelVerifier verifier, AccuracyClaim claim)
      throws AttestationRefused {
    if (claim.testSetCommitment() == null) {
      throw new AttestationRefused(
          "an accuracy proof without its test-set commitment: it is verified against T");
    }
    TestSetCommitment t;
    try {
      t = TestSetCommitment.decode(claim.testSetCommitment());
    } catch (InvalidProofException e) {
      throw new AttestationRefused("malformed test-set commitment: " + e.getMessage());
    }
    if (!Arrays.equals(t.digest().bytes(), claim.testSetHash().bytes())) {
      throw new AttestationRefused(
          "the test-set commitment is not the test set committed on-chain (its digest is "
              + t.digest()
              + ")");
    }
    if (t.samples() != claim.total()) {
      throw new AttestationRefused(
          "the test-set commitment holds " + t.samples() + " samples, not " + claim.total());
    }
    ModelProof proof;
    try {
      proof = ModelProof.decode(claim.accuracyProof());
    } catch (InvalidProofException e) {
      throw new AttestationRefused("malformed accuracy proof: " + e.getMessage());
    }
    if (!Arrays.equals(proof.model().bytes(), claim.weightCommitment().bytes())) {
      throw new AttestationRefused("the accuracy proof is for another model");
    }
    ModelVerifier.VerifiedAccuracy v;
    try {
      v = verifier.verifyAccuracy(proof, t);
    } catch (InvalidProofException e) {
      throw new AttestationRefused("invalid accuracy proof: " + e.getMessage());
    }
    if (v.samples() != claim.total()) {
      throw new AttestationRefused(
          "the accuracy proof is about " + v.samples() + " samples, not " + claim.total());
    }
    return v.correct();
  }

  /** A verifier for a key that hashes to the on-chain commitment and whose weights are in range. */
  private static ModelVerifier verifier(byte[] verifyingKey, Bytes32 weightCommitment)
      throws AttestationRefused {
    VerifyingKey vk;
    try {
      vk = VerifyingKey.decode(verifyingKey);
    } catch (InvalidProofException e) {
      throw new AttestationRefused("malformed verifying key: " + e.getMessage());
    }
    if (!Arrays.equals(vk.digest().bytes(), weightCommitment.bytes())) {
      throw new AttestationRefused("the verifying key is not the one committed on-chain");
    }
    try {
      // The key's committed weights must be an int8 model before any proof about it counts.
      io.zkaudit.inference.WeightRanges.check(vk);
      return new ModelVerifier(vk);
    } catch (InvalidProofException e) {
      throw new AttestationRefused("invalid verifying key: " + e.getMessage());
    }
  }

  /**
   * The proven output, verified against the input itself: the verifier binds the proof to it (issue
   * 13: a proof verified without its input said nothing about which input it was about).
   */
  private static int[] verify(
      ModelVerifier verifier,
      byte[] proofBytes,
      int[] input,
      Bytes32 weightCommitment,
      String where)
      throws AttestationRefused {
    ModelProof proof;
    try {
      proof = ModelProof.decode(proofBytes);
    } catch (InvalidProofException e) {
      throw new AttestationRefused(where + "malformed proof: " + e.getMessage());
    }
    if (!Arrays.equals(proof.model().bytes(), weightCommitment.bytes())) {
      throw new AttestationRefused(where + "the proof is for another model");
    }
    try {
      return verifier.verify(proof, input);
    } catch (InvalidProofException e) {
      throw new AttestationRefused(where + "invalid proof: " + e.getMessage());
    }
  }
}
