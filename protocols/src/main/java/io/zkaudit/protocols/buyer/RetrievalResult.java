package io.zkaudit.protocols.buyer;

import io.zkaudit.proto.v1.ItemSet;
import io.zkaudit.proto.v1.QueryRequest;
import io.zkaudit.proto.v1.QuerySummary;
import java.util.List;

/**
 * A retrieval the buyer has checked: every one of the {@code proven} committed items was proven,
 * and {@code matches} are exactly those whose verified output satisfies the query's predicate. The
 * summary carries the seller's signature over the matching indexes.
 */
public record RetrievalResult(
    ItemSet itemSet, QueryRequest query, List<Match> matches, int proven, QuerySummary summary) {
  public RetrievalResult {
    matches = List.copyOf(matches);
  }

  /** A matching item: its position in the committed set, name, tensor, and verified output. */
  public record Match(int index, String name, int[] tensor, int[] output) {}
}
