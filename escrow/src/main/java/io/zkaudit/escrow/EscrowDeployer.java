package io.zkaudit.escrow;

import io.zkaudit.escrow.contracts.AttestationVerifier;
import io.zkaudit.escrow.contracts.AuditEscrow;
import io.zkaudit.escrow.contracts.ModelRegistry;
import io.zkaudit.escrow.contracts.PredictionEscrow;
import io.zkaudit.escrow.contracts.SessionProofVerifier;
import java.math.BigInteger;
import java.time.Duration;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;
import org.web3j.protocol.Web3j;
import org.web3j.tx.Contract;

/**
 * Deploys the registry, the proof verifier (an attestation verifier, or the on-chain proof
 * verifier's {@code SessionProofVerifier}) and both escrows.
 */
public final class EscrowDeployer {
  private EscrowDeployer() {}

  /**
   * Deploys everything with an {@code AttestationVerifier} whose designated verifier is {@code
   * attester} (the address of the key a {@link VerifierAttester} signs with).
   */
  public static EscrowDeployment deploy(
      Web3j web3j,
      Credentials deployer,
      String attester,
      EscrowParameters parameters,
      GasListener gas) {
    requireAddress(attester, "attester");
    ChainSession session = new ChainSession(web3j, deployer, chainId(web3j), gas);
    AttestationVerifier verifier =
        session.call(
            "deploy AttestationVerifier",
            AttestationVerifier.deploy(web3j, session.transactions, session.deployGas, attester));
    report(session, "deploy AttestationVerifier", verifier);
    String address = verifier.getContractAddress();
    return deployEscrows(session, registry -> address, parameters);
  }

  /**
   * Deploys the registry and escrows on top of an already deployed IProofVerifier: the seam where
   * an on-chain verifier of zkaudit proofs replaces the attestation verifier.
   */
  public static EscrowDeployment deployWithVerifier(
      Web3j web3j,
      Credentials deployer,
      String proofVerifier,
      EscrowParameters parameters,
      GasListener gas) {
    requireAddress(proofVerifier, "proof verifier");
    return deployEscrows(
        new ChainSession(web3j, deployer, chainId(web3j), gas),
        registry -> proofVerifier,
        parameters);
  }

  /**
   * Deploys the registry, a {@code SessionProofVerifier} over it and the deployed {@code
   * ProofSession} at {@code proofSession} (the on-chain proof verifier: {@code
   * OnChainModelVerifier.deploy}), and both escrows consulting it: contested predictions are then
   * settled by the seller's own on-chain proof, with no attester (docs/escrow.md, "Settled by an
   * on-chain proof"). Audits settled with proof are refused by it (no accuracy proof is verified on
   * chain yet): they settle by both parties' signatures or by deadline.
   */
  public static EscrowDeployment deployWithSessionVerifier(
      Web3j web3j,
      Credentials deployer,
      String proofSession,
      EscrowParameters parameters,
      GasListener gas) {
    requireAddress(proofSession, "proof session");
    ChainSession session = new ChainSession(web3j, deployer, chainId(web3j), gas);
    return deployEscrows(
        session,
        registry -> {
          SessionProofVerifier verifier =
              session.call(
                  "deploy SessionProofVerifier",
                  SessionProofVerifier.deploy(
                      session.web3j,
                      session.transactions,
                      session.deployGas,
                      registry,
                      proofSession));
          report(session, "deploy SessionProofVerifier", verifier);
          return verifier.getContractAddress();
        },
        parameters);
  }

  /**
   * The registry first, then the proof verifier ({@code verifierFor} the registry's address: a
   * verifier may read the registry), then the escrows that consult both.
   */
  private static EscrowDeployment deployEscrows(
      ChainSession session,
      java.util.function.UnaryOperator<String> verifierFor,
      EscrowParameters p) {
    ModelRegistry registry =
        session.call(
            "deploy ModelRegistry",
            ModelRegistry.deploy(
                session.web3j,
                session.transactions,
                session.deployGas,
                p.minRegistrationStake(),
                seconds(p.registryWithdrawDelay())));
    report(session, "deploy ModelRegistry", registry);
    String verifier = verifierFor.apply(registry.getContractAddress());
    PredictionEscrow predictions =
        session.call(
            "deploy PredictionEscrow",
            PredictionEscrow.deploy(
                session.web3j,
                session.transactions,
                session.deployGas,
                registry.getContractAddress(),
                verifier,
                seconds(p.contestWindow()),
                seconds(p.proofWindow())));
    report(session, "deploy PredictionEscrow", predictions);
    AuditEscrow audits =
        session.call(
            "deploy AuditEscrow",
            AuditEscrow.deploy(
                session.web3j,
                session.transactions,
                session.deployGas,
                registry.getContractAddress(),
                verifier,
                seconds(p.auditStakeWindow()),
                seconds(p.auditRevealWindow()),
                seconds(p.auditResultWindow())));
    report(session, "deploy AuditEscrow", audits);
    return new EscrowDeployment(
        chainId(session.web3j),
        registry.getContractAddress(),
        verifier,
        predictions.getContractAddress(),
        audits.getContractAddress());
  }

  /** The node's chain id, which every signed transaction names (EIP-155). */
  public static long chainId(Web3j web3j) {
    try {
      return web3j.ethChainId().send().getChainId().longValueExact();
    } catch (Exception e) {
      throw EscrowException.failed("eth_chainId", e);
    }
  }

  static void requireAddress(String address, String what) {
    if (address == null || !WalletUtils.isValidAddress(address) || !address.startsWith("0x")) {
      throw EscrowException.invalidArgument("not an address for the " + what + ": " + address);
    }
  }

  private static void report(ChainSession session, String operation, Contract contract) {
    contract.getTransactionReceipt().ifPresent(r -> session.reportGas(operation, r.getGasUsed()));
  }

  private static BigInteger seconds(Duration duration) {
    return BigInteger.valueOf(duration.toSeconds());
  }
}
