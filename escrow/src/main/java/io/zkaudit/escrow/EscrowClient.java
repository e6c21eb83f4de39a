package io.zkaudit.escrow;

import io.zkaudit.escrow.contracts.AuditEscrow;
import io.zkaudit.escrow.contracts.ModelRegistry;
import io.zkaudit.escrow.contracts.PredictionEscrow;
import java.math.BigInteger;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * One party's handle on a deployment: seller and buyer each hold their own, bound to their key. The
 * escrows never send ether during settlement; they credit it, and the party withdraws.
 *
 * <pre>{@code
 * EscrowClient seller = EscrowClient.connect(web3j, sellerKey, deployment);
 * long model = seller.registry().registerModel(description, commitment, Wei.ether(1));
 * }</pre>
 */
public final class EscrowClient {
  private final ChainSession session;
  private final EscrowDeployment deployment;
  private final RegistryClient registry;
  private final PredictionClient predictions;
  private final AuditClient audits;

  private EscrowClient(ChainSession session, EscrowDeployment deployment) {
    this.session = session;
    this.deployment = deployment;
    this.registry =
        new RegistryClient(
            session,
            ModelRegistry.load(
                deployment.registry(), session.web3j, session.transactions, session.gas));
    this.predictions =
        new PredictionClient(
            session,
            PredictionEscrow.load(
                deployment.predictionEscrow(), session.web3j, session.transactions, session.gas),
            deployment,
            registry);
    this.audits =
        new AuditClient(
            session,
            AuditEscrow.load(
                deployment.auditEscrow(), session.web3j, session.transactions, session.gas),
            deployment,
            registry);
  }

  public static EscrowClient connect(Web3j web3j, Credentials party, EscrowDeployment deployment) {
    return connect(web3j, party, deployment, GasListener.NONE);
  }

  public static EscrowClient connect(
      Web3j web3j, Credentials party, EscrowDeployment deployment, GasListener gas) {
    long chainId = EscrowDeployer.chainId(web3j);
    if (chainId != deployment.chainId()) {
      throw EscrowException.invalidArgument(
          "the node is on chain "
              + chainId
              + " but the deployment is on chain "
              + deployment.chainId());
    }
    return new EscrowClient(new ChainSession(web3j, party, chainId, gas), deployment);
  }

  /** This party's address. */
  public String address() {
    return session.address();
  }

  public EscrowDeployment deployment() {
    return deployment;
  }

  public RegistryClient registry() {
    return registry;
  }

  public PredictionClient predictions() {
    return predictions;
  }

  public AuditClient audits() {
    return audits;
  }

  /** What {@code account} can withdraw from the prediction escrow. */
  public BigInteger predictionCredit(String account) {
    return session.call("predictions.creditOf", predictions.contract().creditOf(account));
  }

  /** What {@code account} can withdraw from the audit escrow. */
  public BigInteger auditCredit(String account) {
    return session.call("audits.creditOf", audits.contract().creditOf(account));
  }

  /** Withdraws this party's whole prediction-escrow credit; returns the amount. */
  public BigInteger withdrawPredictionCredit() {
    BigInteger amount = predictionCredit(address());
    session.send("predictions.withdraw", predictions.contract().withdraw());
    return amount;
  }

  /** Withdraws this party's whole audit-escrow credit; returns the amount. */
  public BigInteger withdrawAuditCredit() {
    BigInteger amount = auditCredit(address());
    session.send("audits.withdraw", audits.contract().withdraw());
    return amount;
  }

  /** The ether balance of {@code account} (wei). */
  public BigInteger balanceOf(String account) {
    try {
      return session
          .web3j
          .ethGetBalance(account, DefaultBlockParameterName.LATEST)
          .send()
          .getBalance();
    } catch (Exception e) {
      throw EscrowException.failed("eth_getBalance", e);
    }
  }
}
