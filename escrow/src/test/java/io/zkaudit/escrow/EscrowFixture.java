package io.zkaudit.escrow;

import io.zkaudit.escrow.chain.ChainNode;
import java.math.BigInteger;
import java.time.Duration;
import org.web3j.crypto.Credentials;

/**
 * A fresh deployment with short windows and four funded parties: seller, buyer, the designated
 * verifier (attester) and a stranger.
 */
final class EscrowFixture {
  static final BigInteger MIN_REGISTRATION_STAKE = Wei.ether(1);
  static final Duration WINDOW = Duration.ofHours(1);
  static final Duration PAST_WINDOW = WINDOW.plusSeconds(10);
  static final EscrowParameters PARAMETERS =
      new EscrowParameters(MIN_REGISTRATION_STAKE, WINDOW, WINDOW, WINDOW, WINDOW, WINDOW, WINDOW);
  static final BigInteger FUNDS = Wei.ether(1_000);

  final ChainNode node;
  final EscrowDeployment deployment;
  final VerifierAttester attester;
  final EscrowClient seller;
  final EscrowClient buyer;
  final EscrowClient stranger;

  private EscrowFixture(
      ChainNode node,
      EscrowDeployment deployment,
      VerifierAttester attester,
      EscrowClient seller,
      EscrowClient buyer,
      EscrowClient stranger) {
    this.node = node;
    this.deployment = deployment;
    this.attester = attester;
    this.seller = seller;
    this.buyer = buyer;
    this.stranger = stranger;
  }

  static EscrowFixture deploy(ChainNode node) {
    return deploy(
        node,
        GasListener.NONE,
        node.newAccount(FUNDS),
        node.newAccount(FUNDS),
        node.newAccount(FUNDS),
        node.newAccount(FUNDS),
        node.newAccount(FUNDS));
  }

  static EscrowFixture deploy(
      ChainNode node,
      GasListener gas,
      Credentials deployer,
      Credentials attesterKey,
      Credentials sellerKey,
      Credentials buyerKey,
      Credentials strangerKey) {
    EscrowDeployment deployment =
        EscrowDeployer.deploy(node.web3j(), deployer, attesterKey.getAddress(), PARAMETERS, gas);
    return new EscrowFixture(
        node,
        deployment,
        new VerifierAttester(attesterKey, deployment),
        EscrowClient.connect(node.web3j(), sellerKey, deployment, gas),
        EscrowClient.connect(node.web3j(), buyerKey, deployment, gas),
        EscrowClient.connect(node.web3j(), strangerKey, deployment, gas));
  }

  /** Registers a model for the seller with the minimum bond; returns its id. */
  long registerModel() {
    return seller
        .registry()
        .registerModel(Bytes32.random(), Bytes32.random(), MIN_REGISTRATION_STAKE);
  }

  void pastWindow() {
    node.advanceTime(PAST_WINDOW);
  }
}
