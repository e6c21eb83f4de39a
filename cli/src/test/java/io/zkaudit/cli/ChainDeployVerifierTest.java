package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.cli.CliRuns.Run;
import io.zkaudit.escrow.EscrowDeployment;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.escrow.contracts.SessionProofVerifier;
import io.zkaudit.protocols.chain.DeploymentFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * {@code zkaudit chain deploy --verifier on-chain}: the escrows consult a {@code
 * SessionProofVerifier} over freshly deployed verifier contracts, no attester key; wrong
 * combinations of options are usage errors, one line each.
 */
class ChainDeployVerifierTest {
  @TempDir Path tmp;

  @Test
  void theOnChainVerifierIsDeployedBehindTheEscrowsWithoutAnAttester() throws Exception {
    try (ChainNode node = ChainNode.start()) {
      String rpc = node.rpcUrl();
      String key = tmp.resolve("deployer.key").toString();
      Run fund = run("chain", "fund", "--chain-rpc", rpc, "--key", key, "--ether", "1000");
      assertEquals(0, fund.code(), fund.out() + fund.err());
      Path out = tmp.resolve("deployment.properties");
      Run deploy =
          run(
              "chain",
              "deploy",
              "--chain-rpc",
              rpc,
              "--key",
              key,
              "--verifier",
              "on-chain",
              "--out",
              out.toString());
      assertEquals(0, deploy.code(), deploy.out() + deploy.err());
      EscrowDeployment d = DeploymentFile.read(out);
      String sessions =
          SessionProofVerifier.load(
                  d.proofVerifier(),
                  node.web3j(),
                  new ReadonlyTransactionManager(node.web3j(), d.registry()),
                  new DefaultGasProvider())
              .sessions()
              .send();
      assertTrue(
          node.web3j()
                  .ethGetCode(sessions, org.web3j.protocol.core.DefaultBlockParameterName.LATEST)
                  .send()
                  .getCode()
                  .length()
              > 2,
          "the escrows' verifier reads a deployed ProofSession");

      String attester = tmp.resolve("attester.key").toString();
      for (String[] bad :
          new String[][] {
            {"--verifier", "on-chain", "--attester-key", attester},
            {"--verifier", "attester"},
            {"--verifier", "nobody", "--attester-key", attester}
          }) {
        String[] args = new String[6 + bad.length];
        System.arraycopy(
            new String[] {"chain", "deploy", "--chain-rpc", rpc, "--key", key}, 0, args, 0, 6);
        System.arraycopy(bad, 0, args, 6, bad.length);
        Run r = run(args);
        assertEquals(Main.EXIT_USAGE, r.code(), String.join(" ", bad) + ": " + r.out() + r.err());
        assertTrue(r.err().contains("--verifier"), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
      }
    }
  }
}
