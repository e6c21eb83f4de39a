package io.zkaudit.cli;

import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.buyer.BuyerClient;
import java.nio.file.Files;
import java.nio.file.Path;

/** The buyer's connection: plaintext, or TLS trusting the given CA certificate file. */
final class Tls {
  private Tls() {}

  static BuyerClient client(
      String host, int port, PartyKey key, long timeoutSeconds, Path trustedCa) {
    if (trustedCa != null && !Files.isReadable(trustedCa)) {
      throw CliException.usage("cannot read --tls-ca " + trustedCa);
    }
    try {
      return new BuyerClient(host, port, key, timeoutSeconds, trustedCa);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
  }
}
