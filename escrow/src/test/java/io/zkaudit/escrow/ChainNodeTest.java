package io.zkaudit.escrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.chain.ChainNode;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

class ChainNodeTest {

  @Test
  void startsOnLoopbackFundsAccountsMovesTimeAndStops() {
    ChainNode node = ChainNode.start();
    try (node) {
      assertTrue(node.rpcUrl().startsWith("http://127.0.0.1:"), node.rpcUrl());
      assertEquals(ChainNode.CHAIN_ID, node.chainId());

      Credentials account = node.newAccount(Wei.ether(5));
      assertEquals(Wei.ether(5), node.balanceOf(account.getAddress()));
      Credentials named = node.namedAccount("alice", BigInteger.ONE);
      assertEquals(named.getAddress(), node.namedAccount("alice", BigInteger.TWO).getAddress());
      assertEquals(BigInteger.TWO, node.balanceOf(named.getAddress()));

      Instant before = node.latestBlockTime();
      node.advanceTime(Duration.ofDays(3));
      Duration moved = Duration.between(before, node.latestBlockTime());
      assertTrue(
          moved.compareTo(Duration.ofDays(3)) >= 0
              && moved.compareTo(Duration.ofDays(3).plusMinutes(1)) < 0,
          moved.toString());
    }
    assertThrows(EscrowException.class, node::chainId, "a closed node no longer answers");
  }

  @Test
  void twoNodesRunSideBySide() {
    try (ChainNode a = ChainNode.start();
        ChainNode b = ChainNode.start()) {
      Credentials account = a.newAccount(Wei.ether(1));
      assertEquals(Wei.ether(1), a.balanceOf(account.getAddress()));
      assertEquals(BigInteger.ZERO, b.balanceOf(account.getAddress()));
    }
  }

  @Test
  void clientRefusesADeploymentOnAnotherChain() {
    try (ChainNode node = ChainNode.start()) {
      EscrowDeployment elsewhere =
          new EscrowDeployment(
              1,
              "0x" + "11".repeat(20),
              "0x" + "22".repeat(20),
              "0x" + "33".repeat(20),
              "0x" + "44".repeat(20));
      EscrowException e =
          assertThrows(
              EscrowException.class,
              () -> EscrowClient.connect(node.web3j(), node.newAccount(BigInteger.ONE), elsewhere));
      assertTrue(e.getMessage().contains("chain"), e.getMessage());
    }
  }
}
