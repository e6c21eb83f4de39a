package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.zkaudit.engine.IntegerEngine;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.proto.v1.ItemSet;
import io.zkaudit.proto.v1.Predicate;
import io.zkaudit.proto.v1.ProvenItem;
import io.zkaudit.proto.v1.QueryMessage;
import io.zkaudit.proto.v1.QueryRequest;
import io.zkaudit.proto.v1.QuerySummary;
import io.zkaudit.proto.v1.ScoreAtLeast;
import io.zkaudit.protocols.buyer.BuyerClient;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.buyer.RetrievalClient;
import io.zkaudit.protocols.buyer.RetrievalResult;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.SellerRetrieval;
import io.zkaudit.protocols.seller.SellerStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trustless retrieval over real sockets and a real H2 file: one honest seller committed to six
 * CIFAR-10 images (proved once, then reused from its store), buyers querying it directly or through
 * a cheating proxy that alters its answers in each way a seller could cheat.
 */
class RetrievalProtocolTest {
  @TempDir static Path shared;
  @TempDir Path tmp;

  private static SellerFixture seller;
  private static ItemSet committed;
  private static List<SellerRetrieval.Item> items;

  @BeforeAll
  static void start() throws Exception {
    seller =
        SellerFixture.start(
            PartyKey.generate(),
            SellerStore.h2FileUrl(shared.resolve("seller")),
            AnswerProver.HONEST,
            PartyKey.generate(),
            c -> c);
    items = CifarItems.items(0, 1, 2, 3, 4, 5);
    committed = seller.server.retrieval().commit("cifar10-test-6", items);
  }

  @AfterAll
  static void stop() {
    if (seller != null) {
      seller.close();
    }
  }

  static int argmax(int[] input) throws Exception {
    var m = Resnet8.model();
    int[] out = new IntegerEngine(m.model()).trace(input).tensor(m.circuit().outputTensor());
    int best = 0;
    for (int i = 1; i < out.length; i++) {
      if (out[i] > out[best]) best = i;
    }
    return best;
  }

  static Predicate argmaxIs(int k) {
    return Predicate.newBuilder().setArgmaxIs(k).build();
  }

  /** The class of item 0 as the engine computes it, and the items of that class. */
  private static int target() throws Exception {
    return argmax(items.get(0).tensor());
  }

