package io.zkaudit.escrow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.escrow.contracts.AuditEscrow;
import io.zkaudit.escrow.contracts.test.ReentrancyAttacker;
import java.math.BigInteger;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A contract party whose receive() re-enters the contract paying it
 * (test/solidity/ReentrancyAttacker) is paid exactly once, and the funds of everyone else stay in
 * the contract.
 */
@ExtendWith(AnvilExtension.class)
class ReentrancyTest {
  private EscrowFixture f;
  private ChainSession attackerOwner;
  private ReentrancyAttacker attacker;

  @BeforeEach
  void deploy(ChainNode node) {
    f = EscrowFixture.deploy(node);
    attackerOwner =
        new ChainSession(
            node.web3j(),
            node.newAccount(EscrowFixture.FUNDS),
            ChainNode.CHAIN_ID,
            GasListener.NONE);
    attacker =
        attackerOwner.call(
            "deploy attacker",
            ReentrancyAttacker.deploy(
                node.web3j(),
                attackerOwner.transactions,
                attackerOwner.deployGas,
                f.deployment.auditEscrow(),
                f.deployment.registry()));
  }

  @Test
  void escrowWithdrawPaysTheAttackerOnce() {
    long modelId = f.registerModel();
    BigInteger payment = Wei.ether(2);
    // An honest buyer's money sits in the same escrow: the attacker must not reach it.
    long honestAudit =
        f.buyer
            .audits()
            .commitTestSet(
                new AuditTerms(modelId, 10, 5_000, Wei.ether(5), Wei.ether(1)), Bytes32.random());
    var request =
        attackerOwner.send(
            "attacker requests audit",
            attacker.requestAudit(
                BigInteger.valueOf(modelId),
                Bytes32.random().bytes(),
                BigInteger.TEN,
                BigInteger.valueOf(5_000),
                Wei.ether(1),
                payment));
    BigInteger attackerAudit = AuditEscrow.getAuditRequestedEvents(request).getFirst().auditId;
    assertEquals(BigInteger.valueOf(honestAudit + 1), attackerAudit);
    attackerOwner.send("attacker cancels", attacker.cancelAudit(attackerAudit));
    assertEquals(payment, f.buyer.auditCredit(attacker.getContractAddress()));
    BigInteger escrowBefore = f.node.balanceOf(f.deployment.auditEscrow());

    attackerOwner.send("attack", attacker.attackEscrowWithdraw(attackerAudit));

    assertEquals(payment, f.node.balanceOf(attacker.getContractAddress()));
    assertEquals(escrowBefore.subtract(payment), f.node.balanceOf(f.deployment.auditEscrow()));
    assertEquals(Wei.ether(5), f.node.balanceOf(f.deployment.auditEscrow()));
    assertEquals(BigInteger.ZERO, f.buyer.auditCredit(attacker.getContractAddress()));
    assertEquals(BigInteger.TWO, attackerOwner.call("attempts", attacker.reentryAttempts()));
    assertEquals(BigInteger.ZERO, attackerOwner.call("successes", attacker.reentrySuccesses()));
    assertEquals(List.of("reentrant call", "audit not awaiting stake"), reasons());
  }

  @Test
  void registryWithdrawPaysTheAttackerOnce() {
    f.registerModel(); // another seller's bond in the registry
    BigInteger bond = Wei.ether(4);
    attackerOwner.send(
        "attacker registers",
        attacker.registerModel(Bytes32.random().bytes(), Bytes32.random().bytes(), bond));
    BigInteger modelId = BigInteger.TWO;
    assertEquals(attacker.getContractAddress(), f.buyer.registry().getModel(2).seller());
    attackerOwner.send("attacker retires", attacker.retireModel(modelId));
    f.pastWindow();

    attackerOwner.send("attack", attacker.attackRegistryWithdraw(modelId));

    assertEquals(bond, f.node.balanceOf(attacker.getContractAddress()));
    assertEquals(EscrowFixture.MIN_REGISTRATION_STAKE, f.node.balanceOf(f.deployment.registry()));
    assertEquals(BigInteger.ZERO, f.buyer.registry().getModel(2).stake());
    assertEquals(BigInteger.ONE, attackerOwner.call("attempts", attacker.reentryAttempts()));
    assertEquals(BigInteger.ZERO, attackerOwner.call("successes", attacker.reentrySuccesses()));
    assertEquals(List.of("reentrant call"), reasons());
  }

  private List<String> reasons() {
    int count = attackerOwner.call("count", attacker.revertReasonCount()).intValueExact();
    return IntStream.range(0, count)
        .mapToObj(i -> attackerOwner.call("reason", attacker.revertReason(BigInteger.valueOf(i))))
        .toList();
  }
}
