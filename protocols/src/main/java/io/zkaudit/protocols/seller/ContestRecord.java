package io.zkaudit.protocols.seller;

import java.util.List;

/** A contest as stored: which answers, by whom, and whether they were proven in time. */
public record ContestRecord(
    String contestId,
    byte[] buyer,
    long requestedAt,
    long deadline,
    Status status,
    Long provenAt,
    List<String> answerIds) {
  public enum Status {
    OPEN,
    PROVEN,
    LATE
  }
}
