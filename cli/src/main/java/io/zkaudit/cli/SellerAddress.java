package io.zkaudit.cli;

import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.buyer.BuyerClient;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a buyer command finds the seller: host, port and the CA to trust for TLS. */
final class SellerAddress {
  @Option(
      names = "--host",
      defaultValue = "localhost",
      description = "the seller (default ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--port", required = true, description = "the seller's port")
  int port;

  @Option(
      names = "--tls-ca",
      description = "talk TLS, trusting the seller's certificate if signed by this CA (PEM)")
  Path tlsCa;

  /** Refuses an impossible port before the command touches any file. */
  void check() {
    if (port < 1 || port > 65535) {
      throw CliException.usage("--port must be between 1 and 65535");
    }
  }

  BuyerClient connect(PartyKey key, long timeoutSeconds) {
    return Tls.client(host, port, key, timeoutSeconds, tlsCa);
  }
}
