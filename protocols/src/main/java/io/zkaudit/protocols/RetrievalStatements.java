package io.zkaudit.protocols;

import io.zkaudit.proto.v1.ItemSetStatement;
import io.zkaudit.proto.v1.Predicate;
import io.zkaudit.proto.v1.QueryRequest;
import java.util.List;

/**
 * The canonical bytes signed in trustless retrieval, in the style of {@link Statements}: a domain
 * tag per message kind, then every field in a fixed order.
 */
public final class RetrievalStatements {
  private RetrievalStatements() {}

  /**
   * What the seller signs when it commits to an item set; its SHA-256 is the item set id. Private
   * sets (leaves of input commitments for one model) have their own tag and bind that model, so a
   * set's id and signature cannot stand for a set of the other kind, whose leaves mean another
   * thing.
   */
  public static byte[] itemSet(ItemSetStatement s) {
    boolean hidden = isPrivate(s);
    return Statements.write(
        out -> {
          Statements.tag(out, hidden ? "zkaudit/itemset-private/v1" : "zkaudit/itemset/v1");
          Statements.text(out, s.getName());
          out.writeInt(s.getCount());
          out.writeInt(s.getValuesPerItem());
          if (hidden) {
            Statements.bytes(out, s.getPrivateForModel().toByteArray());
          }
          Statements.bytes(out, s.getMerkleRoot().toByteArray());
        });
  }

  /**
   * True for an item set of private items (committed for one model; non-matching items are not
   * revealed).
   */
  public static boolean isPrivate(ItemSetStatement s) {
    return !s.getPrivateForModel().isEmpty();
  }

  public static byte[] itemSetId(ItemSetStatement s) {
    return PartyKey.sha256(itemSet(s));
  }

  /** What the buyer signs: its query, bound to one item set, one model and one predicate. */
  public static byte[] query(QueryRequest q) {
    return Statements.write(
        out -> {
          Statements.tag(out, "zkaudit/query/v1");
          Statements.text(out, q.getQueryId());
          Statements.bytes(out, q.getItemSetId().toByteArray());
          Statements.bytes(out, q.getModelId().toByteArray());
          Predicate p = q.getPredicate();
          switch (p.getKindCase()) {
            case ARGMAX_IS -> {
              out.writeInt(1);
              out.writeInt(p.getArgmaxIs());
              out.writeInt(0);
            }
            case SCORE_AT_LEAST -> {
              out.writeInt(2);
              out.writeInt(p.getScoreAtLeast().getClassIndex());
              out.writeInt(p.getScoreAtLeast().getThreshold());
            }
            case KIND_NOT_SET -> {
              out.writeInt(0);
              out.writeInt(0);
              out.writeInt(0);
            }
          }
          out.writeLong(q.getRequestedAtMillis());
        });
  }

  /**
   * What the seller signs at the end of a query: which items matched, for exactly this request and
   * buyer.
   */
  public static byte[] result(QueryRequest q, List<Integer> matchingIndexes) {
    return Statements.write(
        out -> {
          Statements.tag(out, "zkaudit/retrieval/v1");
          Statements.text(out, q.getQueryId());
          Statements.bytes(out, PartyKey.sha256(query(q)));
          Statements.bytes(out, q.getBuyerSignature().getPublicKey().toByteArray());
          Statements.bytes(out, q.getItemSetId().toByteArray());
          Statements.bytes(out, q.getModelId().toByteArray());
          out.writeInt(matchingIndexes.size());
          for (int i : matchingIndexes) {
            out.writeInt(i);
          }
        });
  }
}