  private static List<Integer> expectedMatches(int k) throws Exception {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (argmax(items.get(i).tensor()) == k) out.add(i);
    }
    return out;
  }

  @Test
  void theMatchesAreExactlyTheItemsOfTheClassAndEveryItemIsProven() throws Exception {
    RetrievalClient r = new RetrievalClient(seller.buyer, 300);
    List<ItemSet> sets = r.itemSets();
    assertEquals(List.of(committed), sets);
    assertEquals(6, committed.getStatement().getCount());
    RegisteredModel m = seller.buyer.models().get(0);
    int k = target();
    AtomicInteger progress = new AtomicInteger();
    RetrievalResult result =
        r.retrieve(m, committed, argmaxIs(k), (done, total) -> progress.set(done));
    assertEquals(6, result.proven());
    assertEquals(6, progress.get());
    assertEquals(
        expectedMatches(k), result.matches().stream().map(RetrievalResult.Match::index).toList());
    assertEquals(items.get(0).name(), result.matches().get(0).name());
    assertEquals(
        6,
        seller
            .server
            .retrieval()
            .store()
            .provenCount(m.id().toByteArray(), committed.getItemSetId().toByteArray()));

    // Another predicate over the same model and set: the stored proofs are reused.
    int threshold = result.matches().get(0).output()[k];
    RetrievalResult scored =
        r.retrieve(
            m,
            committed,
            Predicate.newBuilder()
                .setScoreAtLeast(ScoreAtLeast.newBuilder().setClassIndex(k).setThreshold(threshold))
                .build(),
            RetrievalClient.Progress.NONE);
    assertTrue(
        scored.matches().stream().anyMatch(x -> x.index() == 0), "item 0 reaches its own logit");
    for (RetrievalResult.Match x : scored.matches()) {
      assertTrue(x.output()[k] >= threshold);
    }
  }

  /** Runs a query through a cheating proxy and returns the buyer's rejection. */
  private BuyerException cheat(PartyKey resignWith, CheatingRetrievalProxy.Tamper tamper)
      throws Exception {
    try (var proxy = new CheatingRetrievalProxy(seller.server.port(), resignWith, tamper);
        BuyerClient buyer = new BuyerClient("localhost", proxy.port(), PartyKey.generate(), 300)) {
      RetrievalClient r = new RetrievalClient(buyer, 300);
      RegisteredModel m = buyer.models().get(0);
      ItemSet set = r.itemSets().get(0);
      return assertThrows(
          BuyerException.class,
          () -> r.retrieve(m, set, argmaxIs(target()), RetrievalClient.Progress.NONE));
    }
  }

  private BuyerException cheat(CheatingRetrievalProxy.Tamper tamper) throws Exception {
    return cheat(seller.sellerKey, tamper);
  }

  private static void assertCaught(BuyerException e, String reason) {
    assertEquals(BuyerException.Reason.INVALID_ANSWER, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  private static int firstItem(List<QueryMessage> ms, boolean matching) {
    for (int i = 0; i < ms.size(); i++) {
      if (ms.get(i).hasItem() && ms.get(i).getItem().getMatches() == matching) return i;
    }
    throw new AssertionError("no " + (matching ? "" : "non-") + "matching item");
  }

  private static QueryMessage item(ProvenItem i) {
    return QueryMessage.newBuilder().setItem(i).build();
  }

  @Test
  void aSellerThatLeavesOutAMatchingItemIsCaught() throws Exception {
    assertCaught(
        cheat(
            (q, ms) -> {
              List<QueryMessage> out = new ArrayList<>(ms);
              out.remove(firstItem(ms, true));
              // Renumbered, so the order check passes: only the count and the commitment can tell.
              int index = 0;
              for (int i = 0; i < out.size(); i++) {
                if (out.get(i).hasItem())
                  out.set(i, item(out.get(i).getItem().toBuilder().setIndex(index++).build()));
              }
              return out;
            }),
        "incomplete: the seller proved 5 of the 6 committed items");
  }

  @Test
  void aSellerThatSkipsAnItemIsCaught() throws Exception {
    assertCaught(
        cheat(
            (q, ms) -> {
              List<QueryMessage> out = new ArrayList<>(ms);
              out.remove(firstItem(ms, true));
              return out;
            }),
        "where item");
  }

  @Test
  void aSellerThatAddsAnUncommittedItemIsCaught() throws Exception {
    assertCaught(
        cheat(
            (q, ms) -> {
              List<QueryMessage> out = new ArrayList<>(ms);
              // A properly proven extra item (a copy of a matching one) after the committed six.
              ProvenItem extra =
                  ms.get(firstItem(ms, true)).getItem().toBuilder()
                      .setIndex(6)
                      .setName("extra")
                      .build();
              out.add(out.size() - 1, item(extra));
              return out;
            }),
        "more items than the 6 it committed to");
  }

  @Test
  void aSellerThatProvesAnotherItemSetIsCaught() throws Exception {
    // Every item proven and in order, but one of them is not the committed item: a matching item
    // stands where a non-matching one was committed.
    assertCaught(
        cheat(
            (q, ms) -> {
              List<QueryMessage> out = new ArrayList<>(ms);
              int yes = firstItem(ms, true);
              int no = firstItem(ms, false);
              out.set(
                  no,
                  item(
                      ms.get(yes).getItem().toBuilder()
                          .setIndex(ms.get(no).getItem().getIndex())
                          .build()));
              return out;
            }),
        "not the committed set");
  }

  @Test
  void anAnswerAboutAnotherItemSetIsCaught() throws Exception {
    assertCaught(
        cheat(
            (q, ms) -> {
              List<QueryMessage> out = new ArrayList<>(ms);
              var header = ms.get(0).getHeader().toBuilder();
              header.getItemSetBuilder().setItemSetId(ByteString.copyFrom(new byte[32]));
              out.set(0, QueryMessage.newBuilder().setHeader(header).build());
              return out;
            }),
        "does not start with this query and item set");
  }

  @Test
  void aTamperedOutputInsideAProofIsCaught() throws Exception {
    assertCaught(
        cheat(
            (q, ms) -> {
              List<QueryMessage> out = new ArrayList<>(ms);
              int at = firstItem(ms, true);
              ProvenItem i = ms.get(at).getItem();
              ModelProof p = ModelProof.decode(i.getProof().toByteArray());
              ModelProof forged =
                  CheatingProvers.withOutput(p, CheatingProvers.tampered(p.output()));
              // Consistent with the forged output: the item no longer matches.
              out.set(
                  at,
                  item(
                      i.toBuilder()
                          .setProof(ByteString.copyFrom(forged.encode()))
                          .setMatches(false)
                          .build()));
              return out;
            }),
        "invalid proof");
  }

  @Test
  void anItemProvenByAnotherModelIsCaught() throws Exception {
    assertCaught(
        cheat(
            (q, ms) -> {
              List<QueryMessage> out = new ArrayList<>(ms);
              int at = firstItem(ms, true);
              ProvenItem i = ms.get(at).getItem();
              ModelProof other =
                  AnswerProver.HONEST.prove(
                      Resnet8.otherModel(), Tensors.fromList(i.getTensorList()));
              out.set(
                  at, item(i.toBuilder().setProof(ByteString.copyFrom(other.encode())).build()));
              return out;
            }),
        "the proof is for another model");
  }

  @Test
  void aNonMatchingItemReturnedAsMatchingIsCaught() throws Exception {
    assertCaught(
        cheat(
            (q, ms) -> {
              List<QueryMessage> out = new ArrayList<>(ms);
              int at = firstItem(ms, false);
              out.set(at, item(ms.get(at).getItem().toBuilder().setMatches(true).build()));
              return out;
            }),
        "the seller says it matches but its proven output says otherwise");
  }

  @Test
  void anItemWhoseTensorIsNotTheProvenOneIsCaught() throws Exception {
    assertCaught(
        cheat(
            (q, ms) -> {
              List<QueryMessage> out = new ArrayList<>(ms);
              int at = firstItem(ms, true);
              ProvenItem i = ms.get(at).getItem();
              int[] t = Tensors.fromList(i.getTensorList());
              t[0] = t[0] == 0 ? 1 : 0;
              out.set(
                  at, item(i.toBuilder().clearTensor().addAllTensor(Tensors.toList(t)).build()));
              return out;
            }),
        "the proof is about another input");
  }

  @Test
  void aSummaryThatListsOtherMatchesOrIsNotSignedIsCaught() throws Exception {
    assertCaught(
        cheat(
            null,
            (q, ms) -> {
              List<QueryMessage> out = new ArrayList<>(ms);
              List<Integer> lie = List.of(firstItem(ms, false) - 1);
              out.set(
                  out.size() - 1,
                  QueryMessage.newBuilder()
                      .setSummary(
                          QuerySummary.newBuilder()
                              .addAllMatchingIndexes(lie)
                              .setSellerSignature(
                                  seller.sellerKey.sign(RetrievalStatements.result(q, lie))))
                      .build());
              return out;
            }),
        "other matches");
    assertCaught(cheat(PartyKey.generate(), (q, ms) -> ms), "not signed by the seller");
  }

  @Test
  void anItemSetNotSignedByTheModelsSellerIsRefusedBeforeAsking() throws Exception {
    RetrievalClient r = new RetrievalClient(seller.buyer, 60);
    RegisteredModel m = seller.buyer.models().get(0);
    PartyKey other = PartyKey.generate();
    ItemSet forged =
        committed.toBuilder()
            .setSellerSignature(other.sign(RetrievalStatements.itemSet(committed.getStatement())))
            .build();
    assertCaught(
        assertThrows(
            BuyerException.class,
            () -> r.retrieve(m, forged, argmaxIs(0), RetrievalClient.Progress.NONE)),
        "not signed by the seller that registered the model");
    ItemSet renamed =
        committed.toBuilder()
            .setStatement(committed.getStatement().toBuilder().setCount(5))
            .build();
    assertCaught(
        assertThrows(
            BuyerException.class,
            () -> r.retrieve(m, renamed, argmaxIs(0), RetrievalClient.Progress.NONE)),
        "its id is not the hash of its statement");
  }

  @Test
  void aSentQueryCanBeSentAgainButItsIdCannotBeReused() throws Exception {
    RetrievalClient r = new RetrievalClient(seller.buyer, 300);
    RegisteredModel m = seller.buyer.models().get(0);
    QueryRequest q = r.queryRequest(m, committed, argmaxIs(target()));
    RetrievalResult first = r.retrieve(m, committed, q, RetrievalClient.Progress.NONE);
    // The same signed request again (a retry): the same answer.
    RetrievalResult again = r.retrieve(m, committed, q, RetrievalClient.Progress.NONE);
    assertEquals(first.summary(), again.summary());

    // Another buyer, or this buyer with another predicate, cannot take the query id.
    try (BuyerClient stranger =
        new BuyerClient("localhost", seller.server.port(), PartyKey.generate(), 60)) {
      RetrievalClient s = new RetrievalClient(stranger, 60);
      QueryRequest.Builder b =
          q.toBuilder().clearBuyerSignature().setRequestedAtMillis(System.currentTimeMillis());
      QueryRequest theirs =
          b.setBuyerSignature(stranger.key().sign(RetrievalStatements.query(b.build()))).build();
      BuyerException e =
          assertThrows(
              BuyerException.class,
              () -> s.retrieve(m, committed, theirs, RetrievalClient.Progress.NONE));
      assertEquals(BuyerException.Reason.REFUSED, e.reason());
      assertTrue(
          e.getMessage().contains("query_id: " + q.getQueryId() + " was used"), e.getMessage());
    }
    QueryRequest.Builder b =
        q.toBuilder().clearBuyerSignature().setPredicate(argmaxIs((target() + 1) % 10));
    QueryRequest altered =
        b.setBuyerSignature(seller.buyer.key().sign(RetrievalStatements.query(b.build()))).build();
    BuyerException e =
        assertThrows(
            BuyerException.class,
            () -> r.retrieve(m, committed, altered, RetrievalClient.Progress.NONE));
    assertTrue(e.getMessage().contains("was used"), e.getMessage());
    assertFalse(first.matches().isEmpty());
  }
}
