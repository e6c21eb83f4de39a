package io.zkaudit.escrow;

import static io.zkaudit.escrow.Reverts.assertReverts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.escrow.contracts.ModelRegistry;
import java.math.BigInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AnvilExtension.class)
class ModelRegistryTest {
  private EscrowFixture f;

  @BeforeEach
  void deploy(ChainNode node) {
    f = EscrowFixture.deploy(node);
  }

  @Test
  void registersAModelWithItsCommitmentAndBond() {
    Bytes32 description = Bytes32.random();
    Bytes32 commitment = Bytes32.random();
    BigInteger bond = Wei.ether(3);
    BigInteger before = f.node.balanceOf(f.deployment.registry());

    long modelId = f.seller.registry().registerModel(description, commitment, bond);

    ModelRecord model = f.buyer.registry().getModel(modelId);
    assertEquals(1, modelId);
    assertEquals(f.seller.address(), model.seller());
    assertEquals(description, model.descriptionDigest());
    assertEquals(commitment, model.weightCommitment());
    assertEquals(bond, model.stake());
    assertTrue(model.active());
    assertTrue(f.buyer.registry().isActive(modelId));
    assertEquals(1, f.buyer.registry().modelCount());
    assertEquals(before.add(bond), f.node.balanceOf(f.deployment.registry()));

    var events =
        ContractLogs.events(
            f.node,
            f.deployment.registry(),
            ModelRegistry.MODELREGISTERED_EVENT,
            ModelRegistry::getModelRegisteredEventFromLog);
    assertEquals(1, events.size());
    assertEquals(BigInteger.ONE, events.getFirst().modelId);
    assertEquals(f.seller.address(), events.getFirst().seller);
    assertEquals(commitment, new Bytes32(events.getFirst().weightCommitment));
    assertEquals(description, new Bytes32(events.getFirst().descriptionDigest));
    assertEquals(bond, events.getFirst().stake);
  }

  /**
   * The verifier plans hash: zero until set, set once by the seller alone, never empty, never
   * changed (a record is not edited), an unknown model refused; the event carries it.
   */
  @Test
  void theSellerSetsTheVerifierPlansOnce() {
    long modelId =
        f.seller
            .registry()
            .registerModel(
                Bytes32.random(), Bytes32.random(), EscrowFixture.MIN_REGISTRATION_STAKE);
    Bytes32 zero = new Bytes32(new byte[32]);
    assertEquals(zero, f.buyer.registry().verifierPlansOf(modelId));
    Bytes32 plans = Bytes32.random();
    assertReverts("not the seller", () -> f.buyer.registry().setVerifierPlans(modelId, plans));
    assertReverts("empty plans hash", () -> f.seller.registry().setVerifierPlans(modelId, zero));
    assertReverts("unknown model", () -> f.seller.registry().setVerifierPlans(modelId + 1, plans));
    f.seller.registry().setVerifierPlans(modelId, plans);
    assertEquals(plans, f.buyer.registry().verifierPlansOf(modelId));
    assertReverts(
        "plans already set", () -> f.seller.registry().setVerifierPlans(modelId, Bytes32.random()));
    assertEquals(plans, f.buyer.registry().verifierPlansOf(modelId));
    var events =
        ContractLogs.events(
            f.node,
            f.deployment.registry(),
            ModelRegistry.VERIFIERPLANSSET_EVENT,
            ModelRegistry::getVerifierPlansSetEventFromLog);
    assertEquals(1, events.size());
    assertEquals(plans, new Bytes32(events.getFirst().plansHash));
  }

  @Test
  void rejectsMalformedRegistrations() {
    BigInteger bond = EscrowFixture.MIN_REGISTRATION_STAKE;
    Bytes32 zero = new Bytes32(new byte[32]);
    assertReverts(
        "empty description digest",
        () -> f.seller.registry().registerModel(zero, Bytes32.random(), bond));
    assertReverts(
        "empty weight commitment",
        () -> f.seller.registry().registerModel(Bytes32.random(), zero, bond));
    assertReverts(
        "stake below minimum",
        () ->
            f.seller
                .registry()
                .registerModel(Bytes32.random(), Bytes32.random(), bond.subtract(BigInteger.ONE)));
    Bytes32 commitment = Bytes32.random();
    f.seller.registry().registerModel(Bytes32.random(), commitment, bond);
    assertReverts(
        "commitment already registered",
        () -> f.seller.registry().registerModel(Bytes32.random(), commitment, bond));
    assertEquals(1, f.seller.registry().modelCount());
    assertReverts("unknown model", () -> f.seller.registry().getModel(2));
  }

  @Test
  void onlyTheSellerRetiresAndWithdrawsAfterTheDelay() {
    long modelId = f.registerModel();
    assertReverts("not the seller", () -> f.stranger.registry().retireModel(modelId));
    assertReverts("model not retired", () -> f.seller.registry().withdrawModelStake(modelId));

    f.seller.registry().retireModel(modelId);
    assertFalse(f.buyer.registry().isActive(modelId));
    assertTrue(f.buyer.registry().getModel(modelId).retiredAt().isPresent());
    assertReverts("already retired", () -> f.seller.registry().retireModel(modelId));
    assertReverts("withdraw delay not over", () -> f.seller.registry().withdrawModelStake(modelId));

    f.pastWindow();
    assertReverts("not the seller", () -> f.stranger.registry().withdrawModelStake(modelId));
    BigInteger registryBefore = f.node.balanceOf(f.deployment.registry());
    f.seller.registry().withdrawModelStake(modelId);
    assertEquals(
        registryBefore.subtract(EscrowFixture.MIN_REGISTRATION_STAKE),
        f.node.balanceOf(f.deployment.registry()));
    assertEquals(BigInteger.ZERO, f.buyer.registry().getModel(modelId).stake());
    assertReverts("stake already withdrawn", () -> f.seller.registry().withdrawModelStake(modelId));
  }

