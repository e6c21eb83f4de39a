package io.zkaudit.cli;

import io.zkaudit.protocols.PartyKey;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --key FILE}: the buyer's identity, the same option and default in every buyer command. */
final class BuyerKeyOption {
  @Option(
      names = "--key",
      defaultValue = "zkaudit-buyer/buyer.key",
      description = "the buyer's secp256k1 key file, created if missing (default ${DEFAULT-VALUE})")
  Path file;

  PartyKey loadOrCreate() {
    return KeyFiles.loadOrCreate(file);
  }
}
