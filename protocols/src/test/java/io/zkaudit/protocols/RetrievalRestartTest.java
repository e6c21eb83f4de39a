package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zkaudit.proto.v1.ItemSet;
import io.zkaudit.proto.v1.Predicate;
import io.zkaudit.proto.v1.QueryRequest;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.buyer.RetrievalClient;
import io.zkaudit.protocols.buyer.RetrievalResult;
import io.zkaudit.protocols.seller.QueryRecord;
import io.zkaudit.protocols.seller.SellerRetrieval;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A seller that dies part way through a query resumes it after a restart, by itself, proving only
 * what is missing; the buyer's retry then gets the whole answer.
 */
class RetrievalRestartTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(SellerDatabase.class)
  void aQueryCutShortIsResumedAfterARestart(SellerDatabase kind) throws Exception {
    cutShortAndResumed(false, kind);
  }

  /**
   * Private items: the restarted seller proves about the stored commitments, without the hiding
   * key.
   */
  @ParameterizedTest
  @EnumSource(SellerDatabase.class)
  void aQueryOfPrivateItemsCutShortIsResumedAfterARestart(SellerDatabase kind) throws Exception {
    cutShortAndResumed(true, kind);
  }

  private static final byte[] HIDING_KEY =
      "a hiding key of thirty-two bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static ItemSet commit(SellerFixture f, List<SellerRetrieval.Item> items, boolean hidden)
      throws Exception {
    return hidden
        ? f.server
            .retrieval()
            .commitPrivate("three", items, Resnet8.model(), HIDING_KEY, done -> {})
        : f.server.retrieval().commit("three", items);
  }

  private void cutShortAndResumed(boolean hidden, SellerDatabase kind) throws Exception {
    PartyKey sellerKey = PartyKey.generate();
    PartyKey buyerKey = PartyKey.generate();
    String url = kind.newUrl(tmp, hidden ? "private" : "seller");
    List<SellerRetrieval.Item> items = CifarItems.items(0, 2, 4);
    Predicate predicate =
        Predicate.newBuilder()
            .setArgmaxIs(RetrievalProtocolTest.argmax(items.get(0).tensor()))
            .build();
    AtomicInteger before = new AtomicInteger();
    QueryRequest q;
    ItemSet set;
    try (SellerFixture f =
        SellerFixture.start(
            sellerKey, url, CheatingProvers.diesAfter(1, before), buyerKey, c -> c)) {
      set = commit(f, items, hidden);
      RetrievalClient r = new RetrievalClient(f.buyer, 300);
      RegisteredModel m = f.buyer.models().get(0);
      q = r.queryRequest(m, set, predicate);
      BuyerException e =
          assertThrows(
              BuyerException.class, () -> r.retrieve(m, set, q, RetrievalClient.Progress.NONE));
      assertEquals(BuyerException.Reason.REFUSED, e.reason(), e.getMessage());
      assertEquals(
          QueryRecord.Status.OPEN,
          f.server.retrieval().store().query(q.getQueryId()).orElseThrow().status());
      assertEquals(
          1,
          f.server
              .retrieval()
              .store()
              .provenCount(m.id().toByteArray(), set.getItemSetId().toByteArray()));
    }
    AtomicInteger after = new AtomicInteger();
    try (SellerFixture f =
        SellerFixture.start(
            sellerKey,
            url,
            CheatingProvers.diesAfter(Integer.MAX_VALUE, after),
            buyerKey,
            c -> c)) {
      // The restarted seller commits the same items again and finds its set.
      assertEquals(set, commit(f, items, hidden));
      // It proves the missing items of the open query by itself, before the buyer asks again.
      assertEquals(2, f.server.retrieval().resumeOpenQueries());
      assertEquals(2, after.get(), "only the two missing items are proven again");
      assertEquals(0, f.server.retrieval().resumeOpenQueries());
      RetrievalClient r = new RetrievalClient(f.buyer, 300);
      RegisteredModel m = f.buyer.models().get(0);
      RetrievalResult result = r.retrieve(m, set, q, RetrievalClient.Progress.NONE);
      assertEquals(3, result.proven());
      assertEquals(hidden, RetrievalStatements.isPrivate(set.getStatement()));
      assertEquals(0, result.matches().get(0).index());
      assertEquals(2, after.get(), "the retry streams stored proofs");
      assertEquals(
          QueryRecord.Status.DONE,
          f.server.retrieval().store().query(q.getQueryId()).orElseThrow().status());
    }
  }
}
