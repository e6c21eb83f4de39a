package io.zkaudit.protocols.seller;

import io.zkaudit.proto.v1.QueryRequest;

/** A buyer's query as stored: the signed request and whether every item has been proven. */
public record QueryRecord(QueryRequest request, Status status, Long doneAt) {
  public enum Status {
    OPEN,
    DONE
  }
}
