package io.zkaudit.protocols.chain;

import io.zkaudit.escrow.Bytes32;
import io.zkaudit.escrow.EscrowDeployment;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.contracts.SessionProofVerifier;
import io.zkaudit.escrow.onchain.LayerEncoding;
import io.zkaudit.escrow.onchain.OnChainModelVerifier;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.protocols.Statements;
import java.util.Arrays;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * The seller's side of contests settled by its own on-chain proof (the escrows deployed with a
 * {@code SessionProofVerifier}, {@link ContestProofs#ON_CHAIN}): it runs a plain proof of the
 * contested answer through the deployment's {@code ProofSession}, in its own transactions ({@link
 * OnChainModelVerifier}), and returns the bytes {@code proveContest} takes, which name the fact the
 * session concluded. No attester is asked; the chain's verdict is the contracts'.
 *
 * <p>The trade-off until zero knowledge is verified on chain: the proof is plain, and its steps go
 * on chain as calldata, so the contested answer's intermediate values (the layers' claims) become
 * public, where a zero-knowledge proof reveals nothing beyond the input and output. The contested
 * input and output themselves are public either way (their hashes are in the contest, and a session
 * reads the input's values).
 */
public final class OnChainProofs {
  private final OnChainModelVerifier verifier;

  private OnChainProofs(OnChainModelVerifier verifier) {
    this.verifier = verifier;
  }

  /**
   * The seller's client of the deployment's verifier contracts: the {@code ProofSession} its {@code
   * SessionProofVerifier} reads. Fails (EscrowException) if the deployment's proof verifier is not
   * one (an attestation deployment: contests there end at the attester).
   */
  public static OnChainProofs connect(Web3j web3j, Credentials seller, EscrowDeployment d) {
    String session;
    try {
      session =
          SessionProofVerifier.load(
                  d.proofVerifier(),
                  web3j,
                  new ReadonlyTransactionManager(web3j, seller.getAddress()),
                  new DefaultGasProvider())
              .sessions()
              .send();
    } catch (Exception e) {
      session = null;
    }
    if (!isAddress(session)) {
      throw EscrowException.invalidArgument(
          "the deployment's proof verifier "
              + d.proofVerifier()
              + " is not a SessionProofVerifier (contests on this deployment end at its attester)");
    }
    return new OnChainProofs(OnChainModelVerifier.at(web3j, seller, session));
  }

  /**
   * A non-zero address, as {@code SessionProofVerifier.sessions()} returns (an attester has none).
   */
  static boolean isAddress(String a) {
    return a != null
        && a.matches("0x[0-9a-fA-F]{40}")
        && !a.substring(2).chars().allMatch(ch -> ch == '0');
  }

  /**
   * The plans hash of a key's model, what the seller records with {@code setVerifierPlans} (anyone
   * recomputes it from the key to check the record).
   *
   * @throws NotProvableOnChain the model has layers the contracts do not verify yet
   */
  public static Bytes32 plansOf(byte[] verifyingKey) throws NotProvableOnChain {
    return new Bytes32(plans(key(verifyingKey)).hash().bytes());
  }

  /**
   * Proves the contested answer on chain: {@code plainProof} (a plain proof, ModelProof.encode())
   * must be about {@code input} under {@code verifyingKey}, whose digest is the registry's {@code
   * weightCommitment}; {@code input} must hash to the contest's {@code inputHash} and the proof's
   * output to its {@code outputHash}. Returns the bytes for {@code proveContest}.
   *
   * @throws Attester.AttestationRefused if anything does not match or the chain refuses the proof
   */
  public byte[] prove(
      byte[] verifyingKey,
      byte[] plainProof,
      int[] input,
      Bytes32 weightCommitment,
      Bytes32 inputHash,
      Bytes32 outputHash)
      throws Attester.AttestationRefused {
    VerifyingKey vk;
    OnChainModelVerifier.ModelPlans plans;
    try {
      vk = key(verifyingKey);
      plans = plans(vk);
    } catch (NotProvableOnChain e) {
      throw new Attester.AttestationRefused(e.getMessage());
    }
    if (!Arrays.equals(vk.digest().bytes(), weightCommitment.bytes())) {
      throw new Attester.AttestationRefused("the verifying key is not the one committed on-chain");
    }
    if (!Arrays.equals(Statements.tensorHash(input), inputHash.bytes())) {
      throw new Attester.AttestationRefused("the input does not hash to the contested input hash");
    }
    ModelProof proof;
    try {
      proof = ModelProof.decode(plainProof);
    } catch (InvalidProofException e) {
      throw new Attester.AttestationRefused("malformed proof: " + e.getMessage());
    }
    if (!Arrays.equals(Statements.tensorHash(proof.output()), outputHash.bytes())) {
      throw new Attester.AttestationRefused("the proof's output is not the contested output");
    }
    return switch (verifier.verify(vk, proof, input)) {
      case OnChainModelVerifier.Verdict.Valid v -> plans.contestProof(v.deferredTables());
      case OnChainModelVerifier.Verdict.Invalid bad ->
          throw new Attester.AttestationRefused(
              "the chain refused the proof at " + bad.step() + ": " + bad.reason());
      case OnChainModelVerifier.Verdict.NotOnChain no ->
          throw new Attester.AttestationRefused(
              "not verifiable on chain (" + no.reason() + "): " + no.message());
    };
  }

  /** A model the on-chain verifier cannot check yet (its reason from the plans' builders). */
  public static final class NotProvableOnChain extends Exception {
    private static final long serialVersionUID = 1L;

    NotProvableOnChain(String message) {
      super(message);
    }
  }

  private static VerifyingKey key(byte[] verifyingKey) throws NotProvableOnChain {
    try {
      return VerifyingKey.decode(verifyingKey);
    } catch (InvalidProofException e) {
      throw new NotProvableOnChain("malformed verifying key: " + e.getMessage());
    }
  }

  private static OnChainModelVerifier.ModelPlans plans(VerifyingKey vk) throws NotProvableOnChain {
    try {
      return OnChainModelVerifier.modelPlans(vk);
    } catch (LayerEncoding.UnsupportedLayerException e) {
      throw new NotProvableOnChain(
          "not verifiable on chain yet (" + e.reason() + "): " + e.getMessage());
    } catch (IllegalArgumentException | InvalidProofException e) {
      throw new NotProvableOnChain("not verifiable on chain yet: " + e.getMessage());
    }
  }
}
