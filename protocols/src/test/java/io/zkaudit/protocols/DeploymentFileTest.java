package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.EscrowDeployment;
import io.zkaudit.protocols.chain.ChainKeys;
import io.zkaudit.protocols.chain.DeploymentFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentFileTest {
  @TempDir Path tmp;

  @Test
  void aDeploymentSurvivesTheFileAndBadAddressesAreNamed() throws Exception {
    EscrowDeployment d =
        new EscrowDeployment(
            31337,
            "0x" + "1".repeat(40),
            "0x" + "2".repeat(40),
            "0x" + "3".repeat(40),
            "0x" + "aB".repeat(20));
    Path file = tmp.resolve("d.properties");
    DeploymentFile.write(file, d);
    assertEquals(d, DeploymentFile.read(file));

    Files.writeString(file, Files.readString(file).replace("0x" + "3".repeat(40), "0x33"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DeploymentFile.read(file));
    assertTrue(e.getMessage().contains("predictionEscrow"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DeploymentFile.read(tmp.resolve("missing")));
  }

  @Test
  void aPartyKeyIsItsOwnEthereumAccount() {
    PartyKey k = PartyKey.generate();
    // The address from the compressed public key is the one web3j derives from the private key.
    assertEquals(ChainKeys.credentials(k).getAddress(), ChainKeys.address(k.publicKey()));
  }
}