  @Test
  void aRotationRecordsTheLineageMovesTheBondAndRetiresTheOldRecord() {
    Bytes32 description = Bytes32.random();
    long first =
        f.seller
            .registry()
            .registerModel(description, Bytes32.random(), EscrowFixture.MIN_REGISTRATION_STAKE);
    Bytes32 fresh = Bytes32.random();
    Bytes32 link = Bytes32.random();
    BigInteger registryBefore = f.node.balanceOf(f.deployment.registry());

    long second = f.seller.registry().rotateModel(first, fresh, link, BigInteger.ZERO);

    ModelRecord rotated = f.buyer.registry().getModel(second);
    assertEquals(description, rotated.descriptionDigest());
    assertEquals(fresh, rotated.weightCommitment());
    assertEquals(
        EscrowFixture.MIN_REGISTRATION_STAKE, rotated.stake(), "the bond moved with the lineage");
    assertEquals(BigInteger.ZERO, f.buyer.registry().getModel(first).stake());
    assertFalse(f.buyer.registry().isActive(first), "new orders go to the new key");
    assertTrue(f.buyer.registry().isActive(second));
    assertEquals(registryBefore, f.node.balanceOf(f.deployment.registry()));
    assertEquals(first, f.buyer.registry().rootOf(second));
    assertEquals(first, f.buyer.registry().rootOf(first));
    assertEquals(second, f.buyer.registry().latestOf(first));
    assertEquals(java.util.Optional.of(first), f.buyer.registry().rotatedFrom(second));
    assertEquals(java.util.Optional.empty(), f.buyer.registry().rotatedFrom(first));

    long third =
        f.seller.registry().rotateModel(second, Bytes32.random(), Bytes32.random(), Wei.ether(1));
    assertEquals(first, f.buyer.registry().rootOf(third));
    assertEquals(third, f.buyer.registry().latestOf(first));
    assertEquals(third, f.buyer.registry().latestOf(second));
    assertEquals(
        EscrowFixture.MIN_REGISTRATION_STAKE.add(Wei.ether(1)),
        f.buyer.registry().getModel(third).stake());
    var events =
        ContractLogs.events(
            f.node,
            f.deployment.registry(),
            ModelRegistry.MODELROTATED_EVENT,
            ModelRegistry::getModelRotatedEventFromLog);
    assertEquals(2, events.size());
    assertEquals(BigInteger.valueOf(first), events.getFirst().rootModelId);
    assertEquals(link, new Bytes32(events.getFirst().linkDigest));
    // The old bond is gone with the lineage: nothing to withdraw from the retired records.
    f.pastWindow();
    assertReverts("stake already withdrawn", () -> f.seller.registry().withdrawModelStake(first));
  }

  @Test
  void onlyTheSellerRotatesAnActiveModelOnce() {
    long model = f.registerModel();
    Bytes32 zero = new Bytes32(new byte[32]);
    assertReverts(
        "not the seller",
        () ->
            f.stranger
                .registry()
                .rotateModel(model, Bytes32.random(), Bytes32.random(), BigInteger.ZERO));
    assertReverts(
        "empty weight commitment",
        () -> f.seller.registry().rotateModel(model, zero, Bytes32.random(), BigInteger.ZERO));
    assertReverts(
        "empty rotation link",
        () -> f.seller.registry().rotateModel(model, Bytes32.random(), zero, BigInteger.ZERO));
    Bytes32 listed = f.buyer.registry().getModel(model).weightCommitment();
    assertReverts(
        "commitment already registered",
        () -> f.seller.registry().rotateModel(model, listed, Bytes32.random(), BigInteger.ZERO));
    f.seller.registry().rotateModel(model, Bytes32.random(), Bytes32.random(), BigInteger.ZERO);
    assertReverts(
        "already rotated",
        () ->
            f.seller
                .registry()
                .rotateModel(model, Bytes32.random(), Bytes32.random(), BigInteger.ZERO));
    long retired = f.registerModel();
    f.seller.registry().retireModel(retired);
    assertReverts(
        "model retired",
        () ->
            f.seller
                .registry()
                .rotateModel(retired, Bytes32.random(), Bytes32.random(), BigInteger.ZERO));
    assertReverts("unknown model", () -> f.buyer.registry().rootOf(99));
  }

  @Test
  void freeEscrowStakeMovesAlongTheLineageOnly() {
    long model = f.registerModel();
    f.seller.predictions().depositStake(model, Wei.ether(2));
    long rotated =
        f.seller.registry().rotateModel(model, Bytes32.random(), Bytes32.random(), BigInteger.ZERO);
    long unrelated = f.registerModel();
    assertReverts(
        "not the same lineage",
        () -> f.seller.predictions().moveStake(model, unrelated, Wei.ether(1)));
    assertReverts(
        "not the same lineage", () -> f.seller.predictions().moveStake(model, model, Wei.ether(1)));
    assertReverts(
        "not the seller", () -> f.stranger.predictions().moveStake(model, rotated, Wei.ether(1)));
    assertReverts(
        "amount exceeds free stake",
        () -> f.seller.predictions().moveStake(model, rotated, Wei.ether(3)));
    f.seller.predictions().moveStake(model, rotated, Wei.ether(2));
    assertEquals(BigInteger.ZERO, f.buyer.predictions().getStake(model).free());
    assertEquals(Wei.ether(2), f.buyer.predictions().getStake(rotated).free());
  }
}
