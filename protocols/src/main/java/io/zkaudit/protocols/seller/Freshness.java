package io.zkaudit.protocols.seller;

import java.time.Duration;

/**
 * Whether a signed request time is close enough to the seller's clock. Compared as a window around
 * now rather than with {@code Math.abs(now - t)}: that difference overflows for times near {@code
 * Long.MIN_VALUE}, and a wrapped difference passed the check (issue 20).
 */
final class Freshness {
  private Freshness() {}

  /** True if {@code requestedAt} is within {@code skew} of {@code now}, for every long. */
  static boolean fresh(long now, long requestedAt, Duration skew) {
    long s = skew.toMillis();
    // now is a wall-clock time and s a few minutes: neither bound can overflow.
    return requestedAt >= now - s && requestedAt <= now + s;
  }
}
