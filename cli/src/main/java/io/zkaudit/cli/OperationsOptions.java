package io.zkaudit.cli;

import io.zkaudit.protocols.seller.SellerServer;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code seller serve}'s service options: the metrics endpoint and the shutdown grace period
 * (docs/operations.md).
 */
final class OperationsOptions {
  @Option(
      names = "--metrics-port",
      description =
          "serve Prometheus metrics at http://HOST:PORT/metrics (0: any free"
              + " port; default: no endpoint)")
  Integer metricsPort;

  @Option(
      names = "--metrics-host",
      defaultValue = "localhost",
      description = "address of the metrics endpoint (default ${DEFAULT-VALUE}); keep it private")
  String metricsHost;

  @Option(
      names = "--shutdown-grace",
      defaultValue = "30",
      description =
          "seconds a shutdown waits for calls in flight (the proof under way) before cancelling"
              + " them (default ${DEFAULT-VALUE})")
  long shutdownGraceSeconds;

  SellerServer.Operations operations() {
    if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
      throw CliException.usage("--metrics-port must be between 0 and 65535");
    }
    if (shutdownGraceSeconds < 0) {
      throw CliException.usage("--shutdown-grace must be 0 or more");
    }
    return SellerServer.Operations.DEFAULTS
        .withMetrics(metricsHost, metricsPort != null ? metricsPort : -1)
        .withShutdownGrace(Duration.ofSeconds(shutdownGraceSeconds));
  }
}
