package io.zkaudit.protocols.seller;

import java.time.Clock;
import java.time.Duration;

/**
 * What a seller is configured with: its database, where it listens, its limits.
 *
 * @param jdbcUrl the state's database (SellerStore.h2FileUrl for the default embedded file)
 * @param port 0 for any free port (tests)
 * @param maxRequestBytes the largest request the server reads: requests carry one input tensor or a
 *     verifying key, never a proof
 * @param contestWindow how long the seller has to prove contested answers
 * @param maxContestAnswers the most answers one contest may name (the paper's 1% tamper bound needs
 *     366)
 * @param clockSkew how far a buyer's signed request time may be from the seller's clock: older
 *     signed requests are replays
 */
public record SellerConfig(
    String jdbcUrl,
    String host,
    int port,
    int maxRequestBytes,
    Duration contestWindow,
    int maxContestAnswers,
    Duration clockSkew,
    Clock clock) {
  public static final int DEFAULT_MAX_REQUEST_BYTES = 32 << 20;

  public SellerConfig {
    if (maxRequestBytes <= 0
        || maxContestAnswers <= 0
        || contestWindow.isNegative()
        || clockSkew.isNegative()) {
      throw new IllegalArgumentException("seller limits must be positive");
    }
  }

  public SellerConfig withHost(String newHost) {
    return new SellerConfig(
        jdbcUrl,
        newHost,
        port,
        maxRequestBytes,
        contestWindow,
        maxContestAnswers,
        clockSkew,
        clock);
  }

  public SellerConfig withContestWindow(Duration window) {
    return new SellerConfig(
        jdbcUrl, host, port, maxRequestBytes, window, maxContestAnswers, clockSkew, clock);
  }

  public SellerConfig withMaxRequestBytes(int bytes) {
    return new SellerConfig(
        jdbcUrl, host, port, bytes, contestWindow, maxContestAnswers, clockSkew, clock);
  }

  public static SellerConfig defaults(String jdbcUrl, int port) {
    // 400 answers per contest: room for the 366 the paper's 1% tamper bound needs, and no more:
    // each may be a proof the seller must make inside the window.
    return new SellerConfig(
        jdbcUrl,
        "localhost",
        port,
        DEFAULT_MAX_REQUEST_BYTES,
        Duration.ofMinutes(10),
        400,
        Duration.ofMinutes(5),
        Clock.systemUTC());
  }
}
