package io.zkaudit.cli;

import io.zkaudit.escrow.EscrowException;
import io.zkaudit.protocols.chain.ChainSettings;
import io.zkaudit.protocols.chain.DeploymentFile;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --chain-rpc URL --deployment FILE}: where the escrow contracts are (both or neither). */
final class ChainOptions {
  @Option(
      names = "--chain-rpc",
      description = "JSON-RPC URL of the chain node (with --deployment: use the escrow)")
  String rpc;

  @Option(
      names = "--deployment",
      description = "the contracts' addresses, as written by 'zkaudit chain deploy'")
  Path deployment;

  boolean enabled() {
    if ((rpc == null) != (deployment == null)) {
      throw CliException.usage("--chain-rpc and --deployment go together");
    }
    return rpc != null;
  }

  /** The settings, or a usage error naming what is wrong. */
  ChainSettings settings() {
    if (!enabled()) {
      throw CliException.usage("this needs the chain: --chain-rpc URL --deployment FILE");
    }
    try {
      return ChainSettings.defaults(rpc, DeploymentFile.read(deployment));
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
  }

  /**
   * A chain failure as one line: the contract's revert reason, or why the node could not be
   * reached.
   */
  static CliException failure(EscrowException e) {
    return CliException.usage("on-chain: " + e.getMessage().lines().findFirst().orElse("failed"));
  }
}
