package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.zkaudit.proto.v1.ItemSet;
import io.zkaudit.proto.v1.Predicate;
import io.zkaudit.proto.v1.QueryRequest;
import io.zkaudit.proto.v1.RetrievalGrpc;
import io.zkaudit.proto.v1.ScoreAtLeast;
import io.zkaudit.proto.v1.Signature;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.RequestRejected;
import io.zkaudit.protocols.seller.SellerRetrieval;
import io.zkaudit.protocols.seller.SellerStore;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seller refuses malformed, unsigned, stale and mismatched queries before proving anything. */
class RetrievalValidationTest {
  @TempDir Path tmp;

  private static void assertRefused(Status.Code code, String contains, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(
        String.valueOf(e.getStatus().getDescription()).contains(contains),
        e.getStatus().toString());
  }

  private static QueryRequest signed(PartyKey buyer, QueryRequest.Builder b) {
    return b.setBuyerSignature(
            buyer.sign(RetrievalStatements.query(b.clearBuyerSignature().build())))
        .build();
  }

  @Test
  void malformedQueriesAreRefusedWithTheFieldNamed() throws Exception {
    try (SellerFixture f =
        SellerFixture.start(
            PartyKey.generate(),
            SellerStore.h2FileUrl(tmp.resolve("s")),
            AnswerProver.HONEST,
            PartyKey.generate(),
            c -> c)) {
      ItemSet set = f.server.retrieval().commit("two", CifarItems.items(0, 1));
      ItemSet tiny =
          f.server
              .retrieval()
              .commit("tiny", List.of(new SellerRetrieval.Item("a", new int[] {1, 2, 3})));
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("localhost", f.server.port()).usePlaintext().build();
      try {
        var stub = RetrievalGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
        PartyKey buyer = PartyKey.generate();
        QueryRequest.Builder good =
            QueryRequest.newBuilder()
                .setQueryId("q1")
                .setItemSetId(set.getItemSetId())
                .setModelId(ByteString.copyFrom(Resnet8.model().vk().digest().bytes()))
                .setPredicate(Predicate.newBuilder().setArgmaxIs(3))
                .setRequestedAtMillis(System.currentTimeMillis());
        // Each request is signed, so that only the named field is wrong.
        java.util.function.BiConsumer<String, UnaryOperator<QueryRequest.Builder>> refusedInvalid =
            (field, change) ->
                assertRefused(
                    Status.Code.INVALID_ARGUMENT,
                    field,
                    () -> stub.query(signed(buyer, change.apply(good.clone()))).hasNext());

        refusedInvalid.accept("query_id", b -> b.setQueryId("no spaces allowed"));
        refusedInvalid.accept("query_id", b -> b.setQueryId(""));
        refusedInvalid.accept("item_set_id", b -> b.setItemSetId(ByteString.copyFrom(new byte[5])));
        refusedInvalid.accept("model_id", b -> b.setModelId(ByteString.copyFrom(new byte[3])));
        refusedInvalid.accept("predicate", b -> b.clearPredicate());
        refusedInvalid.accept(
            "predicate.argmax_is", b -> b.setPredicate(Predicate.newBuilder().setArgmaxIs(10)));
        refusedInvalid.accept(
            "predicate.argmax_is", b -> b.setPredicate(Predicate.newBuilder().setArgmaxIs(-1)));
        refusedInvalid.accept(
            "predicate.score_at_least.class_index",
            b ->
                b.setPredicate(
                    Predicate.newBuilder()
                        .setScoreAtLeast(ScoreAtLeast.newBuilder().setClassIndex(11))));
        refusedInvalid.accept(
            "predicate.score_at_least.threshold",
            b ->
                b.setPredicate(
                    Predicate.newBuilder()
                        .setScoreAtLeast(
                            ScoreAtLeast.newBuilder().setClassIndex(1).setThreshold(1000))));
        refusedInvalid.accept(
            "requested_at_millis",
            b -> b.setRequestedAtMillis(System.currentTimeMillis() - 3_600_000));

        assertRefused(
            Status.Code.NOT_FOUND,
            "model_id",
            () ->
                stub.query(
                        signed(buyer, good.clone().setModelId(ByteString.copyFrom(new byte[32]))))
                    .hasNext());
        assertRefused(
            Status.Code.NOT_FOUND,
            "item_set_id",
            () ->
                stub.query(
                        signed(buyer, good.clone().setItemSetId(ByteString.copyFrom(new byte[32]))))
                    .hasNext());
        assertRefused(
            Status.Code.FAILED_PRECONDITION,
            "item_set_id: its items have 3 values",
            () ->
                stub.query(signed(buyer, good.clone().setItemSetId(tiny.getItemSetId())))
                    .hasNext());
        assertRefused(
            Status.Code.PERMISSION_DENIED,
            "buyer_signature",
            () -> stub.query(good.build()).hasNext());
        QueryRequest forged =
            signed(buyer, good.clone()).toBuilder()
                .setPredicate(Predicate.newBuilder().setArgmaxIs(4))
                .build();
        assertRefused(
            Status.Code.PERMISSION_DENIED, "buyer_signature", () -> stub.query(forged).hasNext());
        QueryRequest badKey =
            signed(buyer, good.clone()).toBuilder()
                .setBuyerSignature(
                    Signature.newBuilder()
                        .setPublicKey(ByteString.copyFrom(new byte[33]))
                        .setRs(ByteString.copyFrom(new byte[64])))
                .build();
        assertRefused(
            Status.Code.PERMISSION_DENIED, "buyer_signature", () -> stub.query(badKey).hasNext());
        // None of these was stored: a refused request does not use up its query id.
        assertTrue(f.server.retrieval().store().query("q1").isEmpty());
        assertEquals(
            0,
            f.server
                .retrieval()
                .store()
                .provenCount(
                    Resnet8.model().vk().digest().bytes(), set.getItemSetId().toByteArray()));
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void committingChecksItsItems() throws Exception {
    try (SellerFixture f = SellerFixture.start(tmp, AnswerProver.HONEST)) {
      SellerRetrieval r = f.server.retrieval();
      RequestRejected e = assertThrows(RequestRejected.class, () -> r.commit("none", List.of()));
      assertTrue(e.getMessage().startsWith("items:"), e.getMessage());
      e =
          assertThrows(
              RequestRejected.class,
              () ->
                  r.commit(
                      "ragged",
                      List.of(
                          new SellerRetrieval.Item("a", new int[] {1, 2}),
                          new SellerRetrieval.Item("b", new int[] {1}))));
      assertTrue(e.getMessage().startsWith("items[1].tensor"), e.getMessage());
      e =
          assertThrows(
              RequestRejected.class,
              () -> r.commit(" ", List.of(new SellerRetrieval.Item("a", new int[] {1}))));
      assertTrue(e.getMessage().startsWith("name:"), e.getMessage());
      // The same items again (a restarted seller): the same set, not a second one.
      List<SellerRetrieval.Item> items = List.of(new SellerRetrieval.Item("a", new int[] {1, 2}));
      ItemSet first = r.commit("set-" + UUID.randomUUID(), items);
      assertEquals(first, r.commit(first.getStatement().getName(), items));
      assertEquals(1, r.itemSets().size());
    }
  }

  @Test
  void privateItemsAreCommittedForARegisteredModelAndQueriedWithIt() throws Exception {
    byte[] key =
        "another 32-byte hiding key here!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (SellerFixture f = SellerFixture.start(tmp, AnswerProver.HONEST)) {
      SellerRetrieval r = f.server.retrieval();
      List<SellerRetrieval.Item> items = CifarItems.items(0);
      // Not registered: buyers could not verify its proofs.
      RequestRejected e =
          assertThrows(
              RequestRejected.class,
              () -> r.commitPrivate("p", items, Resnet8.otherModel(), key, done -> {}));
      assertEquals(RequestRejected.Reason.NOT_FOUND, e.reason(), e.getMessage());
      e =
          assertThrows(
              RequestRejected.class,
              () ->
                  r.commitPrivate(
                      "p",
                      List.of(new SellerRetrieval.Item("a", new int[] {1, 2, 3})),
                      Resnet8.model(),
                      key,
                      done -> {}));
      assertTrue(e.getMessage().contains("the model takes"), e.getMessage());

      ItemSet set = r.commitPrivate("p", items, Resnet8.model(), key, done -> {});
      f.server.seller().serve(Resnet8.otherModel(), "other", SellerFixture.METRICS);
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("localhost", f.server.port()).usePlaintext().build();
      try {
        var stub = RetrievalGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
        PartyKey buyer = PartyKey.generate();
        QueryRequest.Builder other =
            QueryRequest.newBuilder()
                .setQueryId("q2")
                .setItemSetId(set.getItemSetId())
                .setModelId(ByteString.copyFrom(Resnet8.otherModel().vk().digest().bytes()))
                .setPredicate(Predicate.newBuilder().setArgmaxIs(3))
                .setRequestedAtMillis(System.currentTimeMillis());
        assertRefused(
            Status.Code.FAILED_PRECONDITION,
            "its private items are committed for model " + Resnet8.model().vk().digest().hex(),
            () -> stub.query(signed(buyer, other)).hasNext());
        assertTrue(r.store().query("q2").isEmpty());
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
